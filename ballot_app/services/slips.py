"""One-time QR slips (测评码): issuing, voiding, listing and the sheet to print."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from ..database import writes
from ..domain import codes
from ..domain.choices import Category
from ..domain.meeting_state import SLIP_STATES, MeetingState
from ..extensions import db
from ..models import Meeting, Token, User
from ..signing import Keys
from .audit import record_event
from .errors import InvalidInput, StateBlocked

MAX_SLIPS_PER_RUN = 2000
_SHUFFLE = random.SystemRandom()


@dataclass(frozen=True)
class SlipRow:
    """A slip as printed or listed: code, table, the QR's URL, and its state."""

    code: str  #: grouped for reading: XXXX-XXXX-XXX
    category: Category
    url: str
    state: str  #: unused / used / voided
    batch: int

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "category": self.category.value,
            "url": self.url,
            "state": self.state,
        }


STATE_LABELS = {"unused": "未使用", "used": "已使用", "voided": "已作废"}


def _check_slip_state(meeting: Meeting) -> None:
    if meeting.state not in SLIP_STATES:
        raise StateBlocked([f"会议已「{meeting.state.label}」，不能再生成或作废测评码。"])


@writes
def issue_slips(user: User | None, meeting: Meeting, keys: Keys, count_a: int, count_b: int) -> int:
    """Create a new printing run (batch) of A and B slips; returns the batch number."""
    batch = add_slips(user, meeting, keys, count_a, count_b)
    return batch


def add_slips(user: User | None, meeting: Meeting, keys: Keys, count_a: int, count_b: int) -> int:
    """issue_slips inside the caller's transaction."""
    _check_slip_state(meeting)
    errors = {}
    for field, n in (("count_a", count_a), ("count_b", count_b)):
        if n < 0:
            errors[field] = "数量不能是负数。"
    if count_a + count_b == 0:
        errors["count_a"] = "请至少生成一张测评码。"
    if count_a + count_b > MAX_SLIPS_PER_RUN:
        errors["count_b"] = f"一次最多生成 {MAX_SLIPS_PER_RUN} 张，请分几次生成。"
    if errors:
        raise InvalidInput("请检查测评码数量。", errors)
    last = db.session.scalar(select(func.max(Token.batch)).where(Token.meeting_id == meeting.id))
    batch = (last or 0) + 1
    for category, n in ((Category.A, count_a), (Category.B, count_b)):
        for _ in range(n):
            nonce = secrets.token_hex(16)
            db.session.add(
                Token(
                    meeting_id=meeting.id,
                    category=category,
                    nonce=nonce,
                    secret_hash=keys.hash_secret(keys.slip_secret(meeting.id, nonce)),
                    code_hash=keys.hash_code(keys.manual_code(meeting.id, nonce)),
                    batch=batch,
                )
            )
    record_event(user, meeting, "slips.issue", f"第 {batch} 批：表A {count_a} 张，表B {count_b} 张")
    return batch


def find_by_code(keys: Keys, typed: str) -> Token | None:
    """The token whose manual code this is (typos forgiven where the check character allows)."""
    code = codes.normalize(typed)
    if not codes.is_well_formed(code):
        return None
    return db.session.scalar(select(Token).where(Token.code_hash == keys.hash_code(code)))


#: Slips not handed out may be voided by code until the result is certified.
VOID_STATES = SLIP_STATES | {MeetingState.CLOSED}


def _check_void_state(meeting: Meeting) -> None:
    if meeting.state not in VOID_STATES:
        raise StateBlocked(["结果已经确认，会议只读：不能再作废测评码。"])


@writes
def void_slip(user: User | None, meeting: Meeting, keys: Keys, typed: str) -> None:
    """Void a printed slip that was not handed out, by its manual code."""
    _check_void_state(meeting)
    token = find_by_code(keys, typed)
    if token is None or token.meeting_id != meeting.id:
        raise InvalidInput(
            "没有找到这个码：请核对纸条上的手写码（11 位，字母不分大小写）。",
            {"code": "本次会议没有这个码。"},
        )
    if token.is_used:
        raise InvalidInput("这张测评码已经投过票，不能作废。", {"code": "已使用。"})
    if token.is_voided:
        raise InvalidInput("这张测评码已经作废过了。", {"code": "已作废。"})
    token.is_voided = True
    record_event(user, meeting, "slips.void", f"作废一张{token.category.label}测评码")


def _unused_to_void(meeting: Meeting, count_a: int, count_b: int) -> dict[Category, list[Token]]:
    """The unused slips a void by count would take, or the refusal in Chinese."""
    if meeting.state != MeetingState.CLOSED:
        _check_void_state(meeting)
        raise StateBlocked(
            [
                "按张数作废要在关闭投票箱之后：投票进行中，没用过的测评码可能正在别人手里。"
                "现在请按纸条上的手输码逐张作废。"
            ]
        )
    errors: dict[str, str] = {}
    wanted = {Category.A: count_a, Category.B: count_b}
    unused: dict[Category, list[Token]] = {}
    for category, n in wanted.items():
        query = (
            select(Token)
            .where(
                Token.meeting_id == meeting.id,
                Token.category == category,
                Token.is_used.is_(False),
                Token.is_voided.is_(False),
            )
            .order_by(func.random())
            .limit(max(n, 0) + 1)
        )
        unused[category] = list(db.session.scalars(query))
        field = f"count_{category.value.lower()}"
        if n < 0:
            errors[field] = "张数不能是负数。"
        elif n > len(unused[category]):
            errors[field] = f"{category.label}只剩 {len(unused[category])} 张没有用过的测评码。"
    if not errors and not (count_a or count_b):
        errors["count_a"] = "请填写要作废的张数。"
    if errors:
        raise InvalidInput("请核对要作废的张数。", errors)
    return {c: unused[c][: wanted[c]] for c in wanted}


def check_void_by_count(meeting: Meeting, count_a: int, count_b: int) -> None:
    """Refuse now, before the page asks to confirm, what void_by_count would refuse."""
    _unused_to_void(meeting, count_a, count_b)


@writes
def void_by_count(user: User | None, meeting: Meeting, count_a: int, count_b: int) -> int:
    """After the box closed: void this many unused slips of each table, as counted from the
    slips left over in the hall. Before the close an unused slip may be in someone's hand, so
    counting is refused then (void those by their code). Returns how many were voided."""
    for tokens in _unused_to_void(meeting, count_a, count_b).values():
        for token in tokens:
            token.is_voided = True
    record_event(
        user, meeting, "slips.void_count", f"按张数作废：表A {count_a} 张，表B {count_b} 张"
    )
    return count_a + count_b


def voter_url(base_url: str, keys: Keys, token: Token) -> str:
    """The URL a slip's QR encodes."""
    secret = keys.slip_secret(token.meeting_id, token.nonce)
    return f"{base_url.rstrip('/')}/v/{keys.voter_value(token.meeting_id, token.category, secret)}"


def _state(token: Token) -> str:
    return "voided" if token.is_voided else "used" if token.is_used else "unused"


def slip_rows(
    meeting: Meeting,
    keys: Keys,
    base_url: str,
    *,
    batch: int | None = None,
    shuffled: bool = False,
    only_unused: bool = False,
) -> list[SlipRow]:
    """The meeting's slips with their codes and URLs, re-derived from the secret key.

    Printing shuffles them, so no slip's place on the sheet follows any order of the database.
    """
    query = select(Token).where(Token.meeting_id == meeting.id)
    if batch is not None:
        query = query.where(Token.batch == batch)
    if only_unused:
        query = query.where(Token.is_used.is_(False), Token.is_voided.is_(False))
    rows = [
        SlipRow(
            codes.grouped(keys.manual_code(t.meeting_id, t.nonce)),
            t.category,
            voter_url(base_url, keys, t),
            _state(t),
            t.batch,
        )
        for t in db.session.scalars(query.order_by(Token.category, Token.nonce))
    ]
    if shuffled:
        _SHUFFLE.shuffle(rows)
    return rows


def batches(meeting: Meeting) -> list[tuple[int, int, int]]:
    """Each printing run: (batch, A slips, B slips)."""
    query = (
        select(Token.batch, Token.category, func.count())
        .where(Token.meeting_id == meeting.id)
        .group_by(Token.batch, Token.category)
        .order_by(Token.batch)
    )
    found: dict[int, list[int]] = {}
    for batch, category, n in db.session.execute(query):
        found.setdefault(batch, [0, 0])[0 if category == Category.A else 1] = n
    return [(b, a, bb) for b, (a, bb) in sorted(found.items())]
