"""A teller's phone, or a 监票人's phone through the monitor link, watches the live count
while a voter's phone votes."""

import pytest

from ballot_app.extensions import db
from ballot_app.services import monitor

from .. import factories
from .conftest import PHONE, choose, log_in, to_review


def _vote_on_a_phone(browser, live_server, value):  # type: ignore[no-untyped-def]
    voting = browser.new_context(viewport=PHONE)
    phone = voting.new_page()
    phone.goto(f"{live_server}/v/{value}")
    choose(phone, [0] * len(phone.query_selector_all("fieldset.row")))
    to_review(phone)
    phone.click("button:has-text('确认提交')")
    phone.wait_for_selector("text=投票成功")
    voting.close()


def _sees_the_vote_without_reload(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => document.querySelector('#live-board').innerText.includes('1 / 4')", timeout=5000
    )
    assert page.evaluate("window.__sameDocument === true")  # updated in place, not reloaded
    assert "自动更新中" in page.inner_text("#live-status")
    # One ballot in the box: its table, and form 6, say when results come; no choice shows.
    board = page.inner_text("#live-board")
    assert "收回满 5 票后显示结果（现已收回 1 票）" in board
    assert "表6收回满 5 票后显示结果" in board
    assert page.query_selector_all(".live-results .bar") == []


@pytest.mark.slow
def test_the_live_page_updates_without_reload_after_a_phone_votes(app, browser, live_server):
    m = factories.meeting(app, a=1, b=3, members=2)
    teller = factories.teller(m, name="jipiao")
    value = factories.slip_values(app, m)[0]
    meeting_id, username = m.id, teller.username
    db.session.remove()

    watching = browser.new_context(viewport=PHONE)
    page = watching.new_page()
    log_in(page, live_server, username)
    page.goto(f"{live_server}/meetings/{meeting_id}/live")
    assert "0 / 4" in page.inner_text("#live-board")
    page.evaluate("window.__sameDocument = true")
    _vote_on_a_phone(browser, live_server, value)
    _sees_the_vote_without_reload(page)
    watching.close()


@pytest.mark.slow
def test_the_monitor_link_page_updates_after_a_phone_votes(app, browser, live_server):
    """A 监票人 without an account scans the organizer's QR and watches the count."""
    m = factories.meeting(app, a=1, b=3, members=2)
    link = monitor.monitor_value(m, factories.keys(app))
    value = factories.slip_values(app, m)[0]
    db.session.remove()

    watching = browser.new_context(viewport=PHONE)
    page = watching.new_page()
    page.goto(f"{live_server}/m/{link}")
    assert "0 / 4" in page.inner_text("#live-board")
    assert page.query_selector("form[action*='logout']") is None  # no account involved
    page.evaluate("window.__sameDocument = true")
    _vote_on_a_phone(browser, live_server, value)
    _sees_the_vote_without_reload(page)
    watching.close()
