"""Which named score sheets are back (交回情况): per unit and per rater, against the
campaign's due date, and who is late (the reminders list). States only, never a score:
organizers read this for their group's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..domain.roles import Role
from ..domain.score_sheets import SheetState
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, ScoreSheet, Unit, User
from .score_sheets import sheet_order

#: The heading of the sheets that span every unit (the 四大家 leaders' sheet of principals).
EVERY_UNIT = N_("各单位党政正职（四大家领导评分）")


@dataclass
class UnitReturns:
    """One unit's sheets, or the principals' sheets (unit_id None)."""

    unit_id: int | None
    name: str
    group_name: str
    sheets: list[ScoreSheet] = field(default_factory=list)

    @property
    def returned(self) -> int:
        return sum(1 for s in self.sheets if s.state == SheetState.RETURNED)

    @property
    def open(self) -> list[ScoreSheet]:
        return [s for s in self.sheets if s.state != SheetState.RETURNED]


def visible_sheets(campaign: Campaign, user: User) -> list[ScoreSheet]:
    """The admin sees every sheet; an organizer those of the group's units."""
    query = select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id)
    if user.role != Role.ADMIN:
        if user.group_id is None:
            return []
        query = query.join(Unit, Unit.id == ScoreSheet.unit_id).where(
            Unit.group_id == user.group_id
        )
    return sorted(db.session.scalars(query), key=sheet_order)


def returns(campaign: Campaign, user: User) -> list[UnitReturns]:
    """The sheets by unit (units by name; the principals' sheets first)."""
    found: dict[int | None, UnitReturns] = {}
    for sheet in visible_sheets(campaign, user):
        unit = sheet.unit
        if sheet.unit_id not in found:
            group = unit.group.name if unit is not None and unit.group else ""
            found[sheet.unit_id] = UnitReturns(
                sheet.unit_id, unit.name if unit is not None else _(EVERY_UNIT), group
            )
        found[sheet.unit_id].sheets.append(sheet)
    return sorted(found.values(), key=lambda u: (u.unit_id is not None, u.name))


def is_late(campaign: Campaign, sheet: ScoreSheet, today: date) -> bool:
    """Not back once the due date has passed (the due day itself is still in time)."""
    due = campaign.sheets_due
    return due is not None and today > due and sheet.state != SheetState.RETURNED


def not_returned(campaign: Campaign, user: User) -> list[ScoreSheet]:
    """The reminders list: every sheet the user may see that is not back."""
    return [s for s in visible_sheets(campaign, user) if s.state != SheetState.RETURNED]
