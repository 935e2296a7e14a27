"""Paper ballots entered by tellers: the stack's phases and the second-teller check.

A stack (一叠) is a pile of paper ballots of one table. A teller enters it sheet by sheet
(the first pass); where the meeting asks for a second-teller check, another teller enters the
same pile in the same order (the second pass) and the stack counts only when both agree,
row by row. The marks are the field names and codes of `ballot_spec`, with the paper-only
marks `empty` (未填) and `over_marked` (多选).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .ballot_spec import BallotSpec, Choice, Row
from .choices import SPECIAL_LABELS, Special
from .text import N_, _


class PaperPhase(StrEnum):
    FIRST = "first"  #: the first teller is entering the stack
    SECOND = "second"  #: waiting for, or in, the second teller's pass
    COUNTED = "counted"  #: in the box

    @property
    def label(self) -> str:
        return _(PHASE_LABELS[self])


PHASE_LABELS = {
    PaperPhase.FIRST: N_("第一遍录入中"),
    PaperPhase.SECOND: N_("待第二人核录"),
    PaperPhase.COUNTED: N_("已计入"),
}
#: The passes as a page names them (shown through `_`).
PASS_LABELS = {1: N_("第一遍"), 2: N_("第二遍")}

#: The two marks a paper row may hold besides a choice, offered after the choices.
PAPER_CHOICES = (
    Choice(Special.EMPTY.value, SPECIAL_LABELS[Special.EMPTY]),
    Choice(Special.OVER_MARKED.value, SPECIAL_LABELS[Special.OVER_MARKED]),
)


def paper_spec(spec: BallotSpec) -> BallotSpec:
    """The same rows with 未填 and 多选 added to each: what a teller enters from paper."""

    def widen(rows: tuple[Row, ...]) -> tuple[Row, ...]:
        return tuple(
            Row(r.form, r.key, r.title, r.subtitle, r.choices + PAPER_CHOICES) for r in rows
        )

    return BallotSpec(spec.category, widen(spec.form5), widen(spec.form6))


def blank_marks(spec: BallotSpec) -> dict[str, str]:
    """A new sheet: every row 未填 until the teller marks it."""
    return {r.field: Special.EMPTY.value for r in spec.rows}


def short_marks(spec: BallotSpec, marks: Mapping[str, str]) -> str:
    """A sheet in one line for the teller's list: one character per row, form 5 then form 6
    (for example 「优称基不—× / 好较」; — is 未填, × is 多选): the first character of each
    choice's label in the reader's language."""
    short = {Special.EMPTY.value: "—", Special.OVER_MARKED.value: "×"}

    def one(row: Row) -> str:
        mark = marks.get(row.field, Special.EMPTY.value)
        if mark in short:
            return short[mark]
        label = next((c.label for c in row.choices if c.code == mark), "?")
        return _(label)[0]

    parts = ["".join(one(r) for r in rows) for rows in (spec.form5, spec.form6) if rows]
    return " / ".join(parts)


@dataclass(frozen=True)
class Difference:
    """Where the two passes disagree: a sheet's row (None: the number of sheets)."""

    sheet: int
    row: Row | None
    first: str
    second: str

    def describe(self) -> str:
        """The difference as a sentence in the reader's language."""
        if self.row is None:
            return _(
                "第一遍录了 %(first)s 张，第二遍录了 %(second)s 张。",
                first=self.first,
                second=self.second,
            )
        labels = {c.code: _(c.label) for c in self.row.choices}
        return _(
            "第 %(sheet)s 张「%(row)s」：第一遍是「%(first)s」，第二遍是「%(second)s」。",
            sheet=self.sheet,
            row=self.row.title,
            first=labels.get(self.first, self.first),
            second=labels.get(self.second, self.second),
        )


def compare_passes(
    spec: BallotSpec,
    first: Sequence[Mapping[str, str]],
    second: Sequence[Mapping[str, str]],
) -> list[Difference]:
    """Every disagreement between two passes over the same stack, sheet by sheet in order;
    [] when they agree and the stack may count. Comments are typed once and not compared."""
    found: list[Difference] = []
    if len(first) != len(second):
        found.append(Difference(0, None, str(len(first)), str(len(second))))
    for number, (a, b) in enumerate(zip(first, second, strict=False), start=1):
        for row in spec.rows:
            x = a.get(row.field, Special.EMPTY.value)
            y = b.get(row.field, Special.EMPTY.value)
            if x != y:
                found.append(Difference(number, row, x, y))
    return found
