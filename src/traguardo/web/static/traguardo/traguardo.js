/* Traguardo on every page: the theme's fonts, and the focus on a refused form's summary. */
(function () {
  "use strict";
  // Bootstrap Italia ships Titillium Web, Lora and Roboto Mono but declares them only
  // when asked; base.html sets window.__PUBLIC_PATH__ to our own static fonts folder.
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts();
  }
  // A table or chart wider than the screen scrolls in its own box: the box takes the
  // keyboard focus (arrow keys scroll it) and is named after its caption.
  var boxes = document.querySelectorAll(".table-responsive, .chart-box, main figure");
  Array.prototype.forEach.call(boxes, function (box) {
    var scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (!scrolls || box.hasAttribute("tabindex")) {
      return;
    }
    var caption = box.querySelector("caption, figcaption, title");
    var english = document.documentElement.lang === "en";
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute(
      "aria-label",
      caption ? caption.textContent.trim() : english ? "Scrollable content" : "Contenuto scorrevole"
    );
  });
  // A save refused by the server comes back with an error summary: screen-reader and
  // keyboard users land on it, and its links lead to each field (WCAG 3.3.1).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
