"""SPEC "Secrecy": live results change only in steps of at least k ballots until the box
closes, so nobody watching can tell how one person voted. Turnout stays live.

The live view has three parts, each stepping on its own ballots: form 5 table A (over table
A's ballots), form 5 table B (over table B's) and form 6 with its comment count (over all
ballots). A part shows nothing until k of its ballots are in, and is replaced only once k
more are. Form 5 "combined" is the sum of the A and B views shown, never counted afresh:
counted afresh, it would move with every single ballot of either table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .choices import FORM5_CODES
from .tally import RowCounts
from .text import N_, _

#: A step below 3 would let two watchers who know each other's vote work out a third's.
MIN_STEP = 3
DEFAULT_STEP = 5


class Part(StrEnum):
    """A part of the live view that steps on its own ballots."""

    A = "A"
    B = "B"
    FORM6 = "form6"


#: Whose slips a part rests on, and whose results it shows, in the meeting page's warning.
_SLIPS_OF = {Part.A: N_("表A"), Part.B: N_("表B"), Part.FORM6: N_("全场")}
_RESULTS_OF = {Part.A: N_("表A"), Part.B: N_("表B"), Part.FORM6: N_("表6")}


@dataclass(frozen=True)
class PartCounts:
    """Ballots per part: table A's, table B's, and all of them (form 6, comments)."""

    a: int = 0
    b: int = 0
    form6: int = 0

    def __getitem__(self, part: Part) -> int:
        return {Part.A: self.a, Part.B: self.b, Part.FORM6: self.form6}[part]


def step_of(setting: int) -> int:
    """The step in force for a meeting's live_step setting: never below MIN_STEP."""
    return max(setting, MIN_STEP)


def may_replace(held: int, current: int, step: int) -> bool:
    """Whether a part's view resting on `held` ballots (0: nothing shown yet) may give way
    to one over `current` ballots: only once a whole step more is in, so the first view
    needs k ballots too. A part whose count fell (a paper ballot withdrawn) keeps its view."""
    return current >= held + step_of(step)


def next_held(held: PartCounts, current: PartCounts, step: int) -> PartCounts:
    """Per part, the ballots the view shown from now on rests on: the current count where a
    whole step more is in, else the count held so far."""

    def one(part: Part) -> int:
        return current[part] if may_replace(held[part], current[part], step) else held[part]

    return PartCounts(one(Part.A), one(Part.B), one(Part.FORM6))


def replaced_parts(held: PartCounts, new: PartCounts) -> frozenset[Part]:
    """The parts whose view next_held replaced."""
    return frozenset(p for p in Part if held[p] != new[p])


def next_at(held: int, step: int) -> int:
    """The ballot count at which a part's view is next replaced."""
    return held + step_of(step)


def _add_counts(
    total: dict[str, int] | None, more: Mapping[str, int] | None
) -> dict[str, int] | None:
    if more is None:
        return total
    if total is None:
        return dict(more)
    return {k: total.get(k, 0) + more.get(k, 0) for k in (*total, *more)}


def combine_form5(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Form 5 "combined" as the sum of the table views shown (SPEC schema dicts: ballots,
    void, evaluees with counts), evaluee by evaluee in form 5's order; None when no table
    is shown."""
    shown = list(parts)
    if not shown:
        return None
    evaluees: list[dict[str, Any]] = [
        {"name": e["name"], "post": e["post"], "counts": None} for e in shown[0]["evaluees"]
    ]
    for part in shown:
        for line, e in zip(evaluees, part["evaluees"], strict=False):
            line["counts"] = _add_counts(line["counts"], e["counts"])
    for line in evaluees:
        counts = line["counts"] or {}
        line["shares"] = RowCounts(FORM5_CODES, counts).shares_as_dict() if counts else None
    return {
        "ballots": sum(p["ballots"] for p in shown),
        "void": sum(p["void"] for p in shown),
        "evaluees": evaluees,
    }


@dataclass(frozen=True)
class ShortTable:
    """A part whose slips are too few for its live results to come in good time."""

    part: Part
    slips: int
    step: int

    @property
    def message(self) -> str:
        """What the meeting page says before the box opens."""
        words = {
            "slips": _(_SLIPS_OF[self.part]),
            "results": _(_RESULTS_OF[self.part]),
            "n": self.slips,
            "k": self.step,
        }
        if self.slips < self.step:
            return _(
                "%(slips)s只有 %(n)s 张测评码，少于步长（%(k)s）："
                "%(results)s的实时结果在关闭投票箱之前不会出现，只在关闭后显示。",
                **words,
            )
        return _(
            "%(slips)s只有 %(n)s 张测评码，少于步长的两倍（%(twice)s）："
            "%(results)s的实时结果要收回满 %(k)s 票才出现，之后直到关闭投票箱都不再更新。",
            twice=2 * self.step,
            **words,
        )


def short_tables(slips: PartCounts, step: int, *, form5: bool, form6: bool) -> Sequence[ShortTable]:
    """The parts with slips but fewer than two steps of them (SPEC: the meeting page warns
    before the box opens). Table A and B count when form 5 is on, all slips when form 6 is;
    a table without slips has no live results to wait for, so it is not warned about."""
    k = step_of(step)
    wanted = [*((Part.A, Part.B) if form5 else ()), *((Part.FORM6,) if form6 else ())]
    return tuple(ShortTable(p, slips[p], k) for p in wanted if 0 < slips[p] < 2 * k)
