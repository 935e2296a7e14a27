"""A rater on a phone (390 px) scores a 15-person sheet from the personal link, meets the
all-equal refusal, fixes it, reviews, submits and sees the receipt; the admin's returns page
and the printed annex 3. No sideways scrolling, no serious axe-core violation.
BALLOT_SCREENSHOTS=/some/dir keeps a screenshot of each page and the annex 3 PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_app.domain.score_sheets import ALL_EQUAL, SheetKind
from ballot_app.extensions import db
from ballot_app.models import ScoreSheet

from ..web.test_score_sheets import build, link
from .conftest import PHONE, SHOTS, log_in
from .test_staff_pages import WIDTHS, shoot

pytestmark = pytest.mark.slow


def test_a_rater_scores_fifteen_people_on_a_phone(app, browser, live_server):
    w = build(app, deputies=13)
    sheet = w.sheet(SheetKind.ANNEX2)
    url, sheet_id = link(app, sheet), sheet.id
    db.session.remove()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}{url}")
    inputs = page.locator("input[name^=score-]")
    assert inputs.count() == 15
    shoot(page, "rater-sheet-390")
    for i in range(15):
        inputs.nth(i).fill("85")
    page.click("button:has-text('下一步：核对')")
    page.wait_for_selector(".error-summary")
    assert ALL_EQUAL in page.inner_text(".error-summary")
    assert inputs.nth(14).input_value() == "85"  # nothing typed is lost
    shoot(page, "rater-all-equal-390")
    for i in range(15):
        inputs.nth(i).fill(f"{95 - i}")
    page.locator("input[name^=remark-]").first.fill("分管工作成效突出")
    page.click("button:has-text('下一步：核对')")
    page.wait_for_selector("text=请核对分数")
    assert "95.0" in page.inner_text("table") and "分管工作成效突出" in page.inner_text("table")
    shoot(page, "rater-review-390")
    page.click("button:has-text('确认提交')")
    page.wait_for_selector("text=评分表已交回，已经密封")
    shoot(page, "rater-receipt-390")
    stored = db.session.get(ScoreSheet, sheet_id)
    assert stored is not None and stored.is_sealed
    shown = page.inner_text(".digest")
    assert shown.replace(" ", "").lower() == stored.digest[:16]
    context.close()


def test_the_returns_page_and_the_printed_annex_3(app, browser, live_server):
    w = build(app, deputies=13)
    campaign_id, username = w.unit.campaign_id, w.admin.username
    annex3 = w.sheet(SheetKind.ANNEX3).id
    db.session.remove()
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, username)
        for path, name in (
            (f"/campaigns/{campaign_id}/sheets", "sheets"),
            (f"/campaigns/{campaign_id}/returns", "sheet-returns"),
            (f"/campaigns/{campaign_id}/leaders", "leaders"),
            (f"/sheets/{annex3}", "sheet-admin"),
        ):
            page.goto(f"{live_server}{path}")
            shoot(page, f"{name}-{width}")
        page.goto(f"{live_server}/sheets/{annex3}/paper")
        assert "党政正职签名" in page.inner_text("article")
        assert "评测15" in page.inner_text("article")
        if width == "1280":
            look_pdf = Path(SHOTS) / "annex3.pdf" if SHOTS else None
            if look_pdf:
                page.pdf(path=str(look_pdf), format="A4")
                page.screenshot(path=str(Path(SHOTS) / "annex3-1280.png"), full_page=True)
            page.goto(f"{live_server}/sheets/{annex3}/notice")
            assert page.locator("svg.qr").count() == 1
            if SHOTS:
                page.pdf(path=str(Path(SHOTS) / "sheet-notice.pdf"), format="A4")
        context.close()
