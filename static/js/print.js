// Print pages: the 「打印」 button opens the browser's print dialog (no inline handler: the
// Content-Security-Policy allows scripts from this site's files only).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
