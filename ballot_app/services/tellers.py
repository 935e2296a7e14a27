"""Teller accounts (计票人/监票人) assigned to meetings by the meeting's organizers."""

from __future__ import annotations

from sqlalchemy import exists, select

from ..database import writes
from ..domain.meeting_state import MeetingState
from ..domain.roles import Role
from ..domain.text import _
from ..extensions import db
from ..models import Meeting, User, meeting_teller
from .accounts import create_user
from .audit import record_event
from .errors import InvalidInput, NotFound, StateBlocked


def is_assigned(user: User, meeting_id: int) -> bool:
    """Whether this account is one of the meeting's tellers."""
    query = select(
        exists().where(
            meeting_teller.c.meeting_id == meeting_id, meeting_teller.c.user_id == user.id
        )
    )
    return bool(db.session.scalar(query))


def assigned_meeting_ids(user: User) -> set[int]:
    """The meetings a teller account is assigned to."""
    query = select(meeting_teller.c.meeting_id).where(meeting_teller.c.user_id == user.id)
    return set(db.session.scalars(query))


def assignable(meeting: Meeting, user: User | None = None) -> list[User]:
    """Enabled teller accounts not yet assigned to this meeting, by name: those of the
    meeting's inspection group (an admin, or no user given, sees every group's)."""
    taken = {u.id for u in meeting.tellers}
    query = (
        select(User)
        .where(User.role == Role.TELLER, User.is_enabled.is_(True))
        .order_by(User.display_name, User.id)
    )
    if user is not None and user.role != Role.ADMIN:
        group = meeting.unit.group_id
        query = query.where(User.group_id == group, User.group_id.is_not(None))
    return [u for u in db.session.scalars(query) if u.id not in taken]


def _check_writable(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CERTIFIED:
        raise StateBlocked([_("结果已经确认，会议只读：不能再更改计票人账号。")])


@writes
def assign(user: User, meeting: Meeting, teller_id: int) -> User:
    """Give an existing teller account this meeting."""
    _check_writable(meeting)
    teller = db.session.get(User, teller_id)
    may_assign = teller in meeting.tellers or teller in assignable(meeting, user)
    if teller is None or teller.role != Role.TELLER or not teller.is_enabled or not may_assign:
        raise InvalidInput(
            _("请从列表中选择一个计票人账号；列表里没有的，可以在下面新建。"),
            {"teller_id": _("请选择一个计票人账号。")},
        )
    if teller not in meeting.tellers:
        meeting.tellers.append(teller)
        who = f"{teller.display_name}（{teller.username}）"  # official
        record_event(user, meeting, "teller.assign", who)
    return teller


@writes
def create_and_assign(
    user: User, meeting: Meeting, username: str, display_name: str, password: str
) -> User:
    """Open a new teller account and assign it to this meeting."""
    _check_writable(meeting)
    teller = create_user(username, password, Role.TELLER, display_name=display_name.strip())
    teller.group_id = meeting.unit.group_id  # a teller of this group's meetings
    return assign(user, meeting, teller.id)


@writes
def unassign(user: User, meeting: Meeting, teller_id: int) -> None:
    """Take a teller off this meeting (the account stays)."""
    _check_writable(meeting)
    teller = next((t for t in meeting.tellers if t.id == teller_id), None)
    if teller is None:
        raise NotFound(_("这个账号已经不在本次会议的计票人名单里，请刷新页面。"))
    meeting.tellers.remove(teller)
    who = f"{teller.display_name}（{teller.username}）"  # official
    record_event(user, meeting, "teller.unassign", who)
