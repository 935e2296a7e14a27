"""Annex 8 (附件8, 述职评议统计表) read from the database: a committee's grassroots party
organisations and their meetings in two queries, the campaign's committees in one, and the
annex as an .xlsx workbook. Meaning is in domain/annex8.py.

A row's figures are the ones its meeting was certified with (`Meeting.certified_result`,
slip 7 as signed), never a fresh count of the box.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from ..domain.annex8 import (
    ANNEX_NO,
    HEADS,
    RESULT_HEAD,
    RESULT_HEADS,
    TITLE,
    Annex8,
    CommitteeProgress,
    HeldMeeting,
    Organisation,
    build_annex8,
)
from ..domain.choices import Form6Choice
from ..domain.meeting_state import MeetingState
from ..domain.roles import Role
from ..domain.slip7 import Slip7
from ..domain.tally import ABSTAIN
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Group, Meeting, Unit, User
from .errors import NotFound
from .roster import PARENT_KINDS, get_unit

PARTY_ORG = "party_org"
NOT_A_COMMITTEE = N_(
    "附件8 由乡镇或区直单位的党委（党组）填报：这个单位是基层党组织，请打开它的上级单位的附件8。"
)
#: Widths in characters of HEADS' columns.
WIDTHS = (30, 14, 12, 9, 9, 9, 9, 9)
GAP_HEADS = ("基层党组织", "还缺")  # official
GAP_WIDTHS = (30, 50)


def committee_name(unit: Unit) -> str:
    """The 填报单位 as the annex names it: the unit's party committee."""
    return unit.party_org_name.strip() or unit.name


def get_committee(user: User, unit_id: int) -> Unit:
    """A township or department the user may see (NotFound as for a missing unit)."""
    unit = get_unit(user, unit_id)
    if unit.kind not in PARENT_KINDS:
        raise NotFound(_(NOT_A_COMMITTEE))
    return unit


def _held(row: Any) -> HeldMeeting:
    participants, duty = 0, {}
    if row.state == MeetingState.CERTIFIED and row.certified_result:
        slip = Slip7.from_dict(json.loads(row.certified_result)["slip7"])
        participants = slip.participants
        duty = {c.value: int(getattr(slip, c.value)) for c in Form6Choice}
        duty[ABSTAIN] = slip.abstain
    return HeldMeeting(
        meeting_id=row.id,
        held_on=row.held_on,
        state=row.state,
        has_form6=row.is_form6_enabled,
        secretary=row.secretary_name,
        participants=participants,
        duty=duty,
    )


def organisations(committee: Unit) -> list[Organisation]:
    """The committee's grassroots organisations (not archived), each with its meetings (not
    archived): one query for the units and their rosters, one for the meetings."""
    query = (
        select(Unit)
        .where(Unit.parent_id == committee.id, Unit.kind == PARTY_ORG, Unit.is_archived.is_(False))
        .options(selectinload(Unit.members))
    )
    units = list(db.session.scalars(query))
    meetings: dict[int, list[HeldMeeting]] = defaultdict(list)
    if units:
        rows = db.session.execute(
            select(
                Meeting.id,
                Meeting.unit_id,
                Meeting.held_on,
                Meeting.state,
                Meeting.is_form6_enabled,
                Meeting.secretary_name,
                Meeting.certified_result,
            ).where(
                Meeting.unit_id.in_([u.id for u in units]),
                Meeting.is_archived.is_(False),
                Meeting.rehearsal_of_id.is_(None),  # a rehearsal counts nowhere
            )
        )
        for row in rows:
            meetings[row.unit_id].append(_held(row))
    found = []
    for u in units:
        secretary = u.secretary
        found.append(
            Organisation(
                unit_id=u.id,
                name=u.party_org_name.strip() or u.name,
                secretary=secretary.name if secretary else "",
                meetings=tuple(meetings[u.id]),
            )
        )
    return found


def annex8(committee: Unit, today: date | None = None) -> Annex8:
    """The committee's annex 8 as of today, with its campaign's annex 8 due date."""
    return build_annex8(
        committee_name(committee),
        organisations(committee),
        due=committee.campaign.annex8_due,
        today=today or date.today(),
    )


def committees(campaign: Campaign, user: User) -> list[CommitteeProgress]:
    """The campaign's townships and departments with grassroots organisations under them,
    as far as the user may see (the admin: all; an organizer: the group's), with how many
    organisations are done, in one query."""
    if user.role == Role.TELLER:
        return []
    child = aliased(Unit)
    certified = (
        select(Meeting.unit_id, func.count().label("n"))
        .where(
            Meeting.state == MeetingState.CERTIFIED,
            Meeting.is_form6_enabled.is_(True),
            Meeting.is_archived.is_(False),
        )
        .group_by(Meeting.unit_id)
        .subquery()
    )
    query = (
        select(
            Unit.id,
            Unit.name,
            Unit.party_org_name,
            func.coalesce(Group.name, ""),
            func.count(child.id),
            func.count(certified.c.unit_id),
            func.coalesce(func.sum(certified.c.n), 0),
        )
        .join(
            child,
            and_(child.parent_id == Unit.id, child.kind == PARTY_ORG, child.is_archived.is_(False)),
        )
        .outerjoin(certified, certified.c.unit_id == child.id)
        .outerjoin(Group, Group.id == Unit.group_id)
        .where(
            Unit.campaign_id == campaign.id,
            Unit.kind.in_(PARENT_KINDS),
            Unit.is_archived.is_(False),
        )
        .group_by(Unit.id, Unit.name, Unit.party_org_name, Group.name)
        .order_by(Unit.name, Unit.id)
    )
    if user.role != Role.ADMIN:
        query = query.where(Unit.group_id == user.group_id, Unit.group_id.is_not(None))
    return [
        CommitteeProgress(
            unit_id=uid,
            name=party.strip() or name,
            group=group,
            organisations=int(n),
            done=int(done),
            rows=int(rows),
        )
        for uid, name, party, group, n, done, rows in db.session.execute(query)
    ]


# --- the workbook ----------------------------------------------------------------------------
# Annex 8 is an official document: the workbook and the print keep its Chinese wording in
# every language (`# official` below).

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(sheet: Worksheet, row: int, col: int, value: str | int) -> None:
    cell = sheet.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # a name beginning with = stays text, never a formula


def _title(sheet: Worksheet, annex: Annex8, width: int) -> None:
    """附件8, the title across the table, and the 填报单位 line with the date."""
    sheet.cell(1, 1, ANNEX_NO).font = Font(bold=True)
    sheet.cell(2, 1, TITLE)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1).font = Font(bold=True, size=14)
    sheet.cell(2, 1).alignment = Alignment(horizontal="center")
    _text(sheet, 3, 1, f"填报单位：{annex.committee}")  # official
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width - 3)
    day = annex.today
    sheet.cell(3, width - 2, f"{day.year}年{day.month}月{day.day}日")  # official
    sheet.merge_cells(start_row=3, start_column=width - 2, end_row=3, end_column=width)


def _boxed(sheet: Worksheet, first_row: int, widths: Sequence[int]) -> None:
    for cells in sheet.iter_rows(min_row=first_row, max_col=len(widths)):
        for cell in cells:
            cell.border = _BOX
            if cell.alignment.horizontal is None:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def _annex_sheet(sheet: Worksheet, annex: Annex8) -> None:
    """The seed's table: two head rows (the five results under 民主测评结果), a row each."""
    _title(sheet, annex, len(HEADS))
    for col, head in enumerate(HEADS[:3], 1):
        sheet.cell(4, col, head)
        sheet.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    sheet.cell(4, 4, RESULT_HEAD)
    sheet.merge_cells(start_row=4, start_column=4, end_row=4, end_column=len(HEADS))
    for col, head in enumerate(RESULT_HEADS, 4):
        sheet.cell(5, col, head)
    for number, row in enumerate(annex.rows, 6):
        for col, value in enumerate(row.cells, 1):
            _text(sheet, number, col, value)
    for cells in sheet.iter_rows(min_row=4, max_row=5, max_col=len(HEADS)):
        for cell in cells:
            cell.font, cell.alignment = Font(bold=True), _CENTER
    _boxed(sheet, 4, WIDTHS)
    sheet.print_title_rows = "4:5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _gap_sheet(sheet: Worksheet, annex: Annex8) -> None:
    """未完成: the organisations not in the table yet, what each lacks, and the due date."""
    heading = f"{annex.committee}：未完成的基层党组织"  # official
    sheet.cell(1, 1, heading).font = Font(bold=True, size=12)
    sheet.cell(2, 1, due_sentence(annex))
    for col, head in enumerate(GAP_HEADS, 1):
        sheet.cell(3, col, head).font = Font(bold=True)
    for number, gap in enumerate(annex.gaps, 4):
        _text(sheet, number, 1, gap.organisation)
        _text(sheet, number, 2, gap.lacks)
    _boxed(sheet, 3, GAP_WIDTHS)


def due_sentence(annex: Annex8) -> str:
    """The due date and where the annex stands against it, as one Chinese sentence (printed
    on the annex: official wording)."""
    state = (
        "已全部完成"  # official
        if annex.is_complete
        else f"还有 {len(annex.gaps)} 个基层党组织未完成"  # official
    )
    if annex.due is None:
        return f"附件8 报送期限：未设定。{state}。"  # official
    left = annex.days_left
    assert left is not None
    when = f"{annex.due.year}年{annex.due.month}月{annex.due.day}日"  # official
    if left >= 0:
        return f"附件8 报送期限：{when}（还有 {left} 天）。{state}。"  # official
    late = "，已逾期" if annex.is_late else ""  # official
    return f"附件8 报送期限：{when}（已过 {-left} 天{late}）。{state}。"  # official


def workbook(annex: Annex8) -> bytes:
    """Annex 8 as .xlsx: sheet 「附件8」 as the seed's table, sheet 「未完成」 the rest."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ANNEX_NO
    _annex_sheet(sheet, annex)
    _gap_sheet(book.create_sheet("未完成"), annex)  # official
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
