"""The campaign's progress at a glance: per unit and per group, where its meetings stand,
their turnout, and what is still missing before the deadline.

Plain figures in, plain figures out: the service reads them in one query, these rules say
what they mean. Turnout is counts only, never a result: the dashboard shows nothing a
ballot says."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .rates import percent as rates_percent
from .text import N_, _

#: The states a meeting passes, in order, as the dashboard counts them.
STAGES = ("draft", "open", "closed", "certified")
#: Marked for the catalogue: shown through `_` (stage_label).
STAGE_LABELS = {
    "draft": N_("草稿"),
    "open": N_("投票中"),
    "closed": N_("已关闭"),
    "certified": N_("已确认"),
}


def stage_label(stage: str) -> str:
    """A stage's name in the reader's language."""
    return _(STAGE_LABELS[stage])


@dataclass(frozen=True)
class UnitFigures:
    """What the database holds for one unit (not archived meetings only)."""

    unit_id: int
    name: str
    kind: str
    group_id: int | None
    group_name: str
    group_position: int
    members: int  #: roster lines assessed here (兼任 lines left out)
    meetings: dict[str, int]  #: per stage, as in STAGES
    issued: int  #: slips not voided, plus paper forms handed out
    returned: int  #: ballots in the box, phone and paper
    sheets: int = 0  #: named score sheets issued for the unit (附件2、3、4)
    sheets_back: int = 0  #: of those, returned (sealed)


@dataclass(frozen=True)
class UnitProgress:
    figures: UnitFigures
    missing: tuple[str, ...]  #: what is still to do, each a short Chinese phrase

    @property
    def turnout(self) -> Decimal | None:
        return percent(self.figures.returned, self.figures.issued)

    @property
    def is_done(self) -> bool:
        return not self.missing


@dataclass
class GroupProgress:
    group_id: int | None
    name: str
    position: int
    units: list[UnitProgress] = field(default_factory=list)

    @property
    def meetings(self) -> dict[str, int]:
        return {s: sum(u.figures.meetings.get(s, 0) for u in self.units) for s in STAGES}

    @property
    def issued(self) -> int:
        return sum(u.figures.issued for u in self.units)

    @property
    def returned(self) -> int:
        return sum(u.figures.returned for u in self.units)

    @property
    def turnout(self) -> Decimal | None:
        return percent(self.returned, self.issued)

    @property
    def done(self) -> int:
        return sum(1 for u in self.units if u.is_done)

    @property
    def missing(self) -> int:
        return sum(len(u.missing) for u in self.units)


#: Turnout on the dashboard: one decimal, the rates' half-up rule (domain/rates.py).
TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal, half up (None for 0 of 0)."""
    return rates_percent(part, whole, TENTH)


def missing_for(f: UnitFigures) -> tuple[str, ...]:
    """What a unit still lacks, in the order the work is done. A grassroots party
    organisation needs no roster (it is rated with form 6 only)."""
    found = []
    if f.group_id is None:
        found.append(_("未分考核组"))
    if f.members == 0 and f.kind != "party_org":
        found.append(_("名单为空"))
    total = sum(f.meetings.values())
    if total == 0:
        found.append(_("还没有测评会"))
    elif f.meetings.get("certified", 0) < total:
        waiting = total - f.meetings.get("certified", 0)
        found.append(_("%(n)s 次会议未确认结果", n=waiting))
    if f.sheets > f.sheets_back:
        found.append(_("%(n)s 张评分表未交", n=f.sheets - f.sheets_back))
    return tuple(found)


def campaign_progress(rows: Iterable[UnitFigures]) -> list[GroupProgress]:
    """Units grouped by their inspection group in annex 1's order; units of no group last."""
    groups: dict[int | None, GroupProgress] = {}
    for f in rows:
        key = f.group_id
        if key not in groups:
            name = f.group_name if key is not None else _("未分组")
            groups[key] = GroupProgress(key, name, f.group_position if key is not None else 10**6)
        groups[key].units.append(UnitProgress(f, missing_for(f)))
    ordered = sorted(groups.values(), key=lambda g: (g.position, g.name))
    for g in ordered:
        g.units.sort(key=lambda u: u.figures.name)
    return ordered


def days_left(deadline: date | None, today: date) -> int | None:
    """Days from today to the deadline (negative once past); None without a deadline."""
    return None if deadline is None else (deadline - today).days
