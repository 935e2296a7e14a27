"""Meeting states: each transition's blockers, as sentences that say what to do."""

from ballot_app.domain.meeting_state import MeetingFacts, MeetingState, Transition, blockers


def facts(**kw):
    base = dict(
        state=MeetingState.DRAFT,
        form5=True,
        form6=True,
        evaluees=3,
        tokens=10,
        secretary_name="甲一",
    )
    base.update(kw)
    return MeetingFacts(**base)


def test_a_ready_draft_may_open():
    assert blockers(Transition.OPEN, facts()) == []


def test_opening_needs_forms_evaluees_secretary_and_slips():
    found = blockers(Transition.OPEN, facts(evaluees=0, tokens=0, secretary_name=" "))
    assert len(found) == 3
    assert any("测评对象" in b for b in found)
    assert any("测评码" in b for b in found)
    assert any("书记" in b for b in found)
    assert blockers(Transition.OPEN, facts(form5=False, form6=False))


def test_transitions_only_from_their_source_state():
    assert blockers(Transition.CLOSE, facts())  # a draft cannot close
    assert blockers(Transition.CLOSE, facts(state=MeetingState.OPEN)) == []
    assert blockers(Transition.OPEN, facts(state=MeetingState.CERTIFIED))


def test_reopening_needs_an_admin_and_a_reason():
    closed = facts(state=MeetingState.CLOSED)
    assert len(blockers(Transition.REOPEN, closed)) == 2
    assert (
        blockers(
            Transition.REOPEN, facts(state=MeetingState.CLOSED, is_admin=True, reason="有人未投")
        )
        == []
    )


def test_returned_above_issued_blocks_certification():
    found = blockers(
        Transition.CERTIFY,
        facts(state=MeetingState.CLOSED, returned_exceeds_issued=True, counters=("甲", "乙")),
    )
    assert found and "重新进行测评" in found[0]
