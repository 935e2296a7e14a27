// Staff pages: a refused form's error summary takes the focus when the page loads, so a
// screen reader reads it and the eye lands on it; a link in it opens the <details> that
// holds its field and moves the focus to the field. Without JavaScript the summary is
// still the first thing in the page's content and its links still jump to each field.
(function () {
  "use strict";
  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    for (var p = target.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    var control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    (control || target).focus();
    (target.closest(".field") || target).scrollIntoView({ block: "center" });
    return true;
  }
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(link.getAttribute("href").slice(1))) event.preventDefault();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
