"""The district leaders' list (区领导及其分管或联系单位) as the admin pastes it from Excel or a
document: one leader a line, checked against the unit list, for issuing annex 2's score sheets.

Each bad line gets one Chinese sentence saying what to fix; only good lines become leaders."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

#: At most this many leader lines in one paste (blank lines and the header not counted).
MOST_LINES = 500
MOST_NAME = 64
MOST_POST = 120
TOO_MANY_LINES = f"一次最多粘贴 {MOST_LINES} 行，请分几次粘贴。"

_COMMAS = re.compile(r"[，,]")
_UNIT_SEPARATORS = re.compile(r"[、；;，,/\s]+")
#: What the 4th column may hold, compared in lower case.
_TOP = frozenset({"是", "四大家", "√", "✓", "y", "yes", "1"})
_NOT_TOP = frozenset({"", "否", "n", "no", "0"})


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
        return (
            f"第 {line_no} 行：最多四列（姓名、职务、分管或联系单位、是否四大家领导），"
            f"这一行有 {len(columns)} 列；几个单位之间请用「、」隔开。"
        )
    name, post, cell, mark = (columns + ["", "", ""])[:4]
    faults: list[str] = []
    if not name:
        faults.append("姓名是空的，请在第一列填写姓名")
    elif len(name) > MOST_NAME:
        faults.append(f"姓名最多 {MOST_NAME} 个字，这一行有 {len(name)} 个字")
    elif squeezed(name) in seen:
        first = seen[squeezed(name)]
        faults.append(f"「{name}」在第 {first} 行已经填过，同一位领导的单位请写在同一行")
    else:
        seen[squeezed(name)] = line_no
    if len(post) > MOST_POST:
        faults.append(f"职务最多 {MOST_POST} 个字，这一行有 {len(post)} 个字")
    units = _units(cell)
    missing = [u for u in units if u not in known]
    if missing:
        listed = "、".join(f"「{u}」" for u in missing)
        faults.append(f"找不到单位{listed}，请先在单位名单里添加，或改成名单上的名称")
    is_top = mark.lower() in _TOP
    if not is_top and mark.lower() not in _NOT_TOP:
        faults.append("第四列只填「是」或留空（是否四大家领导）")
    elif not units and not is_top:
        faults.append("请填写分管或联系的单位，或在第四列填「是」表示四大家领导")
    if faults:
        return f"第 {line_no} 行：{'；'.join(faults)}。"
    return LeaderLine(line_no, name, post, units, is_top)


def parse_leader_lines(text: str, known_units: Collection[str]) -> PasteResult:
    """The leaders in a pasted list and one problem per bad line. Columns: 姓名, 职务,
    分管或联系单位, 四大家 (optional); a first line whose first column is 姓名 is a header.
    Blank lines are skipped but still counted in the line numbers."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [(n, columns) for n, line in enumerate(lines, start=1) if (columns := _columns(line))]
    if rows and squeezed(rows[0][1][0]) == "姓名":
        rows = rows[1:]
    if len(rows) > MOST_LINES:
        return PasteResult((), (TOO_MANY_LINES,))
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
