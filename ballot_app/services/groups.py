"""Inspection groups (考核组, 附件1): who leads each, its liaison, its organizers and the
units it assesses; annex 1 as a table and as an .xlsx workbook."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from sqlalchemy import select

from ..database import writes
from ..domain.campaign import group_name
from ..domain.roles import Role
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Group, Unit, User
from .audit import record_event
from .campaign import get_campaign, member_names, writable
from .errors import InvalidInput, NotFound

NO_SUCH_GROUP = N_("找不到这个考核组：它可能已被删除。请回到「考核组」页面重新选择。")


@dataclass(frozen=True)
class GroupInput:
    """The group form as typed."""

    name: str
    leader_name: str = ""
    liaison_name: str = ""
    liaison_phone: str = ""


def get_group(group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None:
        raise NotFound(_(NO_SUCH_GROUP))
    return group


def next_name(campaign: Campaign) -> str:
    """The name the next group would have: 第一组, 第二组…"""
    return group_name(len(campaign.groups) + 1)


def _checked(campaign: Campaign, data: GroupInput, keep: Group | None = None) -> GroupInput:
    clean = GroupInput(
        *(
            value.strip()
            for value in (data.name, data.leader_name, data.liaison_name, data.liaison_phone)
        )
    )
    problems: dict[str, str] = {}
    if not clean.name:
        problems["name"] = _("请填写组别，例如「第一组」。")
    elif any(g.name == clean.name and g is not keep for g in campaign.groups):
        problems["name"] = _("本年度已经有「%(name)s」了，请换一个组别名称。", name=clean.name)
    phone = clean.liaison_phone.replace("-", "").replace(" ", "")
    if phone and not phone.isdigit():
        problems["liaison_phone"] = _("电话只填数字（可以带短横线），例如 0731-12345678。")
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    return clean


@writes
def create_group(user: User, campaign_id: int, data: GroupInput) -> Group:
    campaign = writable(get_campaign(campaign_id))
    clean = _checked(campaign, data)
    group = Group(
        campaign_id=campaign.id,
        name=clean.name,
        leader_name=clean.leader_name,
        liaison_name=clean.liaison_name,
        liaison_phone=clean.liaison_phone,
        position=max((g.position for g in campaign.groups), default=0) + 1,
    )
    db.session.add(group)
    db.session.flush()
    detail = f"{campaign.name}：{group.name}"  # official (the audit log keeps Chinese)
    record_event(user, None, "group.create", detail)
    return group


@writes
def update_group(user: User, group_id: int, data: GroupInput) -> Group:
    group = get_group(group_id)
    writable(group.campaign)
    clean = _checked(group.campaign, data, keep=group)
    before = group.name
    group.name, group.leader_name = clean.name, clean.leader_name
    group.liaison_name, group.liaison_phone = clean.liaison_name, clean.liaison_phone
    record_event(
        user,
        None,
        "group.update",
        f"{before} → {group.name}" if before != group.name else group.name,
    )
    return group


@writes
def delete_group(user: User, group_id: int) -> Campaign:
    """Delete a group that has no unit and no organizer left (move them first); its
    tellers stay, in no group."""
    group = get_group(group_id)
    writable(group.campaign)
    organizers = [a for a in group.organizers if a.role == Role.ORGANIZER]
    if group.units or organizers:
        raise InvalidInput(
            _(
                "「%(name)s」还有 %(units)s 个单位、%(accounts)s 个考核组账号："
                "请先把它们分到别的组或取消勾选，再删除这个组。",
                name=group.name,
                units=len(group.units),
                accounts=len(organizers),
            )
        )
    for account in group.organizers:
        account.group_id = None
    campaign = group.campaign
    detail = f"{campaign.name}：{group.name}"  # official (the audit log keeps Chinese)
    record_event(user, None, "group.delete", detail)
    db.session.delete(group)
    return campaign


def organizer_choices() -> list[User]:
    """Accounts that can be a group's members (考核组成员): enabled organizer accounts.
    Tellers keep the group they were opened in (the meeting page's teller list)."""
    query = (
        select(User)
        .where(User.role == Role.ORGANIZER, User.is_enabled.is_(True))
        .order_by(User.display_name, User.id)
    )
    return list(db.session.scalars(query))


def unit_choices(campaign: Campaign) -> list[Unit]:
    query = (
        select(Unit)
        .where(Unit.campaign_id == campaign.id, Unit.is_archived.is_(False))
        .order_by(Unit.name)
    )
    return list(db.session.scalars(query))


@writes
def set_members(user: User, group_id: int, account_ids: set[int], unit_ids: set[int]) -> Group:
    """The group's accounts and units are exactly the ones ticked: a ticked account or unit
    of another group moves here, an unticked one of this group leaves it (no group)."""
    group = get_group(group_id)
    writable(group.campaign)
    accounts = {u.id: u for u in organizer_choices()}
    units = {u.id: u for u in unit_choices(group.campaign)}
    unknown = (account_ids - accounts.keys()) | (unit_ids - units.keys())
    if unknown:
        raise InvalidInput(_("勾选的账号或单位有的已经不在了，请刷新页面后重新勾选。"))
    moved = _regroup(accounts.values(), account_ids, group.id, lambda a: a.display_name)
    moved += _regroup(units.values(), unit_ids, group.id, lambda u: u.name)
    if moved:
        detail = f"{group.name}：{'、'.join(moved)}"  # official (audit log)
        record_event(user, None, "group.members", detail)
    db.session.flush()
    db.session.expire(group)
    return group


def _regroup(
    items: Iterable[User | Unit], ticked: set[int], group_id: int, name: Callable[[Any], str]
) -> list[str]:
    """Ticked items join the group, unticked ones of the group leave it (no group); each move
    as "+name" or "-name" for the audit log."""
    moved = []
    for item in items:
        inside = item.id in ticked
        if inside and item.group_id != group_id:
            item.group_id = group_id
            moved.append(f"+{name(item)}")
        elif not inside and item.group_id == group_id:
            item.group_id = None
            moved.append(f"-{name(item)}")
    return moved


# --- annex 1 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Annex1Row:
    """One group as annex 1 prints it."""

    group: str  #: 组别
    leader: str  #: 组长
    liaison: str  #: 联络员（电话）
    members: str  #: 考核组成员
    units: str  #: 考核单位


ANNEX1_HEADS = ("组别", "组长", "联络员", "考核组成员", "考核单位")  # official (annex 1)
ANNEX1_WIDTHS = (10, 12, 22, 30, 48)


def annex1_rows(campaign: Campaign) -> list[Annex1Row]:
    """Annex 1's rows, in the groups' order: a row per group, even an empty one."""
    rows = []
    for g in campaign.groups:
        liaison = g.liaison_name + (f"（{g.liaison_phone}）" if g.liaison_phone else "")  # official
        members = member_names(g)
        units = "、".join(  # official (annex 1)
            u.name for u in g.units if not u.is_archived and u.campaign_id == campaign.id
        )
        rows.append(Annex1Row(g.name, g.leader_name, liaison, members, units))
    return rows


def annex1_title(campaign: Campaign) -> str:
    return f"{campaign.year}年度区管领导班子成员绩效考核分组安排表"  # official (annex 1)


def annex1_workbook(campaign: Campaign) -> bytes:
    """Annex 1 as the seed's table: a title row, the Chinese heads, a row per group."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "附件1"  # official
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([annex1_title(campaign)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ANNEX1_HEADS))
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.append(list(ANNEX1_HEADS))
    for row in annex1_rows(campaign):
        sheet.append([row.group, row.leader, row.liaison, row.members, row.units])
    for index, width in enumerate(ANNEX1_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if cell.row == 2:
                cell.font = Font(bold=True)
    sheet.print_title_rows = "2:2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
