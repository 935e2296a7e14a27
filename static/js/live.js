// The live count: ask for the board every 1.5 s with the last ETag; swap it in only when
// the server says it changed (200), keep it on 304. Works across any number of app
// processes, since the server keeps nothing in memory between requests. The status line's
// words come from the page (data-updated, data-retrying), in the reader's language.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  var status = document.getElementById("live-status");
  if (!board || !window.fetch) return;
  var etag = null;
  var failures = 0;
  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(board.getAttribute("data-src"), { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 200) {
          etag = r.headers.get("ETag");
          return r.text().then(function (html) { board.innerHTML = html; });
        }
        if (r.status !== 304) throw new Error(String(r.status));
      })
      .then(function () {
        failures = 0;
        status.textContent = status.getAttribute("data-updated") + " · " +
          new Date().toLocaleTimeString(status.getAttribute("data-locale") || "zh-CN");
      })
      .catch(function () {
        failures += 1;
        status.textContent = status.getAttribute("data-retrying").replace("{n}", String(failures));
      })
      .then(function () { setTimeout(poll, failures ? 3000 : 1500); });
  }
  setTimeout(poll, 1500);
})();
