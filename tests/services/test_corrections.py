"""Correcting what staff created: renames, deletes of what holds nothing, archives of what
holds ballots, and warnings before a second entry of the same name."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Meeting, Token, Unit, User
from ballot_app.services import corrections, meetings, roster
from ballot_app.services.errors import DuplicateWarning, InvalidInput, StateBlocked
from ballot_app.services.meetings import MeetingInput

from .. import factories


def _owner(m: Meeting) -> User:
    return db.session.get(User, m.created_by_id)


def test_a_unit_is_renamed_but_not_onto_another_units_name(app):
    owner = factories.user()
    unit = factories.unit(owner, name="东山镇")
    factories.unit(owner, name="西山镇")
    with pytest.raises(InvalidInput) as refused:
        corrections.rename_unit(owner, unit, "西山镇", "township", "")
    assert "已有单位「西山镇」" in refused.value.fields["name"]
    corrections.rename_unit(owner, unit, "东山街道", "township", "")
    assert (unit.name, unit.party_org_name) == ("东山街道", "东山街道党委")


def test_a_unit_with_only_draft_meetings_is_deleted_with_them_and_its_log_stays(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner, unit_id, meeting_id = _owner(m), m.unit_id, m.id
    corrections.delete_unit(owner, m.unit)
    assert db.session.get(Unit, unit_id) is None and db.session.get(Meeting, meeting_id) is None
    assert db.session.scalar(select(func.count()).select_from(Token)) == 0
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"meeting.create", "unit.delete"} <= actions


def test_a_unit_whose_box_was_opened_is_archived_never_deleted(app):
    m = factories.meeting(app)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    owner = _owner(m)
    with pytest.raises(StateBlocked) as refused:
        corrections.delete_unit(owner, m.unit)
    assert "请点「归档」" in refused.value.message
    with pytest.raises(StateBlocked):  # not while its box is open
        corrections.archive_unit(owner, m.unit)
    meetings.transition(owner, m, Transition.CLOSE)
    corrections.archive_unit(owner, m.unit)
    assert m.unit.is_archived and db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    corrections.archive_unit(owner, m.unit, archived=False)
    assert not m.unit.is_archived


def test_a_draft_meeting_is_renamed_and_deleted_but_an_opened_one_only_archived(app):
    draft = factories.meeting(app, state=MeetingState.DRAFT)
    owner = _owner(draft)
    corrections.rename_meeting(owner, draft, "述职测评大会（更正）", date(2026, 12, 9))
    assert (draft.title, draft.held_on) == ("述职测评大会（更正）", date(2026, 12, 9))
    with pytest.raises(InvalidInput) as refused:
        corrections.rename_meeting(owner, draft, " ", None)
    assert set(refused.value.fields) == {"title", "held_on"}
    with pytest.raises(StateBlocked):  # a draft is deleted, not archived
        corrections.archive_meeting(owner, draft)
    draft_id = draft.id
    corrections.delete_meeting(owner, draft)
    assert db.session.get(Meeting, draft_id) is None

    held = factories.meeting(app, owner=owner, unit_name="第二镇")
    factories.cast(app, held, factories.slip_values(app, held)[0])
    with pytest.raises(StateBlocked):
        corrections.rename_meeting(owner, held, "改名", date(2026, 12, 9))
    with pytest.raises(StateBlocked) as kept:
        corrections.delete_meeting(owner, held)
    assert "不能删除" in kept.value.message
    meetings.transition(owner, held, Transition.CLOSE)
    corrections.archive_meeting(owner, held)
    assert held.is_archived and db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_a_second_member_of_the_same_name_is_saved_only_once_confirmed(app):
    owner = factories.user()
    unit = factories.unit(owner, members=0)
    roster.add_member(owner, unit, roster.MemberInput("张明", "镇长"))
    with pytest.raises(DuplicateWarning) as warned:
        roster.add_member(owner, unit, roster.MemberInput("张明", "副镇长"))
    assert "已有同名成员「张明」（镇长）" in warned.value.fields["confirm_duplicate"]
    assert len(unit.members) == 1
    roster.add_member(owner, unit, roster.MemberInput("张明", "副镇长", confirm_duplicate=True))
    assert [m.post for m in unit.members] == ["镇长", "副镇长"]


def test_a_second_meeting_with_the_same_title_and_date_asks_first(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner, keys = _owner(m), factories.keys(app)
    same = MeetingInput(m.title, m.held_on, True, True, 0, 0)
    with pytest.raises(DuplicateWarning) as warned:
        meetings.create_meeting(owner, m.unit, same, keys)
    assert "已有一次" in warned.value.message
    again = MeetingInput(m.title, m.held_on, True, True, 0, 0, confirm_duplicate=True)
    assert meetings.create_meeting(owner, m.unit, again, keys).id != m.id
