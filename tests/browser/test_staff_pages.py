"""The same pages serve tellers' and organizers' phones: no sideways scrolling at 390 px and
no serious or critical axe-core violation on the pages they use in the hall; the meeting page
as steps; lists as cards on a phone; a refused form's summary takes the focus.

Set BALLOT_SCREENSHOTS=/some/dir to keep a full-page screenshot of each page looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.web import public_url

from .. import factories
from .conftest import PHONE, SHOTS, log_in, look

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"390": PHONE, "1280": DESKTOP}


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core's check, no sideways scrolling, and a full-page screenshot when asked."""
    look(page, name)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
        # And the page in screen-high parts, to look at each closely.
        height, screen = page.evaluate("document.documentElement.scrollHeight"), 900
        for i in range(min(8, -(-height // screen))):
            clip = {"x": 0, "y": i * screen, "width": width, "height": screen}
            part = Path(SHOTS) / "parts" / f"{name}-{i + 1}.png"
            part.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(part), full_page=True, clip=clip)


def _owner(m):  # type: ignore[no-untyped-def]
    return db.session.get(factories.User, m.created_by_id).username


def test_staff_pages_on_a_phone(app, browser, live_server):
    m = factories.meeting(app, a=2, b=4, members=3)
    teller = factories.teller(m, name="jipiao")
    owner = db.session.get(factories.User, m.created_by_id)
    meeting_id, organizer, counter = m.id, owner.username, teller.username
    db.session.remove()
    for username, paths in (
        (organizer, ["/", f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/results"]),
        (counter, [f"/meetings/{meeting_id}/live", f"/meetings/{meeting_id}/paper"]),
    ):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        look(page, "staff-login")
        log_in(page, live_server, username)
        for path in paths:
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            look(page, "staff" + path.replace("/", "-"))
        if username == counter:
            page.click("button:has-text('开始录入这一叠')")
            page.wait_for_selector("#entry")
            look(page, "staff-paper-entry")
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_meeting_page_in_draft_and_open(app, browser, live_server, width):
    m = factories.meeting(app, a=4, b=12, members=4, state=MeetingState.DRAFT)
    meeting_id, organizer = m.id, _owner(m)
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    log_in(page, live_server, organizer)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    current = page.locator(".steps [aria-current=step]")
    assert current.count() == 1 and current.inner_text().startswith("试扫码")
    assert "开启投票后这里会出现监票人二维码" in page.inner_text("#monitor")
    assert not page.is_disabled("#live_step")
    shoot(page, f"meeting-draft-{width}")
    # The header keeps 「退出」 on the brand's line.
    brand, logout = page.locator(".header .brand"), page.locator(".header button")
    assert abs(brand.bounding_box()["y"] - logout.bounding_box()["y"]) < 20

    page.click("button:has-text('开启投票箱')")
    page.wait_for_selector(".flash.success")
    assert page.locator(".steps [aria-current=step]").inner_text().startswith("关闭")
    assert page.locator("#monitor svg").count() == 1
    assert page.is_disabled("#live_step") and page.is_disabled("#live_turnout_only")
    shoot(page, f"meeting-open-{width}")
    # Each step's link lands on its section.
    page.click(".steps a[href='#paper']")
    assert page.evaluate("location.hash") == "#paper"
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_new_meeting_form_lands_on_its_summary(app, browser, live_server, width):
    owner = factories.user()
    unit = factories.unit(owner)
    unit_id, username = unit.id, owner.username
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    log_in(page, live_server, username)
    page.goto(f"{live_server}/meetings/new/{unit_id}")
    page.fill("#title", "")
    page.fill("#count_a", "12")
    page.fill("#count_b", "5000")
    page.click("button:has-text('建立会议')")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.inner_text(".error-summary h2") == "有 3 处需要修改"  # title, date, B
    assert page.input_value("#count_a") == "12" and page.input_value("#count_b") == "5000"
    shoot(page, f"new-meeting-errors-{width}")
    page.click(".error-summary a[href='#count_b']")
    assert page.evaluate("document.activeElement.id") == "count_b"
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_settings_form_shows_the_error_beside_the_field(app, browser, live_server, width):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    meeting_id, organizer = m.id, _owner(m)
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    log_in(page, live_server, organizer)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.fill("#live_step", "2")
    page.fill("#participants", "40")
    page.click("button:has-text('保存设置')")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "步长请填 3 到 50 之间的整数" in page.inner_text("#settings .field-error")
    assert page.input_value("#participants") == "40"
    shoot(page, f"settings-error-{width}")
    context.close()


def test_the_admins_reopen_reason_shows_in_an_open_details(app, browser, live_server):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    meeting_id = m.id
    admin = factories.user(Role.ADMIN, name="guanli").username
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, admin)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.click("summary:has-text('重新开启投票箱')")
    page.click("button:has-text('重新开启')")
    page.wait_for_selector(".error-summary")
    assert page.is_visible("#reason") and page.is_visible("text=请填写原因。")
    look(page, "meeting-reopen-error")
    # The admin's header (with 操作日志) still keeps 「退出」 on one line; the log is cards.
    page.goto(f"{live_server}/audit")
    brand, logout = page.locator(".header .brand"), page.locator(".header button")
    assert abs(brand.bounding_box()["y"] - logout.bounding_box()["y"]) < 20
    shoot(page, "audit-390")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_roster_is_cards_on_a_phone_and_a_table_on_a_desktop(app, browser, live_server, width):
    owner = factories.user()
    unit = factories.unit(owner, members=5)
    unit_id, username = unit.id, owner.username
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    log_in(page, live_server, username)
    page.goto(f"{live_server}/units/{unit_id}")
    name = page.locator("table.cards tbody tr").first.locator("td[data-label='姓名']")
    display = name.evaluate("td => getComputedStyle(td).display")
    assert display == ("block" if width == "390" else "table-cell")
    lines = name.evaluate(
        "td => { const r = document.createRange(); r.selectNodeContents(td);"
        " return r.getClientRects().length; }"
    )
    assert lines == 1  # a name on one line, never one character per line
    assert width != "390" or name.bounding_box()["width"] > 150
    shoot(page, f"roster-{width}")
    page.goto(f"{live_server}/")
    shoot(page, f"units-{width}")
    context.close()


def test_the_projector_shows_the_count_without_the_staff_header(app, browser, live_server):
    m = factories.meeting(app)
    meeting_id, organizer = m.id, _owner(m)
    db.session.remove()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server, organizer)
    page.goto(f"{live_server}/meetings/{meeting_id}/live?projector=1")
    assert page.locator("header").count() == 0
    look(page, "projector")
    context.close()


def test_an_organizer_picks_the_address_the_hall_phones_reach(
    app, browser, live_server, monkeypatch
):
    app.config["PUBLIC_BASE_URL"] = ""
    monkeypatch.setattr(public_url, "SOURCES", [lambda: ["127.0.0.1", "192.168.1.20", "10.8.0.3"]])
    m = factories.meeting(app, state=MeetingState.DRAFT)
    meeting_id, organizer = m.id, _owner(m)
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, organizer)
    page.goto(f"{live_server}/meetings/{meeting_id}#address")
    assert "手机打不开这个地址" in page.inner_text("#address")
    port = live_server.rsplit(":", 1)[1]
    shoot(page, "meeting-address-choice-390")
    page.check(f"input[value='http://192.168.1.20:{port}']")
    page.click("button:has-text('用这个地址打印测评码')")
    page.wait_for_selector(".flash.success")
    assert f"http://192.168.1.20:{port}" in page.inner_text("#address strong")
    assert page.is_visible("#address a:has-text('试扫码')")
    context.close()
