"""The meeting's tally from counted marks: form 5 per evaluee (A, B, combined), form 6 per item.

The input is aggregate counts, which the database computes with GROUP BY; this module owns
every rule that turns them into results, so the same rules serve the page, print and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .ballot_spec import EvalueeLine
from .choices import FORM5_CODES, FORM6_CODES, Category, Form6Item, Special
from .rates import percent, shares

ABSTAIN = "abstain"
INVALID = "invalid"
#: tally key for a stored mark: choices keep their code, specials become abstain / invalid.
_TALLY_KEY = {Special.EMPTY.value: ABSTAIN, Special.OVER_MARKED.value: INVALID}
#: Fewer ballots than this behind a printed cell, and the table says so (SPEC, "Secrecy").
FEW_BALLOTS = 3


@dataclass(frozen=True)
class RowCounts:
    """How one row (an evaluee or an item) was marked across ballots."""

    choices: tuple[str, ...]
    counts: Mapping[str, int]

    def __getitem__(self, key: str) -> int:
        return self.counts.get(key, 0)

    @property
    def valid(self) -> int:
        """Rows holding exactly one choice."""
        return sum(self[c] for c in self.choices)

    def as_dict(self) -> dict[str, int]:
        """The SPEC schema's counts: each choice, then abstain and invalid."""
        return {k: self[k] for k in (*self.choices, ABSTAIN, INVALID)}

    def shares(self) -> dict[str, Decimal] | None:
        """Shares of the choices plus abstentions, adding up to exactly 100.00%."""
        return shares({k: self[k] for k in (*self.choices, ABSTAIN)})

    def shares_as_dict(self) -> dict[str, str] | None:
        """The shares in the SPEC schema: two-decimal strings ("25.00"), exact as printed;
        None when no row holds a choice or an abstention."""
        found = self.shares()
        return None if found is None else {k: str(v) for k, v in found.items()}


@dataclass(frozen=True)
class Form5Rates:
    """Form 5's rates over valid rows: 优秀率, 称职以上率, 不称职率."""

    excellent: Decimal | None
    competent_or_better: Decimal | None
    incompetent: Decimal | None


def form5_rates(row: RowCounts) -> Form5Rates:
    """The three rates SPEC names for one evaluee, each over the valid rows."""
    return Form5Rates(
        excellent=percent(row["excellent"], row.valid),
        competent_or_better=percent(row["excellent"] + row["competent"], row.valid),
        incompetent=percent(row["incompetent"], row.valid),
    )


@dataclass(frozen=True)
class EvalueeResult:
    evaluee: EvalueeLine
    row: RowCounts

    @property
    def rates(self) -> Form5Rates:
        return form5_rates(self.row)


@dataclass(frozen=True)
class Form5Part:
    """Form 5 results for one table (A, B) or both combined."""

    ballots: int
    void: int
    evaluees: tuple[EvalueeResult, ...]

    @property
    def is_few(self) -> bool:
        """Too few ballots for a printed cell to stay secret."""
        return 0 < self.ballots < FEW_BALLOTS


@dataclass(frozen=True)
class Form6Tally:
    ballots: int
    void: int
    items: Mapping[str, RowCounts]
    comments: int

    @property
    def is_few(self) -> bool:
        """Too few ballots for a printed cell to stay secret."""
        return 0 < self.ballots < FEW_BALLOTS


@dataclass(frozen=True)
class FormBallots:
    """Ballots that carried a form's part, and how many of those were void for that form."""

    ballots: int = 0
    void: int = 0


@dataclass(frozen=True)
class CountedMarks:
    """Aggregates read from the box.

    marks: (form, category, row key, stored mark) → number of ballots with that mark.
    """

    evaluees: tuple[EvalueeLine, ...]
    form5: Mapping[Category, FormBallots]
    form6: FormBallots
    marks: Mapping[tuple[int, str, str, str], int]
    comments: int = 0


@dataclass(frozen=True)
class Tally:
    form5: Mapping[str, Form5Part]  #: keys "A", "B", "combined"
    form6: Form6Tally


def _row(
    choices: tuple[str, ...], counted: CountedMarks, form: int, cats: tuple[str, ...], key: str
) -> RowCounts:
    counts: dict[str, int] = {}
    for cat in cats:
        for mark in (*choices, Special.EMPTY.value, Special.OVER_MARKED.value):
            n = counted.marks.get((form, cat, key, mark), 0)
            tkey = _TALLY_KEY.get(mark, mark)
            counts[tkey] = counts.get(tkey, 0) + n
    return RowCounts(choices, counts)


def _form5_part(counted: CountedMarks, cats: tuple[str, ...]) -> Form5Part:
    parts = [counted.form5.get(Category(c), FormBallots()) for c in cats]
    return Form5Part(
        ballots=sum(p.ballots for p in parts),
        void=sum(p.void for p in parts),
        evaluees=tuple(
            EvalueeResult(e, _row(FORM5_CODES, counted, 5, cats, str(e.id)))
            for e in counted.evaluees
        ),
    )


def tally(counted: CountedMarks) -> Tally:
    """Form 5 for A, B and combined, and form 6 per item, from the box's aggregates."""
    both = (Category.A.value, Category.B.value)
    form5 = {
        "A": _form5_part(counted, ("A",)),
        "B": _form5_part(counted, ("B",)),
        "combined": _form5_part(counted, both),
    }
    items = {item.value: _row(FORM6_CODES, counted, 6, both, item.value) for item in Form6Item}
    form6 = Form6Tally(counted.form6.ballots, counted.form6.void, items, counted.comments)
    return Tally(form5, form6)


def part_as_dict(part: Form5Part) -> dict[str, object]:
    """One form 5 part in the SPEC schema, each evaluee's shares beside its counts."""
    return {
        "ballots": part.ballots,
        "void": part.void,
        "evaluees": [
            {
                "name": r.evaluee.name,
                "post": r.evaluee.post,
                "counts": r.row.as_dict(),
                "shares": r.row.shares_as_dict(),
            }
            for r in part.evaluees
        ],
    }


def form6_as_dict(form6: Form6Tally) -> dict[str, object]:
    """Form 6 in the SPEC schema; "shares" per item sits beside "items", whose entries stay
    counts only."""
    return {
        "ballots": form6.ballots,
        "void": form6.void,
        "items": {k: row.as_dict() for k, row in form6.items.items()},
        "shares": {k: row.shares_as_dict() for k, row in form6.items.items()},
        "comments": form6.comments,
    }


def _counts(choices: tuple[str, ...], data: Mapping[str, Any]) -> RowCounts:
    return RowCounts(choices, {k: int(data.get(k, 0)) for k in (*choices, ABSTAIN, INVALID)})


def part_from_dict(data: Mapping[str, Any]) -> Form5Part:
    """A form 5 part as `part_as_dict` stored it. The stored schema has no evaluee ids, so
    each evaluee gets its place in the printed order (1, 2, …) as id. Stored shares (absent
    from results certified before they existed) are not read: they follow from the counts."""
    return Form5Part(
        ballots=int(data["ballots"]),
        void=int(data["void"]),
        evaluees=tuple(
            EvalueeResult(EvalueeLine(n, e["name"], e["post"]), _counts(FORM5_CODES, e["counts"]))
            for n, e in enumerate(data["evaluees"], start=1)
        ),
    )


def form6_from_dict(data: Mapping[str, Any]) -> Form6Tally:
    """Form 6 as `form6_as_dict` stored it."""
    items = {item.value: _counts(FORM6_CODES, data["items"][item.value]) for item in Form6Item}
    return Form6Tally(int(data["ballots"]), int(data["void"]), items, int(data["comments"]))


def tally_from_dict(form5: Mapping[str, Any], form6: Mapping[str, Any]) -> Tally:
    """A tally as the SPEC schema stored it (a certified result): the figures it was
    certified with, whatever the box holds now."""
    parts = {key: part_from_dict(form5[key]) for key in ("A", "B", "combined")}
    return Tally(parts, form6_from_dict(form6))
