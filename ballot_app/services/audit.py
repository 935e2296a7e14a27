"""The audit log: who did what to which meeting, and when. Never ballot contents or secrets.

Voters never appear here: casting a ballot writes no event (SPEC, "Secrecy"). Staff actions
do: organizers, tellers and admins, each with their account.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import writes
from ..extensions import db
from ..models import AuditEvent, Meeting, User

#: What each action means, for the admin's log viewer.
ACTION_LABELS = {
    "auth.login": "登录",
    "unit.create": "添加单位",
    "member.add": "加入班子成员",
    "member.update": "修改班子成员",
    "member.remove": "移出班子成员",
    "member.move": "调整班子成员顺序",
    "meeting.create": "建立会议",
    "meeting.settings": "修改会议设置",
    "meeting.open": "开启投票箱",
    "meeting.close": "关闭投票箱",
    "meeting.reopen": "重新开启投票箱",
    "meeting.certify": "确认结果",
    "evaluee.add": "加入测评对象",
    "evaluee.move": "调整测评对象顺序",
    "evaluee.remove": "移出测评对象",
    "slips.issue": "生成测评码",
    "slips.void": "作废测评码（按码）",
    "slips.void_count": "作废测评码（按张数）",
    "monitor.revoke": "撤销监票链接",
    "teller.assign": "分配计票人",
    "teller.unassign": "移出计票人",
    "paper.stack": "新开一叠纸质票",
    "paper.sheet": "录入纸质票",
    "paper.pass": "纸质票第一遍录完",
    "paper.mismatch": "纸质票两遍不一致",
    "paper.count": "纸质票计入",
    "paper.withdraw": "撤回纸质票",
    "paper.void": "作废纸质票（计票人决定）",
    "paper.discard": "删除未计入的一叠",
}
PAGE_SIZE = 100


def record_event(user: User | None, meeting: Meeting | None, action: str, detail: str = "") -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    db.session.add(
        AuditEvent(
            user_id=user.id if user else None,
            meeting_id=meeting.id if meeting else None,
            action=action,
            detail=detail,
        )
    )


@writes
def record_login(user: User) -> None:
    """A staff member logged in."""
    record_event(user, None, "auth.login")


@dataclass(frozen=True)
class LogPage:
    events: list[AuditEvent]
    meetings: dict[int, Meeting]
    older: int | None  #: pass as `before` for the next page, None on the last one


def log_page(
    *, meeting_id: int | None = None, user_id: int | None = None, before: int | None = None
) -> LogPage:
    """Newest first, PAGE_SIZE at a time, optionally for one meeting or one account."""
    query = select(AuditEvent).options(selectinload(AuditEvent.user))
    if meeting_id is not None:
        query = query.where(AuditEvent.meeting_id == meeting_id)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    found = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)))
    events = found[:PAGE_SIZE]
    ids = {e.meeting_id for e in events if e.meeting_id is not None}
    meetings = (
        {m.id: m for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)))}
        if ids
        else {}
    )
    return LogPage(events, meetings, events[-1].id if len(found) > PAGE_SIZE else None)


def staff_accounts() -> list[User]:
    """Every account, for the viewer's filter."""
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))
