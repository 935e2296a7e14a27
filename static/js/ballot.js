/* The voter's pages with JavaScript on: token out of the address bar, progress, choices kept
   in this phone per slip (localStorage, 12 hours) through reloads and back/forward, the review
   shown on the phone (the page's own blank review, filled from the form: no request), a
   review's 「修改」 landing on its row, a comment counter, a submit that survives a dropped
   connection and whose answer is the receipt itself, no double post, and back from the receipt
   showing the receipt again. Scan to receipt is two requests. Everything works without it. */
(function () {
  "use strict";
  var KEEP_MS = 12 * 3600 * 1000;
  function usable(s) { try { s.setItem("t", "1"); s.removeItem("t"); return s; } catch (e) { return null; } }
  var store = usable(window.localStorage) || usable(window.sessionStorage);
  function get(k) {
    try {
      var v = store && JSON.parse(store.getItem(k) || "null");
      if (v && Date.now() - v.at < KEEP_MS) return v.value;
      if (v) store.removeItem(k);
    } catch (e) { /* unreadable: as if absent */ }
    return null;
  }
  function put(k, v) { try { if (store) store.setItem(k, JSON.stringify({ at: Date.now(), value: v })); } catch (e) { /* full or off */ } }
  function drop(k) { try { if (store) store.removeItem(k); } catch (e) { /* off */ } }

  var ballot = document.getElementById("ballot");
  var review = document.getElementById("review");
  var entry = document.getElementById("entry");
  var form = ballot || review;

  // A slip this phone has cast (its receipt was shown here): its ballot or review, back from
  // the browser's memory or posted again, gives way to the receipt.
  function castHere() {
    var done = get("ballot.done");
    return done && form && done.s && done.s === form.elements.slip.value.slice(-16) ? done.url : null;
  }
  if (castHere()) { location.replace(castHere()); return; }
  window.addEventListener("pageshow", function (ev) { if (ev.persisted && castHere()) location.replace(castHere()); });

  // The slip's value leaves the address bar (and so history and screenshots), and every page
  // of the ballot (a post's answer included) becomes a plain /v in history: back from the
  // receipt asks for /v, never for a post to be sent again.
  if (form) history.replaceState(null, "", "/v");

  if (form) {
    put("ballot.slip", form.elements.slip.value);
    put("ballot.meeting", form.elements.meeting ? form.elements.meeting.value : "");
  }

  // One draft per slip: a phone that held two slips in a day keeps them apart.
  function draftKey() { return "ballot.draft." + (get("ballot.slip") || "").slice(-16); }
  function forget() { drop(draftKey()); drop("ballot.slip"); drop("ballot.meeting"); }

  function restore() {
    var saved = get(draftKey()) || {};
    if (ballot.querySelector("input[type=radio]:checked")) return;
    Object.keys(saved).forEach(function (name) {
      if (name === "comment") { if (ballot.elements.comment && !ballot.elements.comment.value) ballot.elements.comment.value = saved.comment; return; }
      var input = ballot.querySelector('input[name="' + name + '"][value="' + saved[name] + '"]');
      if (input) input.checked = true;
    });
  }

  function count() {
    var names = {};
    Array.prototype.forEach.call(ballot.querySelectorAll("input[type=radio]:checked"), function (i) { names[i.name] = i.value; });
    if (ballot.elements.comment) names.comment = ballot.elements.comment.value;
    put(draftKey(), names);
    var filled = document.getElementById("filled");
    if (filled) filled.textContent = Object.keys(names).filter(function (n) { return n !== "comment"; }).length;
    tally();
  }

  // Form 6's comment: 「已输入 n / 500 字」 as one types; a screen reader hears it once typing
  // pauses, not at every key. Counts characters as the server does (one per emoji).
  var comment = ballot && ballot.elements.comment;
  var shown = document.getElementById("comment-count");
  var told = document.getElementById("comment-count-live");
  var max = comment && comment.maxLength > 0 ? comment.maxLength : 500;
  var pause = null;
  function tallyText() {
    var v = comment.value.replace(/\r\n/g, "\n");
    var n = v.length - (v.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
    return n > max ? "已输入 " + n + " / " + max + " 字，超出 " + (n - max) + " 字，请删减" : "已输入 " + n + " / " + max + " 字";
  }
  function tally() {
    if (!comment || !shown) return;
    shown.hidden = false;
    shown.textContent = tallyText();
  }
  if (comment && told) {
    comment.addEventListener("input", function () {
      clearTimeout(pause);
      pause = setTimeout(function () { told.textContent = tallyText(); }, 1200);
    });
  }

  // Back from the review's 「修改」 of one row: that row, in view, its choice focused.
  function land() {
    var name = ballot.getAttribute("data-focus");
    var row = name && document.getElementById(name === "comment" ? "comment-field" : name);
    if (!row) return;
    var input = name === "comment" ? ballot.elements.comment : row.querySelector("input:checked") || row.querySelector("input");
    if (input) { try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); } }
    row.scrollIntoView(true);
  }

  if (ballot) {
    restore();
    ballot.addEventListener("change", count);
    ballot.addEventListener("input", count);
    count();
    land();
    // Back/forward may show this page from the browser's memory: bring it up to date.
    window.addEventListener("pageshow", function (ev) { if (ev.persisted) { restore(); count(); } });
  }

  // One tap posts once: later taps while the first is on its way do nothing.
  function postOnce(f, ev) {
    if (f.getAttribute("data-sent") === "1") { ev.preventDefault(); return; }
    f.setAttribute("data-sent", "1");
    setTimeout(function () { f.removeAttribute("data-sent"); }, 8000);
  }
  if (entry) entry.addEventListener("submit", function (ev) { postOnce(entry, ev); });

  // The review on the phone (SPEC rule 5): the ballot page carries the review page blank
  // (templates/voter/_review.html in a <template>); it is filled from the form and shown in
  // place of the ballot, with a history entry of its own so that back returns to the ballot.
  var blank = document.getElementById("review-template");
  var ballotStep = document.getElementById("ballot-step");
  var reviewStep = document.getElementById("review-step");
  // Old kernels (WeChat's X5 on Chrome 57, Safari 10) turn FormData into "[object FormData]":
  // a body that would not carry the slip is never sent; the form posts as without script.
  function bodyOf(f) {
    try {
      var body = new URLSearchParams(new FormData(f));
      return body.has("slip") ? body : null;
    } catch (e) { return null; }
  }
  var canSend = !!(window.fetch && window.URLSearchParams && window.FormData);
  var local = !!(ballot && blank && blank.content && ballotStep && reviewStep && canSend &&
    history.pushState && bodyOf(ballot));
  var ballotTitle = document.title;
  var landOn = null;

  function fill(sheet) {
    var rows = 0, unset = 0;
    Array.prototype.forEach.call(sheet.querySelectorAll(".answer[data-row]"), function (answer) {
      var name = answer.getAttribute("data-row"), text = "";
      if (name === "comment") {
        text = ballot.elements.comment ? ballot.elements.comment.value.trim() : "";
      } else {
        var chosen = ballot.querySelector('input[name="' + name + '"]:checked');
        var label = chosen && chosen.parentNode.querySelector("span");
        text = label ? label.textContent : "";
        rows += 1;
        if (!text) unset += 1;
      }
      answer.querySelector("[data-set]").textContent = text;
      answer.querySelector("[data-set]").hidden = !text;
      answer.querySelector("[data-unset]").hidden = !!text;
    });
    sheet.querySelector("input[name=confirm_empty]").value = unset;
    sheet.querySelector("#empty-rows").hidden = !unset;
    sheet.querySelector("#empty-count").textContent = unset;
    sheet.querySelector("#all-empty").hidden = unset !== rows;
    sheet.querySelector("#some-empty").hidden = unset === rows;
  }

  var ballotScroll = 0;
  function showReview(push) {
    if (!ballotStep.hidden) ballotScroll = window.scrollY;
    reviewStep.textContent = "";
    reviewStep.appendChild(blank.content.cloneNode(true));
    review = document.getElementById("review");
    fill(reviewStep);
    sending(review);
    ballotStep.hidden = true;
    reviewStep.hidden = false;
    document.title = blank.getAttribute("data-title") || ballotTitle;
    if (push) history.pushState({ review: 1 }, "", "/v");
    window.scrollTo(0, 0);
    document.getElementById("review-heading").focus();
    // A double tap on 「检查并提交」: its second tap lands on the review just shown, where
    // 「确认提交」 may be. The review's buttons wake a moment later.
    var buttons = review.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    setTimeout(function () { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); }, 400);
  }

  function showBallot(row) {
    reviewStep.hidden = true;
    reviewStep.textContent = "";
    review = null;
    ballotStep.hidden = false;
    document.title = ballotTitle;
    if (row) { ballot.setAttribute("data-focus", row); land(); return; }
    window.scrollTo(0, ballotScroll);
    var again = ballot.querySelector(".progress button");
    if (again) { try { again.focus({ preventScroll: true }); } catch (e) { again.focus(); } }
  }

  // 「修改」 and 「返回修改」: back to the ballot, as the browser's back button would.
  function backToBallot(row) {
    if (history.state && history.state.review) { landOn = row; history.back(); } else showBallot(row);
  }

  if (local) {
    // The page puts the ballot's scroll back itself (the row 「修改」 named, or where it was).
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    window.addEventListener("popstate", function (ev) {
      if (!document.body.contains(ballotStep)) return;
      if (ev.state && ev.state.review) showReview(false); else showBallot(landOn);
      landOn = null;
    });
  }

  if (ballot) {
    ballot.addEventListener("submit", function (ev) {
      // A comment longer than the server takes: the server's own page says so.
      var tooLong = comment && tallyText().indexOf("超出") >= 0;
      if (local && !tooLong) { ev.preventDefault(); showReview(true); return; }
      postOnce(ballot, ev);
    });
  }

  // The final submit: sent in the background, so that a dropped connection leaves the voter
  // on this page with every choice, and a second tap simply tries again. The server casts
  // each slip once and answers with the receipt, naming its address (Content-Location): it
  // goes into the address bar, so a reload asks for the receipt. A repeat of a submit that did
  // arrive shows the same receipt.
  function sending(form) {
    var status = form.querySelector("#submit-status");
    var pressed = null; // the button tapped (older browsers have no event.submitter)
    form.addEventListener("click", function (ev) {
      var b = ev.target.closest && ev.target.closest("button");
      if (b) pressed = b;
    });
    form.addEventListener("submit", function (ev) {
      var by = ev.submitter || pressed;
      pressed = null;
      var filled = form.hasAttribute("data-blank");
      if (by && by.getAttribute("formaction")) { // 修改 / 返回修改
        if (filled) { ev.preventDefault(); backToBallot(by.name === "row" ? by.value : null); }
        return; // the server's review: a plain post
      }
      var body = canSend && bodyOf(filled ? ballot : form);
      if (!body) return; // a plain post (the blank review is shown only when a body works)
      ev.preventDefault();
      if (form.getAttribute("data-sent") === "1") return;
      form.setAttribute("data-sent", "1");
      if (filled) body.set("confirm_empty", form.elements.confirm_empty.value);
      if (status) { status.className = "submit-status"; status.textContent = "正在提交……"; }
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) {
          if (r.redirected) { location.replace(r.url); return null; }
          var where = r.headers.get("Content-Location");
          return r.text().then(function (html) {
            if (where) history.replaceState(null, "", where);
            // The receipt: its body in place of this one (the same stylesheet and script,
            // nothing to load again). Any other answer (a refusal, a question) is its page.
            var page = where && window.DOMParser && new DOMParser().parseFromString(html, "text/html");
            if (page && page.querySelector(".receipt-code")) {
              document.title = page.title;
              document.body.parentNode.replaceChild(document.adoptNode(page.body), document.body);
              window.scrollTo(0, 0);
              receiptShown();
              return;
            }
            document.open(); document.write(html); document.close();
          });
        })
        .catch(function () {
          form.removeAttribute("data-sent");
          if (status) status.className = "submit-status is-error";
          if (status) status.textContent = "网络不通，这次没有提交成功。您的选择都还在：请检查网络后，再点一次「确认提交」。";
        });
    });
  }
  if (review) sending(review);

  // The receipt: this slip is done here, and back to its ballot shows this receipt again.
  function receiptShown() {
    var here = location.pathname + location.search;
    var slip = get("ballot.slip");
    if (slip && location.pathname.indexOf("/v/receipt/") === 0) put("ballot.done", { s: slip.slice(-16), url: here });
    forget();
    if (location.pathname.indexOf("/v/receipt/") !== 0) return;
    // Back from a receipt shown over the ballot (same page, an earlier entry): the receipt.
    window.addEventListener("popstate", function () { location.replace(here); });
  }
  if (document.querySelector(".receipt-code")) receiptShown();
  // A refusal without a way back: this slip is done here.
  if (document.getElementById("refusal") && !document.querySelector("input[name=slip]")) forget();

  // Back (or forward) to /v after a ballot was cast here: the receipt again, not a code to type.
  function cameBack() {
    try {
      var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
      return nav ? nav.type === "back_forward" : performance.navigation.type === 2;
    } catch (e) { return false; }
  }
  function receiptHere() {
    var link = document.querySelector("#done a");
    return link ? link.getAttribute("href") : (get("ballot.done") || {}).url;
  }
  if (entry && !document.querySelector(".error-summary") && !get("ballot.slip")) {
    if (cameBack() && receiptHere()) location.replace(receiptHere());
    window.addEventListener("pageshow", function (ev) { if (ev.persisted && receiptHere()) location.replace(receiptHere()); });
  }

  // A reload of /v after replaceState: go back to the ballot with the draft, by POST.
  if (entry && !document.querySelector(".error-summary") && get("ballot.slip")) {
    var back = document.createElement("form");
    back.method = "post"; back.action = "/v/edit";
    var add = function (n, v) { var i = document.createElement("input"); i.type = "hidden"; i.name = n; i.value = v; back.appendChild(i); };
    add("slip", get("ballot.slip"));
    if (get("ballot.meeting")) add("meeting", get("ballot.meeting"));
    var draft = get(draftKey()) || {};
    Object.keys(draft).forEach(function (n) { add(n, draft[n]); });
    document.body.appendChild(back);
    back.submit();
  }
})();
