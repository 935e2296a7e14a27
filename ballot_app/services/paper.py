"""Paper ballots (纸质票): tellers enter stacks sheet by sheet; stacks count when entered
(and, where the meeting asks, checked by a second teller); until the result is certified a
counted sheet can be withdrawn (a mistaken entry) or voided by the tellers' decision (a
废票 that stays returned), each with a reason. Every step is in the audit log with who did
it; no ballot records who entered it."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select

from ..database import writes
from ..domain.ballot_spec import BallotSpec
from ..domain.choices import CATEGORY_LABELS, Category, Source, Special
from ..domain.marks import Packet
from ..domain.meeting_state import MeetingState
from ..domain.paper import PASS_LABELS, Difference, PaperPhase, compare_passes, paper_spec
from ..domain.text import _
from ..extensions import db
from ..models import Ballot, Comment, Meeting, PaperSheet, PaperStack, User
from .audit import record_event
from .casting import BallotRows, store_without_token
from .errors import Forbidden, InvalidInput, NotFound, StateBlocked
from .voting import spec_for

#: The audit log's details are written in Chinese whoever acts (a record kept in one
#: language): their literals carry `# official`.
#: Paper ballots are entered while the box is open or after it closed (the paper box is
#: usually counted after the meeting), never once the result is certified.
ENTRY_STATES = frozenset({MeetingState.OPEN, MeetingState.CLOSED})


def _check_entry_state(meeting: Meeting) -> None:
    if meeting.state not in ENTRY_STATES:
        if meeting.state == MeetingState.CERTIFIED:
            raise StateBlocked([_("结果已经确认，会议只读：纸质票不能再录入、更改或撤回。")])
        raise StateBlocked([_("投票箱开启后才能录入纸质票。")])


def _hold_entry_state(meeting: Meeting) -> None:
    """The state check of every paper write, made at write time and kept until the commit.

    PostgreSQL: the meeting row is locked (FOR NO KEY UPDATE, which leaves the phones'
    ballots alone) before the state is read, so a certification and the paper writes of one
    meeting take turns: a certification waits for the entry under way and then counts it, an
    entry that comes after it finds the meeting certified. SQLite: the unit of work holds
    the one writer lock already, and the state is read fresh under it."""
    db.session.refresh(meeting, with_for_update={"key_share": True})
    _check_entry_state(meeting)


def entry_spec(meeting: Meeting, category: Category) -> BallotSpec:
    """The rows a teller fills from a paper ballot of this table: choices, 未填, 多选."""
    return paper_spec(spec_for(meeting, category))


def stacks(meeting: Meeting) -> list[PaperStack]:
    query = select(PaperStack).where(PaperStack.meeting_id == meeting.id)
    return list(db.session.scalars(query.order_by(PaperStack.number)))


def _find_stack(meeting: Meeting, number: int) -> PaperStack | None:
    query = select(PaperStack).where(
        PaperStack.meeting_id == meeting.id, PaperStack.number == number
    )
    stack: PaperStack | None = db.session.scalar(query)
    return stack


def get_stack(meeting: Meeting, number: int) -> PaperStack:
    stack = _find_stack(meeting, number)
    if stack is None:
        raise NotFound(_("没有第 %(n)s 叠纸质票，可能已被删除。请回到纸质票页面查看。", n=number))
    return stack


def pending_stacks(meeting_id: int) -> int:
    """Stacks entered but not yet counted: certifying waits for them."""
    query = select(func.count()).where(
        PaperStack.meeting_id == meeting_id, PaperStack.phase != PaperPhase.COUNTED
    )
    return int(db.session.scalar(query) or 0)


@writes
def open_stack(user: User, meeting: Meeting, category: Category) -> PaperStack:
    """Start entering a new pile of paper ballots of one table."""
    _hold_entry_state(meeting)
    last = db.session.scalar(
        select(func.max(PaperStack.number)).where(PaperStack.meeting_id == meeting.id)
    )
    stack = PaperStack(meeting_id=meeting.id, number=(last or 0) + 1, category=category)
    db.session.add(stack)
    db.session.flush()
    detail = f"第 {stack.number} 叠（{CATEGORY_LABELS[category]}）开始录入"  # official
    record_event(user, meeting, "paper.stack", detail)
    return stack


def _check_open_pass(user: User, stack: PaperStack, pass_no: int) -> None:
    if stack.phase == PaperPhase.COUNTED:
        raise StateBlocked(
            [
                _(
                    "第 %(n)s 叠已经计入。录错的票请在纸质票页面用「撤回」，并写明原因。",
                    n=stack.number,
                )
            ]
        )
    if pass_no == 2 and stack.phase != PaperPhase.SECOND:
        raise StateBlocked([_("第一遍还没有录完，不能录第二遍。")])
    if pass_no == 2 and stack.first_by_id == user.id:
        raise Forbidden(
            _("第二遍要由另一位计票人录入，才能起到核对的作用。请换另一位计票人登录后录入。")
        )


@writes
def enter_sheet(
    user: User,
    meeting: Meeting,
    stack: PaperStack,
    packet: Packet,
    *,
    number: int | None = None,
    pass_no: int | None = None,
) -> int:
    """Store one typed sheet in the stack's current pass, or replace sheet `number` of a pass
    to correct it (while the second pass runs, a first-pass sheet may be corrected too, once
    checked against the paper); returns the sheet's number."""
    _hold_entry_state(meeting)
    pass_no = pass_no or stack.current_pass
    if pass_no > stack.current_pass or (pass_no != stack.current_pass and number is None):
        raise StateBlocked([_("这一遍现在不能录入新的一张，请刷新页面查看这一叠的状态。")])
    _check_open_pass(user, stack, pass_no)
    marks = json.dumps(dict(packet.marks), ensure_ascii=False, sort_keys=True)
    comment = packet.comment if pass_no == 1 else ""
    if number is None:
        number = len(stack.pass_sheets(pass_no)) + 1
        stack.sheets.append(
            PaperSheet(pass_no=pass_no, number=number, marks_json=marks, comment=comment)
        )
        verb = "录入"  # official
    else:
        sheet = stack.sheet(pass_no, number)
        if sheet is None:
            raise NotFound(
                _(
                    "%(pass_)s没有第 %(n)s 张，请刷新页面。",
                    pass_=_(PASS_LABELS[pass_no]),
                    n=number,
                )
            )
        sheet.marks_json = marks
        if pass_no == 1:
            sheet.comment = comment
        verb = "改录"  # official
    record_event(
        user,
        meeting,
        "paper.sheet",
        f"第 {stack.number} 叠{PASS_LABELS[pass_no]} {verb}第 {number} 张",  # official
    )
    return number


@writes
def remove_last_sheet(user: User, meeting: Meeting, stack: PaperStack) -> int:
    """Take back the last sheet typed in the current pass (a slip of the hand)."""
    _hold_entry_state(meeting)
    pass_no = stack.current_pass
    _check_open_pass(user, stack, pass_no)
    sheets = stack.pass_sheets(pass_no)
    if not sheets:
        raise InvalidInput(_("这一遍还没有录入任何一张。"))
    stack.sheets.remove(sheets[-1])
    record_event(
        user,
        meeting,
        "paper.sheet",
        f"第 {stack.number} 叠{PASS_LABELS[pass_no]} 删除第 {sheets[-1].number} 张",  # official
    )
    return sheets[-1].number


@writes
def discard_stack(user: User, meeting: Meeting, stack: PaperStack) -> None:
    """Throw away a stack that has not counted yet (opened by mistake)."""
    _hold_entry_state(meeting)
    if stack.phase == PaperPhase.COUNTED:
        raise StateBlocked([_("这一叠已经计入，不能整叠删除；录错的票请逐张撤回并写明原因。")])
    db.session.delete(stack)
    record_event(user, meeting, "paper.discard", f"第 {stack.number} 叠（未计入）删除")  # official


@writes
def finish_pass(user: User, meeting: Meeting, stack: PaperStack) -> list[Difference]:
    """End the current pass. The first pass counts the stack, or hands it to a second teller
    when the meeting asks for the check; the second pass counts it if both agree, and returns
    the differences otherwise (nothing counts until they are put right)."""
    _hold_entry_state(meeting)
    pass_no = stack.current_pass
    _check_open_pass(user, stack, pass_no)
    spec = entry_spec(meeting, stack.category)
    if not stack.pass_sheets(pass_no):
        raise InvalidInput(_("这一遍还没有录入任何一张，不能结束。"))
    if pass_no == 1 and meeting.paper_double_entry:
        stack.phase = PaperPhase.SECOND
        stack.first_by_id = user.id
        record_event(
            user,
            meeting,
            "paper.pass",
            f"第 {stack.number} 叠第一遍录完，共 {len(stack.pass_sheets(1))} 张，等第二人核录",  # official
        )
        return []
    if pass_no == 2:
        first = [s.marks for s in stack.pass_sheets(1)]
        second = [s.marks for s in stack.pass_sheets(2)]
        found = compare_passes(spec, first, second)
        if found:
            detail = f"第 {stack.number} 叠两遍不一致，{len(found)} 处"  # official
            record_event(user, meeting, "paper.mismatch", detail)
            return found
    _count(user, meeting, stack, spec)
    return []


def _count(user: User, meeting: Meeting, stack: PaperStack, spec: BallotSpec) -> None:
    """Put the stack's first-pass sheets in the box (the second pass, equal, is dropped)."""
    for sheet in stack.pass_sheets(1):
        packet = Packet(sheet.marks, sheet.comment)
        rows = BallotRows.of(meeting.id, stack.category, spec, packet, Source.PAPER)
        sheet.ballot_id, sheet.comment_id = store_without_token(rows)
    for sheet in stack.pass_sheets(2):
        stack.sheets.remove(sheet)
    stack.phase = PaperPhase.COUNTED
    checked = "，两人核录一致" if meeting.paper_double_entry else ""  # official
    record_event(
        user,
        meeting,
        "paper.count",
        f"第 {stack.number} 叠计入 {len(stack.pass_sheets(1))} 张{checked}",  # official
    )


def _counted_sheet(
    meeting: Meeting, stack_number: int, number: int, reason: str, *, void: bool
) -> PaperSheet:
    """Counted sheet `number` of stack `stack_number`, still in the box; InvalidInput naming
    each field otherwise (`void`: to void it (作废), else to withdraw it (撤回))."""
    errors: dict[str, str] = {}
    where = {"stack": stack_number, "n": number}
    if not reason.strip():
        errors["reason"] = (
            _("请写明作废的原因，它会记入操作日志。")
            if void
            else _("请写明撤回的原因，它会记入操作日志。")
        )
    stack = _find_stack(meeting, stack_number)
    sheet = None
    if stack is None or stack.phase != PaperPhase.COUNTED:
        errors["stack"] = _("没有已计入的第 %(stack)s 叠。", **where)
    else:
        sheet = stack.sheet(1, number)
        if sheet is None:
            errors["sheet"] = _("第 %(stack)s 叠没有第 %(n)s 张。", **where)
        elif sheet.is_withdrawn:
            errors["sheet"] = _("第 %(stack)s 叠第 %(n)s 张已经撤回过了。", **where)
        elif void and sheet.voided_reason:
            errors["sheet"] = _("第 %(stack)s 叠第 %(n)s 张已经作废过了。", **where)
    if errors:
        raise InvalidInput(
            _("不能作废：请核对叠号和张号，并写明原因。")
            if void
            else _("不能撤回：请核对叠号和张号，并写明原因。"),
            errors,
        )
    assert sheet is not None
    return sheet


@writes
def withdraw_sheet(
    user: User, meeting: Meeting, stack_number: int, number: int, reason: str
) -> None:
    """Take a counted paper ballot out of the box again, with the reason in the audit log."""
    _hold_entry_state(meeting)
    sheet = sheet_to_withdraw(meeting, stack_number, number, reason)
    if sheet.ballot_id:
        db.session.delete(db.session.get(Ballot, sheet.ballot_id))
    if sheet.comment_id:
        db.session.execute(delete(Comment).where(Comment.id == sheet.comment_id))
    sheet.ballot_id = sheet.comment_id = None
    sheet.withdrawn_reason = reason.strip()
    detail = f"撤回第 {stack_number} 叠第 {number} 张：{reason.strip()}"  # official
    record_event(user, meeting, "paper.withdraw", detail)


def sheet_to_withdraw(meeting: Meeting, stack_number: int, number: int, reason: str) -> PaperSheet:
    """The counted sheet to withdraw, checked as `withdraw_sheet` will check it: what the
    confirmation step shows (nothing is written)."""
    _check_entry_state(meeting)
    return _counted_sheet(meeting, stack_number, number, reason, void=False)


def sheet_to_void(meeting: Meeting, stack_number: int, number: int, reason: str) -> PaperSheet:
    """The counted sheet the tellers mean to void, checked as `void_sheet` will check it:
    what the confirmation step shows (nothing is written)."""
    _check_entry_state(meeting)
    return _counted_sheet(meeting, stack_number, number, reason, void=True)


@writes
def void_sheet(user: User, meeting: Meeting, stack_number: int, number: int, reason: str) -> None:
    """The tellers' decision that a counted paper ballot is void (废票), with the reason in
    the audit log, until the result is certified.

    The ballot stays in the box (收回) with every row rewritten to 多选, so the counting
    rules need nothing new: it is void for each of its forms and on slip 7, and its rows are
    invalid in the tables. Its comment leaves with its choices. The sheet keeps what was
    typed and the reason, for the paper page, until certification forgets the sheets.
    """
    _hold_entry_state(meeting)
    sheet = sheet_to_void(meeting, stack_number, number, reason)
    ballot = db.session.get(Ballot, sheet.ballot_id) if sheet.ballot_id else None
    if ballot is None:
        raise NotFound(
            _(
                "第 %(stack)s 叠第 %(n)s 张不在票箱里，请刷新页面查看。",
                stack=stack_number,
                n=number,
            )
        )
    for row5 in ballot.form5_marks:
        row5.mark = Special.OVER_MARKED.value
    for row6 in ballot.form6_marks:
        row6.mark = Special.OVER_MARKED.value
    ballot.is_form5_void = ballot.has_form5 and bool(ballot.form5_marks)
    ballot.is_form6_void = ballot.has_form6 and bool(ballot.form6_marks)
    if sheet.comment_id:
        db.session.execute(delete(Comment).where(Comment.id == sheet.comment_id))
        sheet.comment_id = None
    sheet.voided_reason = reason.strip()
    detail = f"作废第 {stack_number} 叠第 {number} 张：{reason.strip()}"  # official
    record_event(user, meeting, "paper.void", detail)


def forget_entries(meeting_id: int) -> None:
    """At certification: delete the meeting's stacks and sheets, and with them every link
    between a paper sheet and the ballot it made (the caller commits)."""
    db.session.execute(delete(PaperStack).where(PaperStack.meeting_id == meeting_id))
