"""The phone ballot as people meet it: a 390 × 844 phone in headless Chromium against a live
server. Scan → fill → review → submit → receipt; a reload halfway; each refusal page; the
page at 320 px; no JavaScript; a double tap; a dropped connection; 「修改」 landing on its row;
the comment's counter and its place on the review; back from the receipt; and axe-core's
checks (zero serious or critical violations) on every voter page.

Set BALLOT_SCREENSHOTS=/some/dir to keep a screenshot of each page looked at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import Ballot

from .. import factories
from .conftest import PHONE, SHOTS, choose, log_in, to_review
from .conftest import look as _look

pytestmark = pytest.mark.slow


def _meeting(app, **kw):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=1, b=3, members=5, **kw)
    return m, factories.slip_values(app, m, "B")


def test_scan_fill_reload_review_submit_receipt(app, browser, live_server):
    m, values = _meeting(app)
    meeting_id = m.id
    db.session.remove()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    assert page.url == f"{live_server}/v"  # the slip's value left the address bar
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text(".progress").startswith("已填 0/7")
    _look(page, "1-ballot-top")

    choose(page, [0, 1, 0])  # three of five evaluees
    assert "已填 3/7" in page.inner_text(".progress")
    page.locator("fieldset.row").nth(3).scroll_into_view_if_needed()
    _look(page, "2-ballot-halfway")
    page.reload()  # WeChat reloads; the choices come back
    page.wait_for_selector("fieldset.row")
    assert "已填 3/7" in page.inner_text(".progress")
    checked = page.eval_on_selector_all("input[type=radio]:checked", "els => els.map(e => e.value)")
    assert checked == ["excellent", "competent", "excellent"]

    choose(page, [0, 1, 0, 2, 3, 0, 1])
    page.fill("#comment", "希望多下基层")
    to_review(page)
    review = page.inner_text("main")
    assert "请核对您的选择" in review and "不称职" in review and "希望多下基层" in review
    _look(page, "3-review")
    page.go_back()  # WeChat's back button from the review: the ballot, still filled in
    page.wait_for_selector("#ballot")
    assert "已填 7/7" in page.inner_text(".progress")
    assert page.input_value("#comment") == "希望多下基层"
    to_review(page)
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector(".receipt-code")
    _look(page, "4-receipt")
    code = page.inner_text(".receipt-code").strip()
    assert len(code) >= 10 and "投票成功" in page.inner_text("main")
    assert db.session.query(Ballot).filter_by(meeting_id=meeting_id).count() == 1
    # The receipt shows no choice.
    assert not any(w in page.inner_text("main") for w in ("优秀", "称职", "较好", "希望"))
    context.close()


def test_each_refusal_is_a_clear_chinese_page(app, browser, live_server):
    open_m, open_values = _meeting(app)
    draft, draft_values = _meeting(app, state=MeetingState.DRAFT, unit_name="乙镇")
    closed, closed_values = _meeting(app, state=MeetingState.CLOSED, unit_name="丙镇")
    factories.cast(app, open_m, open_values[1])
    code_of_open = factories.manual_codes(app, open_m)[0]
    draft_id = draft.id
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    cases = [
        ("refusal-invalid", f"/v/{open_values[0][:-4]}AAAA", "码无效"),
        ("refusal-used", f"/v/{open_values[1]}", "码已使用"),
        ("refusal-not-started", f"/v/{draft_values[0]}", "本次测评尚未开始"),
        ("refusal-ended", f"/v/{closed_values[0]}", "本次测评已结束"),
    ]
    for name, path, title in cases:
        page.goto(f"{live_server}{path}")
        assert page.inner_text("h1") == title, name
        assert "手输码" in page.inner_text("main")  # a way forward on every refusal
        _look(page, name)
    page.goto(f"{live_server}/v?m={draft_id}")
    page.fill("input[name=code]", code_of_open)
    page.click("button[type=submit]")
    assert "该码不属于本次会议" in page.inner_text("main")
    assert page.input_value("input[name=code]") == code_of_open  # what was typed stays
    _look(page, "refusal-other-meeting")
    context.close()


def test_the_ballot_fits_320_px_with_large_targets_text_and_visible_focus(
    app, browser, live_server
):
    m, values = _meeting(app)
    db.session.remove()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in (f"/v/{values[0]}", "/v"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.goto(f"{live_server}/v/{values[0]}")
    _large_targets_and_text(page, "ballot")
    for_labels = page.evaluate(
        """() => [...document.querySelectorAll('input[type=radio], textarea')]
            .filter(i => !(i.labels && i.labels.length)).length"""
    )
    assert for_labels == 0
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 }"
    )
    assert outline, "the focused element shows a focus ring"
    choose(page, [0] * 7)
    to_review(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "review"
    _large_targets_and_text(page, "review")
    context.close()


def _large_targets_and_text(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Tap targets at least 44 × 44 CSS px, text at least 16 px."""
    small = page.evaluate(
        """() => [...document.querySelectorAll('main .options label, main button, main a.button')]
            .map(e => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect()])
            .filter(([t, r]) => r.width && (r.width < 44 || r.height < 44))
            .map(([t, r]) => `${t} ${Math.round(r.width)}×${Math.round(r.height)}`)"""
    )
    assert small == [], name
    tiny_text = page.evaluate(
        """() => [...document.querySelectorAll('main p, main li, main label, main legend, main span, main dt, main dd, main button, main textarea')]
            .filter(e => e.textContent.trim() && parseFloat(getComputedStyle(e).fontSize) < 16)
            .map(e => e.textContent.trim().slice(0, 12))"""
    )
    assert tiny_text == [], name


def test_without_javascript_the_plain_form_posts_all_the_way(app, browser, live_server):
    m, values = _meeting(app)
    meeting_id = m.id
    db.session.remove()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    choose(page, [1] * 7)
    to_review(page)
    page.click("button:has-text('确认提交')")
    page.wait_for_selector(".receipt-code")
    assert db.session.query(Ballot).filter_by(meeting_id=meeting_id).count() == 1
    context.close()


def test_a_double_tap_posts_once(app, browser, live_server):
    m, values = _meeting(app)
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    posts: list[str] = []
    page.on(
        "request",
        lambda r: (
            posts.append(r.url) if r.method == "POST" and r.url.endswith("/v/submit") else None
        ),
    )
    page.goto(f"{live_server}/v/{values[0]}")
    choose(page, [0] * 7)
    to_review(page)
    page.locator("button:has-text('确认提交')").dblclick()
    page.wait_for_selector(".receipt-code")
    assert len(posts) == 1
    context.close()


def test_a_double_tap_on_check_and_submit_stops_at_the_review(app, browser, live_server):
    """The review is shown on the phone at the first tap; a second tap that lands on its
    「确认提交」 (a short review, a quick finger) must not submit: the review's buttons wake a
    moment after it shows."""
    m = factories.meeting(app, a=0, b=3, members=1, form5=False)  # form 6 only: a short review
    value = factories.slip_values(app, m, "B")[0]
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server}/v/{value}")
    choose(page, [0, 0])
    page.locator("button:has-text('检查并提交')").click()
    confirm = page.locator("button:has-text('确认提交')").bounding_box()  # at once
    assert confirm
    page.mouse.click(confirm["x"] + confirm["width"] / 2, confirm["y"] + confirm["height"] / 2)
    page.wait_for_timeout(800)
    assert page.locator("#review").is_visible() and posts == []
    assert db.session.query(Ballot).count() == 0
    page.locator("button:has-text('确认提交')").click()  # read, then tapped: it goes
    page.wait_for_selector(".receipt-code")
    assert len(posts) == 1
    context.close()


def test_a_submit_lost_to_the_network_is_retried_safely(app, browser, live_server):
    m, values = _meeting(app)
    meeting_id = m.id
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    choose(page, [0] * 7)
    to_review(page)

    # The first submit reaches the server, but its answer never reaches the phone.
    lost = {"n": 0}

    def drop_the_answer(route):  # type: ignore[no-untyped-def]
        if lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # the server casts the ballot
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/v/submit", drop_the_answer)
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector("#submit-status:has-text('网络')")
    assert "请核对您的选择" in page.inner_text("main")  # still on the review, nothing lost
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector(".receipt-code")  # the retry shows the same ballot's receipt
    assert db.session.query(Ballot).filter_by(meeting_id=meeting_id).count() == 1
    context.close()


def test_the_ballot_page_is_three_small_requests_to_this_host(app, browser, live_server):
    m, values = _meeting(app)
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    seen: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: seen.append((r.url, r.sizes()["responseBodySize"])))
    page.goto(f"{live_server}/v/{values[0]}")
    page.wait_for_load_state("networkidle")
    urls = [u for u, _ in seen]
    assert all(u.startswith(live_server) for u in urls), urls  # nothing from another host
    assert len(urls) <= 3, urls
    assert sum(size for _, size in seen) <= 50_000  # raw; bench/ measures gzip too
    context.close()


def test_an_organizer_creates_a_meeting_and_prints_slips_to_a4_pdf(app, browser, live_server):
    """Create meeting → print slips → PDF through Chromium's print: A4, 8 slips a page."""
    owner = factories.user(name="kaohe")
    unit = factories.unit(owner, members=3)
    unit_id, username = unit.id, owner.username
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, username)
    page.goto(f"{live_server}/meetings/new/{unit_id}")
    page.fill("#held_on", "2026-12-01")
    page.fill("#count_a", "3")
    page.fill("#count_b", "14")
    page.click("button:has-text('建立会议')")
    page.wait_for_selector("text=会议已建立")
    page.click("text=打印这一批（A4）")
    page.wait_for_selector(".sheet")
    assert page.locator(".slip").count() == 17
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 3  # 17 slips, 8 to a page
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in sizes)
    context.close()


def _row_in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """The element is wholly on screen, above the sticky 「已填」 bar."""
    return bool(
        page.eval_on_selector(
            selector,
            """el => { const r = el.getBoundingClientRect();
                const bar = document.querySelector('.progress').getBoundingClientRect();
                return r.top >= 0 && r.bottom <= Math.min(innerHeight, bar.top) }""",
        )
    )


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_edit_on_the_review_returns_to_that_row(app, browser, live_server, js):
    m, values = _meeting(app)
    fifth = f"f5_{factories.evaluee_ids(m)[4]}"
    db.session.remove()
    context = browser.new_context(viewport=PHONE, java_script_enabled=js)
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    choose(page, [0, 1, 2, 3, 1, 0, 0])
    page.fill("#comment", "希望多下基层")
    to_review(page)
    page.locator("button[aria-label^='修改：']").nth(4).click()  # the fifth evaluee's
    page.wait_for_selector("#ballot")
    assert page.evaluate("scrollY") > 300, "not the top of the ballot"
    assert _row_in_view(page, f"#{fifth}")
    if js:
        assert page.url == f"{live_server}/v"  # the slip's value stays out of the address bar
        focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        assert focused == [fifth, "competent"]  # the row's own choice, ready to change
        _look(page, "ballot-edit-row")
    else:
        assert page.url.endswith(f"/v/edit#{fifth}")
    assert page.input_value("#comment") == "希望多下基层"
    assert "已填 7/7" in page.inner_text(".progress") or not js
    # The comment's 「修改」: its text box.
    to_review(page)
    page.locator("button[aria-label='修改：评议意见或工作建议']").click()
    page.wait_for_selector("#ballot")
    assert _row_in_view(page, "#comment-field")
    if js:
        assert page.evaluate("document.activeElement.id") == "comment"
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_review_shows_the_comment_label_on_one_line(app, browser, live_server, width):
    m, values = _meeting(app)
    db.session.remove()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    _shot(page, f"ballot-{width}")
    choose(page, [0, 1, 0, 2, 3, 0, 1])
    page.fill("#comment", "希望领导班子多下基层，多听群众意见。\n" * 6 + "https://example.org/" * 6)
    to_review(page)
    label = page.locator(".answer.comment dt").bounding_box()
    assert label and label["width"] > label["height"], label  # not one character a line
    words, line = page.eval_on_selector(
        ".answer.comment dt",
        """e => { const r = document.createRange(); r.selectNodeContents(e);
            return [r.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)] }""",
    )
    assert words < 1.5 * line, (words, line)  # 「评议意见或工作建议」 on one line
    text = page.locator(".answer.comment .comment-text").bounding_box()
    assert text and text["y"] >= label["y"] + label["height"] - 1  # the comment below it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"review-{width}")
    _look(page, f"review-comment-{width}")
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector(".receipt-code")
    _shot(page, f"receipt-{width}")
    context.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A whole-page screenshot in $BALLOT_SCREENSHOTS, when it is set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-full.png"), full_page=True)


def test_the_comment_counter_follows_typing_and_speaks_once_typing_pauses(
    app, browser, live_server
):
    m, values = _meeting(app)
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[0]}")
    counter = page.locator("#comment-count")
    assert counter.is_visible() and counter.inner_text() == "已输入 0 / 500 字"
    page.locator("#comment").press_sequentially("希望多下基层")
    assert counter.inner_text() == "已输入 6 / 500 字"  # at once, as one types
    assert page.text_content("#comment-count-live") in ("", "已输入 6 / 500 字")
    page.wait_for_function(
        "() => document.getElementById('comment-count-live').textContent === '已输入 6 / 500 字'"
    )
    page.fill("#comment", "长" * 500)
    page.locator("#comment").press("End")
    page.keyboard.type("多")  # the box takes no more than 500
    assert counter.inner_text() == "已输入 500 / 500 字"
    page.reload()  # the draft comes back, and so does its count
    page.wait_for_selector("#comment-count:not([hidden])")
    assert counter.inner_text() == "已输入 500 / 500 字"
    _look(page, "ballot-comment-counter")
    context.close()
    # Without JavaScript: the static limit, no counter left empty on the page.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/v/{values[1]}")
    assert "最多 500 字" in page.inner_text("#comment-field")
    assert not page.locator("#comment-count").is_visible()
    context.close()


def test_back_from_the_receipt_shows_the_receipt_again(app, browser, live_server):
    m, values = _meeting(app)
    other, _ = _meeting(app, unit_name="乙镇")
    code = factories.manual_codes(app, other)[0]
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    # Scanned: ballot → review → 修改 → review → submit; then back, and back again.
    page.goto(f"{live_server}/v/{values[0]}")
    choose(page, [0] * 7)
    to_review(page)
    page.locator("button[aria-label^='修改：']").nth(2).click()
    page.wait_for_selector("#ballot")
    to_review(page)
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector(".receipt-code")
    receipt = page.url
    for _ in range(3):
        page.go_back()
        if not page.url.startswith(live_server):
            break  # back past the receipt leaves the app (to the chat the slip was opened from)
        page.wait_for_url(receipt)
        page.wait_for_selector(".receipt-code")
        assert "投票成功" in page.inner_text("main")
        assert page.locator("#ballot, #review, #entry").count() == 0
    # The address typed afresh: the page says the ballot is in, with its receipt.
    page.goto(f"{live_server}/v")
    assert "您的票已经提交" in page.inner_text("h1")
    assert page.get_attribute("#done a", "href") == receipt.removeprefix(live_server)
    _look(page, "entry-after-vote")
    # Typed code, and the cookie lost (WeChat): the phone's own note still leads back.
    page.fill("#code", code)
    page.click("button:has-text('打开测评票')")
    page.wait_for_selector("#ballot")
    choose(page, [1] * 7)
    to_review(page)
    page.locator("button:has-text('确认提交')").click()
    page.wait_for_selector(".receipt-code")
    second = page.url
    assert second != receipt
    context.clear_cookies()
    page.go_back()
    page.wait_for_selector(".receipt-code")
    assert page.url == second
    context.close()
