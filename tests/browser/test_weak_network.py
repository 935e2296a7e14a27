"""Scan to receipt on a weak network: Chromium's network conditions (400 ms latency,
400 kbit/s down, 200 kbit/s up), a phone that never visited (empty cache), JavaScript on and
off. Only the waiting is timed, not the person's taps: the ballot opening (to its load event),
the review showing, the receipt showing. Budgets: 2.5 s with JavaScript, 3.5 s without.

With JavaScript the review and the receipt appear without a navigation, and Playwright
re-checks a selector with back-off (up to half a second between tries) after the page
changes: so the page itself notes when they appear (a MutationObserver, in milliseconds of the
same clock), and the figure counts to that moment. Without JavaScript each step is a page
load, which Playwright waits for at once.

The figure is printed (run with -s), attached with record_property, and appended to the file
named by $BALLOT_TIMINGS when it is set.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from ballot_app.extensions import db
from ballot_app.models import Ballot
from ballot_app.services import voting

from .. import factories
from .conftest import PHONE, choose, to_review

pytestmark = pytest.mark.slow

#: Chromium's network conditions (DevTools protocol): latency in ms, throughput in bytes/s.
WEAK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 200_000 / 8,
}
BUDGET = {True: 2.5, False: 3.5}  # seconds, scan to receipt
#: Requests to the app that are not static files: GET the ballot, POST the submit (with
#: JavaScript the review is filled in on the phone); without it, POST the review as well.
MOST_REQUESTS = {True: 2, False: 3}
#: Notes the wall-clock time at which the review and the receipt first appear in the page.
SEEN = """
new MutationObserver(function () {
  var seen = window.__seen = window.__seen || {};
  if (!seen.review && document.getElementById("review")) seen.review = Date.now();
  if (!seen.receipt && document.querySelector(".receipt-code")) seen.receipt = Date.now();
}).observe(document, { subtree: true, childList: true });
"""


def _until_seen(page: Any, what: str, began: float, waited: float) -> float:
    """Seconds from `began` (time.time()) until the page noted `what`; else as waited."""
    seen = page.evaluate("window.__seen || {}").get(what)
    return seen / 1000 - began if seen else waited


def _path(url: str, live_server: str, slip: str) -> str:
    path = url.removeprefix(live_server).replace(slip, "<slip>")
    if path.startswith("/v/receipt/"):
        return "/v/receipt/…"
    return path


def _transferred(requests: list[Any], live_server: str, slip: str) -> str:
    """The ballot page and each static file as they came over the network: body bytes
    (encoded) and their Content-Encoding."""
    seen: dict[str, str] = {}
    for r in requests:
        response = r.response()
        path = _path(r.url, live_server, slip).split("?")[0]
        if response is None or path in seen or response.status != 200:
            continue
        if not (path.startswith("/static/") or path == "/v/<slip>"):
            continue
        size = r.sizes()["responseBodySize"]
        if size <= 0:
            continue  # from the cache
        name = "ballot page" if path == "/v/<slip>" else path.rsplit("/", 1)[-1]
        encoding = response.headers.get("content-encoding", "not compressed")
        seen[path] = f"{name} {size / 1000:.1f} kB ({encoding})"
    return ", ".join(seen.values())


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_scan_to_receipt_on_a_weak_network(app, browser, live_server, js, record_property):
    m = factories.meeting(app, a=1, b=3, members=5)
    meeting_id = m.id
    value = factories.slip_values(app, m, "B")[0]
    tracker = voting.signed_slip(factories.keys(app), value).tracker
    db.session.remove()

    context = browser.new_context(viewport=PHONE, java_script_enabled=js)  # empty cache
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", WEAK)
    to_app: list[str] = []  # the page's requests to the app, static files aside
    finished: list[Any] = []

    def sent(r: Any) -> None:
        path = _path(r.url, live_server, value)
        if r.url.startswith(live_server) and not path.startswith("/static/"):
            to_app.append(f"{r.method} {path}")

    page.on("request", sent)
    page.on("requestfinished", lambda r: finished.append(r))
    page.add_init_script(SEEN)  # runs only with JavaScript on

    # 1. Scan: the ballot, usable (its load event: stylesheet and script in).
    start = time.perf_counter()
    page.goto(f"{live_server}/v/{value}", wait_until="load")
    page.wait_for_selector("#ballot")
    opening = time.perf_counter() - start
    # 2. The person's choices: not timed.
    choose(page, [0, 1, 0, 2, 3, 0, 1])
    page.fill("#comment", "希望多下基层")
    # 3. 「检查并提交」 until the review shows.
    start, began = time.perf_counter(), time.time()
    to_review(page)
    reviewing = _until_seen(page, "review", began, time.perf_counter() - start)
    # 4. 「确认提交」 until the receipt shows (the person reads the review first: its buttons
    # wake 0.4 s after it shows, so that a double tap's second tap does not land on them).
    confirm = page.locator("button:has-text('确认提交')")
    confirm.wait_for()
    page.wait_for_selector("button:has-text('确认提交'):enabled")
    start, began = time.perf_counter(), time.time()
    confirm.click()
    page.wait_for_selector(".receipt-code")
    submitting = _until_seen(page, "receipt", began, time.perf_counter() - start)
    total = opening + reviewing + submitting
    flow = list(to_app)

    mode = "JavaScript on" if js else "JavaScript off"
    line = (
        f"weak network, {mode}: {total:.2f} s scan to receipt (ballot {opening:.2f} s, "
        f"review {reviewing:.2f} s, submit {submitting:.2f} s); {len(flow)} requests to the "
        f"app ({', '.join(flow)}); transferred: {_transferred(finished, live_server, value)}"
    )
    print(f"\n{line}")
    record_property(f"weak_network_{'js' if js else 'no_js'}", line)
    if os.environ.get("BALLOT_TIMINGS"):
        with open(os.environ["BALLOT_TIMINGS"], "a", encoding="utf-8") as out:
            out.write(line + "\n")

    code = page.inner_text(".receipt-code").strip()
    assert code == tracker
    assert "投票成功" in page.inner_text("main")
    assert db.session.query(Ballot).filter_by(meeting_id=meeting_id).count() == 1

    # A reload shows the same receipt and casts nothing. With JavaScript the receipt's own
    # address is in the address bar; without it Chromium sends the submit again (no prompt
    # under Playwright), and the server shows that slip's receipt again.
    page.reload()
    page.wait_for_selector(".receipt-code")
    assert page.inner_text(".receipt-code").strip() == code
    assert db.session.query(Ballot).filter_by(meeting_id=meeting_id).count() == 1
    context.close()

    # The budgets last, so that a slow run still checks all the rest.
    assert total < BUDGET[js], line
    if js:
        assert len(flow) == MOST_REQUESTS[js], line  # a redirect followed would be a third
    else:
        assert len(flow) <= MOST_REQUESTS[js], line
