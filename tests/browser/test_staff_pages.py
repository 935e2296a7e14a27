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
    brand, logout = page.locator(".header .brand"), page.locator(".header .who button")
    assert abs(brand.bounding_box()["y"] - logout.bounding_box()["y"]) < 20

    page.click("button:has-text('开启投票箱')")
    # The confirmation step: what opening does, and nothing done until it is confirmed.
    page.wait_for_selector("h1:has-text('开启投票箱？')")
    assert "测评对象" in page.inner_text("main") and page.is_visible("text=返回，不做了")
    look(page, f"meeting-confirm-open-{width}")
    page.click("button:has-text('确认开启投票箱')")
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
    brand, logout = page.locator(".header .brand"), page.locator(".header .who button")
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
    assert display in (("block", "flow-root") if width == "390" else ("table-cell",))
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


#: Any element of a table narrower than two characters whose text wraps: a squeezed column
#: (「第/1/叠」). A short text (「表B」) may be narrow; it must stay on one line.
SQUEEZED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("main table, main table *")) {
    if (!el.textContent.trim() || el.closest(".visually-hidden")) continue;
    const head = el.closest("thead");
    if (head && getComputedStyle(head).position === "absolute") continue;  // cards: hidden
    const width = el.getBoundingClientRect().width;
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size;
    if (width < 2 * parseFloat(getComputedStyle(el).fontSize) && lines > 1)
      bad.push(`${el.tagName} 「${el.textContent.trim().slice(0, 12)}」 ${width}px`);
  }
  return bad;
}"""


def _counted_paper_stacks(m, teller) -> None:  # type: ignore[no-untyped-def]
    """Two stacks counted by the teller: table B with three sheets, table A with two."""
    from ballot_app.domain.choices import Category
    from ballot_app.domain.marks import Packet
    from ballot_app.services import paper

    m.paper_issued = 6
    db.session.commit()
    for category, sheets in ((Category.B, 3), (Category.A, 2)):
        stack = paper.open_stack(teller, m, category)
        spec = paper.entry_spec(m, category)
        for i in range(sheets):
            marks = {r.field: r.codes[(i + j) % len(r.codes)] for j, r in enumerate(spec.rows)}
            paper.enter_sheet(teller, m, stack, Packet(marks, "会场意见" if i == 0 else ""))
        paper.finish_pass(teller, m, stack)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_paper_pages_are_cards_on_a_phone_and_a_refusal_lands_on_its_summary(
    app, browser, live_server, width
):
    m = factories.meeting(app, a=2, b=4, members=3)
    teller = factories.teller(m, name="jipiao")
    _counted_paper_stacks(m, teller)
    meeting_id = m.id
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    log_in(page, live_server, "jipiao")
    page.goto(f"{live_server}/meetings/{meeting_id}/paper")
    assert page.locator("table.paper-stacks tbody tr").count() == 2
    assert page.locator("table.paper-sheets tbody tr").count() == 5
    cell = page.locator("table.paper-sheets td[data-label='叠']").first
    display = cell.evaluate("td => getComputedStyle(td).display")
    assert display in (("block", "flow-root") if width == "390" else ("table-cell",))
    assert page.evaluate(SQUEEZED) == []
    assert page.locator("details[open]").count() == 0
    shoot(page, f"paper-{width}")

    # A withdraw without a reason: the summary at the top has the focus, the details is open,
    # the numbers typed stay; the summary's link moves to the reason.
    page.click("summary:has-text('撤回一张录错的纸质票')")
    page.fill("#stack", "1")
    page.fill("#sheet", "2")
    page.click("button:has-text('下一步：核对后撤回')")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.evaluate("document.querySelector('#withdraw').open")
    assert page.input_value("#stack") == "1" and page.input_value("#sheet") == "2"
    assert page.is_visible("#reason-error")
    assert page.evaluate(SQUEEZED) == []
    shoot(page, f"paper-withdraw-refused-{width}")
    page.click(".error-summary a[href='#reason']")
    assert page.evaluate("document.activeElement.id") == "reason"

    # With a reason: the confirmation shows the sheet, and only its button withdraws it.
    page.fill("#reason", "把表A的票录进了表B")
    page.click("button:has-text('下一步：核对后撤回')")
    page.wait_for_selector("h1:has-text('确认撤回第 1 叠第 2 张？')")
    assert "撤回原因：把表A的票录进了表B" in page.inner_text("main")
    shoot(page, f"paper-withdraw-confirm-{width}")
    page.click("button:has-text('确认撤回')")
    page.wait_for_selector(".flash.success")
    assert "已撤回：把表A的票录进了表B" in page.inner_text("table.paper-sheets")

    # The entry page: a row whose mark cannot be read (a forged value) is summarised at the
    # top, the marks chosen stay, and the summary's link moves to the row.
    page.click("button:has-text('开始录入这一叠')")
    page.wait_for_selector("#entry")
    rows = page.locator("#entry fieldset.row")
    rows.nth(0).locator("label").nth(0).click()
    second = rows.nth(1).get_attribute("id")
    page.evaluate(f"document.querySelector('#{second} input').value = 'great'")
    rows.nth(1).locator("label").nth(0).click()
    page.click("#entry button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.is_checked(f"#{rows.nth(0).get_attribute('id')} input >> nth=0")
    assert page.evaluate(SQUEEZED) == []
    shoot(page, f"paper-entry-error-{width}")
    page.click(f".error-summary a[href='#{second}']")
    assert page.evaluate("document.activeElement.name") == second
    # Sent again as it stands (the unreadable row now 未填): the sheet is listed as a card.
    page.click("#entry button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.locator("table.paper-listed tbody tr").count() == 1
    assert page.evaluate(SQUEEZED) == []
    shoot(page, f"paper-stack-{width}")
    context.close()
