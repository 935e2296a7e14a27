"""The voter's side: opening a slip, and casting a ballot exactly once.

Nothing here records who voted, when, or from where. The token row learns only that it was
used, in the same transaction that stores the ballot under a random key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update

from ..database import begin_write
from ..domain.ballot_spec import BallotSpec, EvalueeLine, build_spec
from ..domain.choices import Category, Source
from ..domain.marks import Packet, count_empty, is_void, read_packet
from ..domain.meeting_state import MeetingState
from ..domain.secrecy import ballot_key, tracker_code
from ..extensions import db
from ..models import Ballot, Comment, Form5Mark, Form6Mark, Meeting, Receipt, Token
from ..signing import Keys
from .errors import (
    InvalidInput,
    MeetingNotOpen,
    NeedsConfirmation,
    SlipInvalid,
    SlipUsed,
    SlipWrongMeeting,
)
from .slips import find_by_code, voter_url

FORGED = (
    "这个二维码或链接无法识别，可能扫错了码，或链接没有复制完整。"
    "请重新扫描纸条上的二维码；扫不了时，打开纸条上的短地址，输入纸条上的手输码。"
)
UNKNOWN_CODE = (
    "没有找到这个手输码。请核对纸条上的 11 位码（字母不分大小写，0 和 O、1 和 I 都可以），"
    "重新输入；仍然不行，请向会场工作人员换一张纸条。"
)
VOIDED = "这张纸条已被工作人员作废，不能用于投票。请向会场工作人员换一张纸条。"
USED = "这张纸条已经投过票了，每张纸条只能投一次。如果不是您本人投的，请马上告诉会场工作人员。"
NOT_STARTED = "投票箱还没有开启。请等主持人宣布开始后，刷新本页再投票。您已选的内容会保留。"
ENDED = "投票箱已经关闭，本次测评已结束，不能再投票。如有疑问，请向会场工作人员询问。"
WRONG_MEETING = (
    "这张纸条属于另一次测评会议，不能在这里投票。请确认您拿的是本次会议的纸条，"
    "或向会场工作人员换一张。"
)


@dataclass(frozen=True)
class OpenSlip:
    """A slip that checked out: its meeting, table and the rows its ballot holds."""

    value: str  #: the signed value from the QR, carried in the form's POST body
    token_id: int
    meeting: Meeting
    category: Category
    spec: BallotSpec


def spec_for(meeting: Meeting, category: Category) -> BallotSpec:
    """The rows a slip of this meeting and table fills."""
    return build_spec(
        category,
        [EvalueeLine(e.id, e.name, e.post) for e in meeting.evaluees],
        form5=meeting.is_form5_enabled,
        form6=meeting.is_form6_enabled,
        secretary_name=meeting.secretary_name,
    )


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.state == MeetingState.DRAFT:
        raise MeetingNotOpen(NOT_STARTED, started=False)
    if meeting.state != MeetingState.OPEN:
        raise MeetingNotOpen(ENDED, started=True)


def open_slip(keys: Keys, value: str, *, meeting_id: int | None = None) -> OpenSlip:
    """Check a QR value: signature first, then the token, the meeting and its state."""
    read = keys.read_voter_value(value)
    if read is None:
        raise SlipInvalid(FORGED)
    if meeting_id is not None and read.meeting_id != meeting_id:
        raise SlipWrongMeeting(WRONG_MEETING)
    token = db.session.scalar(
        select(Token).where(Token.secret_hash == keys.hash_secret(read.secret))
    )
    if token is None or token.meeting_id != read.meeting_id or token.category != read.category:
        raise SlipInvalid(FORGED)
    if token.is_voided:
        raise SlipInvalid(VOIDED)
    if token.is_used:
        raise SlipUsed(USED)
    meeting = db.session.get(Meeting, token.meeting_id)
    assert meeting is not None
    _refuse_if_closed(meeting)
    return OpenSlip(value, token.id, meeting, token.category, spec_for(meeting, token.category))


def value_for_code(keys: Keys, typed: str, *, meeting_id: int | None = None) -> str:
    """The QR value of the slip whose manual code was typed at /v."""
    token = find_by_code(keys, typed)
    if token is None:
        raise SlipInvalid(UNKNOWN_CODE)
    if meeting_id is not None and token.meeting_id != meeting_id:
        raise SlipWrongMeeting(WRONG_MEETING)
    return voter_url("", keys, token).removeprefix("/v/")


def read_ballot(slip: OpenSlip, getlist: Callable[[str], list[str]]) -> Packet:
    """The posted form read against the slip's rows; InvalidInput keeps what was readable."""
    packet = read_packet(slip.spec, getlist)
    if packet.errors:
        raise InvalidInput("有几项需要重新选择，已在下面标出。", dict(packet.errors))
    return packet


def _used_now(token_id: int, meeting_id: int) -> bool:
    """Mark the token used, if it is still unused, unvoided and its meeting open: one statement."""
    open_meeting = select(Meeting.id).where(
        Meeting.id == meeting_id, Meeting.state == MeetingState.OPEN
    )
    result = db.session.execute(
        update(Token)
        .where(
            Token.id == token_id,
            Token.is_used.is_(False),
            Token.is_voided.is_(False),
            Token.meeting_id.in_(open_meeting),
        )
        .values(is_used=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def store_packet(
    meeting_id: int, category: Category, spec: BallotSpec, packet: Packet, source: Source
) -> None:
    """Add one ballot, its rows, its detached comment, to the current transaction."""
    form5 = [packet.marks[r.field] for r in spec.form5]
    form6 = [packet.marks[r.field] for r in spec.form6]
    ballot = Ballot(
        id=ballot_key(),
        meeting_id=meeting_id,
        category=category,
        source=source,
        has_form5=bool(spec.form5),
        has_form6=bool(spec.form6),
        is_form5_void=bool(spec.form5) and is_void(form5),
        is_form6_void=bool(spec.form6) and is_void(form6),
    )
    ballot.form5_marks = [
        Form5Mark(evaluee_id=int(r.key), mark=m) for r, m in zip(spec.form5, form5, strict=True)
    ]
    ballot.form6_marks = [
        Form6Mark(item=r.key, mark=m) for r, m in zip(spec.form6, form6, strict=True)
    ]
    db.session.add(ballot)
    if packet.comment:
        db.session.add(Comment(id=ballot_key(), meeting_id=meeting_id, body=packet.comment))


def cast_ballot(slip: OpenSlip, packet: Packet, *, confirmed_empty: int | None) -> str:
    """Store the ballot and use up the token in one transaction; returns the tracker code.

    Empty rows must have been confirmed (「n 项未填，确定提交吗？」) with the same n.
    Of any number of concurrent casts of one token, exactly one stores a ballot.
    """
    empty = count_empty(slip.spec, packet)
    if empty and confirmed_empty != empty:
        raise NeedsConfirmation(empty)
    meeting_id, token_id = slip.meeting.id, slip.token_id
    begin_write()
    if not _used_now(token_id, meeting_id):
        db.session.rollback()
        token = db.session.get(Token, token_id)
        meeting = db.session.get(Meeting, meeting_id)
        assert token is not None and meeting is not None
        if token.is_voided:
            raise SlipInvalid(VOIDED)
        if token.is_used:
            raise SlipUsed(USED)
        _refuse_if_closed(meeting)
        raise SlipUsed(USED)
    store_packet(meeting_id, slip.category, slip.spec, packet, Source.PHONE)
    code = tracker_code()
    db.session.add(Receipt(code=code, meeting_id=meeting_id))
    db.session.commit()
    return code


def meeting_for_receipt(meeting_id: int) -> Meeting | None:
    """The meeting a receipt or test page names (read only)."""
    return db.session.get(Meeting, meeting_id)
