"""A rehearsal (演练) in the browser: an organizer starts it from the draft meeting, prints
rehearsal slips, opens the box, sets 30 simulated phones voting, watches the live page move
in steps of the meeting's live step, ends the rehearsal and sees the real box at 0."""

import re
import time

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db

from .. import factories
from .conftest import PHONE, log_in, look

PHONES = 30
STEP = 5  # the meeting's live step (the default): results move by at least this much


def _form6_shown(page) -> int | None:  # type: ignore[no-untyped-def]
    """How many ballots form 6's live results are computed over, if they show yet."""
    found = re.search(r"表6 群众评议（(\d+) 票）", page.inner_text("#live-board"))
    return int(found.group(1)) if found else None


@pytest.mark.slow
def test_a_rehearsal_with_30_simulated_phones_moves_the_live_page_in_steps_and_wipes_to_zero(
    app, browser, live_server
):
    owner = factories.user(name="zuzhang")
    real = factories.meeting(app, state=MeetingState.DRAFT, owner=owner, members=3)
    real_id, username = real.id, owner.username
    db.session.remove()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, username)
    page.goto(f"{live_server}/meetings/{real_id}")
    page.click("button:has-text('开始演练')")
    page.wait_for_selector(".rehearsal-banner")
    rehearsal_url = page.url
    assert "的演练" in page.inner_text("#rehearsal")
    # Two rehearsal slips, so that the box may open; the phones get slips of their own.
    page.click("#slips summary")
    page.fill("#count_a", "1")
    page.fill("#count_b", "1")
    page.click("#slips-form button[type=submit]")
    page.click("#open button[type=submit]")
    page.click("button:has-text('确认开启投票箱')")
    page.wait_for_selector("#simulate-form")
    look(page, "rehearsal-page-390")
    page.fill("#count", str(PHONES))
    page.click("button:has-text('模拟手机投票')")
    page.wait_for_selector(f"text={PHONES} 部模拟手机开始投票")

    page.goto(rehearsal_url + "/live")
    assert page.query_selector(".rehearsal-banner") is not None
    seen: list[int] = []
    turnout = f"{PHONES} / {PHONES + 2}"
    deadline = time.monotonic() + 120  # 30 phones at a hall's pace take about 15 s
    while time.monotonic() < deadline:
        shown = _form6_shown(page)
        if shown is not None and (not seen or shown != seen[-1]):
            seen.append(shown)
        if turnout in page.inner_text("#live-board"):
            break
        page.wait_for_timeout(300)
    assert turnout in page.inner_text("#live-board"), seen
    assert len(seen) >= 3, f"the page moved in too few steps: {seen}"
    # The k-step rule: the results move only once a whole step more ballots are in.
    steps = [b - a for a, b in zip([0, *seen], seen, strict=False)]
    assert all(d >= STEP for d in steps), seen
    look(page, "rehearsal-live-390")
    # Closing the rehearsal's box shows the exact count, as in the real meeting.
    page.goto(rehearsal_url)
    page.click("#close button[type=submit]")
    page.click("button:has-text('确认关闭投票箱')")
    page.goto(rehearsal_url + "/live")
    assert f"最终结果（{PHONES} 票）" in page.inner_text("#live-board")

    page.goto(rehearsal_url)
    page.click("#rehearsal button:has-text('结束演练')")
    page.wait_for_selector("text=结束演练？")
    page.click("button:has-text('确认结束演练并清除')")
    page.wait_for_selector(f"text=演练已结束：清除了 {PHONES} 张票")
    assert page.url.endswith(f"/meetings/{real_id}")
    text = page.inner_text("main")
    assert "正式会议的投票箱是 0 票" in text
    assert "表A 已投 0 / 2，表B 已投 0 / 4" in text
    assert page.query_selector(".rehearsal-banner") is None
    look(page, "rehearsal-wiped-390")
    context.close()
