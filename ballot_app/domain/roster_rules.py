"""Who is assessed where (SPEC "Units and rosters"): the 9月30日 rule and the main post.

A roster line is one post of one person. A person is known by name: the same name on several
lines is one person holding several posts, possibly in two units, assessed once, in the main
post; the other posts show as 兼任. A post changed on or before the cut-off is assessed as it
is now; one changed after it is assessed in the old post, in the old unit.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

#: Lengths the stored roster holds (models.people: Member and Unit).
LIMITS = {"name": ("姓名", 64), "unit": ("单位", 120), "post": ("职务", 120)}
LIMITS |= {"portfolio": ("分管工作", 255), "old_unit": ("原单位", 120), "old_post": ("原职务", 120)}


def default_cutoff(year: int) -> date:
    """The campaign's cut-off when nobody set another: 9月30日 of the campaign year."""
    return date(year, 9, 30)


def day_label(day: date) -> str:
    """A date as the rule phrases print it: 9月30日."""
    return f"{day.month}月{day.day}日"


def _lines_label(numbers: Iterable[int]) -> str:
    return "第 " + "、".join(str(n) for n in numbers) + " 行"


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
        """The rule as the preview prints it, with the campaign's own cut-off."""
        day = day_label(cutoff)
        return {
            Rule.CURRENT: "按现任职务考核",
            Rule.CHANGED_BEFORE: f"{day}前异动，按新任职务考核",
            Rule.CHANGED_AFTER: f"{day}后异动，在原单位按原职务考核",
            Rule.CONCURRENT: "兼任，按主要职务考核",
        }[self]


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
    n, day, out = line.line_no, day_label(cutoff), []
    required = (("姓名", line.name), ("单位", line.unit), ("职务", line.post))
    empty = [label for label, value in required if not value]
    if empty:
        out.append(Problem(n, f"第 {n} 行：没有填写{'、'.join(empty)}，请补上后重新导入。"))
    for key, (label, limit) in LIMITS.items():
        if len(getattr(line, key)) > limit:
            out.append(Problem(n, f"第 {n} 行：{label}超过 {limit} 个字，请改短后重新导入。"))
    changed = line.changed_on
    if changed is not None and changed > cutoff:
        missing = [
            label for label, v in (("原单位", line.old_unit), ("原职务", line.old_post)) if not v
        ]
        if missing:
            what = "和".join(missing)
            out.append(Problem(n, f"第 {n} 行：{day}后异动的人员要填写{what}，请补上后重新导入。"))
    if changed is None and (line.old_unit or line.old_post):
        text = f"填了原单位或原职务但没有填任职变动日期，将按现任职务考核；如是{day}后异动，请补上任职变动日期。"
        out.append(_warning(n, text))
    if changed is not None and changed.year > cutoff.year:
        shown = f"{changed.year}年{changed.month}月{changed.day}日"
        out.append(_warning(n, f"任职变动日期{shown}晚于{cutoff.year}年底，请核对是否填错。"))
    return out


def _warning(n: int, text: str) -> Problem:
    return Problem(n, f"第 {n} 行：{text}", is_error=False)


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
        return None, (
            f"{name}在{where}有 {len(lines)} 个职务，{_lines_label(mains)}都标为主要职务，"
            "只能有一个，请把其余的改为“否”后重新导入。"
        )
    if not campaign_wide and all(ln.is_main is False for ln in lines):
        return _ELSEWHERE, (
            f"{name}的“主要职务”填了“否”，本名册中没有其主要职务，这里只显示为兼任、不考核；"
            "请确认主要职务所在单位的名册中有此人。"
        )
    if len(lines) == 1:
        return None, f"{name}只有这一个职务，“主要职务”却填了“否”，请改为“是”或留空后重新导入。"
    return None, (
        f"{name}在{where}有 {len(lines)} 个职务，但没有标明主要职务，"
        "请在主要职务那一行的“主要职务”填“是”、其余填“否”后重新导入。"
    )


def _repeat_problem(line: RosterLine, first: RosterLine) -> Problem:
    n = line.line_no
    return Problem(
        n,
        f"第 {n} 行：与第 {first.line_no} 行重复（姓名、单位、职务都相同），请删去其中一行后重新导入。",
    )


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
            problems.append(Problem(line.line_no, f"第 {line.line_no} 行：{why}", main is None))
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

#: The fields a re-import compares, with their Chinese heads.
FIELD_LABELS = {
    "unit": "单位",
    "post": "职务",
    "portfolio": "分管工作",
    "is_principal": "党政正职",
    "is_secretary": "党组织书记",
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
        return tuple(FIELD_LABELS[f] for f in self.fields)


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
