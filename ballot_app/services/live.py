"""The live count for tellers (计票人/监票人) and monitor links: turnout live, results in
k-steps kept per table (domain/live_step.py), or turnout only where the meeting says so.

While the box is open, the results shown are held in the database (LiveView), part by part:
table A's form 5 over table A's ballots, table B's over table B's, form 6 and the comment
count over all ballots. The row's body holds the views shown:

    {"A": {"ballots": 5, "form5": <SPEC form 5 part>},
     "B": {"ballots": 10, "form5": <SPEC form 5 part>},
     "form6": {"ballots": 15, "form6": <SPEC form 6>}}

with a part absent until it is first shown; the columns ballots_a, ballots_b and ballots
repeat the three counts (0: not shown), so that a conditional UPDATE on them stores each step
once however many app processes race for it. Once the box closes, the results are exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..database import end_read, unit_of_work
from ..domain.choices import FORM6_CODES, Category, Form6Item, Source
from ..domain.live_step import (
    Part,
    PartCounts,
    ShortTable,
    combine_form5,
    next_at,
    next_held,
    replaced_parts,
    short_tables,
    step_of,
)
from ..domain.meeting_state import MeetingState
from ..domain.tally import RowCounts
from ..extensions import db
from ..models import Ballot, LiveView, Meeting
from . import results

#: Slip 7's figures that do not rest on ballots: shown even before form 6 is.
_SLIP7_LIVE = ("participants", "issued", "pass_rate_base")


@dataclass(frozen=True)
class Box:
    """What is in the box now: ballots per part, and how many were entered from paper."""

    counts: PartCounts
    paper: int


def live_results(meeting: Meeting) -> dict[str, Any]:
    """The tally schema, with turnout live and, while the box is open, results in steps per
    table (or none at all, for a meeting set to turnout only); plus a "live" object saying
    which parts are shown and at what ballot count."""
    if meeting.state in (MeetingState.CLOSED, MeetingState.CERTIFIED):
        return _exact(meeting)
    box = _box(meeting.id)
    step = step_of(meeting.live_step)
    held, shown = PartCounts(), dict[str, Any]()
    if not meeting.live_turnout_only:
        held, shown, box = _held_view(meeting, box, step)
    tokens = results.token_stats(meeting.id)
    data = _shown(meeting, tokens, shown)
    data["live"] = {
        "exact": False,
        "turnout_only": meeting.live_turnout_only,
        "step": step,
        "results_ballots": held.form6,
        **_turnout(meeting, box, tokens),
        "parts": _parts(box.counts, shown, None if meeting.live_turnout_only else step),
    }
    return data


def step_warnings(meeting: Meeting, tokens: results.TokenStats) -> list[ShortTable]:
    """Before the box opens: the tables with fewer than two steps of slips (their live
    results come late, or only at the close); none for a meeting showing turnout only."""
    if meeting.state != MeetingState.DRAFT or meeting.live_turnout_only:
        return []
    slips = {c: tokens.printed[c] - tokens.voided[c] for c in Category}
    counts = PartCounts(slips[Category.A], slips[Category.B], sum(slips.values()))
    found = short_tables(
        counts,
        meeting.live_step,
        form5=meeting.is_form5_enabled and bool(meeting.evaluees),
        form6=meeting.is_form6_enabled,
    )
    return list(found)


def _box(meeting_id: int) -> Box:
    query = (
        select(Ballot.category, Ballot.source, func.count())
        .where(Ballot.meeting_id == meeting_id)
        .group_by(Ballot.category, Ballot.source)
    )
    per_table = dict.fromkeys(Category, 0)
    paper = 0
    for category, source, n in db.session.execute(query):
        per_table[category] += n
        paper += n if source == Source.PAPER else 0
    a, b = per_table[Category.A], per_table[Category.B]
    return Box(PartCounts(a, b, a + b), paper)


def _turnout(meeting: Meeting, box: Box, tokens: results.TokenStats) -> dict[str, int]:
    stats = tokens.as_dict()
    return {
        "returned": box.counts.form6,
        "issued": stats["printed"] - stats["voided"] + meeting.paper_issued,
        "paper_returned": box.paper,
        "paper_issued": meeting.paper_issued,
    }


def _parts(
    returned: PartCounts, shown: dict[str, Any], step: int | None
) -> dict[str, dict[str, Any]]:
    """live.parts: per part whether it is shown, the ballots its view rests on (null when
    not shown), the ballots of that part in the box now, and the count it next changes at
    (null once exact, or when only turnout is shown)."""
    parts: dict[str, dict[str, Any]] = {}
    for part in Part:
        held = shown[part.value]["ballots"] if part.value in shown else None
        parts[part.value] = {
            "shown": held is not None,
            "ballots": held,
            "returned": returned[part],
            "next_at": None if step is None else next_at(held or 0, step),
        }
    tables = [p.value for p in (Part.A, Part.B) if p.value in shown]
    parts["combined"] = {
        "shown": bool(tables),
        "ballots": sum(shown[t]["ballots"] for t in tables) if tables else None,
        "tables": tables,
    }
    return parts


def _shown(meeting: Meeting, tokens: results.TokenStats, shown: dict[str, Any]) -> dict[str, Any]:
    """The tally schema from the parts shown; a part not shown has null figures."""
    form5 = {t: shown[t]["form5"] if t in shown else None for t in ("A", "B")}
    form5["combined"] = combine_form5(p for p in (form5["A"], form5["B"]) if p is not None)
    names = [(e.name, e.post) for e in meeting.evaluees]
    form6 = shown["form6"]["form6"] if Part.FORM6.value in shown else None
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "unit": meeting.unit.name,
            "state": meeting.state.value,
        },
        "tokens": tokens.as_dict(),
        "form5": {k: v if v is not None else _hidden_form5(names) for k, v in form5.items()},
        "form6": form6 if form6 is not None else _hidden_form6(),
        "slip7": _slip7(meeting, tokens, shown.get(Part.FORM6.value)),
    }


def _hidden_form5(names: list[tuple[str, str]]) -> dict[str, Any]:
    evaluees = [
        {"name": name, "post": post, "counts": None, "shares": None} for name, post in names
    ]
    return {"ballots": None, "void": None, "evaluees": evaluees}


def _hidden_form6() -> dict[str, Any]:
    items = dict.fromkeys((i.value for i in Form6Item), None)
    shares = dict.fromkeys((i.value for i in Form6Item), None)
    return {"ballots": None, "void": None, "items": items, "shares": shares, "comments": None}


def _slip7(
    meeting: Meeting, tokens: results.TokenStats, held: dict[str, Any] | None
) -> dict[str, Any]:
    """Slip 7 from the form 6 view shown: its duty row and its ballot count; before form 6
    is shown, only the figures that rest on no ballot (participants, issued)."""
    duty = held["form6"]["items"][Form6Item.DUTY.value] if held else {}
    slip = results.slip7_for(
        meeting, tokens, RowCounts(FORM6_CODES, duty), held["ballots"] if held else 0
    )
    figures = dict(slip.as_dict())
    if held is None:
        figures = {k: v if k in _SLIP7_LIVE else None for k, v in figures.items()}
    return figures


def _held_view(meeting: Meeting, box: Box, step: int) -> tuple[PartCounts, dict[str, Any], Box]:
    """The counts and parts shown now: the held ones, or a new step where one is due; and
    the box as last counted (the turnout shown beside them)."""
    view = db.session.get(LiveView, meeting.id)
    held, shown = _read(view)
    if next_held(held, box.counts, step) != held:
        view, box = _store_step(meeting, held, shown, step)
        held, shown = _read(view)
    return held, shown, box


def _read(view: LiveView | None) -> tuple[PartCounts, dict[str, Any]]:
    if view is None:
        return PartCounts(), {}
    held = PartCounts(view.ballots_a, view.ballots_b, view.ballots)
    body = json.loads(view.body)
    shown = {p.value: body[p.value] for p in Part if held[p] and p.value in body}
    return held, shown


def _store_step(
    meeting: Meeting, held: PartCounts, shown: dict[str, Any], step: int
) -> tuple[LiveView | None, Box]:
    """Count the box and keep the parts a whole step has come in for, unless another process
    kept a step meanwhile (then its step stands, and is what every process shows)."""
    meeting_id = meeting.id
    _begin_snapshot()
    box = _box(meeting_id)
    new = next_held(held, box.counts, step)
    replaced = replaced_parts(held, new)
    if replaced:
        figures = results.meeting_results(meeting).as_dict()
        body = dict(shown)
        for part in replaced:
            key = "form6" if part == Part.FORM6 else "form5"
            source = figures["form6"] if part == Part.FORM6 else figures["form5"][part.value]
            body[part.value] = {"ballots": new[part], key: source}
        _write(meeting_id, held, new, json.dumps(body, ensure_ascii=False))
    db.session.expire_all()
    return db.session.get(LiveView, meeting_id), box


def _begin_snapshot() -> None:
    """End the request's read and begin one that sees a single snapshot, so that the counts
    and the tally rest on the same ballots: SQLite's read transaction is one already,
    PostgreSQL's READ COMMITTED would read each statement afresh."""
    end_read()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _write(meeting_id: int, held: PartCounts, new: PartCounts, body: str) -> None:
    """Store the new step only over the step it was computed from (a compare-and-set)."""
    try:
        with unit_of_work():
            stored = db.session.execute(
                update(LiveView)
                .where(
                    LiveView.meeting_id == meeting_id,
                    LiveView.ballots_a == held.a,
                    LiveView.ballots_b == held.b,
                    LiveView.ballots == held.form6,
                )
                .values(ballots_a=new.a, ballots_b=new.b, ballots=new.form6, body=body)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            first = held == PartCounts() and db.session.get(LiveView, meeting_id) is None
            if not stored and first:
                db.session.add(
                    LiveView(
                        meeting_id=meeting_id,
                        ballots_a=new.a,
                        ballots_b=new.b,
                        ballots=new.form6,
                        body=body,
                    )
                )
    except IntegrityError:  # another process showed the first view at the same moment
        pass


def _exact(meeting: Meeting) -> dict[str, Any]:
    """The box is closed: exact results, and they become the held view, so that a box
    reopened by an admin steps on from what was shown at the close."""
    box = _box(meeting.id)
    figures = results.meeting_results(meeting)
    data = figures.as_dict()
    exact = {
        p.value: {
            "ballots": box.counts[p],
            **({"form6": data["form6"]} if p == Part.FORM6 else {"form5": data["form5"][p.value]}),
        }
        for p in Part
    }
    if meeting.state == MeetingState.CLOSED:
        _hold_exact(meeting.id, box.counts, exact)
    data["live"] = {
        "exact": True,
        "turnout_only": meeting.live_turnout_only,
        "step": step_of(meeting.live_step),
        "results_ballots": figures.returned,
        **_turnout(meeting, box, figures.tokens),
        "parts": _parts(box.counts, exact, None),
    }
    return data


def hold_closed_view(meeting: Meeting) -> None:
    """Keep a closed box's exact figures as the held view (before an admin reopens it)."""
    _exact(meeting)


def _hold_exact(meeting_id: int, counts: PartCounts, parts: dict[str, Any]) -> None:
    """Keep the exact figures of a closed box as the held view, once per change."""
    held, _ = _read(db.session.get(LiveView, meeting_id))
    if held == counts:
        return
    body = json.dumps(parts, ensure_ascii=False)
    values = {"ballots_a": counts.a, "ballots_b": counts.b, "ballots": counts.form6}
    try:
        with unit_of_work():
            stored = db.session.execute(
                update(LiveView)
                .where(LiveView.meeting_id == meeting_id)
                .values(**values, body=body)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if not stored:
                db.session.add(LiveView(meeting_id=meeting_id, **values, body=body))
    except IntegrityError:  # another process kept the same figures at the same moment
        pass
    db.session.expire_all()
