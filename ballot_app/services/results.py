"""Reading the box: aggregates by SQL, rules by domain.tally and domain.slip7.

Every count here is a GROUP BY over the meeting's rows; no query orders ballots, and no
result carries a ballot key. A certified meeting is not counted again: its results are the
figures stored when it was certified (`Meeting.certified_result`), so what was signed never
changes, whatever later versions change in the counting rules or the box holds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, case, func, select

from ..domain.ballot_spec import EvalueeLine
from ..domain.choices import Category, Form6Item, Source
from ..domain.slip7 import Slip7, SlipFacts, compute_slip7
from ..domain.tally import (
    CountedMarks,
    FormBallots,
    RowCounts,
    Tally,
    form6_as_dict,
    part_as_dict,
    tally,
    tally_from_dict,
)
from ..extensions import db
from ..models import Ballot, Comment, Evaluee, Form5Mark, Form6Mark, Meeting, Token


@dataclass(frozen=True)
class TokenStats:
    """Slips printed, voided and used, per table."""

    printed: dict[Category, int]
    voided: dict[Category, int]
    used: dict[Category, int]

    def as_dict(self) -> dict[str, Any]:
        """The SPEC schema's "tokens" object."""
        return {
            "printed": sum(self.printed.values()),
            "voided": sum(self.voided.values()),
            "used": sum(self.used.values()),
            "by_category": {
                c.value: {"printed": self.printed[c], "used": self.used[c]} for c in Category
            },
        }


@dataclass(frozen=True)
class MeetingResults:
    """Everything the results page, the prints and the JSON show."""

    meeting: Meeting
    tokens: TokenStats
    tally: Tally
    slip7: Slip7
    returned: int
    #: The stored figures when the meeting is certified (the tally schema), else None.
    certified: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The tally in SPEC's schema ("Interfaces that others rely on"); for a certified
        meeting, the figures it was certified with."""
        m = self.meeting
        if self.certified is not None:
            head = copy.deepcopy(dict(self.certified["meeting"]))
            tokens = copy.deepcopy(dict(self.certified["tokens"]))
        else:
            head = {"id": m.id, "title": m.title, "unit": m.unit.name, "state": m.state.value}
            tokens = self.tokens.as_dict()
        return {
            "meeting": head,
            "tokens": tokens,
            "form5": {k: part_as_dict(part) for k, part in self.tally.form5.items()},
            "form6": form6_as_dict(self.tally.form6),
            "slip7": self.slip7.as_dict(),
        }


def _as_int(expr: Any) -> Any:
    return func.coalesce(func.sum(case((expr, 1), else_=0)), 0).cast(Integer)


def token_stats(meeting_id: int) -> TokenStats:
    """Slips per table: printed, voided, used."""
    query = (
        select(Token.category, func.count(), _as_int(Token.is_voided), _as_int(Token.is_used))
        .where(Token.meeting_id == meeting_id)
        .group_by(Token.category)
    )
    printed = dict.fromkeys(Category, 0)
    voided = dict.fromkeys(Category, 0)
    used = dict.fromkeys(Category, 0)
    for category, n, n_voided, n_used in db.session.execute(query):
        printed[category], voided[category], used[category] = n, n_voided, n_used
    return TokenStats(printed, voided, used)


def _form_ballots(meeting_id: int) -> tuple[dict[Category, FormBallots], FormBallots, int]:
    query = (
        select(
            Ballot.category,
            func.count(),
            _as_int(Ballot.has_form5),
            _as_int(Ballot.is_form5_void),
            _as_int(Ballot.has_form6),
            _as_int(Ballot.is_form6_void),
        )
        .where(Ballot.meeting_id == meeting_id)
        .group_by(Ballot.category)
    )
    form5: dict[Category, FormBallots] = {}
    form6_ballots = form6_void = returned = 0
    for category, n, has5, void5, has6, void6 in db.session.execute(query):
        form5[category] = FormBallots(has5, void5)
        form6_ballots += has6
        form6_void += void6
        returned += n
    return form5, FormBallots(form6_ballots, form6_void), returned


def counted_marks(meeting: Meeting) -> tuple[CountedMarks, int]:
    """The box's aggregates for the tally, and the number of ballots returned."""
    marks: dict[tuple[int, str, str, str], int] = {}
    evaluee_ids = select(Evaluee.id).where(Evaluee.meeting_id == meeting.id)
    form5_rows = (  # straight off ix_form5_mark_tally: no join, no sort
        select(Form5Mark.category, Form5Mark.evaluee_id, Form5Mark.mark, func.count())
        .where(Form5Mark.evaluee_id.in_(evaluee_ids))
        .group_by(Form5Mark.evaluee_id, Form5Mark.category, Form5Mark.mark)
    )
    form6_rows = (  # straight off ix_form6_mark_tally
        select(Form6Mark.category, Form6Mark.item, Form6Mark.mark, func.count())
        .where(Form6Mark.meeting_id == meeting.id)
        .group_by(Form6Mark.item, Form6Mark.category, Form6Mark.mark)
    )
    for form, query in ((5, form5_rows), (6, form6_rows)):
        for category, row_key, mark, n in db.session.execute(query):
            marks[(form, category.value, str(row_key), mark)] = n
    comments = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.meeting_id == meeting.id)
    )
    form5, form6, returned = _form_ballots(meeting.id)
    evaluees = tuple(EvalueeLine(e.id, e.name, e.post) for e in meeting.evaluees)
    return CountedMarks(evaluees, form5, form6, marks, comments or 0), returned


def slip7_for(meeting: Meeting, tokens: TokenStats, duty: RowCounts, returned: int) -> Slip7:
    """Slip 7's figures for this meeting."""
    facts = SlipFacts(
        printed=sum(tokens.printed.values()),
        voided=sum(tokens.voided.values()),
        paper_issued=meeting.paper_issued,
        participants=meeting.participants,
        returned=returned,
        duty=duty,
        base=meeting.pass_rate_base,
    )
    return compute_slip7(facts)


def meeting_results(meeting: Meeting) -> MeetingResults:
    """The meeting's exact results (admins and organizers; the live view applies k-steps);
    for a certified meeting, the figures stored when it was certified."""
    if meeting.certified_result is not None:
        return certified_results(meeting, json.loads(meeting.certified_result))
    counted, returned = counted_marks(meeting)
    result = tally(counted)
    tokens = token_stats(meeting.id)
    duty = result.form6.items[Form6Item.DUTY.value]
    return MeetingResults(
        meeting, tokens, result, slip7_for(meeting, tokens, duty, returned), returned
    )


def certified_results(meeting: Meeting, stored: Mapping[str, Any]) -> MeetingResults:
    """MeetingResults rebuilt from the tally schema as stored at certification.

    Slips per table come from the stored figures too, except the voided ones per table,
    which the schema keeps only as a total: they are read from the slips, which nothing may
    change once the meeting is certified.
    """
    by_category = stored["tokens"]["by_category"]
    tokens = TokenStats(
        printed={c: int(by_category[c.value]["printed"]) for c in Category},
        voided=token_stats(meeting.id).voided,
        used={c: int(by_category[c.value]["used"]) for c in Category},
    )
    slip7 = Slip7.from_dict(stored["slip7"])
    figures = tally_from_dict(stored["form5"], stored["form6"])
    return MeetingResults(meeting, tokens, figures, slip7, slip7.returned, certified=stored)


def paper_ballots(meeting_id: int) -> int:
    """Paper ballots in the box (voided ones included: they count as returned). Certifying
    deletes the entry stacks and the stored figures do not keep this number, so it is read
    from the ballots themselves."""
    query = (
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.meeting_id == meeting_id, Ballot.source == Source.PAPER)
    )
    return db.session.scalar(query) or 0


def comments(meeting: Meeting) -> list[str]:
    """The meeting's form 6 comments, in random order (SPEC: shown in random order)."""
    query = select(Comment.body).where(Comment.meeting_id == meeting.id).order_by(func.random())
    return list(db.session.scalars(query))
