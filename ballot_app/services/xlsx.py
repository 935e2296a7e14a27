"""One way to lay a table out in an .xlsx worksheet (openpyxl), shared by the exports:
bold Chinese heads, boxed and wrapped cells, widths for Chinese text, the head row frozen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: A column: its Chinese head, its width in characters, its number format ("" for none).
Column = tuple[str, int, str]


def table(ws: Worksheet, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """Bold heads, then the rows, every cell boxed and wrapped; text stays text (a remark
    beginning with = is never a formula); the head row frozen."""
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([head for head, _, _ in columns])
    for number, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            cell = ws.cell(number, col, value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif columns[col - 1][2]:
                cell.number_format = columns[col - 1][2]
    for cells in ws.iter_rows():
        for cell in cells:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if cell.row == 1:
                cell.font = Font(bold=True)
    for col, (_, width, _) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
