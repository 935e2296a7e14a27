// The live count: ask for the board every 1.5 s with the last ETag; swap it in only when
// the server says it changed (200), keep it on 304. Works across any number of app
// processes, since the server keeps nothing in memory between requests.
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
        status.textContent = "自动更新中 · " + new Date().toLocaleTimeString("zh-CN");
      })
      .catch(function () {
        failures += 1;
        status.textContent = "连接中断，正在重试……（第 " + failures + " 次）";
      })
      .then(function () { setTimeout(poll, failures ? 3000 : 1500); });
  }
  setTimeout(poll, 1500);
})();
