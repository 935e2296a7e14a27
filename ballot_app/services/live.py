"""The live count for tellers (计票人/监票人): turnout live, results in k-steps.

While the box is open, the results shown are held in the database (LiveView) and replaced
only once at least `meeting.live_step` more ballots are in, so every app process shows the
same step and nobody can see one ballot move the counts. Once the box closes, the results
are exact.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain.choices import Source
from ..domain.live_step import shows_new_results
from ..domain.meeting_state import MeetingState
from ..extensions import db
from ..models import Ballot, LiveView, Meeting
from . import results


def live_results(meeting: Meeting) -> dict[str, Any]:
    """The tally schema, with turnout live and, while the box is open, results in steps;
    plus a "live" object saying which."""
    returned, paper = _returned(meeting.id)
    turnout = {
        "returned": returned,
        "issued": 0,
        "paper_returned": paper,
        "paper_issued": meeting.paper_issued,
    }
    if meeting.state in (MeetingState.CLOSED, MeetingState.CERTIFIED):
        figures = results.meeting_results(meeting)
        exact = figures.as_dict()
        turnout["issued"] = figures.slip7.issued
        exact["live"] = {"exact": True, "results_ballots": figures.returned, **turnout}
        return exact
    view = db.session.get(LiveView, meeting.id)
    if shows_new_results(view.ballots if view is not None else None, returned, meeting.live_step):
        view = _new_view(meeting)
    assert view is not None
    body: dict[str, Any] = json.loads(view.body)
    body["meeting"]["state"] = meeting.state.value
    tokens = results.token_stats(meeting.id).as_dict()
    body["tokens"] = tokens
    turnout["issued"] = tokens["printed"] - tokens["voided"] + meeting.paper_issued
    body["live"] = {
        "exact": False,
        "step": meeting.live_step,
        "results_ballots": view.ballots,
        **turnout,
    }
    return body


def _returned(meeting_id: int) -> tuple[int, int]:
    """Ballots in the box: all of them, and those entered from paper."""
    query = (
        select(Ballot.source, func.count())
        .where(Ballot.meeting_id == meeting_id)
        .group_by(Ballot.source)
    )
    counts = {source: int(n) for source, n in db.session.execute(query)}
    return sum(counts.values()), counts.get(Source.PAPER, 0)


def _new_view(meeting: Meeting) -> LiveView | None:
    """Compute the results now and keep them, unless another process kept a step meanwhile."""
    figures = results.meeting_results(meeting)
    counted, body = figures.returned, json.dumps(figures.as_dict(), ensure_ascii=False)
    meeting_id, step = meeting.id, max(meeting.live_step, 1)
    begin_write()
    try:
        stored = db.session.execute(
            update(LiveView)
            .where(LiveView.meeting_id == meeting_id, LiveView.ballots <= counted - step)
            .values(ballots=counted, body=body)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not stored and db.session.get(LiveView, meeting_id) is None:
            db.session.add(LiveView(meeting_id=meeting_id, ballots=counted, body=body))
        db.session.commit()
    except IntegrityError:  # another process showed the first view at the same moment
        db.session.rollback()
    db.session.expire_all()
    return db.session.get(LiveView, meeting_id)
