"""The voter's side: opening a slip, and casting a ballot exactly once.

Nothing here records who voted, when, or from where. The token row learns only that it was
used, in the same transaction that stores the ballot under a random key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import sqlite

from ..database import read_connection, sqlite_cursor
from ..domain import codes
from ..domain.ballot_spec import BallotSpec, EvalueeLine, build_spec
from ..domain.choices import Category, Source
from ..domain.marks import Packet, count_empty, read_packet
from ..domain.meeting_state import MeetingState
from ..extensions import db
from ..models import Evaluee, Meeting, Token, Unit
from ..signing import Keys, VoterValue
from . import casting
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
REHEARSAL_OVER = (
    "这是演练用的纸条，演练已结束，不能再用来投票。正式投票请使用工作人员正式发放的纸条。"
)
REHEARSAL_CODE_OVER = (
    "这是演练用的纸条，演练已结束，不能再用来投票。"
    "如果您拿的是正式纸条，请核对纸条上的手输码后重新输入。"
)
WRONG_MEETING = (
    "这张纸条属于另一次测评会议，不能在这里投票。请确认您拿的是本次会议的纸条，"
    "或向会场工作人员换一张。"
)


@dataclass(frozen=True)
class UnitFace:
    name: str
    party_org_name: str


@dataclass(frozen=True, eq=False)
class MeetingFace:
    """What a voter's pages show of a meeting; fixed once the box has opened.

    Compared and hashed by identity, so pages may cache what they render from one."""

    id: int
    title: str
    unit: UnitFace
    specs: dict[Category, BallotSpec]
    #: A rehearsal's (演练): every voter page says so (templates/base.html).
    is_rehearsal: bool = False


@dataclass(frozen=True)
class OpenSlip:
    """A slip that checked out: its meeting, table and the rows its ballot holds."""

    value: str  #: the signed value from the QR, carried in the form's POST body
    secret_hash: str  #: finds the token row
    token_id: int | None  #: known when the token was checked on opening (None: at the cast)
    meeting: MeetingFace
    category: Category
    #: The receipt's tracker code for this slip (Keys.tracker_code), the same on every submit.
    tracker: str = ""

    @property
    def spec(self) -> BallotSpec:
        return self.meeting.specs[self.category]


# Opening a slip: built once (see casting.py for why).
_token, _meeting = Token.__table__, Meeting.__table__
_SLIP = (
    select(
        _token.c.id,
        _token.c.meeting_id,
        _token.c.category,
        _token.c.is_used,
        _token.c.is_voided,
        _meeting.c.state,
    )
    .join(_meeting, _meeting.c.id == _token.c.meeting_id)
    .where(_token.c.secret_hash == bindparam("secret_hash"))
)


class _BallotSettings(Protocol):
    """What of a meeting shapes its ballot: a Meeting, or a row of _FACE."""

    is_form5_enabled: bool
    is_form6_enabled: bool
    secretary_name: str


def _spec(category: Category, lines: list[EvalueeLine], meeting: _BallotSettings) -> BallotSpec:
    return build_spec(
        category,
        lines,
        form5=meeting.is_form5_enabled,
        form6=meeting.is_form6_enabled,
        secretary_name=meeting.secretary_name,
    )


def spec_for(meeting: Meeting, category: Category) -> BallotSpec:
    """The rows a slip of this meeting and table fills."""
    return _spec(category, [EvalueeLine(e.id, e.name, e.post) for e in meeting.evaluees], meeting)


#: Faces of meetings past their draft, per process. Evaluees, forms and the secretary's name
#: cannot change once the box opens, so a face is only re-read for the unit's name.
FACE_SECONDS = 60.0
_faces: dict[tuple[str, int], tuple[float, MeetingFace]] = {}


#: The face's two reads, built once: the meeting with its unit, and its evaluees in order.
_unit, _evaluee = Unit.__table__, Evaluee.__table__
_FACE = (
    select(
        _meeting.c.id,
        _meeting.c.title,
        _meeting.c.state,
        _meeting.c.is_form5_enabled,
        _meeting.c.is_form6_enabled,
        _meeting.c.secretary_name,
        _meeting.c.rehearsal_of_id,
        _unit.c.name.label("unit_name"),
        _unit.c.party_org_name,
    )
    .join(_unit, _unit.c.id == _meeting.c.unit_id)
    .where(_meeting.c.id == bindparam("meeting_id"))
)
_LINES = (
    select(_evaluee.c.id, _evaluee.c.name, _evaluee.c.post)
    .where(_evaluee.c.meeting_id == bindparam("meeting_id"))
    .order_by(_evaluee.c.position, _evaluee.c.id)
)


def meeting_face(meeting_id: int) -> MeetingFace | None:
    """The meeting as its voters see it, read once a minute at most per process, in two
    Core statements outside any transaction (no ORM on the voter's path)."""
    now = time.monotonic()
    key = (str(db.engine.url), meeting_id)
    cached = _faces.get(key)
    if cached and now - cached[0] < FACE_SECONDS:
        return cached[1]
    with read_connection() as conn:
        row = conn.execute(_FACE, {"meeting_id": meeting_id}).one_or_none()
        if row is None:
            return None
        lines = [
            EvalueeLine(e.id, e.name, e.post)
            for e in conn.execute(_LINES, {"meeting_id": meeting_id})
        ]
    specs = {c: _spec(c, lines, row) for c in Category}
    rehearsal = row.rehearsal_of_id is not None
    face = MeetingFace(
        row.id, row.title, UnitFace(row.unit_name, row.party_org_name), specs, rehearsal
    )
    # A rehearsal's face is never kept: its wipe frees its id, and no process may then show
    # it for a meeting made later.
    if row.state != MeetingState.DRAFT and not rehearsal:
        if len(_faces) > 256:
            _faces.clear()
        _faces[key] = (now, face)
    return face


def _refuse_if_closed(state: MeetingState) -> None:
    if state == MeetingState.DRAFT:
        raise MeetingNotOpen(NOT_STARTED, started=False)
    if state != MeetingState.OPEN:
        raise MeetingNotOpen(ENDED, started=True)


def _read_value(keys: Keys, value: str, meeting_id: int | None) -> VoterValue:
    read = keys.read_voter_value(value)
    if read is None:
        raise SlipInvalid(FORGED)
    if meeting_id is not None and read.meeting_id != meeting_id:
        raise SlipWrongMeeting(WRONG_MEETING)
    return read


@dataclass(frozen=True)
class _TokenRow:
    id: int
    meeting_id: int
    category: Category
    is_used: bool
    is_voided: bool
    state: MeetingState


#: _SLIP as SQLite's text, for the driver's own cursor (one parameter: the secret's hash; enum
#: columns come back as member names).
_SLIP_SQLITE = str(_SLIP.compile(dialect=sqlite.dialect()))


def _token_row(secret_hash: str) -> _TokenRow | None:
    """The token of this hash with its meeting's state, in one statement outside any
    transaction (SQLite: on the driver's own cursor, see casting.py)."""
    if db.engine.dialect.name == "sqlite":
        with sqlite_cursor() as cursor:
            found = cursor.execute(_SLIP_SQLITE, (secret_hash,)).fetchone()
        if found is None:
            return None
        token_id, meeting_id, table, used, voided, state = found
        return _TokenRow(
            token_id, meeting_id, Category[table], bool(used), bool(voided), MeetingState[state]
        )
    with read_connection() as conn:
        row = conn.execute(_SLIP, {"secret_hash": secret_hash}).one_or_none()
    if row is None:
        return None
    return _TokenRow(row.id, row.meeting_id, row.category, row.is_used, row.is_voided, row.state)


def _check_token(
    secret_hash: str, meeting_id: int, category: Category, rehearsal: bool = False
) -> int:
    """The token's id if its slip may vote now; else the refusal, in the order voters need."""
    row = _token_row(secret_hash)
    if row is None and rehearsal:
        raise SlipInvalid(REHEARSAL_OVER)  # wiped with its rehearsal
    if row is None or row.meeting_id != meeting_id or row.category != category:
        raise SlipInvalid(FORGED)
    if row.is_voided:
        raise SlipInvalid(VOIDED)
    if row.is_used:
        raise SlipUsed(USED)
    _refuse_if_closed(row.state)
    return int(row.id)


def _slip(keys: Keys, value: str, read: VoterValue, token_id: int | None) -> OpenSlip:
    face = meeting_face(read.meeting_id)
    if face is None or face.is_rehearsal != read.is_rehearsal:
        raise SlipInvalid(REHEARSAL_OVER if read.is_rehearsal else FORGED)
    secret_hash = keys.hash_secret(read.secret)
    return OpenSlip(
        value, secret_hash, token_id, face, read.category, keys.tracker_code(read.secret)
    )


def open_slip(keys: Keys, value: str, *, meeting_id: int | None = None) -> OpenSlip:
    """Check a QR value: signature first, then the token, the meeting and its state."""
    read = _read_value(keys, value, meeting_id)
    token_id = _check_token(
        keys.hash_secret(read.secret), read.meeting_id, read.category, read.is_rehearsal
    )
    return _slip(keys, value, read, token_id)


def signed_slip(keys: Keys, value: str, *, meeting_id: int | None = None) -> OpenSlip:
    """A posted slip, checked by its signature only, for the review and the submit: the
    ballot page checked the token when it opened, cast_ballot's one UPDATE checks it again,
    and only a refused cast pays for finding out why."""
    return _slip(keys, value, _read_value(keys, value, meeting_id), None)


def value_for_code(keys: Keys, typed: str, *, meeting_id: int | None = None) -> str:
    """The QR value of the slip whose manual code was typed at /v."""
    token = find_by_code(keys, typed)
    if token is None:
        rehearsal = codes.is_rehearsal_code(codes.normalize(typed))
        raise SlipInvalid(REHEARSAL_CODE_OVER if rehearsal else UNKNOWN_CODE)
    if meeting_id is not None and token.meeting_id != meeting_id:
        raise SlipWrongMeeting(WRONG_MEETING)
    return voter_url("", keys, token).removeprefix("/v/")


def read_ballot(slip: OpenSlip, getlist: Callable[[str], list[str]]) -> Packet:
    """The posted form read against the slip's rows; InvalidInput keeps what was readable."""
    packet = read_packet(slip.spec, getlist)
    if packet.errors:
        raise InvalidInput("有几项需要重新选择，已在下面标出。", dict(packet.errors))
    return packet


def cast_ballot(slip: OpenSlip, packet: Packet, *, confirmed_empty: int | None) -> str:
    """Store the ballot and use up the token in one transaction; returns the slip's tracker
    code.

    Empty rows must have been confirmed (「n 项未填，确定提交吗？」) with the same n.
    Of any number of concurrent casts of one token, exactly one stores a ballot.
    """
    empty = count_empty(slip.spec, packet)
    if empty and confirmed_empty != empty:
        raise NeedsConfirmation(empty)
    written = casting.BallotRows.of(slip.meeting.id, slip.category, slip.spec, packet, Source.PHONE)
    if not casting.use_token_and_store(slip.secret_hash, written):
        _refuse_cast(slip)
    return slip.tracker


def _refuse_cast(slip: OpenSlip) -> NoReturn:
    """Why a cast's UPDATE found no token to use (it was used, voided or closed meanwhile)."""
    _check_token(slip.secret_hash, slip.meeting.id, slip.category, slip.meeting.is_rehearsal)
    raise SlipInvalid(FORGED)  # usable again now (the box reopened meanwhile): not this slip
