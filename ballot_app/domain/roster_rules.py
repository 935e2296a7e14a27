"""Who is assessed where (SPEC "Units and rosters"): the 9月30日 rule and the main post.

A roster line is one post of one person. A person is known by name: the same name on several
lines is one person holding several posts, possibly in two units, assessed once, in the main
post; the other posts show as 兼任. A post changed on or before the cut-off is assessed as it
is now; one changed after it is assessed in the old post, in the old unit.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from .campaign import MONTHS, month_day
from .text import N_, _

#: Lengths the stored roster holds (models.people: Member and Unit), with the columns'
#: names (marked for the catalogue: shown through `_`).
LIMITS = {"name": (N_("姓名"), 64), "unit": (N_("单位"), 120), "post": (N_("职务"), 120)}
LIMITS |= {
    "portfolio": (N_("分管工作"), 255),
    "old_unit": (N_("原单位"), 120),
    "old_post": (N_("原职务"), 120),
}


def default_cutoff(year: int) -> date:
    """The campaign's cut-off when nobody set another: 9月30日 of the campaign year."""
    return date(year, 9, 30)


def day_label(day: date) -> str:
    """A date as the stored rule phrases write it, whatever the reader's language: 9月30日
    (`domain.campaign.month_day` is the same day for the reader)."""
    return f"{day.month}月{day.day}日"  # official (stored in Member.placed_by)


def _full_date(day: date) -> str:
    """A date in a sentence, in the reader's language: 2026年10月8日 (Oct 8, 2026)."""
    return _(
        "%(year)s年%(month)s%(day)s日", year=day.year, month=_(MONTHS[day.month - 1]), day=day.day
    )


def _lines_label(numbers: Iterable[int]) -> str:
    return _("第 %(numbers)s 行", numbers=_("、").join(str(n) for n in numbers))


def quoted(names: Iterable[str]) -> str:
    """Names each in quotes, as a sentence lists them: 「甲」「乙」 (“甲”, “乙” in English)."""
    marks = [_("「%(name)s」", name=name) for name in names]
    together = all(m.startswith("「") and m.endswith("」") for m in marks)  # official
    return ("" if together else ", ").join(marks)


def _on_line(n: int, text: str) -> str:
    """A sentence about line n, as every roster problem begins: 第 n 行：…"""
    return _("第 %(n)s 行：%(text)s", n=n, text=text)


@dataclass(frozen=True)
class RosterLine:
    """One row of an imported roster: one post of one person."""

    line_no: int  #: the spreadsheet's row number, for messages
    name: str  #: 姓名
    unit: str  #: 单位
    post: str  #: 职务
    portfolio: str = ""  #: 分管工作
    is_principal: bool = False  #: 党政正职
    is_secretary: bool = False  #: 党组织书记
    old_unit: str = ""  #: 原单位
    old_post: str = ""  #: 原职务
    changed_on: date | None = None  #: 任职变动日期
    is_main: bool | None = None  #: 主要职务; None: not filled


@dataclass(frozen=True)
class Problem:
    """One sentence about one line: an error blocks the import, a warning does not."""

    line_no: int
    message: str
    is_error: bool = True


class Rule(StrEnum):
    """Which rule placed a line."""

    CURRENT = "current"
    CHANGED_BEFORE = "changed_before"  #: changed on or before the cut-off
    CHANGED_AFTER = "changed_after"
    CONCURRENT = "concurrent"  #: 兼任: a post other than the person's main one

    def text(self, cutoff: date) -> str:
        """The rule's phrase with the campaign's own cut-off, as a member stores it
        (Member.placed_by): Chinese whatever the reader's language; `reason_label` shows it."""
        return _PHRASES[self].format(day=day_label(cutoff))

    def label(self, cutoff: date) -> str:
        """The rule as the preview prints it, in the reader's language."""
        return _(_LABELS[self], day=month_day(cutoff))


#: The rule phrases as stored ({day}: day_label of the cut-off).
_PHRASES = {
    Rule.CURRENT: "按现任职务考核",  # official (stored in Member.placed_by)
    Rule.CHANGED_BEFORE: "{day}前异动，按新任职务考核",  # official
    Rule.CHANGED_AFTER: "{day}后异动，在原单位按原职务考核",  # official
    Rule.CONCURRENT: "兼任，按主要职务考核",  # official
}
#: The same phrases for the reader (day: month_day of the cut-off).
_LABELS = {
    Rule.CURRENT: N_("按现任职务考核"),
    Rule.CHANGED_BEFORE: N_("%(day)s前异动，按新任职务考核"),
    Rule.CHANGED_AFTER: N_("%(day)s后异动，在原单位按原职务考核"),
    Rule.CONCURRENT: N_("兼任，按主要职务考核"),
}
_STORED_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")  # official (day_label's form)


def reason_label(reason: str) -> str:
    """A stored rule phrase (Rule.text, Member.placed_by) in the reader's language; a text
    that is no rule's phrase comes back as it is."""
    for rule, phrase in _PHRASES.items():
        head, day, tail = phrase.partition("{day}")
        if not day:
            if reason == phrase:
                return rule.label(date(2000, 9, 30))
            continue
        found = re.fullmatch(re.escape(head) + _STORED_DAY.pattern + re.escape(tail), reason)
        if found:
            try:
                return rule.label(date(2000, int(found[1]), int(found[2])))
            except ValueError:  # no such day: not a phrase this code wrote
                return reason
    return reason


@dataclass(frozen=True)
class RosterEntry:
    """A stored roster member, as a re-import compares it."""

    name: str
    unit: str
    post: str
    portfolio: str = ""
    is_principal: bool = False
    is_secretary: bool = False


@dataclass(frozen=True)
class Placement:
    """Where one line's person is assessed, by which rule, and what is wrong with the line."""

    source: RosterLine
    unit: str
    post: str
    rule: Rule
    rule_text: str
    is_assessed: bool  #: False for 兼任 lines and repeated lines
    problems: tuple[Problem, ...] = ()
    main_line_no: int | None = None  #: for 兼任 lines: the line of the main post, if in the file

    @property
    def line_no(self) -> int:
        return self.source.line_no

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def entry(self) -> RosterEntry:
        """The line as a roster member in the unit and post it is assessed in."""
        s = self.source
        return RosterEntry(
            s.name, self.unit, self.post, s.portfolio, s.is_principal, s.is_secretary
        )


@dataclass(frozen=True)
class RosterCheck:
    """Every line's placement, in the file's order."""

    cutoff: date
    placements: tuple[Placement, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for placement in self.placements for p in placement.problems)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def assessed(self) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if p.is_assessed)


def _line_problems(line: RosterLine, cutoff: date) -> list[Problem]:
    """What is wrong with a line on its own: empty or long cells, dates, old post."""
    n, day, out = line.line_no, month_day(cutoff), []
    required = ((N_("姓名"), line.name), (N_("单位"), line.unit), (N_("职务"), line.post))
    empty = [_(label) for label, value in required if not value]
    if empty:
        text = _("没有填写%(fields)s，请补上后重新导入。", fields=_("、").join(empty))
        out.append(Problem(n, _on_line(n, text)))
    for key, (label, limit) in LIMITS.items():
        if len(getattr(line, key)) > limit:
            text = _(
                "%(field)s超过 %(limit)s 个字，请改短后重新导入。", field=_(label), limit=limit
            )
            out.append(Problem(n, _on_line(n, text)))
    changed = line.changed_on
    if changed is not None and changed > cutoff:
        olds = ((N_("原单位"), line.old_unit), (N_("原职务"), line.old_post))
        missing = [_(label) for label, v in olds if not v]
        if missing:
            what = _("%(a)s和%(b)s", a=missing[0], b=missing[1]) if len(missing) > 1 else missing[0]
            text = _(
                "%(day)s后异动的人员要填写%(fields)s，请补上后重新导入。", day=day, fields=what
            )
            out.append(Problem(n, _on_line(n, text)))
    if changed is None and (line.old_unit or line.old_post):
        text = _(
            "填了原单位或原职务但没有填任职变动日期，将按现任职务考核；"
            "如是%(day)s后异动，请补上任职变动日期。",
            day=day,
        )
        out.append(_warning(n, text))
    if changed is not None and changed.year > cutoff.year:
        text = _(
            "任职变动日期%(day)s晚于%(year)s年底，请核对是否填错。",
            day=_full_date(changed),
            year=cutoff.year,
        )
        out.append(_warning(n, text))
    return out


def _warning(n: int, text: str) -> Problem:
    return Problem(n, _on_line(n, text), is_error=False)


def _own_placement(line: RosterLine, cutoff: date) -> tuple[Rule, str, str]:
    """The rule, unit and post a line gets by its own dates."""
    if line.changed_on is None:
        return Rule.CURRENT, line.unit, line.post
    if line.changed_on <= cutoff:
        return Rule.CHANGED_BEFORE, line.unit, line.post
    return Rule.CHANGED_AFTER, line.old_unit or line.unit, line.old_post or line.post


#: A main-line number for posts whose main post is in another unit's roster (rows count from 1).
_ELSEWHERE = -1


def _main_line(lines: Sequence[RosterLine], *, campaign_wide: bool) -> tuple[int | None, str]:
    """A person's lines (no repeats): the main line's number (_ELSEWHERE: none here, by
    intent), or None and the sentence saying why it cannot be told."""
    numbers = [ln.line_no for ln in lines]
    mains = [ln.line_no for ln in lines if ln.is_main]
    name, where = lines[0].name, _lines_label(numbers)
    if len(mains) == 1:
        return mains[0], ""
    if len(lines) == 1 and lines[0].is_main is None:
        return numbers[0], ""
    if len(mains) > 1:
        return None, _(
            "%(name)s在%(where)s有 %(count)s 个职务，%(mains)s都标为主要职务，"
            "只能有一个，请把其余的改为“否”后重新导入。",
            name=name,
            where=where,
            count=len(lines),
            mains=_lines_label(mains),
        )
    if not campaign_wide and all(ln.is_main is False for ln in lines):
        return _ELSEWHERE, _(
            "%(name)s的“主要职务”填了“否”，本名册中没有其主要职务，这里只显示为兼任、不考核；"
            "请确认主要职务所在单位的名册中有此人。",
            name=name,
        )
    if len(lines) == 1:
        return None, _(
            "%(name)s只有这一个职务，“主要职务”却填了“否”，请改为“是”或留空后重新导入。",
            name=name,
        )
    return None, _(
        "%(name)s在%(where)s有 %(count)s 个职务，但没有标明主要职务，"
        "请在主要职务那一行的“主要职务”填“是”、其余填“否”后重新导入。",
        name=name,
        where=where,
        count=len(lines),
    )


def _repeat_problem(line: RosterLine, first: RosterLine) -> Problem:
    n = line.line_no
    text = _(
        "与第 %(first)s 行重复（姓名、单位、职务都相同），请删去其中一行后重新导入。",
        first=first.line_no,
    )
    return Problem(n, _on_line(n, text))


def place_roster(
    lines: Sequence[RosterLine], cutoff: date, *, campaign_wide: bool = True
) -> RosterCheck:
    """Place every line by SPEC's rules and list each line's problems.

    campaign_wide: the admin's import of every unit, where each person's main post must be in
    the file. False for one unit's roster, where posts all marked 否 may have their main post
    in another unit's roster: they show as 兼任, with a warning, not an error."""
    first_of: dict[tuple[str, str, str], int] = {}
    people: dict[str, list[RosterLine]] = defaultdict(list)
    firsts: list[int] = []  # per line: the index of the first line it repeats, or its own
    for i, line in enumerate(lines):
        first = first_of.setdefault((line.name, line.unit, line.post), i) if line.name else i
        firsts.append(first)
        if first == i and line.name:
            people[line.name].append(line)
    main_of = {name: _main_line(own, campaign_wide=campaign_wide) for name, own in people.items()}
    placements: list[Placement] = []
    for line, first in zip(lines, firsts, strict=True):
        problems = _line_problems(line, cutoff)
        repeated = first != len(placements)
        main, why = main_of.get(line.name, (line.line_no, ""))
        if repeated:
            problems.append(_repeat_problem(line, lines[first]))
        elif why:
            problems.append(Problem(line.line_no, _on_line(line.line_no, why), main is None))
        placements.append(_placement(line, cutoff, problems, main, repeated=repeated))
    return RosterCheck(cutoff, tuple(placements))


def _placement(
    line: RosterLine, cutoff: date, problems: list[Problem], main: int | None, *, repeated: bool
) -> Placement:
    """A line's placement. A repeated line is not assessed a second time; a person whose main
    post cannot be told (an error) keeps each line's own rule until it is fixed."""
    rule, unit, post = _own_placement(line, cutoff)
    concurrent = not repeated and main is not None and main != line.line_no
    if concurrent:
        rule, unit, post = Rule.CONCURRENT, line.unit, line.post
    return Placement(
        source=line,
        unit=unit,
        post=post,
        rule=rule,
        rule_text=rule.text(cutoff),
        is_assessed=not repeated and not concurrent,
        problems=tuple(problems),
        main_line_no=main if concurrent and main != _ELSEWHERE else None,
    )


# Re-imports: what changes between the stored roster and a new one.

#: The fields a re-import compares, with their Chinese heads (marked for the catalogue:
#: shown through `_`).
FIELD_LABELS = {
    "unit": N_("单位"),
    "post": N_("职务"),
    "portfolio": N_("分管工作"),
    "is_principal": N_("党政正职"),
    "is_secretary": N_("党组织书记"),
}


@dataclass(frozen=True)
class EntryChange:
    """One person's post as stored and as imported."""

    old: RosterEntry
    new: RosterEntry

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that differ, in FIELD_LABELS' order."""
        return tuple(f for f in FIELD_LABELS if getattr(self.old, f) != getattr(self.new, f))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(_(FIELD_LABELS[f]) for f in self.fields)


@dataclass(frozen=True)
class RosterDiff:
    """What a re-import would change: stored order for removals, new order for the rest."""

    added: tuple[RosterEntry, ...] = ()
    removed: tuple[RosterEntry, ...] = ()
    moved: tuple[EntryChange, ...] = ()  #: same name, another unit
    changed: tuple[EntryChange, ...] = ()  #: same name and unit; post, portfolio or flags

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


_PASSES: tuple[Callable[[RosterEntry], Hashable], ...] = (
    lambda e: e,
    lambda e: (e.name, e.unit, e.post),
    lambda e: (e.name, e.unit),
    lambda e: e.name,
)


def diff(old: Sequence[RosterEntry], new: Sequence[RosterEntry]) -> RosterDiff:
    """Compare the stored entries with the imported ones.

    Entries pair up in passes, the closest first: equal entries; same name, unit and post
    (portfolio or flags changed); same name and unit (post changed); same name (moved to
    another unit). Within a pass, entries pair in list order, so the result is deterministic.
    """
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))
    pairs: list[tuple[int, int, int]] = []  # (pass, old index, new index)
    for step, key in enumerate(_PASSES):
        waiting: dict[Hashable, deque[int]] = defaultdict(deque)
        for i in free_old:
            waiting[key(old[i])].append(i)
        for j in list(free_new):
            queue = waiting.get(key(new[j]))
            if queue:
                i = queue.popleft()
                pairs.append((step, i, j))
                free_old.remove(i)
                free_new.remove(j)
    pairs.sort(key=lambda p: p[2])
    return RosterDiff(
        added=tuple(new[j] for j in free_new),
        removed=tuple(old[i] for i in free_old),
        moved=tuple(EntryChange(old[i], new[j]) for s, i, j in pairs if s == 3),
        changed=tuple(EntryChange(old[i], new[j]) for s, i, j in pairs if s in (1, 2)),
    )


def apply_diff(old: Sequence[RosterEntry], change: RosterDiff) -> list[RosterEntry]:
    """The roster after a re-import: the stored entries with the diff applied (as a multiset,
    in no particular order); what the import service writes must equal it."""
    kept = Counter(old)
    kept.subtract([*change.removed, *(c.old for c in (*change.moved, *change.changed))])
    if any(n < 0 for n in kept.values()):
        raise ValueError("the diff removes entries the roster does not hold")
    return [*kept.elements(), *change.added, *(c.new for c in (*change.moved, *change.changed))]
