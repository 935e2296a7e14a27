"""Annex 8 (附件8, 党组织书记履行管党责任情况述职评议统计表): per filing committee (填报单位,
a township's or department's party committee), one row per grassroots party organisation's
certified meeting that used form 6, and the organisations still missing.

A row's result columns are the certified slip 7's `duty` counts, renamed as the annex
names them: 好→满意, 较好→较满意, 一般→一般, 差→不满意, and an empty row (弃权)→弃权. The
seed's table has no totals row, so none is added. Plain figures in, frozen dataclasses out:
the service reads the database, these rules say what the figures mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .choices import TABLE8_LABELS, Form6Choice
from .meeting_state import STATE_LABELS, MeetingState
from .tally import ABSTAIN, FEW_BALLOTS
from .text import N_

# The annex's own wording below is printed on the filed document and stays Chinese (its
# screen list, templates/campaign/annex8.html, shows TITLE translated: hence N_).
ANNEX_NO = "附件8"  # official
TITLE = N_("党组织书记履行管党责任情况述职评议统计表")
#: Form 6's duty codes (and 弃权) → annex 8's result columns, in the annex's order.
COLUMNS: tuple[tuple[str, str], ...] = (
    *((c.value, TABLE8_LABELS[c]) for c in Form6Choice),
    (ABSTAIN, "弃权"),  # official
)
RESULT_HEAD = "民主测评结果"  # official
RESULT_HEADS = tuple(label for _, label in COLUMNS)
#: The annex's column heads, as the seed prints them (the five results under RESULT_HEAD).
HEADS = ("评议单位（基层党组织）", "评议对象姓名", "参加民主测评人数", *RESULT_HEADS)  # official
NO_MEETING = "还没有测评会"  # official
NO_FORM6 = "测评会没有启用表6"  # official


@dataclass(frozen=True)
class HeldMeeting:
    """One meeting of a grassroots organisation (not archived), as plain figures.

    participants and duty are the certified slip 7's 评议人员 and duty counts by code
    (good, fairly_good, average, poor, abstain); they are read only once certified.
    """

    meeting_id: int
    held_on: date
    state: MeetingState
    has_form6: bool = True
    secretary: str = ""  #: the name form 6 printed for this meeting
    participants: int = 0
    duty: Mapping[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        """Whether this meeting makes a row of annex 8."""
        return self.state == MeetingState.CERTIFIED and self.has_form6


@dataclass(frozen=True)
class Organisation:
    """A grassroots party organisation under the committee, with its meetings."""

    unit_id: int
    name: str  #: its party organisation's name (党组织名称), else the unit's name
    secretary: str = ""  #: the roster's 党组织书记, for a meeting that named none
    meetings: tuple[HeldMeeting, ...] = ()


@dataclass(frozen=True)
class Annex8Row:
    """One certified meeting as annex 8 prints it."""

    unit_id: int
    meeting_id: int
    held_on: date
    organisation: str  #: 评议单位（基层党组织）
    secretary: str  #: 评议对象姓名
    participants: int  #: 参加民主测评人数
    results: tuple[int, ...]  #: 满意, 较满意, 一般, 不满意, 弃权

    @property
    def cells(self) -> tuple[str | int, ...]:
        """The row's cells under HEADS."""
        return (self.organisation, self.secretary, self.participants, *self.results)

    @property
    def is_few(self) -> bool:
        """Too few ballots behind the row for its cells to keep a vote secret."""
        return 0 < sum(self.results) < FEW_BALLOTS


@dataclass(frozen=True)
class Annex8Gap:
    """An organisation with no certified form 6 meeting yet (未完成), and what it lacks."""

    unit_id: int
    organisation: str
    lacks: str


@dataclass(frozen=True)
class Annex8:
    """The committee's annex 8: its rows, its missing organisations and its due date."""

    committee: str  #: 填报单位
    rows: tuple[Annex8Row, ...]
    gaps: tuple[Annex8Gap, ...]
    due: date | None
    today: date

    @property
    def is_complete(self) -> bool:
        return not self.gaps

    @property
    def days_left(self) -> int | None:
        """Days to the due date (negative once past); None without one."""
        return None if self.due is None else (self.due - self.today).days

    @property
    def is_late(self) -> bool:
        """Past the due date with organisations still missing."""
        left = self.days_left
        return left is not None and left < 0 and not self.is_complete


def results_of(duty: Mapping[str, int]) -> tuple[int, ...]:
    """The duty counts by code as annex 8's five result columns (a missing code is 0)."""
    return tuple(int(duty.get(code, 0)) for code, _ in COLUMNS)


def lacks(meetings: Iterable[HeldMeeting]) -> str:
    """What an organisation without a certified form 6 meeting still lacks, in Chinese (the
    annex's 未完成 list is part of the filed document)."""
    held = tuple(meetings)
    waiting = [m for m in held if m.has_form6 and not m.counts]
    if not waiting:
        return NO_FORM6 if held else NO_MEETING
    states = sorted({m.state for m in waiting}, key=list(MeetingState).index)
    labels = "、".join(STATE_LABELS[s] for s in states)  # official
    if len(waiting) == 1:
        return f"测评会未确认结果（{labels}）"  # official
    return f"{len(waiting)} 次测评会均未确认结果（{labels}）"  # official


def build_annex8(
    committee: str, organisations: Iterable[Organisation], *, due: date | None, today: date
) -> Annex8:
    """Annex 8 of one committee: a row per certified form 6 meeting, organisations by name
    and meetings by date; every organisation without one listed as 未完成."""
    rows: list[Annex8Row] = []
    gaps: list[Annex8Gap] = []
    for org in sorted(organisations, key=lambda o: (o.name, o.unit_id)):
        meetings = [m for m in org.meetings if m.counts]
        if not meetings:
            gaps.append(Annex8Gap(org.unit_id, org.name, lacks(org.meetings)))
        for m in sorted(meetings, key=lambda m: (m.held_on, m.meeting_id)):
            secretary = m.secretary.strip() or org.secretary
            rows.append(
                Annex8Row(
                    org.unit_id,
                    m.meeting_id,
                    m.held_on,
                    org.name,
                    secretary,
                    m.participants,
                    results_of(m.duty),
                )
            )
    return Annex8(committee, tuple(rows), tuple(gaps), due, today)


@dataclass(frozen=True)
class CommitteeProgress:
    """A filing committee on the campaign's annex 8 list."""

    unit_id: int
    name: str  #: 填报单位
    group: str  #: its inspection group's name, "" when none
    organisations: int  #: grassroots organisations under it (not archived)
    done: int  #: of those, with at least one certified form 6 meeting
    rows: int  #: certified form 6 meetings: the annex's rows

    @property
    def missing(self) -> int:
        return self.organisations - self.done
