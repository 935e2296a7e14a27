"""Meetings (述职测评大会): creating them from a roster, their evaluees, settings and states."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, text, update

from ..database import end_read, unit_of_work, writes
from ..domain import attendance
from ..domain.live_step import MIN_STEP
from ..domain.meeting_state import (
    SETUP_STATES,
    TRANSITIONS,
    MeetingFacts,
    MeetingState,
    Transition,
    blockers,
)
from ..domain.paper import PaperPhase
from ..domain.roles import Role, may_see_meeting
from ..domain.slip7 import PassRateBase
from ..domain.text import N_, _
from ..extensions import db
from ..models import Evaluee, Meeting, PaperStack, Token, Unit, User
from ..signing import Keys
from .audit import record_event
from .bulletin import publish_codes
from .campaign import writable
from .errors import DuplicateWarning, Forbidden, InvalidInput, NotFound, StateBlocked
from .live import hold_closed_view
from .ordering import move_one_place
from .paper import forget_entries, pending_stacks
from .rehearsal import rehearsal_of
from .results import meeting_results
from .slips import add_slips
from .tellers import assigned_meeting_ids, is_assigned
from .unlinking import erase_casting_order


@dataclass(frozen=True)
class MeetingInput:
    """The fields of the new-meeting form."""

    title: str
    held_on: date | None
    form5: bool
    form6: bool
    count_a: int
    count_b: int
    #: The organizer confirmed a second meeting of this unit with the same title and date.
    confirm_duplicate: bool = False


@dataclass(frozen=True)
class SettingsInput:
    """The meeting settings an organizer may change."""

    secretary_name: str
    participants: int | None
    pass_rate_base: PassRateBase
    paper_issued: int
    live_step: int
    paper_double_entry: bool = False
    live_turnout_only: bool = False
    #: 参加人员 per category (domain/attendance.py); when any is given, their sum is the
    #: 评议人员 and `participants` is ignored.
    attendance: dict[str, int] = field(default_factory=dict)


#: The same answer for a meeting that does not exist and one the user may not see, so that
#: nobody learns which meeting ids exist in other groups. (Message ids below: `_` where said.)
NO_SUCH_MEETING = N_(
    "找不到这次会议：它可能已被删除，或者不在您的账号能看到的范围内"
    "（计票人账号要由考核组在会议页面「计票人账号」中加上）。请回到首页重新选择。"
)


def get_meeting(user: User, meeting_id: int) -> Meeting:
    """A meeting the user may see, or NotFound (also for one of another group)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_(NO_SUCH_MEETING))
    assigned = user.role == Role.TELLER and is_assigned(user, meeting.id)
    if not may_see_meeting(user.role, user.group_id, meeting.unit.group_id, assigned=assigned):
        raise NotFound(_(NO_SUCH_MEETING))
    return meeting


def unit_meetings(unit: Unit, user: User | None = None) -> list[Meeting]:
    """A unit's meetings, newest first; for a teller, only those they are assigned to.
    Archived meetings are listed too: the page shows them apart."""
    query = select(Meeting).where(Meeting.unit_id == unit.id, Meeting.rehearsal_of_id.is_(None))
    if user is not None and user.role == Role.TELLER:
        query = query.where(Meeting.id.in_(assigned_meeting_ids(user)))
    return list(db.session.scalars(query.order_by(Meeting.held_on.desc(), Meeting.id.desc())))


@writes
def create_meeting(user: User, unit: Unit, data: MeetingInput, keys: Keys) -> Meeting:
    """A draft meeting with the unit's roster as evaluees, and its first run of slips."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("请填写会议名称。")
    if data.held_on is None:
        errors["held_on"] = _("请填写会议日期。")
    if not (data.form5 or data.form6):
        errors["form5"] = _("请至少启用表5或表6中的一张表。")
    # A post held beside a main one elsewhere (兼任) is shown in the roster, not assessed.
    assessed = [m for m in unit.members if not m.is_concurrent]
    if data.form5 and unit.kind == "party_org":
        errors["form5"] = _("基层党组织只参加表6 群众评议（附件8），不填表5：请取消勾选表5。")
    elif data.form5 and not assessed:
        errors["form5"] = _("这个单位还没有班子成员名单：请先在单位页面加入班子成员。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    assert data.held_on is not None
    twin = select(Meeting.id).where(
        Meeting.unit_id == unit.id,
        Meeting.title == data.title.strip(),
        Meeting.held_on == data.held_on,
    )
    if not data.confirm_duplicate and db.session.scalar(twin):
        raise DuplicateWarning(
            _(
                "「%(unit)s」在 %(day)s 已有一次「%(title)s」。"
                "如果确实要再开一次（例如重新测评），请勾选「确认同名，仍然建立」后再提交；"
                "否则请回到单位页面打开已有的那次会议。",
                unit=unit.name,
                day=data.held_on.isoformat(),
                title=data.title.strip(),
            )
        )
    secretary = unit.secretary
    meeting = Meeting(
        unit_id=unit.id,
        title=data.title.strip(),
        held_on=data.held_on,
        is_form5_enabled=data.form5,
        is_form6_enabled=data.form6,
        secretary_name=secretary.name if secretary else "",
        created_by_id=user.id,
    )
    db.session.add(meeting)
    if data.form5:
        for position, member in enumerate(assessed, start=1):
            meeting.evaluees.append(
                Evaluee(member_id=member.id, name=member.name, post=member.post, position=position)
            )
    db.session.flush()
    record_event(user, meeting, "meeting.create", meeting.title)
    if data.count_a or data.count_b:
        add_slips(user, meeting, keys, data.count_a, data.count_b)
    return meeting


def _check_setup(meeting: Meeting) -> None:
    if meeting.state not in SETUP_STATES:
        raise StateBlocked([_("投票已经开启，测评对象和表格不能再改动。")])


@writes
def move_evaluee(user: User, meeting: Meeting, evaluee_id: int, step: int) -> None:
    """Move an evaluee one place up or down in form 5's order."""
    _check_setup(meeting)
    evaluees = meeting.evaluees
    i = next((k for k, e in enumerate(evaluees) if e.id == evaluee_id), None)
    if i is None:
        raise NotFound(_("找不到这位测评对象，请刷新页面。"))
    if move_one_place(evaluees, i, step):
        record_event(user, meeting, "evaluee.move", evaluees[i].name)


@writes
def remove_evaluee(user: User, meeting: Meeting, evaluee_id: int) -> None:
    """Take an evaluee off this meeting's form 5 (the roster keeps them)."""
    _check_setup(meeting)
    evaluee = next((e for e in meeting.evaluees if e.id == evaluee_id), None)
    if evaluee is None:
        raise NotFound(_("找不到这位测评对象，请刷新页面。"))
    meeting.evaluees.remove(evaluee)
    record_event(user, meeting, "evaluee.remove", evaluee.name)


@writes
def add_evaluee(user: User, meeting: Meeting, name: str, post: str) -> None:
    """Add a person to the end of this meeting's form 5."""
    _check_setup(meeting)
    errors = {}
    if not name.strip():
        errors["name"] = _("请填写姓名。")
    if not post.strip():
        errors["post"] = _("请填写职务。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    last = db.session.scalar(
        select(func.max(Evaluee.position)).where(Evaluee.meeting_id == meeting.id)
    )
    meeting.evaluees.append(Evaluee(name=name.strip(), post=post.strip(), position=(last or 0) + 1))
    record_event(user, meeting, "evaluee.add", name.strip())


@writes
def update_settings(user: User, meeting: Meeting, data: SettingsInput) -> None:
    """Change attendance, pass-rate base, paper forms, the secretary's name and, before the
    box opens, the live count's step and whether it shows turnout only."""
    if meeting.state == MeetingState.CERTIFIED:
        raise StateBlocked([_("结果已经确认，会议不能再修改。")])
    errors: dict[str, str] = {}
    if data.participants is not None and data.participants < 0:
        errors["participants"] = _("评议人数不能是负数。")
    errors.update(
        {f"att_{k}": v for k, v in attendance.problems(meeting.unit.kind, data.attendance).items()}
    )
    if data.paper_issued < 0:
        errors["paper_issued"] = _("纸质票数不能是负数。")
    errors.update(_live_setting_errors(meeting, data))
    if (
        data.secretary_name.strip() != meeting.secretary_name
        and meeting.state != MeetingState.DRAFT
    ):
        errors["secretary_name"] = _("投票开启后不能再改书记姓名（表6已经印出）。")
    if errors:
        raise InvalidInput(_("请检查标出的项目。"), errors)
    meeting.secretary_name = data.secretary_name.strip()
    if data.attendance:
        meeting.attendance = attendance.dumps(data.attendance)
        meeting.participants = attendance.total(data.attendance)
    else:
        meeting.attendance, meeting.participants = None, data.participants
    meeting.pass_rate_base = data.pass_rate_base
    meeting.paper_issued = data.paper_issued
    meeting.live_step = data.live_step
    meeting.live_turnout_only = data.live_turnout_only
    meeting.paper_double_entry = data.paper_double_entry
    record_event(
        user,
        meeting,
        "meeting.settings",
        # A record, kept as written (the audit log's detail): not a message.
        f"评议人员 {meeting.participants if meeting.participants is not None else '同发出数'}，"  # official
        f"合格率基数 {data.pass_rate_base.label}，纸质票 {data.paper_issued}，步长 {data.live_step}，"  # official
        f"现场计票{'只显示收回情况' if data.live_turnout_only else '分步显示结果'}，"  # official
        f"纸质票{'须' if data.paper_double_entry else '不须'}两人核录",  # official
    )


def _live_setting_errors(meeting: Meeting, data: SettingsInput) -> dict[str, str]:
    """The live count's settings: a step of at least MIN_STEP, both fixed once the box
    opens (a step changed mid-count could show the difference one ballot made)."""
    errors: dict[str, str] = {}
    if data.live_step < MIN_STEP:
        errors["live_step"] = _(
            "步长至少是 %(min)s 票：结果变化太小，就可能看出个人投了什么。"
            "请填 %(min)s 或更大的数。",
            min=MIN_STEP,
        )
    if meeting.state == MeetingState.DRAFT:
        return errors
    if data.live_step != meeting.live_step:
        errors["live_step"] = _(
            "投票箱已经开启，步长不能再改：步长在开启前定好，整场不变，"
            "中途改动会让前后两次结果只差几张票。请保留原来的 %(step)s。",
            step=meeting.live_step,
        )
    if data.live_turnout_only != meeting.live_turnout_only:
        kept = _("只显示收回情况") if meeting.live_turnout_only else _("分步显示结果")
        errors["live_turnout_only"] = _(
            "投票箱已经开启，「投票期间只显示收回情况」不能再改：这项在开启前定好，整场不变。"
            "请保留原来的选择（%(kept)s）。",
            kept=kept,
        )
    return errors


def meeting_facts(
    user: User,
    meeting: Meeting,
    *,
    reason: str = "",
    returned_exceeds_issued: bool = False,
    counters: tuple[str, str] = ("", ""),
    pending_paper_stacks: int = 0,
) -> MeetingFacts:
    """What the state blockers look at, read from the database."""
    tokens = db.session.scalar(
        select(func.count()).select_from(Token).where(Token.meeting_id == meeting.id)
    )
    return MeetingFacts(
        state=meeting.state,
        form5=meeting.is_form5_enabled,
        form6=meeting.is_form6_enabled,
        evaluees=len(meeting.evaluees),
        tokens=tokens or 0,
        secretary_name=meeting.secretary_name,
        returned_exceeds_issued=returned_exceeds_issued,
        is_admin=user.role == Role.ADMIN,
        reason=reason,
        counters=counters,
        pending_paper_stacks=pending_paper_stacks,
    )


TELLER_MAY_NOT = N_("计票人/监票人账号不能开启、关闭投票箱或确认结果，请由考核组操作。")

#: What the one of two simultaneous steps that came second is told, by the step and the
#: state the first one left: one of them changed the state, the other changes nothing.
CAME_SECOND = {
    (Transition.OPEN, MeetingState.OPEN): N_(
        "投票箱刚刚已经开启了（可能是另一位工作人员开启的），不用再开启。请刷新页面查看最新状态。"
    ),
    (Transition.CLOSE, MeetingState.CLOSED): N_(
        "投票箱刚刚已经关闭了（可能是另一位工作人员关闭的），不用再关闭。请刷新页面查看最新状态。"
    ),
    (Transition.REOPEN, MeetingState.OPEN): N_(
        "投票箱刚刚已经重新开启了（可能是另一位管理员开启的），不用再开启。请刷新页面查看最新状态。"
    ),
    (Transition.REOPEN, MeetingState.CERTIFIED): N_(
        "结果刚刚已经确认，会议只读：投票箱不能再重新开启。如确需重新测评，请新建一次测评会议。"
    ),
    (Transition.CERTIFY, MeetingState.CERTIFIED): N_(
        "结果刚刚已经确认过了（可能是另一位工作人员确认的），不用再确认。请刷新页面查看。"
    ),
    (Transition.CERTIFY, MeetingState.OPEN): N_(
        "投票箱刚刚被管理员重新开启了，现在不能确认结果：请等投票结束、再次关闭投票箱后再确认。"
    ),
}
REHEARSAL_FIRST = N_(
    "这次会议还有一场演练没有结束：请先在演练页面点「结束演练」清除演练的票和纸条，"
    "再开启正式投票箱。"
)
REHEARSAL_NOT_CERTIFIED = N_(
    "演练的结果不能确认，也不会计入任何正式结果。演练完了请点「结束演练」，"
    "再在正式会议上投票和确认。"
)
#: When the state changed under a step and no sentence above fits.
STATE_CHANGED = N_("会议的状态刚刚被别人改变了，这一步没有进行。请刷新页面查看最新状态后再操作。")


def _explained(step: Transition, state: MeetingState, found: list[str]) -> list[str]:
    """The blockers, with a step another person just took said as such."""
    came_second = CAME_SECOND.get((step, state))
    return [_(came_second)] if came_second else found


def transition_blockers(
    user: User, meeting: Meeting, step: Transition, *, reason: str = ""
) -> list[str]:
    """Why this step cannot be taken now, in the reader's language; [] when it can (the page
    then asks the person to confirm it)."""
    if user.role == Role.TELLER:
        return [_(TELLER_MAY_NOT)]
    found = blockers(step, meeting_facts(user, meeting, reason=reason))
    opening = step == Transition.OPEN and meeting.state == MeetingState.DRAFT
    if opening and not meeting.is_rehearsal and rehearsal_of(meeting) is not None:
        found.append(_(REHEARSAL_FIRST))
    return _explained(step, meeting.state, found)


def certify_blockers(user: User, meeting: Meeting, counter: str, scrutineer: str) -> list[str]:
    """Why the result cannot be certified now; [] when it can."""
    if user.role == Role.TELLER:
        return [_(TELLER_MAY_NOT)]
    if meeting.is_rehearsal:
        return [_(REHEARSAL_NOT_CERTIFIED)]
    slip7 = meeting_results(meeting).slip7
    facts = meeting_facts(
        user,
        meeting,
        returned_exceeds_issued=slip7.returned_exceeds_issued,
        counters=(counter, scrutineer),
        pending_paper_stacks=pending_stacks(meeting.id),
    )
    return _explained(Transition.CERTIFY, meeting.state, blockers(Transition.CERTIFY, facts))


def _move_state(meeting: Meeting, step: Transition, **values: str) -> bool:
    """The step itself, as one conditional UPDATE: the meeting moves only if it is still in
    the step's source state (and, to be certified, has no paper stack pending) when the
    statement runs. Of two simultaneous steps exactly one changes a row; False for the other.
    Enum columns hold member names: 'OPEN', 'CLOSED'…"""
    source, target = TRANSITIONS[step]
    conditions = [Meeting.id == meeting.id, Meeting.state == source]
    if step == Transition.CERTIFY:
        pending = select(PaperStack.id).where(
            PaperStack.meeting_id == meeting.id, PaperStack.phase != PaperPhase.COUNTED
        )
        conditions.append(~pending.exists())
    moved = db.session.execute(
        update(Meeting)
        .where(*conditions)
        .values(state=target, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(meeting)  # read again when next looked at: the UPDATE bypassed it
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def _refused_after(user: User, meeting: Meeting, step: Transition, reason: str) -> StateBlocked:
    """Why a step's UPDATE changed nothing: the state as it is now, in the reader's language."""
    found = transition_blockers(user, meeting, step, reason=reason)
    return StateBlocked(found or [_(STATE_CHANGED)])


def _let_casts_finish() -> None:
    """PostgreSQL, in the closing transaction: wait for the casts under way to commit, and
    make the casts that come next wait for the close. A cast decides by its own conditional
    UPDATE (casting.py), but it checks the meeting's state in the snapshot it started with,
    so without this one that saw the box open could commit just after the close, and after
    the close's rebuild of the storage order. SHARE waits for every transaction writing
    tokens and holds new ones until this commits; those then see the box closed. SQLite
    needs nothing: casts and this close take the same writer lock in turn."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE token IN SHARE MODE"))


def transition(user: User, meeting: Meeting, step: Transition, *, reason: str = "") -> None:
    """Move the meeting along draft → open → closed (→ open again, by an admin).

    Of two people taking a step at the same moment (two closes, a reopen and a
    certification), one moves the meeting and the other is told so, in Chinese."""
    if step == Transition.REOPEN and meeting.state == MeetingState.CLOSED:
        # Everyone saw the exact count while the box was closed: a reopened box steps on
        # from it, never from an older step (the difference would show a few ballots).
        hold_closed_view(meeting)
    meeting_id = meeting.id
    new_state = TRANSITIONS[step][1]
    # SQLite: end the page's read before queueing for the writer lock (nothing of the
    # meeting is read again until the lock is held). A reader waiting in the queue would
    # keep the rebuild after a close (erase_casting_order, which holds the queue) from
    # emptying the write-ahead log, for its full 10 s.
    end_read()
    with unit_of_work():
        if user.role == Role.TELLER:
            raise Forbidden(_(TELLER_MAY_NOT))
        # PostgreSQL: FOR SHARE on the campaign, so a close of the year under way is waited
        # for (it holds the row FOR UPDATE) and then refuses this step; SQLite: the lock.
        campaign = meeting.unit.campaign
        db.session.refresh(campaign, with_for_update={"read": True})
        writable(campaign)
        if step == Transition.OPEN:
            # A rehearsal started meanwhile holds this row: wait for it, then see it.
            db.session.refresh(meeting, with_for_update=True)
        found = transition_blockers(user, meeting, step, reason=reason)
        if found:
            raise StateBlocked(found)
        if not _move_state(meeting, step):
            raise _refused_after(user, meeting, step, reason)
        if new_state == MeetingState.CLOSED:
            _let_casts_finish()
        record_event(user, meeting, f"meeting.{step.value}", reason.strip())
    if new_state == MeetingState.CLOSED:
        erase_casting_order(meeting_id)  # after the commit: it rebuilds what was written


def certify(user: User, meeting: Meeting, counter: str, scrutineer: str, keys: Keys) -> None:
    """Record the 计票人 and 监票人, keep the figures as certified, publish the bulletin's
    tracker codes and make the meeting read-only (SPEC, meeting states).

    Refused while returned ballots exceed issued ones: SPEC says such a round is invalid.
    """
    meeting_id = meeting.id
    end_read()  # SQLite: never wait for the writer lock holding a read (see transition)
    _certify(user, meeting, counter, scrutineer, keys)
    # Paper ballots entered after the close were stored in entry order, the sheets just
    # deleted and the bulletin just written: rebuild the storage after the commit.
    erase_casting_order(meeting_id)


@writes
def _certify(user: User, meeting: Meeting, counter: str, scrutineer: str, keys: Keys) -> None:
    if user.role == Role.TELLER:
        raise Forbidden(_(TELLER_MAY_NOT))
    # PostgreSQL: lock the meeting row first, as every paper write does (paper.py), so that
    # what is read below (pending stacks, the figures) stays as read until the commit: a
    # paper write under way is waited for and counted, one that comes later finds the
    # meeting certified. (The UPDATE's own NOT EXISTS alone would look at paper stacks in
    # the snapshot it started with, before the wait.) SQLite: the writer lock is held.
    db.session.refresh(meeting, with_for_update={"key_share": True})
    writable(meeting.unit.campaign)
    found = certify_blockers(user, meeting, counter, scrutineer)
    if found:
        raise StateBlocked(found)
    figures = meeting_results(meeting)
    names = {"counter_name": counter.strip(), "scrutineer_name": scrutineer.strip()}
    if not _move_state(meeting, Transition.CERTIFY, **names):
        found = certify_blockers(user, meeting, counter, scrutineer)
        raise StateBlocked(found or [_(STATE_CHANGED)])
    certified = figures.as_dict()
    certified["meeting"]["state"] = MeetingState.CERTIFIED.value
    meeting.certified_result = json.dumps(certified, ensure_ascii=False, sort_keys=True)
    publish_codes(meeting, keys)
    forget_entries(meeting.id)
    record_event(
        user,
        meeting,
        "meeting.certify",
        f"计票人 {counter.strip()}，监票人 {scrutineer.strip()}",  # official: a record
    )
