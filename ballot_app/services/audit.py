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
from ..domain.text import N_, _
from ..extensions import db
from ..models import AuditEvent, Meeting, User
from ..models.types import utcnow

#: What each action means, for the admin's log viewer (message ids: see action_label).
ACTION_LABELS = {
    "auth.login": N_("登录"),
    "auth.logout": N_("退出登录"),
    "account.password": N_("修改自己的密码"),
    "account.create": N_("开设账号"),
    "account.reset": N_("重设账号密码"),
    "account.disable": N_("停用账号"),
    "account.enable": N_("恢复账号"),
    "campaign.update": N_("修改年度考核的名称和日期"),
    "campaign.start": N_("开始年度考核"),
    "campaign.close": N_("结束年度考核"),
    "campaign.next": N_("开始下一年度考核"),
    "group.create": N_("建立考核组"),
    "group.update": N_("修改考核组"),
    "group.delete": N_("删除考核组"),
    "group.members": N_("调整考核组成员和单位"),
    "unit.create": N_("添加单位"),
    "member.add": N_("加入班子成员"),
    "member.update": N_("修改班子成员"),
    "member.remove": N_("移出班子成员"),
    "member.move": N_("调整班子成员顺序"),
    "roster.import": N_("导入考核对象名册"),
    "leader.create": N_("添加区领导（附件2评分人）"),
    "leader.update": N_("修改区领导及其分管或联系单位"),
    "leader.delete": N_("删除区领导"),
    "leader.paste": N_("粘贴导入区领导名单"),
    "sheet.issue": N_("发放评分表"),
    "sheet.add": N_("添加评分表"),
    "sheet.delete": N_("撤销评分表"),
    "sheet.revoke": N_("作废评分链接"),
    "sheet.return": N_("交回评分表"),
    "sheet.reopen": N_("退回评分表修改"),
    "aggregation.rules": N_("设定评分汇总和定等规则"),
    "grades.record": N_("记录定等建议（重新计算）"),
    "grades.decide": N_("审定考核等次"),
    "grades.sign": N_("签发考核等次"),
    "talk.update": N_("记录诫勉谈话"),
    "interview.save": N_("录入考察谈话推荐"),
    "meeting.create": N_("建立会议"),
    "meeting.settings": N_("修改会议设置"),
    "meeting.open": N_("开启投票箱"),
    "meeting.close": N_("关闭投票箱"),
    "meeting.reopen": N_("重新开启投票箱"),
    "meeting.certify": N_("确认结果"),
    "evaluee.add": N_("加入测评对象"),
    "evaluee.move": N_("调整测评对象顺序"),
    "evaluee.remove": N_("移出测评对象"),
    "slips.issue": N_("生成测评码"),
    "slips.void": N_("作废测评码（按码）"),
    "slips.void_count": N_("作废测评码（按张数）"),
    "monitor.revoke": N_("撤销监票链接"),
    "teller.assign": N_("分配计票人"),
    "teller.unassign": N_("移出计票人"),
    "paper.stack": N_("新开一叠纸质票"),
    "paper.sheet": N_("录入纸质票"),
    "paper.pass": N_("纸质票第一遍录完"),
    "paper.mismatch": N_("纸质票两遍不一致"),
    "paper.count": N_("纸质票计入"),
    "paper.withdraw": N_("撤回纸质票"),
    "paper.void": N_("作废纸质票（计票人决定）"),
    "paper.discard": N_("删除未计入的一叠"),
    "unit.rename": N_("修改单位"),
    "unit.delete": N_("删除单位"),
    "unit.archive": N_("归档单位"),
    "unit.restore": N_("恢复单位"),
    "meeting.rename": N_("修改会议名称或日期"),
    "meeting.delete": N_("删除会议草稿"),
    "meeting.archive": N_("归档会议"),
    "meeting.restore": N_("恢复会议"),
    "rehearsal.start": N_("开始演练"),
    "rehearsal.simulate": N_("模拟手机投票"),
    "rehearsal.wipe": N_("结束演练，清除演练的一切"),
}


def action_label(action: str) -> str:
    """What an action means, in the reader's language; a rehearsal's own events read
    「演练：…」."""
    if action.startswith("rehearsal.") and action not in ACTION_LABELS:
        rest = action.removeprefix("rehearsal.")
        return _(
            "演练：%(action)s", action=_(ACTION_LABELS[rest]) if rest in ACTION_LABELS else rest
        )
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


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
        detail = f"演练：{detail}" if detail else "演练"  # official: a record, kept as written
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


#: The export's columns: head (a message id, in the reader's language in the file) and width
#: in characters (offices file .xlsx).
EXPORT_COLUMNS = (
    (N_("时间（北京时间）"), 20),
    (N_("账号"), 24),
    (N_("会议"), 36),
    (N_("操作"), 22),
    (N_("说明"), 60),
    (N_("校验值"), 66),
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
    if user is None:
        return _("（已删除的账号）")
    return _("%(name)s（%(username)s）", name=user.display_name, username=user.username)


def _meeting_name(meeting_id: int | None, meetings: dict[int, Meeting]) -> str:
    if meeting_id is None:
        return ""
    m = meetings.get(meeting_id)
    if m is None:
        return f"#{meeting_id}"
    return _("%(unit)s：%(title)s（#%(id)s）", unit=m.unit.name, title=m.title, id=m.id)


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
    """The log as an .xlsx workbook: one sheet, heads in the reader's language, widths set,
    times as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("操作日志"))
    for n, (_head, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    heads = []
    for head, _width in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=_(head))
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
