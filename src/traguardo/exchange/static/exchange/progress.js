// Follows a queued or running import: updates the progress bar, reloads the page when it is over.
(function () {
  var box = document.getElementById("progress-box");
  if (!box) { return; }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.total) { bar.max = s.total; bar.value = s.done || 0; }
        text.textContent = (s.done || 0) + " / " + (s.total || 0) + " " + (s.label || "");
        if (s.status === "queued" || s.status === "running") { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
