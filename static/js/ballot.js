/* The voter's pages with JavaScript on: token out of the address bar, progress, a draft
   kept through a reload, and no double post. Everything works without this file. */
(function () {
  "use strict";
  var store;
  try { store = window.sessionStorage; store.setItem("t", "1"); store.removeItem("t"); }
  catch (e) { store = null; }
  function get(k) { try { return store && store.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { if (store) store.setItem(k, v); } catch (e) { /* full or off */ } }
  function drop(k) { try { if (store) store.removeItem(k); } catch (e) { /* off */ } }

  var ballot = document.getElementById("ballot");
  var review = document.getElementById("review");
  var entry = document.getElementById("entry");
  var form = ballot || review;

  // The slip's value leaves the address bar (and so history and screenshots).
  if (form && /^\/v\/[^/]+$/.test(location.pathname) && !/^\/v\/(receipt|check)\//.test(location.pathname)) {
    history.replaceState(null, "", "/v");
  }

  if (form) {
    var slip = form.elements.slip.value;
    put("ballot.slip", slip);
    put("ballot.meeting", form.elements.meeting ? form.elements.meeting.value : "");
  }

  function draftKey() { return "ballot.draft." + (get("ballot.slip") || "").slice(-16); }

  if (ballot) {
    var total = parseInt(ballot.getAttribute("data-rows"), 10) || 0;
    var filled = document.getElementById("filled");
    var saved = {};
    try { saved = JSON.parse(get(draftKey()) || "{}"); } catch (e) { saved = {}; }
    var anyChecked = ballot.querySelector("input[type=radio]:checked");
    if (!anyChecked) {
      Object.keys(saved).forEach(function (name) {
        if (name === "comment") { if (ballot.elements.comment && !ballot.elements.comment.value) ballot.elements.comment.value = saved.comment; return; }
        var input = ballot.querySelector('input[name="' + name + '"][value="' + saved[name] + '"]');
        if (input) input.checked = true;
      });
    }
    var count = function () {
      var names = {};
      Array.prototype.forEach.call(ballot.querySelectorAll("input[type=radio]:checked"), function (i) { names[i.name] = i.value; });
      if (ballot.elements.comment) names.comment = ballot.elements.comment.value;
      put(draftKey(), JSON.stringify(names));
      if (filled) filled.textContent = Object.keys(names).filter(function (n) { return n !== "comment"; }).length;
    };
    ballot.addEventListener("change", count);
    ballot.addEventListener("input", count);
    count();
  }

  // One tap posts once: later taps while the first is on its way do nothing.
  [ballot, review, entry].forEach(function (f) {
    if (!f) return;
    f.addEventListener("submit", function (ev) {
      if (f.getAttribute("data-sent") === "1") { ev.preventDefault(); return; }
      f.setAttribute("data-sent", "1");
      setTimeout(function () { f.removeAttribute("data-sent"); }, 8000);
    });
  });

  // A refusal without a way back: forget the slip, so /v does not bounce back to it.
  if (document.getElementById("refusal") && !document.querySelector("input[name=slip]")) {
    drop(draftKey()); drop("ballot.slip"); drop("ballot.meeting");
  }

  // The receipt: this slip is done, forget its draft.
  if (document.querySelector(".receipt-code")) {
    drop(draftKey()); drop("ballot.slip"); drop("ballot.meeting");
  }

  // A reload of /v after replaceState: go back to the ballot with the draft, by POST.
  if (entry && !document.querySelector(".error-summary") && get("ballot.slip")) {
    var back = document.createElement("form");
    back.method = "post"; back.action = "/v/edit";
    var add = function (n, v) { var i = document.createElement("input"); i.type = "hidden"; i.name = n; i.value = v; back.appendChild(i); };
    add("slip", get("ballot.slip"));
    if (get("ballot.meeting")) add("meeting", get("ballot.meeting"));
    var draft = {};
    try { draft = JSON.parse(get(draftKey()) || "{}"); } catch (e) { draft = {}; }
    Object.keys(draft).forEach(function (n) { add(n, draft[n]); });
    document.body.appendChild(back);
    back.submit();
  }
})();
