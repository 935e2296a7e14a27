"""One-time QR slips (测评码): issuing, voiding, listing and the sheet to print."""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..database import writes
from ..domain import codes
from ..domain.choices import Category
from ..domain.meeting_state import SLIP_STATES, MeetingState
from ..domain.text import N_, _
from ..extensions import db
from ..models import Meeting, Token, User
from ..signing import REHEARSAL_NONCE, Keys, is_rehearsal_nonce
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


STATE_LABELS = {"unused": N_("未使用"), "used": N_("已使用"), "voided": N_("已作废")}


def _check_slip_state(meeting: Meeting) -> None:
    if meeting.state not in SLIP_STATES:
        raise StateBlocked(
            [_("会议已「%(state)s」，不能再生成或作废测评码。", state=meeting.state.label)]
        )


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
            errors[field] = _("数量不能是负数。")
    if count_a + count_b == 0:
        errors["count_a"] = _("请至少生成一张测评码。")
    if count_a + count_b > MAX_SLIPS_PER_RUN:
        errors["count_b"] = _("一次最多生成 %(n)s 张，请分几次生成。", n=MAX_SLIPS_PER_RUN)
    if errors:
        raise InvalidInput(_("请检查测评码数量。"), errors)
    last = db.session.scalar(select(func.max(Token.batch)).where(Token.meeting_id == meeting.id))
    batch = (last or 0) + 1
    for category, n in ((Category.A, count_a), (Category.B, count_b)):
        for _slip in range(n):
            nonce = _nonce(meeting)
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
    detail = f"第 {batch} 批：表A {count_a} 张，表B {count_b} 张"  # official: a record
    record_event(user, meeting, "slips.issue", detail)
    return batch


def _nonce(meeting: Meeting) -> str:
    """A fresh token nonce: 128 random bits, marked on a rehearsal's slips (signing.py)."""
    if meeting.is_rehearsal:
        return REHEARSAL_NONCE + secrets.token_hex(16)[1:]
    return secrets.token_hex(16)


def find_by_code(keys: Keys, typed: str) -> Token | None:
    """The token whose manual code this is (typos forgiven where the check character allows)."""
    code = codes.normalize(typed)
    if not (codes.is_well_formed(code) or codes.is_rehearsal_code(code)):
        return None
    return db.session.scalar(select(Token).where(Token.code_hash == keys.hash_code(code)))


#: Slips not handed out may be voided by code until the result is certified.
VOID_STATES = SLIP_STATES | {MeetingState.CLOSED}


def _check_void_state(meeting: Meeting) -> None:
    if meeting.state not in VOID_STATES:
        raise StateBlocked([_("结果已经确认，会议只读：不能再作废测评码。")])


#: Message ids: `_` where they are said.
ALREADY_USED = N_("这张测评码已经投过票，不能作废。")
JUST_USED = N_("这张测评码刚刚已经投过票，不能作废。")
JUST_VOIDED = N_("这张测评码刚刚已经被作废了（可能是另一位工作人员作废的），不用再作废。")


def _hold_state(meeting: Meeting) -> None:
    """Read the meeting's state as it is now and keep it so until the commit: PostgreSQL
    shares a lock on the meeting row (a close, reopen or certification waits for this void,
    and this void for them); on SQLite the unit of work holds the one writer lock already."""
    db.session.refresh(meeting, with_for_update={"read": True})
    _check_void_state(meeting)


def _void_unused(tokens: Iterable[Token]) -> Counter[Category]:
    """Void those of these slips that are still unused and unvoided, in one conditional
    UPDATE: a cast that used one meanwhile (its own conditional UPDATE, see casting.py) or
    another void wins it, and it is skipped. Returns how many were voided per table."""
    chosen = list(tokens)
    if not chosen:
        return Counter()
    voided = db.session.execute(
        update(Token)
        .where(
            Token.id.in_([t.id for t in chosen]),
            Token.is_used.is_(False),
            Token.is_voided.is_(False),
        )
        .values(is_voided=True)
        .returning(Token.category)
        .execution_options(synchronize_session=False)
    )
    found = Counter(category for (category,) in voided)
    for token in chosen:  # read again when next looked at: the UPDATE bypassed them
        db.session.expire(token)
    return found


@writes
def void_slip(user: User | None, meeting: Meeting, keys: Keys, typed: str) -> None:
    """Void a printed slip that was not handed out, by its manual code."""
    _hold_state(meeting)
    token = find_by_code(keys, typed)
    if token is None or token.meeting_id != meeting.id:
        raise InvalidInput(
            _("没有找到这个码：请核对纸条上的手写码（11 位，字母不分大小写）。"),
            {"code": _("本次会议没有这个码。")},
        )
    if token.is_used:
        raise InvalidInput(_(ALREADY_USED), {"code": _("已使用。")})
    if token.is_voided:
        raise InvalidInput(_("这张测评码已经作废过了。"), {"code": _("已作废。")})
    category = token.category
    if not _void_unused([token]):
        # Used (or voided) after it was read above: the cast or the other void came first.
        if token.is_voided:
            raise InvalidInput(_(JUST_VOIDED), {"code": _("已作废。")})
        raise InvalidInput(_(JUST_USED), {"code": _("已使用。")})
    record_event(user, meeting, "slips.void", f"作废一张{category.label}测评码")  # official


def _unused_to_void(meeting: Meeting, count_a: int, count_b: int) -> dict[Category, list[Token]]:
    """The unused slips a void by count would take, or the refusal (in the reader's language)."""
    if meeting.state != MeetingState.CLOSED:
        _check_void_state(meeting)
        raise StateBlocked(
            [
                _(
                    "按张数作废要在关闭投票箱之后：投票进行中，没用过的测评码可能正在别人手里。"
                    "现在请按纸条上的手输码逐张作废。"
                )
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
            errors[field] = _("张数不能是负数。")
        elif n > len(unused[category]):
            errors[field] = _(
                "%(table)s只剩 %(n)s 张没有用过的测评码。",
                table=_(category.label),
                n=len(unused[category]),
            )
    if not errors and not (count_a or count_b):
        errors["count_a"] = _("请填写要作废的张数。")
    if errors:
        raise InvalidInput(_("请核对要作废的张数。"), errors)
    return {c: unused[c][: wanted[c]] for c in wanted}


def check_void_by_count(meeting: Meeting, count_a: int, count_b: int) -> None:
    """Refuse now, before the page asks to confirm, what void_by_count would refuse."""
    _unused_to_void(meeting, count_a, count_b)


@writes
def void_by_count(user: User | None, meeting: Meeting, count_a: int, count_b: int) -> int:
    """After the box closed: void this many unused slips of each table, as counted from the
    slips left over in the hall. Before the close an unused slip may be in someone's hand, so
    counting is refused then (void those by their code). Returns how many were voided: fewer
    than asked when some of the chosen slips were voided by someone else meanwhile."""
    _hold_state(meeting)
    chosen = _unused_to_void(meeting, count_a, count_b)
    voided = _void_unused(t for tokens in chosen.values() for t in tokens)
    done = sum(voided.values())
    if not done:
        raise InvalidInput(
            _(
                "这些测评码刚刚已经被作废或用掉了，这次一张也没有作废。请刷新页面，"
                "看清现在还剩多少张没有用过的测评码，再按清点的张数重新填写。"
            ),
            {"count_a": _("没有作废。")},
        )
    # A record, kept as written (the audit log's detail): not a message.
    detail = f"按张数作废：表A {voided[Category.A]} 张，表B {voided[Category.B]} 张"  # official
    if done < count_a + count_b:
        detail += f"（填写的是 {count_a + count_b} 张，其余的刚刚已被作废或用掉）"  # official
    record_event(user, meeting, "slips.void_count", detail)
    return done


def voter_url(base_url: str, keys: Keys, token: Token) -> str:
    """The URL a slip's QR encodes."""
    secret = keys.slip_secret(token.meeting_id, token.nonce)
    value = keys.voter_value(
        token.meeting_id, token.category, secret, rehearsal=is_rehearsal_nonce(token.nonce)
    )
    return f"{base_url.rstrip('/')}/v/{value}"


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
