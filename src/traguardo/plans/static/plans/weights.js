// Live sum of an objective's indicator weights (the server checks it again on save).
(function () {
  var form = document.getElementById("weights-form");
  var out = document.getElementById("weights-total");
  if (!form || !out) return;
  function parse(text) {
    var t = text.trim().replace(/%$/, "").trim();
    if (!/^\d+\.\d{1,2}$/.test(t)) t = t.replace(/\./g, "").replace(",", ".");
    return t === "" ? NaN : Number(t);
  }
  function update() {
    var total = 0, bad = false;
    form.querySelectorAll(".weight-input").forEach(function (input) {
      var n = parse(input.value);
      if (isNaN(n)) bad = true; else total += n;
    });
    total = Math.round(total * 1000) / 1000;
    out.textContent = bad ? "?" : total.toLocaleString("it-IT", {maximumFractionDigits: 3});
    var ok = !bad && Math.abs(total - 100) < 1e-9;
    out.classList.toggle("ok", ok);
    out.classList.toggle("off", !ok);
  }
  form.addEventListener("input", update);
})();
