"""The audit log: who did what to which meeting, and when. Never ballot contents or secrets.

Voters never appear here: casting a ballot writes no event (SPEC, "Secrecy"). Staff actions
do: organizers, tellers and admins, each with their account.

The log is a chain: each event's digest is SHA-256 over the previous event's digest and the
event's own fields, so an edited or deleted event breaks the chain (`flask verify`). The
meeting is left out of the digest: deleting a draft meeting unlinks its events
(services/corrections.py), which is allowed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Select, select, text
from sqlalchemy.orm import selectinload

from ..database import writes
from ..extensions import db
from ..models import AuditEvent, Meeting, User
from ..models.types import utcnow

#: What each action means, for the admin's log viewer.
ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "account.password": "修改自己的密码",
    "account.create": "开设账号",
    "account.reset": "重设账号密码",
    "account.disable": "停用账号",
    "account.enable": "恢复账号",
    "campaign.update": "修改年度考核的名称和日期",
    "campaign.start": "开始年度考核",
    "campaign.close": "结束年度考核",
    "campaign.next": "开始下一年度考核",
    "group.create": "建立考核组",
    "group.update": "修改考核组",
    "group.delete": "删除考核组",
    "group.members": "调整考核组成员和单位",
    "unit.create": "添加单位",
    "member.add": "加入班子成员",
    "member.update": "修改班子成员",
    "member.remove": "移出班子成员",
    "member.move": "调整班子成员顺序",
    "roster.import": "导入考核对象名册",
    "leader.create": "添加区领导（附件2评分人）",
    "leader.update": "修改区领导及其分管或联系单位",
    "leader.delete": "删除区领导",
    "leader.paste": "粘贴导入区领导名单",
    "sheet.issue": "发放评分表",
    "sheet.add": "添加评分表",
    "sheet.delete": "撤销评分表",
    "sheet.revoke": "作废评分链接",
    "sheet.return": "交回评分表",
    "sheet.reopen": "退回评分表修改",
    "aggregation.rules": "设定评分汇总和定等规则",
    "grades.record": "记录定等建议（重新计算）",
    "grades.decide": "审定考核等次",
    "grades.sign": "签发考核等次",
    "talk.update": "记录诫勉谈话",
    "interview.save": "录入考察谈话推荐",
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
    "unit.rename": "修改单位",
    "unit.delete": "删除单位",
    "unit.archive": "归档单位",
    "unit.restore": "恢复单位",
    "meeting.rename": "修改会议名称或日期",
    "meeting.delete": "删除会议草稿",
    "meeting.archive": "归档会议",
    "meeting.restore": "恢复会议",
    "rehearsal.start": "开始演练",
    "rehearsal.simulate": "模拟手机投票",
    "rehearsal.wipe": "结束演练，清除演练的一切",
}


def action_label(action: str) -> str:
    """What an action means; a rehearsal's own events read 「演练：…」."""
    if action.startswith("rehearsal.") and action not in ACTION_LABELS:
        rest = action.removeprefix("rehearsal.")
        return f"演练：{ACTION_LABELS.get(rest, rest)}"
    return ACTION_LABELS.get(action, action)


PAGE_SIZE = 100
#: PostgreSQL advisory lock that lines up the writers of audit events (any fixed number).
CHAIN_LOCK = 7_346_110_212
#: China has one time zone and no daylight saving: times are shown as 北京时间.
BEIJING = timezone(timedelta(hours=8))


def event_digest(
    previous: str, event_id: int, at: datetime, user_id: int | None, action: str, detail: str
) -> str:
    """The chain's rule: SHA-256 over the previous event's digest ("" for the first) and this
    event's id, time (ISO, UTC, microseconds), account, action and detail."""
    moment = at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = [previous, event_id, moment, user_id, action, detail]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _take_chain_lock() -> None:
    """Writers of events take turns until their transaction ends, so each reads the digest
    the previous writer committed. SQLite: the unit of work's write lock does it already.
    PostgreSQL: an advisory lock; `SELECT … FOR UPDATE` on the last event would not do, as a
    waiter is handed the row it waited for, not the one its predecessor added meanwhile,
    and an empty log has no row to lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def record_event(user: User | None, meeting: Meeting | None, action: str, detail: str = "") -> None:
    """Add an audit event, chained to the one before, to the current transaction (the caller
    commits: a unit of work).

    A rehearsal's events are the rehearsed meeting's, marked 「演练」: wiping the rehearsal
    deletes its meeting row, never a link of the chain (services/rehearsal.py)."""
    if meeting is not None and meeting.rehearsal_of_id is not None:
        action = f"rehearsal.{action}"[:40]
        detail = f"演练：{detail}" if detail else "演练"
        meeting = db.session.get(Meeting, meeting.rehearsal_of_id)
    _take_chain_lock()
    last = select(AuditEvent.digest).order_by(AuditEvent.id.desc()).limit(1)
    previous = db.session.scalar(last) or ""
    event = AuditEvent(
        at=utcnow(),
        user_id=user.id if user else None,
        meeting_id=meeting.id if meeting else None,
        action=action,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()  # the id is part of the digest
    event.digest = event_digest(previous, event.id, event.at, event.user_id, action, detail)
    db.session.flush()


@writes
def record_login(user: User) -> None:
    """A staff member logged in."""
    record_event(user, None, "auth.login")


@dataclass(frozen=True)
class LogPage:
    events: list[AuditEvent]
    meetings: dict[int, Meeting]
    older: int | None  #: pass as `before` for the next page, None on the last one


def _filtered(meeting_id: int | None, user_id: int | None) -> Select[AuditEvent]:
    query = select(AuditEvent).options(selectinload(AuditEvent.user))
    if meeting_id is not None:
        query = query.where(AuditEvent.meeting_id == meeting_id)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return query


def _meetings_of(events: list[AuditEvent]) -> dict[int, Meeting]:
    ids = {e.meeting_id for e in events if e.meeting_id is not None}
    if not ids:
        return {}
    query = select(Meeting).options(selectinload(Meeting.unit)).where(Meeting.id.in_(ids))
    return {m.id: m for m in db.session.scalars(query)}


def log_page(
    *, meeting_id: int | None = None, user_id: int | None = None, before: int | None = None
) -> LogPage:
    """Newest first, PAGE_SIZE at a time, optionally for one meeting or one account."""
    query = _filtered(meeting_id, user_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    found = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)))
    events = found[:PAGE_SIZE]
    return LogPage(events, _meetings_of(events), events[-1].id if len(found) > PAGE_SIZE else None)


def beijing_time(moment: datetime) -> datetime:
    """An event's time in 北京时间 (stored times are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING)


#: The export's columns: Chinese head and width in characters (offices file .xlsx).
EXPORT_COLUMNS = (
    ("时间（北京时间）", 20),
    ("账号", 24),
    ("会议", 36),
    ("操作", 22),
    ("说明", 60),
    ("校验值", 66),
)
#: Events read per round trip while writing the export.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ExportRow:
    """One event as the export writes it."""

    at: datetime  #: 北京时间, without a zone (a spreadsheet keeps none)
    account: str
    meeting: str
    action: str
    detail: str
    digest: str

    def cells(self) -> tuple[object, ...]:
        return (self.at, self.account, self.meeting, self.action, self.detail, self.digest)


def _account(user: User | None) -> str:
    return f"{user.display_name}（{user.username}）" if user else "（已删除的账号）"


def _meeting_name(meeting_id: int | None, meetings: dict[int, Meeting]) -> str:
    if meeting_id is None:
        return ""
    m = meetings.get(meeting_id)
    return f"{m.unit.name}：{m.title}（#{m.id}）" if m else f"#{meeting_id}"


def export_rows(
    *, meeting_id: int | None = None, user_id: int | None = None
) -> Iterator[ExportRow]:
    """Every event the log page's filters select, newest first, read in batches."""
    before: int | None = None
    while True:
        query = _filtered(meeting_id, user_id)
        if before is not None:
            query = query.where(AuditEvent.id < before)
        batch = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(EXPORT_BATCH)))
        meetings = _meetings_of(batch)
        for e in batch:
            yield ExportRow(
                at=beijing_time(e.at).replace(tzinfo=None),
                account=_account(e.user),
                meeting=_meeting_name(e.meeting_id, meetings),
                action=action_label(e.action),
                detail=e.detail,
                digest=e.digest,
            )
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].id


def staff_accounts() -> list[User]:
    """Every account, for the viewer's filter."""
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def export_workbook(rows: Iterable[ExportRow]) -> bytes:
    """The log as an .xlsx workbook: one sheet, Chinese heads, widths set, times as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("操作日志")
    for n, (_, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    heads = []
    for head, _ in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=head)
        cell.font = Font(bold=True)
        heads.append(cell)
    sheet.append(heads)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = [WriteOnlyCell(sheet, value=value) for value in row.cells()]
        cells[0].number_format = "yyyy-mm-dd hh:mm:ss"
        cells[4].alignment = wrap
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
