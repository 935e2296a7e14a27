"""Units and their leadership rosters (领导班子成员)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..database import writes
from ..domain.roles import Role, may_see_unit
from ..domain.text import N_, _
from ..extensions import db
from ..models import Group, Meeting, Member, Unit, User, meeting_teller
from .audit import record_event
from .campaign import current_campaign
from .errors import DuplicateWarning, InvalidInput, NotFound
from .ordering import move_one_place

#: The kinds of unit and their names (marked for the catalogue: shown through `_`, see
#: kind_label).
UNIT_KINDS = {"township": N_("乡镇"), "department": N_("区直单位"), "party_org": N_("基层党组织")}


def kind_label(kind: str) -> str:
    """A unit kind's name in the reader's language (an unknown kind as it is)."""
    return _(UNIT_KINDS[kind]) if kind in UNIT_KINDS else kind


#: A grassroots party organisation (村、社区、支部) sits under a committee of these kinds.
PARENT_KINDS = ("township", "department")


@dataclass(frozen=True)
class MemberInput:
    """A roster line as typed by the organizer."""

    name: str
    post: str
    portfolio: str = ""
    is_principal: bool = False
    is_secretary: bool = False
    #: The organizer confirmed a second member of the same name.
    confirm_duplicate: bool = False


def group_named(name: str) -> Group:
    """This campaign's inspection group of that name, added to the transaction if new."""
    campaign = current_campaign()
    group = db.session.scalar(
        select(Group).where(Group.campaign_id == campaign.id, Group.name == name)
    )
    if group is None:
        group = Group(campaign_id=campaign.id, name=name)
        db.session.add(group)
        db.session.flush()
    return group


def _units_with_meetings_of(teller: User) -> Any:
    return (
        select(Meeting.unit_id)
        .join(meeting_teller, meeting_teller.c.meeting_id == Meeting.id)
        .where(meeting_teller.c.user_id == teller.id)
    )


def visible_units(user: User) -> list[Unit]:
    """The units this user may see: all for an admin, the group's units for organizers, and
    for a teller the units of the meetings they are assigned to."""
    query = select(Unit).order_by(Unit.name)
    if user.role == Role.TELLER:
        query = query.where(Unit.id.in_(_units_with_meetings_of(user)))
    elif user.role != Role.ADMIN:
        query = query.where(Unit.group_id == user.group_id, Unit.group_id.is_not(None))
    else:  # the admin's list is the campaign's; other years are on their campaign's page
        query = query.where(Unit.campaign_id == current_campaign().id)
    return list(db.session.scalars(query))


#: The same answer for a unit that does not exist and one the user may not see.
NO_SUCH_UNIT = N_(
    "找不到这个单位：它可能已被删除，或者不在您的账号能看到的范围内。请回到首页重新选择。"
)


def get_unit(user: User, unit_id: int) -> Unit:
    """A unit the user may see, or NotFound (also for one of another group)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_(NO_SUCH_UNIT))
    if user.role == Role.TELLER:
        if unit.id not in set(db.session.scalars(_units_with_meetings_of(user))):
            raise NotFound(_(NO_SUCH_UNIT))
    elif not may_see_unit(user.role, user.group_id, unit.group_id):
        raise NotFound(_(NO_SUCH_UNIT))
    return unit


@writes
def create_unit(
    user: User,
    name: str,
    kind: str,
    party_org_name: str = "",
    *,
    group_id: int | None = None,
    parent_id: int | None = None,
) -> Unit:
    """Add a unit to the campaign. An organizer's units go to their own group; the admin
    chooses the group (or none yet). A grassroots party organisation (基层党组织) names its
    parent committee, a 乡镇 or 区直单位 of the same campaign, and joins its group."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写单位名称。")
    if kind not in UNIT_KINDS:
        errors["kind"] = _("请选择单位类型：乡镇、区直单位或基层党组织。")
    campaign = current_campaign()
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if kind == "party_org":
        if parent is None or parent.campaign_id != campaign.id or parent.kind not in PARENT_KINDS:
            errors["parent_id"] = _("基层党组织要选上级党委所在的乡镇或区直单位。")
        elif not may_see_unit(user.role, user.group_id, parent.group_id):
            errors["parent_id"] = _("只能选本组的乡镇或区直单位作上级。")
    elif parent is not None:
        errors["parent_id"] = _("只有基层党组织才选上级单位；乡镇和区直单位请留空。")
    if user.role != Role.ADMIN and user.group is not None and user.group.campaign_id != campaign.id:
        raise InvalidInput(
            _(
                "您的账号属于「%(old)s」的%(group)s，不是「%(campaign)s」的考核组："
                "请管理员在「年度考核」→「考核组」里把您的账号分到本年度的组，再添加单位。",
                old=user.group.campaign.name,
                group=user.group.name,
                campaign=campaign.name,
            )
        )
    group = db.session.get(Group, group_id) if group_id else None
    if user.role == Role.ADMIN and group_id and (group is None or group.campaign_id != campaign.id):
        errors["group_id"] = _("这个考核组不在本年度，请重新选择。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    taken = select(Unit).where(Unit.campaign_id == campaign.id, Unit.name == name)
    if db.session.scalar(taken):
        raise InvalidInput(
            _("本年度已有单位「%(name)s」，请换一个名称。", name=name), {"name": _("名称重复。")}
        )
    if parent is not None:
        owner = parent.group_id
    elif user.role == Role.ADMIN:
        owner = group.id if group else None
    else:
        owner = user.group_id
    committee = f"{name}党委"  # official (a name: the unit's party committee)
    unit = Unit(
        campaign_id=campaign.id,
        group_id=owner,
        parent_id=parent.id if parent else None,
        name=name,
        kind=kind,
        party_org_name=party_org_name.strip() or (name if kind == "party_org" else committee),
    )
    db.session.add(unit)
    db.session.flush()
    record_event(user, None, "unit.create", f"单位：{name}")  # official (the audit log)
    return unit


def _check_member(data: MemberInput) -> MemberInput:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("请填写姓名。")
    if not data.post.strip():
        errors["post"] = _("请填写职务。")
    if len(data.name) > 64:
        errors["name"] = _("姓名最多 64 个字。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    return MemberInput(
        data.name.strip(),
        data.post.strip(),
        data.portfolio.strip(),
        data.is_principal,
        data.is_secretary,
        data.confirm_duplicate,
    )


def _only_secretary(unit: Unit, member: Member) -> None:
    """A unit has one party secretary: flagging one unflags the others."""
    if member.is_secretary:
        for other in unit.members:
            if other is not member:
                other.is_secretary = False


def _check_duplicate(unit: Unit, data: MemberInput, member: Member | None) -> None:
    """Two members of one unit with the same name are usually a typo or a second entry."""
    if data.confirm_duplicate:
        return
    twin = next((m for m in unit.members if m.name == data.name and m is not member), None)
    if twin is not None:
        raise DuplicateWarning(
            _(
                "本单位已有同名成员「%(name)s」（%(post)s）。如果确实是两个人，"
                "请勾选「确认同名，仍然保存」后再保存；如果是重复录入，请不要保存。",
                name=twin.name,
                post=twin.post,
            )
        )


@writes
def add_member(user: User, unit: Unit, data: MemberInput) -> Member:
    """Append a member to the unit's roster (a second one of the same name once confirmed)."""
    data = _check_member(data)
    _check_duplicate(unit, data, None)
    last = db.session.scalar(select(func.max(Member.position)).where(Member.unit_id == unit.id))
    member = Member(
        unit_id=unit.id,
        name=data.name,
        post=data.post,
        portfolio=data.portfolio,
        is_principal=data.is_principal,
        is_secretary=data.is_secretary,
        position=(last or 0) + 1,
    )
    unit.members.append(member)
    _only_secretary(unit, member)
    detail = f"{unit.name}：{data.name}（{data.post}）"  # official (the audit log keeps Chinese)
    record_event(user, None, "member.add", detail)
    return member


@writes
def update_member(user: User, member: Member, data: MemberInput) -> None:
    """Change a roster line."""
    data = _check_member(data)
    _check_duplicate(member.unit, data, member)
    member.name, member.post, member.portfolio = data.name, data.post, data.portfolio
    member.is_principal, member.is_secretary = data.is_principal, data.is_secretary
    _only_secretary(member.unit, member)
    detail = f"{member.unit.name}：{data.name}"  # official (the audit log keeps Chinese)
    record_event(user, None, "member.update", detail)


@writes
def move_member(user: User, member: Member, step: int) -> None:
    """Move a member one place up (step -1) or down (+1) in the roster order."""
    members = member.unit.members
    if move_one_place(members, members.index(member), step):
        detail = f"{member.unit.name}：{member.name}"  # official (the audit log keeps Chinese)
        record_event(user, None, "member.move", detail)


@writes
def remove_member(user: User, member: Member) -> None:
    """Take a member off the roster; meetings keep their own copy of the evaluee list."""
    detail = f"{member.unit.name}：{member.name}"  # official (the audit log keeps Chinese)
    record_event(user, None, "member.remove", detail)
    db.session.delete(member)


def get_member(user: User, member_id: int) -> Member:
    """A roster line of a unit the user may see."""
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound(_("找不到这位班子成员，可能已被删除。请刷新页面。"))
    get_unit(user, member.unit_id)
    return member
