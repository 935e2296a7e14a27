"""Grades: recorded proposals, stale marking when a sheet is reopened, decisions with a
reason, sign-off refusing every write afterwards, and the 诫勉谈话 it opens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ballot_app.domain.aggregation_rules import read_rules
from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.roles import Role
from ballot_app.domain.score_sheets import SheetKind, SheetState, to_tenths
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, GradeRecord, Member, Talk
from ballot_app.services import aggregation, grades, interviews
from ballot_app.services import score_sheets as sheets
from ballot_app.services.campaign import current_campaign
from ballot_app.services.errors import InvalidInput, StateBlocked

from .. import factories
from ..domain.test_aggregation_rules import GOOD
from .test_aggregation import _certified_meeting


def _world(app):  # type: ignore[no-untyped-def]
    """A certified meeting of 2 principals and a deputy, rules set, a sealed annex 4."""
    m = _certified_meeting(app, ["excellent", "competent", "competent"], ["competent"] * 4)
    admin = factories.user(Role.ADMIN, name="admin1")
    campaign = current_campaign()
    rules, _ = read_rules(GOOD, trim=False)
    assert rules is not None
    aggregation.save_rules(admin, campaign.id, rules)
    sheets.issue_sheets(admin, campaign.id)
    annex4 = next(s for s in sheets.campaign_sheets(campaign) if s.kind == SheetKind.ANNEX4)
    for row in annex4.rows:
        row.score_tenths = to_tenths(Decimal("88"))
    annex4.state, annex4.digest = SheetState.RETURNED, sheets.stored_digest(annex4)
    db.session.commit()
    deputy = db.session.scalars(
        select(Member).where(Member.unit_id == m.unit_id, Member.is_principal.is_(False))
    ).one()
    return admin, campaign, annex4, deputy


def test_a_reopened_sheet_marks_the_record_stale_and_says_why(app):
    admin, campaign, annex4, deputy = _world(app)
    assert grades.record(admin, campaign.id) == 3
    assert grades.staleness(campaign).is_clean
    sheets.reopen(admin, annex4.id, "评分人要求更正")
    stale = grades.staleness(campaign)
    record = db.session.scalars(select(GradeRecord).where(GradeRecord.member_id == deputy.id)).one()
    assert stale.reasons[record.id] == ["附件4 党政正职评分由 88.00 变为 缺"]
    with pytest.raises(StateBlocked, match="重新计算"):
        grades.decide(admin, record.id, G.COMPETENT.value, "")
    grades.record(admin, campaign.id)  # recomputed: up to date again
    assert grades.staleness(campaign).is_clean


def test_a_decision_unlike_the_proposal_needs_a_reason(app):
    admin, campaign, _, deputy = _world(app)
    grades.record(admin, campaign.id)
    record = db.session.scalars(select(GradeRecord).where(GradeRecord.member_id == deputy.id)).one()
    other = next(g for g in G if g.value != record.proposed)
    with pytest.raises(InvalidInput, match="请写明理由"):
        grades.decide(admin, record.id, other.value, " ")
    grades.decide(admin, record.id, other.value, "常委会研究决定")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "grades.decide")).one()
    assert "常委会研究决定" in event.detail


def test_sign_off_needs_every_grade_then_refuses_every_write_and_opens_the_talks(app):
    admin, campaign, _, deputy = _world(app)
    unit = deputy.unit
    grades.record(admin, campaign.id)
    found = grades.records(campaign)
    with pytest.raises(StateBlocked, match="没有审定"):
        grades.sign_off(admin, campaign.id)
    for r, g in zip(found, (G.EXCELLENT, G.BASICALLY_COMPETENT, G.INCOMPETENT), strict=True):
        grades.decide(admin, r.id, g.value, "" if g.value == r.proposed else "审定")
    assert grades.sign_off(admin, campaign.id) == 2
    talks = db.session.scalars(select(Talk)).all()
    assert sorted(t.grade for t in talks) == sorted(
        [G.BASICALLY_COMPETENT.value, G.INCOMPETENT.value]
    )
    for write in (
        lambda: grades.record(admin, campaign.id),
        lambda: grades.decide(admin, found[0].id, G.COMPETENT.value, "改"),
        lambda: grades.sign_off(admin, campaign.id),
        lambda: aggregation.save_rules(admin, campaign.id, aggregation.rules_of(campaign)),  # type: ignore[arg-type]
        lambda: interviews.save(admin, unit, {}),
    ):
        with pytest.raises(StateBlocked, match="已经签发"):
            write()
    # The talks go on: recorded after the sign-off, done once a date and a name are given.
    with pytest.raises(InvalidInput) as refused:
        grades.update_talk(admin, talks[0].id, grades.TalkInput(None, "", "", True))
    assert "谈话日期和谈话人" in refused.value.fields["held_on"]
    grades.update_talk(
        admin, talks[0].id, grades.TalkInput(date(2027, 1, 5), "组织部王某", "已谈", True)
    )
    db.session.expire_all()
    assert db.session.get(Talk, talks[0].id).is_done


def test_verify_recomputes_the_signed_grades_and_catches_a_score_changed_behind_the_apps_back(app):
    from sqlalchemy import text

    from ballot_app.services import verify

    admin, campaign, annex4, deputy = _world(app)
    grades.record(admin, campaign.id)
    for r in grades.records(campaign):
        grades.decide(admin, r.id, r.proposed or G.COMPETENT.value, "" if r.proposed else "审定")
    grades.sign_off(admin, campaign.id)
    clean = verify.verify_database()
    assert clean.is_clean and clean.grades_recomputed == 3
    db.session.execute(
        text("UPDATE score_row SET score_tenths = 500 WHERE sheet_id = :s AND member_id = :m"),
        {"s": annex4.id, "m": deputy.id},
    )
    db.session.commit()
    found = verify.verify_database().differences
    assert any("签发后被改动过" in d and deputy.name in d for d in found)
    assert any(f"评分表第 {annex4.id} 号" in d for d in found)


def test_changed_rules_mark_every_record_stale_and_a_moved_proposal_clears_its_decision(app):
    admin, campaign, annex4, deputy = _world(app)
    grades.record(admin, campaign.id)
    record = db.session.scalars(select(GradeRecord).where(GradeRecord.member_id == deputy.id)).one()
    grades.decide(admin, record.id, record.proposed, "")
    stricter, _ = read_rules(
        {**GOOD, "threshold_excellent": "99", "threshold_competent": "89"}, trim=False
    )
    assert stricter is not None
    aggregation.save_rules(admin, campaign.id, stricter)
    stale = grades.staleness(campaign)
    assert stale.reasons[record.id][0] == "评分汇总和定等规则在记录后有修改"
    assert grades.sign_blockers(campaign)  # nothing signs off on old proposals
    grades.record(admin, campaign.id)
    db.session.refresh(record)
    assert record.decided == "" and record.proposed != G.COMPETENT.value  # decide again
    assert grades.staleness(campaign).is_clean


def test_after_sign_off_the_inputs_are_frozen_but_a_unit_may_be_renamed(app, client, actions):
    from ballot_app.services import roster
    from ballot_app.services.campaign import GradesSigned

    admin, campaign, annex4, deputy = _world(app)
    grades.record(admin, campaign.id)
    for r in grades.records(campaign):
        grades.decide(admin, r.id, r.proposed or G.COMPETENT.value, "" if r.proposed else "审定")
    grades.sign_off(admin, campaign.id)
    with pytest.raises(GradesSigned):
        sheets.reopen(admin, annex4.id, "更正")
    with pytest.raises(GradesSigned):
        roster.update_member(admin, deputy, roster.MemberInput("改名", "副镇长"))
    db.session.rollback()
    unit = deputy.unit
    unit.name = "更名镇"
    db.session.commit()
    actions.login_as(admin)
    page = client.get(f"/campaigns/{campaign.id}/feedback/{unit.id}").get_data(as_text=True)
    assert deputy.name in page  # found by the unit's id, whatever its name


def test_a_member_removed_before_sign_off_leaves_with_the_next_recording(app):
    from ballot_app.services import roster

    admin, campaign, _, deputy = _world(app)
    grades.record(admin, campaign.id)
    member_id = deputy.id
    roster.remove_member(admin, deputy)
    assert any("已不在" in r[0] for r in grades.staleness(campaign).reasons.values())
    grades.record(admin, campaign.id)
    assert member_id not in {r.member_id for r in grades.records(campaign)}
    assert grades.staleness(campaign).is_clean


def test_an_uncertified_meeting_of_a_township_blocks_the_sign_off(app):
    admin, campaign, _, deputy = _world(app)
    factories.meeting(app, unit_name="未完镇", members=2)  # its box is open
    grades.record(admin, campaign.id)
    assert any("没有确认结果" in b for b in grades.sign_blockers(campaign))
