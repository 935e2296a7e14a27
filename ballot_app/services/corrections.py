"""Correcting what staff created (SPEC, "What staff meet"): rename a unit or a draft meeting,
delete what holds nothing, and archive, never delete, what holds ballots."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select, update

from ..database import writes
from ..domain.meeting_state import MeetingState
from ..domain.text import _
from ..extensions import db
from ..models import AuditEvent, Ballot, Meeting, ScoreSheet, Unit, User
from .audit import record_event
from .campaign import writable
from .errors import InvalidInput, StateBlocked
from .roster import UNIT_KINDS

#: States in which a meeting's ballots are settled, so it may be archived.
ARCHIVE_STATES = frozenset({MeetingState.CLOSED, MeetingState.CERTIFIED})


def _ballots(meeting_ids: list[int]) -> int:
    if not meeting_ids:
        return 0
    query = select(func.count()).select_from(Ballot).where(Ballot.meeting_id.in_(meeting_ids))
    return int(db.session.scalar(query) or 0)


@writes
def rename_unit(user: User, unit: Unit, name: str, kind: str, party_org_name: str) -> None:
    """Correct a unit's name, kind or party organisation; meetings keep their own titles."""
    writable(unit.campaign)
    name, party_org_name = name.strip(), party_org_name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写单位名称。")
    if kind not in UNIT_KINDS:
        errors["kind"] = _("请选择单位类型：乡镇、区直单位或基层党组织。")
    elif (kind == "party_org") != (unit.kind == "party_org"):
        errors["kind"] = _(
            "基层党组织和乡镇、区直单位之间不能直接改类型：请新添加一个单位，再删除或归档这一个。"
        )
    taken = select(Unit.id).where(
        Unit.campaign_id == unit.campaign_id, Unit.name == name, Unit.id != unit.id
    )
    if name and db.session.scalar(taken):
        errors["name"] = _("本年度已有单位「%(name)s」，请换一个名称。", name=name)
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    before = unit.name
    unit.name, unit.kind = name, kind
    committee = f"{name}党委"  # official (a name: the unit's party committee)
    unit.party_org_name = party_org_name or committee
    record_event(user, None, "unit.rename", f"{before} → {name}")


def check_unit_deletable(unit: Unit) -> list[Meeting]:
    """The unit's meetings, all drafts without a ballot; else the refusal in Chinese. A unit
    with a named score sheet issued is archived instead: its sheets and scores stay."""
    sheets = db.session.scalar(
        select(func.count()).select_from(ScoreSheet).where(ScoreSheet.unit_id == unit.id)
    )
    if sheets:
        raise StateBlocked(
            [
                _(
                    "「%(unit)s」已经发放了 %(n)s 张评分表（附件2、3、4），单位不能删除，只能归档。"
                    "不再需要这个单位时，请点「归档」；没有交回的评分表可以在「评分表」页面逐张撤销。",
                    unit=unit.name,
                    n=sheets,
                )
            ]
        )
    # A rehearsal goes with the draft it rehearses (the foreign key cascades): not counted.
    real = select(Meeting).where(Meeting.unit_id == unit.id, Meeting.rehearsal_of_id.is_(None))
    meetings = list(db.session.scalars(real))
    begun = [m for m in meetings if m.state != MeetingState.DRAFT]
    if begun or _ballots([m.id for m in meetings]):
        raise StateBlocked(
            [
                _(
                    "「%(unit)s」已有开启过的测评会议，会议和测评票不能删除，只能归档。"
                    "不再需要这个单位时，请点「归档」：它会从列表中移走，数据完整保留。",
                    unit=unit.name,
                )
            ]
        )
    return meetings


@writes
def delete_unit(user: User, unit: Unit) -> None:
    """Delete a unit created by mistake, with its roster and its meetings in draft; a unit
    whose meetings have begun is archived instead, so no ballot is ever deleted."""
    writable(unit.campaign)  # a closed year changes no more (explicit: these delete by SQL)
    meetings = check_unit_deletable(unit)
    for meeting in meetings:
        _delete_draft(meeting)
    detail = f"单位：{unit.name}（含 {len(meetings)} 次会议草稿）"  # official: a record
    record_event(user, None, "unit.delete", detail)
    db.session.delete(unit)


def _delete_draft(meeting: Meeting) -> None:
    """Delete a draft meeting with its evaluees and slips; its audit events stay, unlinked."""
    db.session.execute(
        update(AuditEvent).where(AuditEvent.meeting_id == meeting.id).values(meeting_id=None)
    )
    db.session.execute(delete(Meeting).where(Meeting.id == meeting.id))


def _not_a_rehearsal(meeting: Meeting) -> None:
    if meeting.is_rehearsal:
        raise StateBlocked(
            [_("演练不能删除或归档：演练完了请在演练页面点「结束演练」，演练的一切会被清除。")]
        )


@writes
def archive_unit(user: User, unit: Unit, *, archived: bool = True) -> None:
    """Take a unit off the lists (or put it back); everything it holds is kept."""
    writable(unit.campaign)  # a closed year changes no more (explicit: these delete by SQL)
    if archived:
        open_box = select(Meeting.id).where(
            Meeting.unit_id == unit.id, Meeting.state == MeetingState.OPEN
        )
        if db.session.scalar(open_box):
            raise StateBlocked([_("这个单位有会议正在投票，请先关闭投票箱再归档。")])
    unit.is_archived = archived
    record_event(user, None, "unit.archive" if archived else "unit.restore", unit.name)


@writes
def rename_meeting(user: User, meeting: Meeting, title: str, held_on: date | None) -> None:
    """Correct a draft meeting's title or date (after the box opens they are on the record)."""
    writable(meeting.unit.campaign)  # a closed year changes no more (explicit: these delete by SQL)
    if meeting.state != MeetingState.DRAFT:
        raise StateBlocked([_("投票箱开启后，会议名称和日期不能再改（已印在测评码和结果上）。")])
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写会议名称。")
    if held_on is None:
        errors["held_on"] = _("请填写会议日期，例如 2026-12-08。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    assert held_on is not None
    before = meeting.title
    meeting.title, meeting.held_on = title.strip(), held_on
    detail = f"{before} → {meeting.title}（{held_on}）"  # official: a record
    record_event(user, meeting, "meeting.rename", detail)


@writes
def delete_meeting(user: User, meeting: Meeting) -> None:
    """Delete a meeting still in draft, with its slips (printed ones stop working); a meeting
    whose box was ever opened is archived instead."""
    writable(meeting.unit.campaign)  # a closed year changes no more (explicit: these delete by SQL)
    _not_a_rehearsal(meeting)
    if meeting.state != MeetingState.DRAFT or _ballots([meeting.id]):
        raise StateBlocked(
            [
                _(
                    "这次会议已经开启过投票，会议和测评票不能删除。"
                    "不再需要它时，请在关闭投票箱后点「归档」：数据完整保留。"
                )
            ]
        )
    detail = f"{meeting.unit.name}：{meeting.title}（草稿）"  # official: a record
    record_event(user, None, "meeting.delete", detail)
    _delete_draft(meeting)


@writes
def archive_meeting(user: User, meeting: Meeting, *, archived: bool = True) -> None:
    """Take a closed or certified meeting off the unit's list (or put it back), ballots kept."""
    writable(meeting.unit.campaign)  # a closed year changes no more (explicit: these delete by SQL)
    _not_a_rehearsal(meeting)
    if archived and meeting.state not in ARCHIVE_STATES:
        raise StateBlocked([_("只有关闭投票箱之后的会议可以归档；草稿会议不需要时可以直接删除。")])
    meeting.is_archived = archived
    record_event(user, meeting, "meeting.archive" if archived else "meeting.restore", "")
