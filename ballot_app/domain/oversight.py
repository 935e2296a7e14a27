"""The district leaders' list (区领导及其分管或联系单位) as the admin pastes it from Excel or a
document: one leader a line, checked against the unit list, for issuing annex 2's score sheets.

Each bad line gets one sentence (in the reader's language) saying what to fix; only good lines
become leaders. The pasted text itself is read as Chinese in either language."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .text import N_, _

#: At most this many leader lines in one paste (blank lines and the header not counted).
MOST_LINES = 500
MOST_NAME = 64
MOST_POST = 120
_TOO_MANY = N_("一次最多粘贴 %(most)s 行，请分几次粘贴。")
#: The refusal of a longer paste, as the Chinese reader gets it.
TOO_MANY_LINES = _TOO_MANY % {"most": MOST_LINES}
#: The header's first column (a header line is skipped).
_HEADER = "姓名"  # official: matched in the pasted text

_COMMAS = re.compile(r"[，,]")  # official: separators matched in the pasted text
_UNIT_SEPARATORS = re.compile(r"[、；;，,/\s]+")  # official: separators matched in the pasted text
#: What the 4th column may hold, compared in lower case.
_TOP = frozenset({"是", "四大家", "√", "✓", "y", "yes", "1"})  # official: matched in the paste
_NOT_TOP = frozenset({"", "否", "n", "no", "0"})  # official: matched in the paste


@dataclass(frozen=True)
class LeaderLine:
    line_no: int  #: 1-based line number in the pasted text
    name: str  #: 姓名
    post: str  #: 职务, may be ""
    unit_names: tuple[str, ...]  #: 分管或联系单位, in order, no duplicates
    is_top: bool  #: 四大家领导 (scores every unit's 党政正职)


@dataclass(frozen=True)
class PasteResult:
    leaders: tuple[LeaderLine, ...]
    problems: tuple[str, ...]  #: one sentence per bad line, starting 「第 N 行：」


def _columns(line: str) -> list[str]:
    """The line's columns, stripped, without trailing empty ones: split on tabs when the line
    has one (an Excel copy), else on Chinese or ASCII commas."""
    parts = line.split("\t") if "\t" in line else _COMMAS.split(line)
    columns = [part.strip() for part in parts]
    while columns and not columns[-1]:
        columns.pop()
    return columns


def _units(cell: str) -> tuple[str, ...]:
    """The unit names in the 3rd column, in order, each once."""
    return tuple(dict.fromkeys(u for u in _UNIT_SEPARATORS.split(cell) if u))


def squeezed(name: str) -> str:
    """A name without any whitespace: 「王　伟」 padded to line up is 「王伟」."""
    return "".join(name.split())


def _read_line(
    line_no: int, columns: list[str], known: Collection[str], seen: dict[str, int]
) -> LeaderLine | str:
    """The leader on one line, or the line's problem as one sentence. Records the name in
    seen (name -> first line) so that a later line with the same name is told."""
    if len(columns) > 4:
        return _(
            "第 %(line)s 行：最多四列（姓名、职务、分管或联系单位、是否四大家领导），"
            "这一行有 %(n)s 列；几个单位之间请用「、」隔开。",
            line=line_no,
            n=len(columns),
        )
    name, post, cell, mark = (columns + ["", "", ""])[:4]
    faults: list[str] = []
    if not name:
        faults.append(_("姓名是空的，请在第一列填写姓名"))
    elif len(name) > MOST_NAME:
        faults.append(_("姓名最多 %(most)s 个字，这一行有 %(n)s 个字", most=MOST_NAME, n=len(name)))
    elif squeezed(name) in seen:
        first = seen[squeezed(name)]
        faults.append(
            _(
                "「%(name)s」在第 %(first)s 行已经填过，同一位领导的单位请写在同一行",
                name=name,
                first=first,
            )
        )
    else:
        seen[squeezed(name)] = line_no
    if len(post) > MOST_POST:
        faults.append(_("职务最多 %(most)s 个字，这一行有 %(n)s 个字", most=MOST_POST, n=len(post)))
    units = _units(cell)
    missing = [u for u in units if u not in known]
    if missing:
        listed = _("、").join(_("「%(unit)s」", unit=u) for u in missing)
        faults.append(
            _(
                "找不到单位%(units)s，请先在单位名单里添加，或改成名单上的名称",
                units=listed,
            )
        )
    is_top = mark.lower() in _TOP
    if not is_top and mark.lower() not in _NOT_TOP:
        faults.append(_("第四列只填「是」或留空（是否四大家领导）"))
    elif not units and not is_top:
        faults.append(_("请填写分管或联系的单位，或在第四列填「是」表示四大家领导"))
    if faults:
        return _("第 %(line)s 行：%(faults)s。", line=line_no, faults=_("；").join(faults))
    return LeaderLine(line_no, name, post, units, is_top)


def parse_leader_lines(text: str, known_units: Collection[str]) -> PasteResult:
    """The leaders in a pasted list and one problem per bad line. Columns: 姓名, 职务,
    分管或联系单位, 四大家 (optional); a first line whose first column is 姓名 is a header.
    Blank lines are skipped but still counted in the line numbers."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [(n, columns) for n, line in enumerate(lines, start=1) if (columns := _columns(line))]
    if rows and squeezed(rows[0][1][0]) == _HEADER:
        rows = rows[1:]
    if len(rows) > MOST_LINES:
        return PasteResult((), (_(_TOO_MANY, most=MOST_LINES),))
    known = frozenset(known_units)
    seen: dict[str, int] = {}
    leaders: list[LeaderLine] = []
    problems: list[str] = []
    for line_no, columns in rows:
        read = _read_line(line_no, columns, known, seen)
        if isinstance(read, str):
            problems.append(read)
        else:
            leaders.append(read)
    return PasteResult(tuple(leaders), tuple(problems))
