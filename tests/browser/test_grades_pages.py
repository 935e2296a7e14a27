"""The aggregation and grades pages as the admin sees them at 390 px and 1280 px: the rules
page with a weight error, the district table with a flag, a formula sheet, the grades page,
a unit's feedback print and a committee's annex 8. No sideways scrolling, no serious
axe-core violation. BALLOT_SCREENSHOTS=/some/dir keeps screenshots and the PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ballot_app.domain.aggregation_rules import read_rules, weight_field
from ballot_app.domain.composite import Component, RoleKind
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Member
from ballot_app.services import aggregation, grades
from ballot_app.services.campaign import current_campaign

from .. import factories
from ..domain.test_aggregation_rules import GOOD
from ..services.test_aggregation import _certified_meeting
from ..web.test_annex8 import _seed
from .conftest import SHOTS, log_in
from .test_staff_pages import WIDTHS, shoot

pytestmark = pytest.mark.slow


def test_rules_composites_grades_feedback_and_annex8(app, browser, live_server):
    m = _certified_meeting(
        app, ["excellent", "competent", "competent"], ["incompetent"] * 3 + ["competent"] * 2
    )
    committee = _seed(app)
    admin = factories.user(Role.ADMIN, name="ganbu")
    campaign = current_campaign()
    rules, _ = read_rules(GOOD, trim=False)
    assert rules is not None
    aggregation.save_rules(admin, campaign.id, rules)
    grades.record(admin, campaign.id)
    deputy = db.session.scalars(
        select(Member).where(Member.unit_id == m.unit_id, Member.is_principal.is_(False))
    ).one()
    ids = (campaign.id, m.unit_id, deputy.id, committee.unit.id)
    db.session.remove()
    cid, unit_id, member_id, committee_id = ids
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, "ganbu")
        page.goto(f"{live_server}/campaigns/{cid}/rules")
        page.fill(f"#{weight_field(RoleKind.DEPUTY, Component.ANNEX4)}", "25")
        page.click("button:has-text('保存规则')")
        page.wait_for_selector(".error-summary")
        assert "请减少 5%" in page.inner_text(".error-summary")
        shoot(page, f"rules-error-{width}")
        page.goto(f"{live_server}/campaigns/{cid}/composites")
        assert "不称职票超过有效票的三分之一" in page.inner_text("main")
        page.click("summary:has-text('图')")
        shoot(page, f"district-{width}")
        page.goto(f"{live_server}/campaigns/{cid}/grades")
        shoot(page, f"grades-{width}")
        page.goto(f"{live_server}/campaigns/{cid}/composites/{member_id}")
        assert "÷" in page.inner_text("article")
        shoot(page, f"formula-{width}")
        page.goto(f"{live_server}/units/{committee_id}/annex8")
        assert "未完成" in page.inner_text("body")
        shoot(page, f"annex8-{width}")
        if SHOTS and width == "1280":
            page.pdf(path=str(Path(SHOTS) / "annex8.pdf"), format="A4", landscape=True)
            page.goto(f"{live_server}/campaigns/{cid}/composites/{member_id}")
            page.pdf(path=str(Path(SHOTS) / "formula.pdf"), format="A4")
        context.close()
    # The feedback print, once the grades are signed off.
    admin = db.session.scalars(
        select(factories.User).where(factories.User.username == "ganbu")
    ).one()
    campaign = current_campaign()
    for r in grades.records(campaign):
        grades.decide(admin, r.id, r.proposed or "competent", "" if r.proposed else "审定")
    grades.sign_off(admin, campaign.id)
    db.session.remove()
    context = browser.new_context(viewport=WIDTHS["1280"])
    page = context.new_page()
    log_in(page, live_server, "ganbu")
    page.goto(f"{live_server}/campaigns/{cid}/feedback/{unit_id}")
    assert "考核结果反馈" in page.inner_text("article")
    shoot(page, "feedback-1280")
    if SHOTS:
        page.pdf(path=str(Path(SHOTS) / "feedback.pdf"), format="A4")
    context.close()
