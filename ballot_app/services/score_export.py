"""The named score sheets (附件2、3、4) as one .xlsx workbook: 「汇总」 (each assessed
person's mean and number of raters per kind, returned sheets only), 「评分明细」 (every row
of every sheet) and 「评分表」 (one line per sheet, with its seal).

Admin only: it holds the sealed scores, which nobody else reads (SPEC "Score sheets"). The
cells look like annex 1's workbook (services/groups.py): bold heads, thin borders, widths
set for Chinese text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.score_sheets import SheetKind, SheetState, from_tenths, mean
from ..domain.text import N_, _
from ..models import Campaign, ScoreRow, ScoreSheet
from .audit import beijing_time
from .score_sheets import KIND_ORDER, campaign_sheets, role_label
from .xlsx import Column, table

#: The workbook's words are marked here and translated while it is built (for the reader).
SHORT_KIND = {
    SheetKind.ANNEX2: N_("附件2（区领导）"),
    SheetKind.ANNEX2_PRINCIPALS: N_("附件2（四大家领导）"),
    SheetKind.ANNEX4: N_("附件4（党政正职）"),
    SheetKind.ANNEX3: N_("附件3（绩效考核领导小组）"),
}
VIA = {"link": N_("个人链接"), "paper": N_("纸质录入")}
ALL_PRINCIPALS = N_("各单位党政正职")
RULE = N_(
    "平均分 = 已交回（密封）评分表中该项得分之和 ÷ 评分人数，四舍五入保留两位小数；未交回的表不计入。"
)
PERSON_COLUMNS: tuple[Column, ...] = (
    (N_("被考核单位"), 24, ""), (N_("姓名"), 10, ""), (N_("职务"), 24, ""),
)  # fmt: skip
DETAIL_COLUMNS: tuple[Column, ...] = (
    (N_("评分表"), 40, ""), (N_("被考核单位"), 24, ""), (N_("评分人"), 24, ""),
    (N_("评分人身份"), 14, ""), (N_("姓名"), 10, ""), (N_("职务"), 24, ""),
    (N_("分管工作"), 30, ""), (N_("得分"), 8, "0.0"), (N_("备注"), 30, ""),
    (N_("状态"), 12, ""), (N_("交回方式"), 10, ""), (N_("交回时间"), 18, ""),
    (N_("摘要"), 66, ""),
)  # fmt: skip
SHEET_COLUMNS: tuple[Column, ...] = (
    (N_("编号"), 8, ""), (N_("评分表"), 40, ""), (N_("被考核单位"), 24, ""),
    (N_("评分人"), 24, ""), (N_("人数"), 8, ""), (N_("状态"), 12, ""),
    (N_("交回时间"), 18, ""), (N_("党政正职签名"), 14, ""), (N_("摘要"), 66, ""),
)  # fmt: skip


def _heads(columns: Sequence[Column]) -> list[Column]:
    """The columns with their heads in the reader's language."""
    return [(_(head), width, number_format) for head, width, number_format in columns]


def _via(sheet: ScoreSheet) -> str:
    via = VIA.get(sheet.returned_via)
    return _(via) if via else ""


def _returned_at(sheet: ScoreSheet) -> str:
    at = sheet.returned_at
    return beijing_time(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _summary(ws: Worksheet, sheets: Sequence[ScoreSheet]) -> None:
    kinds = [k for k in KIND_ORDER if any(s.kind == k for s in sheets)]
    people: dict[int, ScoreRow] = {}  #: member id → the first row naming them
    rated: set[tuple[int, SheetKind]] = set()  #: on a sheet of this kind, returned or not
    scores: dict[tuple[int, SheetKind], list[Decimal]] = {}
    for sheet in sheets:
        for row in sheet.rows:
            people.setdefault(row.member_id, row)
            rated.add((row.member_id, sheet.kind))
            if sheet.state == SheetState.RETURNED and row.score_tenths is not None:
                found = scores.setdefault((row.member_id, sheet.kind), [])
                found.append(from_tenths(row.score_tenths))
    columns = _heads(PERSON_COLUMNS)
    for kind in kinds:
        name = _(SHORT_KIND[kind])
        columns += [
            (_("%(kind)s 平均分", kind=name), 14, "0.00"),
            (_("%(kind)s 评分人数", kind=name), 12, ""),
        ]
    lines = []
    for row in sorted(people.values(), key=lambda r: (r.unit_name, r.position, r.member_id)):
        line: list[Any] = [row.unit_name, row.name, row.post]
        for kind in kinds:
            given = scores.get((row.member_id, kind), [])
            on_sheet = (row.member_id, kind) in rated
            line += [mean(given), len(given) if on_sheet else None]
        lines.append(line)
    table(ws, columns, lines)
    ws.cell(ws.max_row + 2, 1, _(RULE))


def _detail(sheet: ScoreSheet, row: ScoreRow) -> list[Any]:
    score = None if row.score_tenths is None else from_tenths(row.score_tenths)
    return [
        sheet.kind.staff_title, row.unit_name, sheet.rater_name, role_label(sheet.rater_role),
        row.name, row.post, row.portfolio, score, row.remark, sheet.state.label, _via(sheet),
        _returned_at(sheet), sheet.digest,
    ]  # fmt: skip


def _sheet_line(sheet: ScoreSheet) -> list[Any]:
    unit = sheet.unit.name if sheet.unit else _(ALL_PRINCIPALS)
    return [
        sheet.id, sheet.kind.staff_title, unit, sheet.rater_name, len(sheet.rows), sheet.state.label,
        _returned_at(sheet), sheet.confirmed_by, sheet.digest,
    ]  # fmt: skip


def workbook(campaign: Campaign) -> bytes:
    """The year's score sheets as an .xlsx: 汇总, 评分明细, 评分表."""
    sheets = campaign_sheets(campaign)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("汇总")
    _summary(summary, sheets)
    details = (_detail(s, r) for s in sheets for r in s.rows)
    table(book.create_sheet(_("评分明细")), _heads(DETAIL_COLUMNS), details)
    table(book.create_sheet(_("评分表")), _heads(SHEET_COLUMNS), (_sheet_line(s) for s in sheets))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
