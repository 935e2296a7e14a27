"""Roster import (考核对象名册导入): read → preview → apply (SPEC "Units and rosters").

The admin imports the whole campaign's roster, each line into the unit its 单位 column names;
an organizer imports one unit's. `domain.roster_rules` places every line; the preview shows
each line's rule and problems and what changes against the stored roster; `apply_import`
writes exactly that, in one unit of work, once the stored roster is still the one the preview
was made from. Existing meetings keep their own evaluees (copied when each was created).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import writes
from ..domain.campaign import closed_sentence, month_day
from ..domain.roster_rules import (
    FIELD_LABELS,
    EntryChange,
    Placement,
    Problem,
    RosterDiff,
    RosterEntry,
    RosterLine,
    Rule,
    diff,
    place_roster,
    reason_label,
)
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Member, Unit, User
from .audit import record_event
from .campaign import writable
from .errors import ServiceError
from .roster_file import ReadResult, roster_workbook, size_refusal

CHANGED = N_(
    "名单在您预览之后有了变动（可能有人刚修改或导入了名单），刚才的预览已经不准确，这次没有保存："
    "下面是按现在的名单重新生成的预览，请核对后再确认导入。"
)


class RosterChanged(ServiceError):
    """The stored roster is no longer the one the preview was made from: nothing is saved;
    the new preview goes with the refusal."""

    status = 409
    title = N_("名单已有变动")

    def __init__(self, preview: Preview) -> None:
        super().__init__(_(CHANGED))
        self.preview = preview


@dataclass(frozen=True)
class Scope:
    """What an import replaces: every unit of a campaign that is not archived, or one unit."""

    campaign: Campaign
    unit: Unit | None = None

    @property
    def key(self) -> str:
        return f"unit:{self.unit.id}" if self.unit else f"campaign:{self.campaign.id}"

    @property
    def title(self) -> str:
        """What is imported, in the reader's language: 「示例镇」的名册."""
        if self.unit:
            return _("「%(unit)s」的名册", unit=self.unit.name)
        return _("%(campaign)s全区名册", campaign=self.campaign.name)

    @property
    def record(self) -> str:
        """The same for the audit log, which keeps Chinese."""
        if self.unit:
            return f"「{self.unit.name}」的名册"  # official (the audit log's record)
        return f"{self.campaign.name}全区名册"  # official (the audit log's record)


def campaign_scope(campaign: Campaign) -> Scope:
    return Scope(campaign)


def unit_scope(unit: Unit) -> Scope:
    return Scope(unit.campaign, unit)


def _units(scope: Scope) -> list[Unit]:
    """The units lines may name: the campaign's (archived ones too, to say so), or the one."""
    if scope.unit is not None:
        return [scope.unit]
    query = select(Unit).where(Unit.campaign_id == scope.campaign.id).order_by(Unit.name)
    return list(db.session.scalars(query.options(selectinload(Unit.members))))


def _targets(units: list[Unit], scope: Scope) -> list[Unit]:
    """The units whose rosters the import replaces."""
    return units if scope.unit is not None else [u for u in units if not u.is_archived]


def _entry(member: Member, unit: Unit) -> RosterEntry:
    return RosterEntry(
        member.name,
        unit.name,
        member.post,
        member.portfolio,
        member.is_principal,
        member.is_secretary,
    )


@dataclass(frozen=True)
class PreviewLine:
    """One line of the file: where its person is assessed, by which rule, what is wrong."""

    placement: Placement
    problems: tuple[Problem, ...]
    #: The reason stored with an unchanged member that this line keeps (see _reason).
    kept_reason: str = ""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)


@dataclass(frozen=True)
class _Plan:
    """Which stored member becomes which line (None: a new one), and which go."""

    members: tuple[Member | None, ...]
    dropped: tuple[Member, ...]
    reasons: tuple[str, ...]  #: each line's placed_by


@dataclass(frozen=True)
class Preview:
    """What an import would do: every line, the change, and whether it may be saved."""

    title: str
    lines: tuple[PreviewLine, ...]
    change: RosterDiff
    others: tuple[str, ...]  #: further changes as sentences: 兼任, reasons, order
    notes: tuple[Problem, ...]  #: warnings about the file as a whole
    fingerprint: str  #: the stored roster the preview was made from
    closed: str = ""  #: the closed campaign's sentence: nothing can be saved
    plan: _Plan | None = field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> int:
        return sum(len(line.errors) for line in self.lines)

    @property
    def warnings(self) -> int:
        return sum(len(line.warnings) for line in self.lines) + len(self.notes)

    @property
    def is_unchanged(self) -> bool:
        return self.change.is_empty and not self.others

    @property
    def can_apply(self) -> bool:
        return not (self.errors or self.closed or self.is_unchanged)

    def counts(self) -> str:
        """The change in numbers, for a flash and the confirm button's page."""
        c = self.change
        numbers = {"added": len(c.added), "removed": len(c.removed), "moved": len(c.moved)}
        numbers |= {"changed": len(c.changed), "others": len(self.others)}
        if self.others:
            return _(
                "新增 %(added)s 人，移除 %(removed)s 人，调动单位 %(moved)s 人，"
                "职务等信息变化 %(changed)s 人，其他变化 %(others)s 项",
                **numbers,
            )
        return _(
            "新增 %(added)s 人，移除 %(removed)s 人，调动单位 %(moved)s 人，"
            "职务等信息变化 %(changed)s 人",
            **numbers,
        )

    def record(self) -> str:
        """counts() for the audit log, which keeps Chinese."""
        c = self.change
        text = f"新增 {len(c.added)} 人，移除 {len(c.removed)} 人，调动单位 {len(c.moved)} 人，"  # official (audit log)
        text += f"职务等信息变化 {len(c.changed)} 人"  # official (audit log)
        return text + (f"，其他变化 {len(self.others)} 项" if self.others else "")  # official


def preview_import(scope: Scope, read: ReadResult) -> Preview:
    """Place the lines read, check them against the scope's units and compare them with the
    stored roster. Nothing is written."""
    cutoff = scope.campaign.post_change_cutoff
    check = place_roster(read.lines, cutoff, campaign_wide=scope.unit is None)
    units = _units(scope)
    targets = _targets(units, scope)
    stored = [(m, _entry(m, u)) for u in targets for m in u.members]
    placements = check.placements
    change = diff([e for _, e in stored], [p.entry for p in placements])
    plan = _plan(stored, placements, change)
    own = _scope_problems(scope, placements, {u.name: u for u in units})
    by_line: dict[int, list[Problem]] = defaultdict(list)
    for problem in read.problems:
        by_line[problem.line_no].append(problem)
    lines = tuple(
        PreviewLine(
            p,
            (*by_line[p.line_no], *p.problems, *own[i]),
            _kept(p, plan.members[i], plan.reasons[i]),
        )
        for i, p in enumerate(placements)
    )
    return Preview(
        title=scope.title,
        lines=lines,
        change=change,
        others=_others(targets, placements, plan),
        notes=_emptied(scope, targets, placements),
        fingerprint=_fingerprint(scope, units, targets),
        closed=closed_sentence(scope.campaign.name) if scope.campaign.is_closed else "",
        plan=plan,
    )


def _scope_problems(
    scope: Scope, placements: tuple[Placement, ...], units: dict[str, Unit]
) -> list[list[Problem]]:
    """Per line: the unit it is placed in must be the scope's (and one of the campaign's,
    not archived), and a unit has one party secretary."""
    day = month_day(scope.campaign.post_change_cutoff)
    found: list[list[Problem]] = [[] for _p in placements]
    secretaries: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(placements):
        n = p.line_no
        if not p.unit:
            continue
        if scope.unit is not None and p.unit != scope.unit.name:
            own = scope.unit.name
            text = (
                _(
                    "%(day)s后异动的人员在原单位「%(unit)s」考核，不列入「%(own)s」的名册：请删去这一行"
                    "（由「%(unit)s」的名册列出此人），再重新导入。",
                    day=day,
                    unit=p.unit,
                    own=own,
                )
                if p.rule == Rule.CHANGED_AFTER
                else _(
                    "单位填的是「%(unit)s」，这里只导入「%(own)s」的名册：请改为「%(own)s」或删去这一行，再重新导入。",
                    unit=p.unit,
                    own=own,
                )
            )
            found[i].append(Problem(n, _on_line(n, text)))
        elif p.unit not in units:
            text = (
                _(
                    "本年度还没有原单位「%(unit)s」：请先在首页添加这个单位（名称与名册中的一致），或改正原单位名称，再重新导入。",
                    unit=p.unit,
                )
                if p.rule == Rule.CHANGED_AFTER
                else _(
                    "本年度还没有单位「%(unit)s」：请先在首页添加这个单位（名称与名册中的一致），或改正单位名称，再重新导入。",
                    unit=p.unit,
                )
            )
            found[i].append(Problem(n, _on_line(n, text)))
        elif scope.unit is None and units[p.unit].is_archived:
            text = _(
                "单位「%(unit)s」已归档，不能导入人员：请先在单位页面把它恢复到首页列表，或删去这一行，再重新导入。",
                unit=p.unit,
            )
            found[i].append(Problem(n, _on_line(n, text)))
        if p.source.is_secretary:
            secretaries[p.unit].append(i)
    for unit, indexes in secretaries.items():
        if len(indexes) > 1:
            rows = _("、").join(str(placements[i].line_no) for i in indexes)
            for i in indexes:
                n = placements[i].line_no
                text = _(
                    "「%(unit)s」有 %(count)s 人标为党组织书记（第 %(rows)s 行），一个单位只有一位党组织书记：请只保留一个“是”，再重新导入。",
                    unit=unit,
                    count=len(indexes),
                    rows=rows,
                )
                found[i].append(Problem(n, _on_line(n, text)))
    return found


def _on_line(n: int, text: str) -> str:
    return _("第 %(n)s 行：%(text)s", n=n, text=text)


def _plan(
    stored: list[tuple[Member, RosterEntry]],
    placements: tuple[Placement, ...],
    change: RosterDiff,
) -> _Plan:
    """Pair stored members with lines as the diff paired their entries: a removed entry's
    member goes, a moved or changed one's takes the new entry, an equal one stays."""
    pool: dict[RosterEntry, deque[Member]] = defaultdict(deque)
    for member, entry in stored:
        pool[entry].append(member)
    dropped = tuple(pool[e].popleft() for e in change.removed)
    retargeted: dict[RosterEntry, deque[Member]] = defaultdict(deque)
    for c in (*change.moved, *change.changed):
        retargeted[c.new].append(pool[c.old].popleft())
    members: list[Member | None] = []
    for p in placements:
        found = pool.get(p.entry) or retargeted.get(p.entry)
        members.append(found.popleft() if found else None)
    reasons = tuple(_reason(p, m) for p, m in zip(placements, members, strict=True))
    return _Plan(tuple(members), dropped, reasons)


def _unchanged(p: Placement, member: Member | None) -> bool:
    """The member stays as stored: same entry, same 兼任 mark."""
    return (
        member is not None
        and _entry(member, member.unit) == p.entry
        and member.is_concurrent == (p.rule == Rule.CONCURRENT)
    )


def _reason(p: Placement, member: Member | None) -> str:
    """The rule phrase to store. A line that states no post change and leaves its member as
    stored keeps the member's reason: an exported roster carries no change dates, so its
    re-import must not wipe the 「9月30日后异动」 an earlier import recorded."""
    if p.rule == Rule.CURRENT and member is not None and _unchanged(p, member):
        return member.placed_by
    return p.rule_text


def _kept(p: Placement, member: Member | None, reason: str) -> str:
    return reason if member is not None and reason and reason != p.rule_text else ""


def _others(targets: list[Unit], placements: tuple[Placement, ...], plan: _Plan) -> tuple[str, ...]:
    """Changes the diff of entries does not show: 兼任 marks, reasons, the order."""
    found: list[str] = []
    for p, member, reason in zip(placements, plan.members, plan.reasons, strict=True):
        if member is None:
            continue
        who = _("%(name)s（%(unit)s，%(post)s）", name=p.source.name, unit=p.unit, post=p.post)
        concurrent = p.rule == Rule.CONCURRENT
        if member.is_concurrent != concurrent:
            found.append(
                _("%(who)s：改为兼任，不在这里考核。", who=who)
                if concurrent
                else _("%(who)s：不再是兼任，在这里考核。", who=who)
            )
        elif _entry(member, member.unit) == p.entry and reason != member.placed_by:
            found.append(
                _("%(who)s：考核依据改为「%(reason)s」。", who=who, reason=reason_label(reason))
            )
    for unit in targets:
        ids = [
            m.id for p, m in zip(placements, plan.members, strict=True) if m and p.unit == unit.name
        ]
        staying = set(ids) & {m.id for m in unit.members}
        new_order = [i for i in ids if i in staying]
        if new_order != [m.id for m in unit.members if m.id in staying]:
            found.append(_("「%(unit)s」的名单顺序将按文件中的顺序调整。", unit=unit.name))
    return tuple(found)


def _emptied(
    scope: Scope, targets: list[Unit], placements: tuple[Placement, ...]
) -> tuple[Problem, ...]:
    """The campaign's units with members that the file does not name: they are emptied."""
    if scope.unit is not None:
        return ()
    named = {p.unit for p in placements}
    return tuple(
        Problem(
            0,
            _(
                "文件中没有「%(unit)s」的人员：确认导入后，这个单位现有的 %(count)s 名班子成员将从名单中移除；"
                "如不想这样，请把它的人员补进文件后重新上传。",
                unit=u.name,
                count=len(u.members),
            ),
            is_error=False,
        )
        for u in targets
        if u.members and u.name not in named
    )


def _fingerprint(scope: Scope, units: list[Unit], targets: list[Unit]) -> str:
    """A digest of what the preview depends on: the cut-off, the units, the stored roster."""
    rows: list[Any] = [scope.key, scope.campaign.post_change_cutoff.isoformat()]
    rows += [[u.id, u.name, u.is_archived] for u in units]
    rows += [
        [m.id, u.id, m.name, m.post, m.portfolio, m.is_principal, m.is_secretary]
        + [m.is_concurrent, m.placed_by, m.position]
        for u in targets
        for m in u.members
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@writes
def apply_import(user: User, scope: Scope, read: ReadResult, seen: str) -> Preview:
    """Make the scope's rosters the file's lines, as previewed: placed unit and post, flags,
    兼任, the rule phrase, the file's order. Refused (RosterChanged, with the new preview)
    when the stored roster is no longer the one the preview `seen` was made from."""
    writable(scope.campaign)
    preview = preview_import(scope, read)
    if preview.fingerprint != seen or not preview.can_apply or preview.plan is None:
        raise RosterChanged(preview)
    units = {u.name: u for u in _units(scope)}
    positions: Counter[int] = Counter()
    plan = preview.plan
    for line, member, reason in zip(preview.lines, plan.members, plan.reasons, strict=True):
        p, unit = line.placement, units[line.placement.unit]
        if member is None:
            member = Member()
            unit.members.append(member)
        elif member.unit is not unit:
            member.unit = unit
        positions[unit.id] += 1
        member.name, member.post, member.portfolio = p.source.name, p.post, p.source.portfolio
        member.is_principal, member.is_secretary = p.source.is_principal, p.source.is_secretary
        member.is_concurrent, member.placed_by = p.rule == Rule.CONCURRENT, reason
        member.position = positions[unit.id]
    for gone in plan.dropped:
        gone.unit.members.remove(gone)
    detail = f"{scope.record}，{len(preview.lines)} 行：{preview.record()}"  # official (audit log)
    record_event(user, None, "roster.import", detail)
    return preview


def describe_change(change: EntryChange) -> str:
    """One changed or moved person as a sentence: each field's old and new value."""
    parts = []
    empty = _("（空）")
    for name in change.fields:
        old, new = getattr(change.old, name), getattr(change.new, name)
        if isinstance(old, bool):
            old, new = (_("是") if old else _("否")), (_("是") if new else _("否"))
        parts.append(
            _(
                "%(field)s：%(old)s → %(new)s",
                field=_(FIELD_LABELS[name]),
                old=old or empty,
                new=new or empty,
            )
        )
    return _(
        "%(name)s（%(unit)s）：%(changes)s",
        name=change.new.name,
        unit=change.old.unit,
        changes=_("；").join(parts),
    )


# --- export, and the preview carried to the confirm step ------------------------------------


def export_lines(scope: Scope) -> list[RosterLine]:
    """The stored roster as lines that import back to the same roster: 兼任 posts marked 否
    in 主要职务, the other post of a person with several marked 是."""
    members = [(m, u) for u in _targets(_units(scope), scope) for m in u.members]
    posts = Counter(m.name for m, _ in members)
    return [
        RosterLine(
            n,
            m.name,
            u.name,
            m.post,
            m.portfolio,
            m.is_principal,
            m.is_secretary,
            is_main=False if m.is_concurrent else (True if posts[m.name] > 1 else None),
        )  # fmt: skip
        for n, (m, u) in enumerate(members, 2)
    ]


def export_workbook(scope: Scope) -> bytes:
    """The stored roster as the template's workbook."""
    return roster_workbook(export_lines(scope))


def too_big() -> str:
    """The sentence refusing a roster over 5 MB, as the reader says it."""
    return size_refusal()


_TYPES: dict[str, tuple[type, ...]] = {f.name: (str,) for f in fields(RosterLine)}
_TYPES |= {"line_no": (int,), "changed_on": (str, type(None)), "is_main": (bool, type(None))}
_TYPES |= {"is_principal": (bool,), "is_secretary": (bool,)}


def encode_read(read: ReadResult) -> dict[str, Any]:
    """The lines read and their problems as JSON, to be signed into the preview page."""
    lines = [
        [v.isoformat() if isinstance(v, date) else v for v in (getattr(ln, f) for f in _TYPES)]
        for ln in read.lines
    ]
    return {"lines": lines, "problems": [[p.line_no, p.message, p.is_error] for p in read.problems]}


def decode_read(data: Any) -> ReadResult:
    """encode_read's JSON back as a ReadResult; ValueError for anything else."""
    try:
        lines = []
        for row in data["lines"]:
            values = dict(zip(_TYPES, row, strict=True))
            if not all(type(v) in _TYPES[k] for k, v in values.items()):
                raise ValueError(row)
            day = values["changed_on"]
            values["changed_on"] = date.fromisoformat(day) if day else None
            lines.append(RosterLine(**values))
        problems = [Problem(int(n), str(text), bool(error)) for n, text, error in data["problems"]]
    except (KeyError, TypeError) as e:
        raise ValueError("not a roster") from e
    return ReadResult(tuple(lines), tuple(problems))
