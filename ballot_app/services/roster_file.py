"""Reading an uploaded roster (考核对象名册): bytes in, roster lines out, no database.

A file is refused whole, with one sentence saying what to do, when it cannot be read as the
roster the template shows; otherwise every row comes back, with the cells that could not be
read listed per line. Which rule places whom is `domain.roster_rules`' job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.campaign import month_day
from ..domain.roster_rules import Problem, RosterLine, quoted
from ..domain.text import N_, _

#: The roster's columns, as SPEC names them, in the template's order: the words a file's
#: head row is read by, in every interface language.
HEADS: tuple[str, ...] = ("姓名", "单位", "职务", "分管工作", "党政正职", "党组织书记")  # official
HEADS += ("原单位", "原职务", "任职变动日期", "主要职务")  # official
REQUIRED = HEADS[:3]
#: A column most spreadsheets in an office carry: read past, never an unknown column.
IGNORED_HEADS = ("序号",)  # official
FIELDS: tuple[str, ...] = ("name", "unit", "post", "portfolio", "is_principal", "is_secretary")
FIELDS += ("old_unit", "old_post", "changed_on", "is_main")
FIELD_OF = dict(zip(HEADS, FIELDS, strict=True))
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: A zip this size unpacked is not a roster of 5,000 rows; openpyxl would hold all of it.
MAX_UNPACKED = 50 * 1024 * 1024
#: A title such as 「2026年度考核对象名册」 may stand above the heads.
HEAD_SEARCH_ROWS = 10
#: The template's second sheet: never read as a roster (known by this name).
INSTRUCTIONS = "填写说明"  # official
#: The template's invented line, recognised when left in a file.
EXAMPLE = (
    "王小明",  # official
    "示例镇",  # official
    "党委副书记、镇长",  # official
    "主持政府全面工作",  # official
    "是",  # official
    "否",  # official
    "",
    "",
    "",
    "",
)
WIDTHS = (10, 24, 24, 30, 10, 12, 24, 24, 14, 10)
#: Marked for the catalogue: shown through `_`.
DATE_FORMS = N_("2026-09-30、2026/9/30、2026.9.30、2026年9月30日 或 20260930")
#: The flags' cell values, read in every interface language.
YES, NO = ("是", "√", "✓", "✔"), ("否", "×", "✗")  # official

_Row = tuple[int, dict[int, Any]]  # row number, values by column number (from 1), no blanks
_DATES = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日"),  # official
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),
)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class ReadResult:
    """The rows read, the cells that could not be, or the sentence refusing the whole file."""

    lines: tuple[RosterLine, ...] = ()
    problems: tuple[Problem, ...] = ()
    refusal: str | None = None
    sheet: str | None = None  #: the worksheet read, for a workbook

    @property
    def is_refused(self) -> bool:
        return self.refusal is not None

    @property
    def has_errors(self) -> bool:
        return self.is_refused or any(p.is_error for p in self.problems)


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_roster(data: bytes, filename: str) -> ReadResult:
    """Read an uploaded .xlsx or .csv roster."""
    try:
        _check_size(data)
        if _is_zip(data):
            sheet, rows = _workbook_rows(data, filename)
            return _read_rows(rows, sheet=sheet, cells=True)
        return _read_rows(_text_rows(_decode(data, filename)), sheet=None, cells=True)
    except _Refused as refused:
        return ReadResult(refusal=refused.message)


def read_pasted(text: str) -> ReadResult:
    """Read rows pasted from a spreadsheet: tab-separated, with or without the head line
    (without it, the columns are taken in the template's order)."""
    try:
        if not text.strip():
            raise _Refused(_("没有粘贴任何内容，请在表格中选中人员各行，复制后粘贴到这里。"))
        _check_size(text.encode(), pasted=True)
        rows = list(_text_rows(_clean_text(text), delimiter="\t"))
        return _read_rows(rows, sheet=None, cells=False, pasted=True)
    except _Refused as refused:
        return ReadResult(refusal=refused.message)


def size_refusal(*, pasted: bool = False) -> str:
    """The sentence refusing a file (or a paste) over MAX_BYTES, in the reader's language."""
    if pasted:
        return _(
            "粘贴的内容超过 5 MB，名册放不下这么多内容：请删去图片和多余的工作表，或另存为 .csv 后重新导入。"
        )
    return _(
        "文件超过 5 MB，名册放不下这么多内容：请删去图片和多余的工作表，或另存为 .csv 后重新导入。"
    )


def _check_size(data: bytes, *, pasted: bool = False) -> None:
    if len(data) > MAX_BYTES:
        raise _Refused(size_refusal(pasted=pasted))
    if not data.strip() or data.strip() in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        raise _Refused(_("文件是空的，请在模板中填好人员后重新导入。"))


def _is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def _not_a_sheet(filename: str) -> _Refused:
    name = filename[-60:]
    return _Refused(
        _(
            "“%(name)s”不是可以读取的表格文件，请用 Excel 或 WPS 打开名册，另存为 .xlsx 或 .csv 后重新导入。",
            name=name,
        )
    )


def _decode(data: bytes, filename: str) -> str:
    """The text of a .csv: UTF-8 with or without BOM, UTF-16 (Excel's 「Unicode 文本」), or
    GB18030, the superset of the GBK that Excel in China saves."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Refused(
            _("这是旧版 .xls 或设了密码的工作簿，请在 Excel 中取消密码并另存为 .xlsx 后重新导入。")
        )
    if suffix not in ("csv", "txt", "tsv"):
        raise _not_a_sheet(filename)
    encodings = ("utf-16",) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ()
    for encoding in encodings or ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise _not_a_sheet(filename)


def _clean_text(text: str) -> str:
    return _CONTROL.sub("", text.lstrip("\ufeff"))


def _text_rows(text: str, delimiter: str | None = None) -> Iterator[_Row]:
    """Rows of a .csv or a paste; the delimiter, when not given, is the first line's: a tab
    if it has more tabs than commas."""
    if not text.strip():
        raise _Refused(_("没有可读取的内容，请在模板中填好人员后重新导入。"))
    if delimiter is None:
        head = next(line for line in text.splitlines() if line.strip())
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
        ):
            values = {col: v for col, v in enumerate(cells, 1) if v.strip()}
            if values:
                yield number, values
    except csv.Error as e:
        raise _Refused(_("文件中有无法读取的内容，请在 Excel 中另存为 .csv 后重新导入。")) from e


def _open_workbook(data: bytes, filename: str) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as e:
        raise _not_a_sheet(filename) from e
    if unpacked > MAX_UNPACKED:
        raise _Refused(
            _("工作簿解压后超过 50 MB，不像是名册：请只保留名册这一张表，另存为 .xlsx 后重新导入。")
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it drops
            # Not read-only: merged cells are only known to a fully loaded sheet. Not
            # data_only: a formula must be seen as one, to be refused.
            return load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception as e:  # untrusted bytes: any failure to parse is "not a spreadsheet"
        raise _not_a_sheet(filename) from e


def _sheet_rows(sheet: Any) -> list[_Row]:
    """A sheet's non-empty rows. The cells kept are those the file holds, not the grid up to
    its last formatted cell, which may lie a million rows down."""
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), cell in sheet._cells.items():
        if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
            rows.setdefault(row, {})[col] = cell.value
    return sorted(rows.items())


def _workbook_rows(data: bytes, filename: str) -> tuple[str, list[_Row]]:
    """The rows, from the head row on, of the one sheet with the roster's heads."""
    ws, rows, head_row = _roster_sheet(_open_workbook(data, filename))
    for merged in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        if merged.min_row <= head_row <= merged.max_row:
            raise _Refused(
                _(
                    "表头的单元格 %(cells)s 是合并的，请取消合并、每列只写一个列名后重新导入。",
                    cells=merged.coord,
                )
            )
    for (row, col), cell in sorted(ws._cells.items()):
        if cell.data_type == "f":
            where = get_column_letter(col) + str(row)
            raise _Refused(
                _(
                    "单元格 %(cell)s 是公式，请复制整张表后用“选择性粘贴 → 数值”粘贴，再重新导入。",
                    cell=where,
                )
            )
    return ws.title, _fill_merged(ws, rows, head_row)


def _roster_sheet(book: Any) -> tuple[Any, list[_Row], int]:
    """The sheet with two of the heads, or else the one with 姓名 among other heads, its rows
    and its head row's number; the template's 填写说明 is never it."""
    sheets = [(ws, _sheet_rows(ws)) for ws in book.worksheets if ws.title != INSTRUCTIONS]
    if not any(rows for _ws, rows in sheets):
        raise _Refused(_("工作簿是空的，请在模板中填好人员后重新导入。"))
    found = _sheets_with_heads(sheets, weak=False) or _sheets_with_heads(sheets, weak=True)
    if not found:
        raise _Refused(
            _(
                "在工作表%(names)s中没有找到表头，请让名册的第一行是列名（姓名、单位、职务等，可下载模板对照）后重新导入。",
                names=quoted(ws.title for ws, _rows in sheets),
            )
        )
    if len(found) > 1:
        raise _Refused(
            _(
                "工作表%(names)s都有名册的表头，一次只能导入一张表：请把人员合并到一张表中，或删去多余的工作表后重新导入。",
                names=quoted(ws.title for ws, _rows, _at in found),
            )
        )
    ws, rows, at = found[0]
    return ws, rows, rows[at][0]


def _sheets_with_heads(
    sheets: list[tuple[Any, list[_Row]]], *, weak: bool
) -> list[tuple[Any, list[_Row], int]]:
    found = [(ws, rows, _find_head(rows, weak=weak)) for ws, rows in sheets]
    return [(ws, rows, at) for ws, rows, at in found if at is not None]


def _fill_merged(ws: Any, rows: list[_Row], head_row: int) -> list[_Row]:
    """Rows from the head row on, each cell of a merged data range holding the range's value
    (a unit merged down its members' rows is every one's unit), down to the last row read."""
    values = dict(rows)
    last = rows[-1][0]
    for merged in ws.merged_cells.ranges:
        first = values.get(merged.min_row, {}).get(merged.min_col)
        if merged.min_row > head_row and first is not None:
            for row in range(merged.min_row, min(merged.max_row, last) + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    values.setdefault(row, {})[col] = first
    return [(row, cells) for row, cells in sorted(values.items()) if row >= head_row]


def _head(value: Any) -> str:
    return re.sub(r"\s+", "", str(value))


def _find_head(rows: list[_Row], *, weak: bool = True) -> int | None:
    """The index of the head row among the first rows: two of the heads, or (weak) 姓名 among
    heads of other names, so that those can be named in the refusal."""
    for at, (_row, cells) in enumerate(rows[:HEAD_SEARCH_ROWS]):
        heads = {_head(v) for v in cells.values()}
        if len(heads & set(HEADS)) >= 2 or (weak and HEADS[0] in heads):
            return at
    return None


def _columns(cells: dict[int, Any]) -> dict[int, str]:
    """The head row's columns by number, after refusing unknown, repeated or missing heads."""
    columns = {col: _head(v) for col, v in sorted(cells.items())}
    unknown = [h for h in columns.values() if h not in HEADS and h not in IGNORED_HEADS]
    missing = [h for h in REQUIRED if h not in columns.values()]
    every = _("、").join(HEADS)
    if unknown and missing:
        raise _Refused(
            _(
                "表头中的%(named)s不是名册的列，又缺少%(missing)s列：名册的列只能是%(every)s，请改正后重新导入。",
                named=quoted(unknown),
                missing=quoted(missing),
                every=every,
            )
        )
    if unknown:
        raise _Refused(
            _(
                "表头中的%(named)s不是名册的列：名册的列只能是%(every)s，请改正后重新导入。",
                named=quoted(unknown),
                every=every,
            )
        )
    if missing:
        raise _Refused(
            _(
                "表头缺少%(named)s列，请补上这些列（%(every)s）后重新导入。",
                named=quoted(missing),
                every=every,
            )
        )
    for head in HEADS:
        if list(columns.values()).count(head) > 1:
            raise _Refused(
                _("表头中「%(head)s」出现了不止一次，请删去多余的列后重新导入。", head=head)
            )
    return {col: head for col, head in columns.items() if head in HEADS}


def _read_rows(
    rows: Iterable[_Row], *, sheet: str | None, cells: bool, pasted: bool = False
) -> ReadResult:
    """Roster lines from a sheet's rows: the heads found, the rows below them read."""
    rows = list(rows)
    if not rows:
        raise _Refused(_("文件是空的，请在模板中填好人员后重新导入。"))
    at = _find_head(rows[:1] if pasted else rows)
    if at is None and not pasted:
        raise _Refused(
            _(
                "没有找到表头，请让名册的第一行是列名（姓名、单位、职务等，可下载模板对照）后重新导入。"
            )
        )
    if at is None:
        columns, data = dict(enumerate(HEADS, 1)), rows
    else:
        columns, data = _columns(rows[at][1]), rows[at + 1 :]
    _refuse_unnamed(data, set(rows[at][1]) if at is not None else set(columns), pasted)
    if not data:
        raise _Refused(_("名册里没有人员，请在表头下面逐行填写后重新导入。"))
    if len(data) > MAX_ROWS:
        raise _Refused(
            _(
                "名册最多 %(most)s 行，这里有 %(count)s 行，请分成几个文件分别导入。",
                most=MAX_ROWS,
                count=len(data),
            )
        )
    lines, problems = [], []
    for number, values in data:
        line, found = _line(number, values, columns, cells)
        lines.append(line)
        problems += found
    return ReadResult(tuple(lines), tuple(problems), sheet=sheet)


def _refuse_unnamed(data: list[_Row], named: set[int], pasted: bool) -> None:
    for number, values in data:
        extra = sorted(set(values) - named)
        if extra:
            col = extra[0]
            where = (
                _("第 %(n)s 列", n=col)
                if pasted
                else _("第 %(n)s 列（%(letter)s 列）", n=col, letter=get_column_letter(col))
            )
            raise _Refused(
                _(
                    "%(where)s没有列名，但第 %(row)s 行有内容：请给这一列写上列名或删去这一列，然后重新导入。",
                    where=where,
                    row=number,
                )
            )


def _text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as 2026-09-30, spaces trimmed
    (full-width ones too), characters a workbook cannot hold left out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES[0] if value else NO[0]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(ILLEGAL_CHARACTERS_RE.sub("", str(value))).strip()


def _flag(value: Any) -> bool | None:
    """是/√ as True, 否/× as False, an empty cell as None; anything else is refused."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in YES or text in NO:
        return text in YES
    if text:
        raise ValueError(text)
    return None


def _date(value: Any) -> date | None:
    """An Excel date cell, or the date forms in DATE_FORMS; anything else is refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in _DATES:
        if found := pattern.fullmatch(text):
            return date(int(found[1]), int(found[3]), int(found[4]))
    raise ValueError(text)


_READERS = {"is_principal": _flag, "is_secretary": _flag, "is_main": _flag, "changed_on": _date}


def _line(
    number: int, values: dict[int, Any], columns: dict[int, str], cells: bool
) -> tuple[RosterLine, list[Problem]]:
    """One row as a roster line, and the cells that could not be read (left empty)."""
    got: dict[str, Any] = {}
    problems = []
    for col, head in columns.items():
        field, raw = FIELD_OF[head], values.get(col)
        try:
            got[field] = _READERS.get(field, _text)(raw)
        except ValueError:
            where = (
                _(
                    "单元格 %(cell)s（%(head)s）",
                    cell=get_column_letter(col) + str(number),
                    head=head,
                )
                if cells
                else _("“%(head)s”", head=head)
            )
            problems.append(Problem(number, _unreadable(number, where, field, _text(raw))))
    # 王　明: two-character names are padded to line up with three-character ones.
    got["name"] = _CJK_GAP.sub("", got.get("name", ""))
    for flag in ("is_principal", "is_secretary"):
        got[flag] = bool(got.get(flag))
    line = RosterLine(number, **got)
    if (line.name, line.unit) == EXAMPLE[:2]:
        text = _(
            "第 %(n)s 行是模板里的示例（%(name)s），导入前请删去这一行。", n=number, name=line.name
        )
        problems.append(Problem(number, text, is_error=False))
    return line, problems


def _unreadable(number: int, where: str, field: str, shown: str) -> str:
    shown = shown if len(shown) <= 20 else shown[:20] + "…"
    if field == "changed_on":
        text = _(
            "%(where)s填的“%(shown)s”不是可识别的日期，请写成 %(forms)s，或设为 Excel 的日期格式，然后重新导入。",
            where=where,
            shown=shown,
            forms=_(DATE_FORMS),
        )
    else:
        text = _(
            "%(where)s填的“%(shown)s”无法识别，请填“是”或“√”，不是的填“否”或留空，然后重新导入。",
            where=where,
            shown=shown,
        )
    return _("第 %(n)s 行：%(text)s", n=number, text=text)


def _row_of(line: RosterLine) -> tuple[Any, ...]:
    """A line as the template's cells: flags as 是 or empty, 主要职务 as 是, 否 or empty."""
    yes, no = YES[0], NO[0]
    main = {True: yes, False: no, None: None}[line.is_main]
    return (
        line.name, line.unit, line.post, line.portfolio or None,
        yes if line.is_principal else None, yes if line.is_secretary else None,
        line.old_unit or None, line.old_post or None, line.changed_on, main,
    )  # fmt: skip


def _write_sheet(
    ws: Any, heads: Iterable[str], rows: Iterable[Iterable[Any]], widths: Iterable[int]
) -> None:
    """Heads in bold, then the rows; text stays text, even text beginning with =."""
    ws.append(list(heads))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            cell = ws.cell(number, col, value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_workbook(rows: Iterable[RosterLine]) -> bytes:
    """Roster lines as a workbook with the template's heads, which read_roster reads back."""
    book = Workbook()
    ws = book.active
    ws.title = _("名册")
    _write_sheet(ws, HEADS, (_row_of(line) for line in rows), WIDTHS)
    return _saved(book)


def template_workbook(cutoff: date | None = None) -> bytes:
    """The roster template: the heads, one invented example row, and the 填写说明 sheet."""
    book = Workbook()
    ws = book.active
    ws.title = _("名册")
    _write_sheet(ws, HEADS, [EXAMPLE], WIDTHS)
    choice = DataValidation(type="list", formula1=f'"{YES[0]},{NO[0]}"', allow_blank=True)
    choice.showErrorMessage = False  # a dropdown to help, not a gate: √ is fine too
    ws.add_data_validation(choice)
    for col in ("E", "F", "J"):
        choice.add(f"{col}2:{col}{MAX_ROWS + 1}")
    day = month_day(cutoff or date(2000, 9, 30))
    notes = book.create_sheet(INSTRUCTIONS)
    heads = (_("列名"), _("是否必填"), _("填写方法"))
    _write_sheet(notes, heads, _instructions(day), (14, 22, 90))
    return _saved(book)


def _instructions(day: str) -> list[tuple[str, ...]]:
    """The 填写说明 sheet's rows: the heads as the roster reads them, the rest in the reader's
    language."""
    name, unit, post, portfolio, principal, secretary, old_unit, old_post, changed, main = HEADS
    after = _("%(day)s后异动的必填", day=day)
    return [
        (name, _("必填"), _("考核对象的姓名。一人有几个职务就填几行，每行姓名的写法要完全相同。")),
        (unit, _("必填"), _("现任职务所在单位的全称，与系统中的单位名称一致。")),
        (post, _("必填"), _("现任职务，如“党委副书记、镇长”。")),
        (portfolio, _("选填"), _("分管或负责的工作，计分表（附件2）中显示。")),
        (principal, _("选填"), _("是党政正职的填“是”或“√”，不是的填“否”或留空。")),
        (secretary, _("选填"), _("是本单位党组织书记的填“是”或“√”，不是的填“否”或留空。")),
        (old_unit, after, _("职务变动前所在的单位。")),
        (old_post, after, _("变动前的职务。")),
        (changed, _("职务有变动的填"), _("现任职务的任职日期，可写 %(forms)s，或用 Excel 的日期格式。", forms=_(DATE_FORMS))),
        (main, _("一人多职的必填"), _("一人有多个职务的，主要职务那一行填“是”，其余各行填“否”；只有一个职务的留空。")),
        (),
        (_("考核规则"),),
        ("1", "", _("任职变动日期在%(day)s（含当天）之前的，按新任职务考核。", day=day)),
        ("2", "", _("任职变动日期在%(day)s之后的，在原单位按原职务考核，必须填写原单位和原职务。", day=day)),
        ("3", "", _("一人有两个以上职务的，只在主要职务考核一次，其余职务显示为兼任。只导入本单位名册时，主要职务在其他单位的，“主要职务”填“否”。")),
        ("4", "", _("党政正职、党组织书记、分管工作按考核所用的职务填写（%(day)s后异动的，按原职务填写）。", day=day)),
        ("5", "", _("同一姓名、单位和职务只填一行。")),
        (),
        (_("文件要求"),),
        ("1", "", _("名册放在一张工作表中，第一行是列名，列名与本模板相同，列的顺序不限；“序号”列可以保留。")),
        ("2", "", _("不要合并单元格，不要使用公式（有公式的，复制后用“选择性粘贴 → 数值”）。")),
        ("3", "", _("文件不超过 5 MB，不超过 %(rows)s 行；可以是 .xlsx，或 UTF-8、GBK 编码的 .csv。", rows=MAX_ROWS)),
        ("4", "", _("第 2 行的%(name)s是示例，导入前请删去。", name=EXAMPLE[0])),
    ]  # fmt: skip
