"""Rehearsals (演练): a draft meeting rehearsed end to end, then wiped without a trace; nothing
of it reaches a real result (services/rehearsal.py). Runs on SQLite and on PostgreSQL."""

import threading

import pytest
from sqlalchemy import select

from ballot_app.domain import codes
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Meeting, Token, User
from ballot_app.services import meetings, rehearsal, results, slips, voting
from ballot_app.services.errors import (
    InvalidInput,
    MeetingNotOpen,
    SlipInvalid,
    SlipWrongMeeting,
    StateBlocked,
)
from ballot_app.services.progress import unit_figures

from .. import factories


def _draft(app):
    owner = factories.user()
    real = factories.meeting(app, state=MeetingState.DRAFT, owner=owner, members=3)
    return owner, real


def _rehearse(app, owner, real, a=2, b=3):
    r = rehearsal.start(owner, real)
    slips.issue_slips(owner, r, factories.keys(app), a, b)
    meetings.transition(owner, r, Transition.OPEN)
    return r


def _without_audit(dump: str) -> list[str]:
    return [line for line in dump.splitlines() if not line.startswith("audit_event")]


def test_a_rehearsal_is_a_copy_of_the_draft_that_the_units_list_leaves_out(app):
    owner, real = _draft(app)
    r = rehearsal.start(owner, real)
    assert r.is_rehearsal and r.rehearsal_of_id == real.id and r.state == MeetingState.DRAFT
    assert [(e.name, e.post) for e in r.evaluees] == [(e.name, e.post) for e in real.evaluees]
    assert all(e.member_id is None for e in r.evaluees)  # nothing of it names a member
    assert (r.is_form5_enabled, r.is_form6_enabled) == (real.is_form5_enabled, True)
    assert meetings.unit_meetings(real.unit) == [real]
    assert rehearsal.start(owner, real).id == r.id  # one rehearsal at a time
    with pytest.raises(StateBlocked):
        rehearsal.start(owner, r)  # a rehearsal of a rehearsal


def test_only_a_draft_can_be_rehearsed(app):
    m = factories.meeting(app)  # open
    with pytest.raises(StateBlocked, match="只有准备中的会议可以演练"):
        rehearsal.start(factories.user(), m)


def test_a_rehearsal_runs_like_the_real_meeting_and_cannot_be_certified(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real)
    values = factories.slip_values(app, r)
    for value in values[:4]:
        factories.cast(app, r, value, form5="competent")
    figures = results.meeting_results(r)
    assert figures.returned == 4
    meetings.transition(owner, r, Transition.CLOSE)
    assert results.meeting_results(r).slip7.valid == 4
    assert meetings.certify_blockers(owner, r, "计票甲", "监票乙") == [
        meetings.REHEARSAL_NOT_CERTIFIED
    ]
    with pytest.raises(StateBlocked):
        meetings.certify(owner, r, "计票甲", "监票乙", factories.keys(app))
    assert db.session.get(Meeting, r.id).state == MeetingState.CLOSED


def test_the_real_meeting_opens_only_once_its_rehearsal_has_ended(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real)
    assert meetings.REHEARSAL_FIRST in meetings.transition_blockers(owner, real, Transition.OPEN)
    with pytest.raises(StateBlocked):
        meetings.transition(owner, real, Transition.OPEN)
    rehearsal.wipe(owner, r)
    meetings.transition(owner, real, Transition.OPEN)
    assert db.session.get(Meeting, real.id).state == MeetingState.OPEN


def test_the_wipe_leaves_no_rehearsal_row_and_the_box_back_at_zero(app):
    owner, real = _draft(app)
    before = _without_audit(factories.dump_database())
    r = _rehearse(app, owner, real)
    rid = r.id
    values = factories.slip_values(app, r)
    for value in values[:3]:
        factories.cast(app, r, value, comment="演练意见")
    meetings.transition(owner, r, Transition.CLOSE)
    wiped = rehearsal.wipe(owner, r)
    assert (wiped.ballots, wiped.slips, wiped.comments) == (3, 5, 3)
    assert _without_audit(factories.dump_database()) == before
    assert db.session.get(Meeting, rid) is None
    assert db.session.scalar(select(Token.id).where(Token.meeting_id == rid)) is None
    assert db.session.scalar(select(Ballot.id)) is None
    assert results.meeting_results(real).returned == 0
    assert rehearsal.rehearsal_of(real) is None


def test_the_audit_log_keeps_the_rehearsal_and_its_wipe_on_the_real_meeting(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real)
    rehearsal.wipe(owner, r)
    events = db.session.execute(
        select(AuditEvent.meeting_id, AuditEvent.action).order_by(AuditEvent.id)
    ).all()
    actions = [a for mid, a in events if mid == real.id]
    assert actions[-4:] == [
        "rehearsal.start",
        "rehearsal.slips.issue",
        "rehearsal.meeting.open",
        "rehearsal.wipe",
    ]
    from ballot_app.services import verify

    report = verify.verify_database()
    assert report.is_clean and report.events_unchained == 0


def test_a_rehearsal_slip_used_after_the_wipe_says_the_rehearsal_is_over(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real)
    value = factories.slip_values(app, r)[0]
    code = factories.manual_codes(app, r)[0]
    assert codes.is_rehearsal_code(codes.normalize(code))
    rehearsal.wipe(owner, r)
    keys = factories.keys(app)
    with pytest.raises(SlipInvalid, match="这是演练用的纸条，演练已结束"):
        voting.open_slip(keys, value)
    with pytest.raises(SlipInvalid, match="这是演练用的纸条，演练已结束"):
        voting.value_for_code(keys, code)
    # A new meeting that takes the wiped rehearsal's id still refuses it.
    again = factories.meeting(app, owner=owner, unit_name="另一镇")
    with pytest.raises(SlipInvalid, match="演练已结束"):
        voting.open_slip(keys, value)
    assert results.meeting_results(again).returned == 0


def test_a_real_slip_cannot_vote_in_the_rehearsal_box_nor_a_rehearsal_slip_in_the_real_one(app):
    owner, real = _draft(app)
    real_value = factories.slip_values(app, real)[0]
    r = _rehearse(app, owner, real)
    keys = factories.keys(app)
    with pytest.raises(MeetingNotOpen):  # the real meeting is still in draft
        voting.open_slip(keys, real_value)
    with pytest.raises(SlipWrongMeeting):
        voting.open_slip(keys, real_value, meeting_id=r.id)
    rehearsal_value = factories.slip_values(app, r)[0]
    with pytest.raises(SlipWrongMeeting):
        voting.open_slip(keys, rehearsal_value, meeting_id=real.id)
    assert results.meeting_results(r).returned == 0
    # A real slip's signed value never passes for a rehearsal's, and the other way round.
    read = keys.read_voter_value(real_value)
    assert not read.is_rehearsal and keys.read_voter_value(rehearsal_value).is_rehearsal


def test_nothing_of_a_rehearsal_reaches_the_real_meeting_or_the_campaign(app):
    owner, real = _draft(app)
    before = unit_figures(real.unit.campaign, owner)
    r = _rehearse(app, owner, real)
    for value in factories.slip_values(app, r):
        factories.cast(app, r, value)
    assert results.meeting_results(real).returned == 0
    assert sum(results.token_stats(real.id).used.values()) == 0
    assert unit_figures(real.unit.campaign, owner) == before


def _run_in(app):
    def wrap(work):
        def run():
            with app.app_context():
                work()

        return run

    return wrap


def test_simulated_phones_cast_one_ballot_each_through_the_voters_path(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real, a=1, b=1)
    thread = rehearsal.simulate(
        owner, r, factories.keys(app), 12, in_app_context=_run_in(app), pace=lambda: 0.0
    )
    thread.join(timeout=60)
    assert not thread.is_alive()
    db.session.expire_all()
    figures = results.meeting_results(r)
    assert figures.returned == 12
    assert sum(results.token_stats(r.id).used.values()) == 12


def test_the_simulation_is_bounded_and_needs_an_open_rehearsal_box(app):
    owner, real = _draft(app)
    keys = factories.keys(app)
    with pytest.raises(StateBlocked):
        rehearsal.simulate(owner, real, keys, 5, in_app_context=_run_in(app))  # not a rehearsal
    r = rehearsal.start(owner, real)
    with pytest.raises(StateBlocked, match="请先开启演练的投票箱"):
        rehearsal.simulate(owner, r, keys, 5, in_app_context=_run_in(app))
    slips.issue_slips(owner, r, keys, 1, 1)
    meetings.transition(owner, r, Transition.OPEN)
    for count in (0, rehearsal.MAX_SIMULATED + 1):
        with pytest.raises(InvalidInput):
            rehearsal.simulate(owner, r, keys, count, in_app_context=_run_in(app))


def test_the_phones_stop_when_the_box_closes_or_the_deadline_passes(app):
    owner, real = _draft(app)
    r = _rehearse(app, owner, real, a=1, b=1)
    keys = factories.keys(app)
    values = rehearsal._hand_out(owner, r, keys, 6)
    stop = threading.Event()
    stop.closed = False
    owner_id, rid = owner.id, r.id

    def pace():  # the second phone's wait: meanwhile the organizer closes the box
        if stop.is_set() and not stop.closed:
            stop.closed = True
            who = db.session.get(User, owner_id)
            meetings.transition(who, db.session.get(Meeting, rid), Transition.CLOSE)
        stop.set()
        return 0.0

    import time

    cast = rehearsal.cast_simulated(keys, values, pace=pace, deadline=time.monotonic() + 30)
    assert cast == 1  # the second phone found the box closed
    late = rehearsal.cast_simulated(keys, values[2:], pace=lambda: 5.0, deadline=time.monotonic())
    assert late == 0
