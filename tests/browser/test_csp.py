"""The strict Content-Security-Policy breaks nothing a person meets: headless Chromium walks
the voter's ballot → review → receipt, the meeting page, the live board (staff, projector,
monitor link) and the prints, and sees no CSP violation (securitypolicyviolation events and
console reports), while the live board's bars keep their widths and 「打印」 still prints.

Set BALLOT_SCREENSHOTS=/some/dir to keep a screenshot of each page looked at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ballot_app.extensions import db
from ballot_app.models import User
from ballot_app.services import monitor

from .. import factories
from .conftest import PHONE, SHOTS, choose, log_in, to_review

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}

#: Playwright polls a wait_for_function given as an expression with eval, which the CSP
#: refuses: predicates here are written as functions ("() => …"), which it does not eval.

#: Runs before any script of every page: records violations and stands in for the print
#: dialog (a headless browser has none), counting the calls.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                    " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""

#: For each bar on the board: its share (n / total from its label), the drawn share.
BARS = """
() => Array.from(document.querySelectorAll("#live-board .bar")).map(function (bar) {
  var rect = bar.querySelector("rect");
  var outer = bar.getBoundingClientRect().width;
  return {
    label: bar.getAttribute("aria-label"),
    drawn: rect ? rect.getBoundingClientRect().width / outer : -1,
    outer: outer,
  };
})
"""


class Watcher:
    """A browser context whose pages report every CSP violation, in the page and in the
    console, and every failed request."""

    def __init__(self, browser, viewport) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.failed: list[str] = []
        self.seen: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def _response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.failed.append(f"{response.status} {response.url}")

    def check(self, name: str) -> None:
        """No violation on the page now shown (call before leaving it)."""
        self.seen.append(name)
        violations = self.page.evaluate("window.__csp")
        assert violations == [], f"{name}: {violations}"
        assert self.console == [], f"{name}: {self.console}"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"csp-{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.failed == [], self.failed
        self.context.close()


def _bars_have_their_widths(page, name: str) -> int:  # type: ignore[no-untyped-def]
    """Every bar is drawn at the share its label states; returns how many are not empty."""
    bars = page.evaluate(BARS)
    assert bars, f"{name}: no bar"
    filled = 0
    for bar in bars:
        n, total = (int(x) for x in re.search(r"(\d+) / (\d+)$", bar["label"]).groups())
        assert bar["outer"] > 50, f"{name}: {bar}"
        assert abs(bar["drawn"] - n / total) < 0.01, f"{name}: {bar} should be {n}/{total}"
        filled += n > 0
    return filled


def _meetings(app):  # type: ignore[no-untyped-def]
    """An open meeting (one phone slip to vote with) and a closed one with three ballots."""
    live = factories.meeting(app, a=1, b=3, members=2)
    owner = db.session.get(User, live.created_by_id)
    done = factories.meeting(app, a=1, b=3, members=2, owner=owner, unit_name="第二镇")
    marks = [("excellent", "good"), ("competent", "good"), ("excellent", "poor")]
    for value, (form5, duty) in zip(factories.slip_values(app, done, "B"), marks, strict=False):
        factories.cast(app, done, value, form5=form5, duty=duty)
    factories.meetings.transition(owner, done, factories.Transition.CLOSE)
    ids = {
        "live": live.id,
        "done": done.id,
        "slip": factories.slip_values(app, live, "B")[0],
        "link": monitor.monitor_value(live, factories.keys(app)),
        "owner": owner.username,
    }
    db.session.remove()
    return ids


def test_the_watcher_sees_a_violation(browser, live_server):
    """The check is not blind: an inline style set on a page is reported."""
    w = Watcher(browser, PHONE)
    w.page.goto(f"{live_server}/login")
    w.page.evaluate("document.body.setAttribute('style', 'color: red')")
    w.page.wait_for_function("() => window.__csp.length > 0", timeout=5000)
    assert "style-src" in w.page.evaluate("window.__csp")[0]
    w.context.close()


def test_the_voter_pages_run_under_the_policy(app, browser, live_server):
    ids = _meetings(app)
    w = Watcher(browser, PHONE)
    w.page.goto(f"{live_server}/v/{ids['slip']}")
    w.page.wait_for_selector("fieldset.row")
    rows = len(w.page.query_selector_all("fieldset.row"))
    choose(w.page, [0] * rows)
    assert f"已填 {rows}/{rows}" in w.page.inner_text(".progress")  # ballot.js runs
    w.check("voter-ballot")
    to_review(w.page)
    w.check("voter-review")
    w.page.click("button:has-text('确认提交')")
    w.page.wait_for_selector("text=投票成功")
    w.check("voter-receipt")
    w.close()


def test_staff_pages_live_board_and_prints_run_under_the_policy(app, browser, live_server):
    ids = _meetings(app)
    live, done = ids["live"], ids["done"]
    # One phone ballot in the open meeting: its 表B turnout bar is a third full.
    phone = Watcher(browser, PHONE)
    phone.page.goto(f"{live_server}/v/{ids['slip']}")
    choose(phone.page, [0] * len(phone.page.query_selector_all("fieldset.row")))
    to_review(phone.page)
    phone.page.click("button:has-text('确认提交')")
    phone.page.wait_for_selector("text=投票成功")
    phone.close()

    w = Watcher(browser, DESKTOP)
    log_in(w.page, live_server, ids["owner"])
    w.page.wait_for_url(re.compile(r".*/$"))
    w.check("home")
    w.page.goto(f"{live_server}/meetings/{live}")
    w.check("meeting")
    w.page.goto(f"{live_server}/meetings/{done}/results")
    w.check("results")

    for name, path in (
        ("live", f"/meetings/{live}/live"),
        ("projector", f"/meetings/{live}/live?projector=1"),
        ("monitor-link", f"/m/{ids['link']}"),
    ):
        w.page.goto(live_server + path)
        # live.js has swapped the board in from the server at least once by now.
        w.page.wait_for_function(
            "() => document.getElementById('live-status').textContent.includes('·')",
            timeout=8000,
        )
        assert "1 / 3" in w.page.inner_text("#live-board")
        assert _bars_have_their_widths(w.page, name) >= 1
        w.check(name)

    # The closed meeting's final results: a bar per choice, each at its share.
    w.page.goto(f"{live_server}/meetings/{done}/live")
    assert _bars_have_their_widths(w.page, "final results") >= 4
    w.check("live-final")

    for name, path, sheet in (
        ("print-test-qr", f"/print/{live}/test-qr", "page-portrait-12mm"),
        ("print-slips", f"/print/{live}/slips", "page-portrait-8mm"),
        ("print-form5", f"/print/{done}/form5", "page-landscape-10mm"),
        ("print-slip7", f"/print/{done}/slip7", "page-portrait-12mm"),
        ("print-paper-form", f"/print/{live}/paper/B", "page-portrait-12mm"),
    ):
        w.page.goto(live_server + path)
        rule = w.page.evaluate(
            """(name) => Array.from(document.styleSheets)
                 .filter(s => (s.href || "").includes(name))
                 .map(s => s.cssRules[0].cssText).join()""",
            sheet,
        )
        assert rule.startswith("@page"), f"{name}: {rule!r}"
        # The sheet's size comes from that stylesheet: A4, landscape for form 5 only.
        box = re.search(
            rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", w.page.pdf(prefer_css_page_size=True)
        )
        assert box, name
        width, height = (round(float(x) / 72 * 25.4) for x in box.groups())
        assert (width, height) == ((297, 210) if "landscape" in sheet else (210, 297)), name
        assert w.page.query_selector("svg.qr") or name != "print-test-qr"
        w.page.click("button:has-text('打印')")
        assert w.page.evaluate("window.__printed") == 1, name  # print.js's handler
        w.check(name)
    w.close()
    assert len(w.seen) == 12
