"""The live count: turnout live, results per table only in whole steps of k ballots (nothing
below k, the first view included), the same in every process, exact once the box closes."""

import pytest

from ballot_app import create_app
from ballot_app.domain.live_step import PartCounts
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.domain.slip7 import PassRateBase
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, LiveView, Meeting, User
from ballot_app.services import live, meetings, results
from ballot_app.services.errors import InvalidInput

from .. import factories


def _excellent(view: dict, part: str = "combined") -> int | None:
    counts = [e["counts"] for e in view["form5"][part]["evaluees"]]
    return None if counts[0] is None else sum(c["excellent"] for c in counts)


def _cast(app, m, table: str, n: int, **marks) -> None:
    for value in factories.slip_values(app, m, table)[:n]:
        factories.cast(app, m, value, **marks)


def _owner(m: Meeting) -> User:
    return db.session.get(User, m.created_by_id)


def test_one_ballot_in_the_box_shows_no_choice_at_all(app):
    m = factories.meeting(app, a=3, b=8, members=2)
    _cast(app, m, "A", 1)
    view = live.live_results(m)
    assert view["tokens"]["used"] == 1 and view["live"]["returned"] == 1  # turnout is live
    for part in ("A", "B", "combined"):
        assert view["form5"][part]["ballots"] is None
        assert [e["counts"] for e in view["form5"][part]["evaluees"]] == [None, None]
        assert [e["name"] for e in view["form5"][part]["evaluees"]] == ["甲一", "乙二"]
    assert view["form6"] == {
        "ballots": None,
        "void": None,
        "items": {"duty": None, "activity": None},
        "shares": {"duty": None, "activity": None},
        "comments": None,
    }
    slip7 = view["slip7"]
    assert (slip7["issued"], slip7["participants"], slip7["pass_rate_base"]) == (11, 11, "valid")
    assert all(slip7[k] is None for k in ("returned", "valid", "void", "good", "pass_rate"))
    assert view["live"]["parts"]["A"] == {
        "shown": False,
        "ballots": None,
        "returned": 1,
        "next_at": 5,
    }
    assert view["live"]["results_ballots"] == 0


def test_a_table_shows_at_k_of_its_own_ballots_and_then_every_k_more(app):
    m = factories.meeting(app, a=12, b=12, members=2)
    assert m.live_step == 5
    _cast(app, m, "B", 4)
    at_4 = live.live_results(m)
    assert _excellent(at_4, "B") is None and at_4["live"]["parts"]["B"]["shown"] is False
    _cast(app, m, "B", 1)
    at_5 = live.live_results(m)
    assert _excellent(at_5, "B") == 10 and at_5["form5"]["B"]["ballots"] == 5
    assert _excellent(at_5, "A") is None  # table A has no ballot yet
    assert _excellent(at_5, "combined") == 10 and at_5["live"]["parts"]["combined"] == {
        "shown": True,
        "ballots": 5,
        "tables": ["B"],
    }
    assert at_5["form6"]["items"]["duty"]["good"] == 5  # form 6: 5 of all ballots
    # Leak 2 closed: 4 more B ballots and one A ballot make a step of all ballots, but
    # neither table has a step of its own: table A's one voter stays hidden.
    _cast(app, m, "B", 4)
    _cast(app, m, "A", 1)
    at_10 = live.live_results(m)
    assert at_10["form6"]["ballots"] == 10 and at_10["live"]["results_ballots"] == 10
    assert _excellent(at_10, "A") is None and _excellent(at_10, "B") == 10
    assert _excellent(at_10, "combined") == 10
    assert at_10["live"]["parts"]["B"] == {
        "shown": True,
        "ballots": 5,
        "returned": 9,
        "next_at": 10,
    }
    _cast(app, m, "A", 4)
    at_a5 = live.live_results(m)
    assert _excellent(at_a5, "A") == 10 and _excellent(at_a5, "combined") == 20
    assert at_a5["form5"]["combined"]["ballots"] == 10  # A's 5 + B's held 5, not the box's 14
    assert at_a5["tokens"]["by_category"]["B"]["used"] == 9


def test_turnout_is_live_while_results_move_only_in_whole_steps(app):
    m = factories.meeting(app, a=0, b=14, members=2)
    values = factories.slip_values(app, m)
    seen = [live.live_results(m)]
    for value in values[:12]:
        factories.cast(app, m, value)
        seen.append(live.live_results(m))
    assert [v["tokens"]["used"] for v in seen] == list(range(13))
    # Two evaluees marked excellent per ballot: nothing below 5, then 10, then 20.
    assert [_excellent(v) for v in seen] == [None] * 5 + [10] * 5 + [20] * 3
    assert seen[-1]["live"] | {"parts": None} == {
        "exact": False,
        "turnout_only": False,
        "step": 5,
        "results_ballots": 10,
        "returned": 12,
        "issued": 14,
        "paper_returned": 0,
        "paper_issued": 0,
        "parts": None,
    }


def test_slip7_follows_the_form6_view_shown(app):
    m = factories.meeting(app, a=0, b=8, members=1)
    _cast(app, m, "B", 5, duty="good")
    assert live.live_results(m)["slip7"]["good"] == 5
    _cast(app, m, "B", 1, duty="poor")
    slip7 = live.live_results(m)["slip7"]
    assert (slip7["returned"], slip7["valid"], slip7["good"], slip7["poor"]) == (5, 5, 5, 0)
    assert slip7["pass_rate"] == 100.0 and slip7["issued"] == 8


def test_every_process_shows_the_same_step(app, database_uri, tmp_path):
    m = factories.meeting(app, a=0, b=10, members=1)
    _cast(app, m, "B", 5)
    assert live.live_results(m)["live"]["results_ballots"] == 5
    _cast(app, m, "B", 4)
    meeting_id = m.id
    db.session.remove()
    other = create_app(app.config | {}, instance_path=str(tmp_path / "other"))
    with other.app_context():
        there = live.live_results(db.session.get(Meeting, meeting_id))
        db.session.remove()
        db.engine.dispose()
    # The other process read the held step (5 ballots) instead of counting the ninth.
    assert there["live"]["results_ballots"] == 5 and there["live"]["returned"] == 9
    assert there["form5"]["B"]["ballots"] == 5


def test_a_process_that_read_an_older_step_does_not_overwrite_a_newer_one(app):
    m = factories.meeting(app, a=0, b=12, members=1)
    _cast(app, m, "B", 5)
    live.live_results(m)  # one process keeps the step at 5
    _cast(app, m, "B", 1)
    # Another process had read the box empty before that step was kept; it counts 6 now.
    live._store_step(m, PartCounts(), {}, 5)
    stored = db.session.get(LiveView, m.id)
    assert (stored.ballots_b, stored.ballots) == (5, 5)
    assert live.live_results(m)["form5"]["B"]["ballots"] == 5


def test_closing_the_box_shows_exact_results_and_a_reopened_box_steps_on_from_them(app):
    m = factories.meeting(app, a=0, b=12, members=1)
    _cast(app, m, "B", 3)
    assert _excellent(live.live_results(m)) is None
    meetings.transition(_owner(m), m, Transition.CLOSE)
    view = live.live_results(m)
    assert view["live"]["exact"] and view["meeting"]["state"] == MeetingState.CLOSED.value
    assert _excellent(view) == 3 and view["live"]["parts"]["B"]["shown"]
    admin = factories.user(Role.ADMIN, name="guanli")
    meetings.transition(admin, m, Transition.REOPEN, reason="有人漏投")
    _cast(app, m, "B", 1)
    # What was shown at the close stands until a whole step more: one late ballot stays hidden.
    reopened = live.live_results(m)
    assert not reopened["live"]["exact"] and _excellent(reopened) == 3
    assert reopened["live"]["parts"]["B"]["next_at"] == 8


def test_a_box_reopened_without_anyone_watching_after_the_close_steps_on_from_the_close(app):
    m = factories.meeting(app, a=0, b=20, members=1)
    _cast(app, m, "B", 5)
    assert _excellent(live.live_results(m)) == 5  # a step held at 5
    _cast(app, m, "B", 2)
    meetings.transition(_owner(m), m, Transition.CLOSE)  # the results page showed 7 exactly
    admin = factories.user(Role.ADMIN, name="guanli")
    meetings.transition(admin, m, Transition.REOPEN, reason="有人漏投")
    _cast(app, m, "B", 3)
    # Held at 5, the next step (10) would differ from the exact 7 by 3 ballots: it must not.
    reopened = live.live_results(m)
    assert _excellent(reopened) == 7 and reopened["live"]["parts"]["B"]["next_at"] == 12


def test_a_meeting_set_to_turnout_only_shows_no_results_until_the_close(app):
    m = factories.meeting(app, a=0, b=8, members=1, state=MeetingState.DRAFT)
    owner = _owner(m)
    meetings.update_settings(owner, m, _settings(m, live_turnout_only=True))
    meetings.transition(owner, m, Transition.OPEN)
    _cast(app, m, "B", 6)
    view = live.live_results(m)
    assert view["live"]["turnout_only"] and view["tokens"]["used"] == 6
    assert _excellent(view) is None and view["form6"]["items"]["duty"] is None
    assert not any(p["shown"] for p in view["live"]["parts"].values())
    assert db.session.get(LiveView, m.id) is None  # nothing is even counted
    meetings.transition(owner, m, Transition.CLOSE)
    assert _excellent(live.live_results(m)) == 6


def _settings(m: Meeting, **changes) -> meetings.SettingsInput:
    fields = {
        "secretary_name": m.secretary_name,
        "participants": m.participants,
        "pass_rate_base": PassRateBase(m.pass_rate_base),
        "paper_issued": m.paper_issued,
        "live_step": m.live_step,
        "paper_double_entry": m.paper_double_entry,
        "live_turnout_only": m.live_turnout_only,
    }
    return meetings.SettingsInput(**(fields | changes))


def test_the_step_is_at_least_three_and_fixed_once_the_box_opens(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner = _owner(m)
    with pytest.raises(InvalidInput) as refused:
        meetings.update_settings(owner, m, _settings(m, live_step=2))
    assert "步长至少是 3 票" in refused.value.fields["live_step"]
    meetings.update_settings(owner, m, _settings(m, live_step=8, live_turnout_only=True))
    event = db.session.query(AuditEvent).filter_by(action="meeting.settings").one()
    assert "步长 8" in event.detail and "只显示收回情况" in event.detail
    meetings.transition(owner, m, Transition.OPEN)
    for change in ({"live_step": 5}, {"live_turnout_only": False}):
        with pytest.raises(InvalidInput) as refused:
            meetings.update_settings(owner, m, _settings(m, **change))
        (field,) = change
        assert "投票箱已经开启" in refused.value.fields[field]
    assert (m.live_step, m.live_turnout_only) == (8, True)
    meetings.update_settings(owner, m, _settings(m, participants=30))  # the rest still may
    assert m.participants == 30


def test_tables_with_fewer_than_two_steps_of_slips_are_warned_about_before_opening(app):
    m = factories.meeting(app, a=4, b=12, state=MeetingState.DRAFT)
    warned = live.step_warnings(m, results.token_stats(m.id))
    assert [w.message for w in warned] == [
        "表A只有 4 张测评码，少于步长（5）：表A的实时结果在关闭投票箱之前不会出现，只在关闭后显示。"
    ]
    meetings.transition(_owner(m), m, Transition.OPEN)
    assert live.step_warnings(m, results.token_stats(m.id)) == []
