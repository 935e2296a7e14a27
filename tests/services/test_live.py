"""The live count: turnout live, results only in steps of k ballots, the same in every
process, exact once the box closes."""

from ballot_app import create_app
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.extensions import db
from ballot_app.models import Meeting, User
from ballot_app.services import live, meetings

from .. import factories


def _excellent(view: dict) -> int:
    return sum(e["counts"]["excellent"] for e in view["form5"]["combined"]["evaluees"])


def test_results_move_only_in_whole_steps_while_turnout_is_live(app):
    m = factories.meeting(app, a=0, b=14, members=2)
    m.live_step = 5
    db.session.commit()
    values = factories.slip_values(app, m)
    first = live.live_results(m)
    assert first["live"] == {
        "exact": False,
        "step": 5,
        "results_ballots": 0,
        "returned": 0,
        "issued": 14,
        "paper_returned": 0,
        "paper_issued": 0,
    }
    seen = [first]
    for value in values[:12]:
        factories.cast(app, m, value)
        seen.append(live.live_results(m))
    turnout = [v["tokens"]["used"] for v in seen]
    shown = [_excellent(v) for v in seen]
    assert turnout == list(range(13))  # every ballot shows in the turnout at once
    # Two evaluees marked excellent per ballot: results jump 0 → 10 → 20, never by less.
    assert shown == [0] * 5 + [10] * 5 + [20] * 3
    assert [v["live"]["results_ballots"] for v in seen][-1] == 10


def test_every_process_shows_the_same_step(app, database_uri, tmp_path):
    m = factories.meeting(app, a=0, b=10, members=1)
    values = factories.slip_values(app, m)
    for value in values[:4]:
        factories.cast(app, m, value)
    assert live.live_results(m)["live"]["results_ballots"] == 4
    factories.cast(app, m, values[4])
    meeting_id = m.id
    db.session.remove()
    other = create_app(app.config | {}, instance_path=str(tmp_path / "other"))
    with other.app_context():
        there = live.live_results(db.session.get(Meeting, meeting_id))
        db.session.remove()
        db.engine.dispose()
    # The other process read the held step (4 ballots) instead of counting the fifth.
    assert there["live"]["results_ballots"] == 4 and there["live"]["returned"] == 5


def test_closing_the_box_shows_exact_results(app):
    m = factories.meeting(app, a=0, b=6, members=1)
    values = factories.slip_values(app, m)
    live.live_results(m)
    for value in values[:3]:
        factories.cast(app, m, value)
    assert live.live_results(m)["live"]["results_ballots"] == 0
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    view = live.live_results(m)
    assert view["live"]["exact"] and view["meeting"]["state"] == MeetingState.CLOSED.value
    assert _excellent(view) == 3
