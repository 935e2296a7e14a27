"""The composites' inputs: form 5 votes from certified meetings only, scores from sealed
sheets only, each member's role, and where each figure came from."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import DEFAULT_POINTS, Component, RoleKind, Rules, composite
from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.roles import Role
from ballot_app.domain.score_sheets import SheetKind, SheetState, to_tenths
from ballot_app.extensions import db
from ballot_app.models import Member
from ballot_app.services import aggregation, meetings
from ballot_app.services import score_sheets as sheets
from ballot_app.services.campaign import current_campaign

from .. import factories


def _certified_meeting(app, a_votes: list[str], b_votes: list[str]):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=len(a_votes), b=len(b_votes), members=3)
    for choice, value in zip(a_votes, factories.slip_values(app, m, "A"), strict=True):
        factories.cast(app, m, value, form5=choice)
    for choice, value in zip(b_votes, factories.slip_values(app, m, "B"), strict=True):
        factories.cast(app, m, value, form5=choice)
    owner = db.session.get(factories.User, m.created_by_id)
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    return m


def test_votes_come_from_the_certified_meeting_and_scores_from_sealed_sheets_only(app):
    m = _certified_meeting(app, ["excellent", "excellent", "competent"], ["competent"] * 4)
    admin = factories.user(Role.ADMIN, name="admin1")
    campaign = current_campaign()
    sheets.issue_sheets(admin, campaign.id)  # annex 3 and one annex 4 per principal
    deputy = db.session.scalars(
        select(Member).where(Member.unit_id == m.unit_id, Member.is_principal.is_(False))
    ).one()
    annex4 = [s for s in sheets.campaign_sheets(campaign) if s.kind == SheetKind.ANNEX4]
    for sheet, score in zip(annex4, ("88", "91.5"), strict=True):
        row = next(r for r in sheet.rows if r.member_id == deputy.id)
        row.score_tenths = to_tenths(Decimal(score))
    annex4[0].state = SheetState.RETURNED  # the second stays open: it must not count
    db.session.commit()
    found = {a.inputs.member_id: a.inputs for a in aggregation.member_inputs(campaign)}
    mine = found[deputy.id]
    assert mine.role == RoleKind.DEPUTY
    assert mine.form5_a == {
        G.EXCELLENT: 2,
        G.COMPETENT: 1,
        G.BASICALLY_COMPETENT: 0,
        G.INCOMPETENT: 0,
    }
    assert mine.form5_b[G.COMPETENT] == 4
    assert mine.annex4 == (Decimal("88.0"),)
    assert "测试会议" in mine.sources[Component.FORM5_A]
    assert f"评分表第 {annex4[0].id} 号" in mine.sources[Component.ANNEX4]
    # Table A: (100 + 100 + 80) ÷ 3 = 93.33; annex 4: 88.0 (the open sheet left out).
    rules = Rules(
        DEFAULT_POINTS,
        {RoleKind.DEPUTY: {Component.FORM5_A: Decimal(50), Component.ANNEX4: Decimal(50)}},
    )
    c = composite(mine, rules)
    assert c.value == Decimal("90.67")  # (93.33 × 50 + 88.00 × 50) ÷ 100 = 90.665 → 90.67


def test_an_open_meeting_gives_no_votes(app):
    m = factories.meeting(app, a=2, b=2, members=3)
    for value in factories.slip_values(app, m):
        factories.cast(app, m, value, form5="excellent")
    found = [a.inputs for a in aggregation.member_inputs(current_campaign())]
    assert found and all(i.form5_a is None and i.form5_b is None for i in found)
    assert {i.role for i in found} == {RoleKind.PRINCIPAL, RoleKind.DEPUTY}
