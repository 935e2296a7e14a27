"""Failed tries counted in the shared `throttle` table: slows guessing on every node at once.

A key names what is counted: its kind (which rule applies) and a keyed hash of the counted
value (an account's name, a client's address, a meeting, a code's prefix bucket), never the
value in clear. Each rule lets `free` failures through per window, then makes every further
try wait 2, 4, 8 … seconds, at most `cap` after one failure; failures that pile up (many at
once from several nodes) add up to at most `lead` seconds. A key is forgiven once a whole
window has passed since its window began and since its last wait ended.

Each failure is one INSERT … ON CONFLICT DO UPDATE: two nodes counting the same key at the
same moment both count. A table, not Redis or Flask-Limiter: every node already shares the
database, on SQLite and PostgreSQL alike, so there is no new service to run, secure, back up
or watch in a hall. Only failures are written; a success clears an account's key at most.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..database import read_connection, write_transaction
from ..domain.text import _
from ..extensions import db
from ..models import Meeting, Throttle


@dataclass(frozen=True)
class Rule:
    """How one kind of key is slowed."""

    free: int  #: failures per window that cost no wait
    window: float  #: seconds
    cap: float  #: the longest wait one failure sets
    lead: float  #: the longest wait piled-up failures can set

    def delay(self, tries: int) -> float:
        """The wait the tries-th failure of a window sets: 0, then 2, 4, 8 … up to cap."""
        over = tries - self.free
        return 0.0 if over <= 0 else float(min(2**over, self.cap))


#: Every kind of key and its rule. Logins: an account gets 5 free failures per 15 minutes,
#: then waits up to 15 minutes; a client address (a hall or an office shares one) gets 100,
#: then short waits of at most 30 seconds: it is slowed, never locked out. Manual codes: a
#: meeting (or, for the short address without a meeting, the one shared 「no meeting named」
#: counter) gets 30 failures per 10 minutes, then waits of at most 8 seconds; each of 64
#: buckets of codes by their first six characters gets 10, then waits of at most 60 seconds.
RULES: dict[str, Rule] = {
    "login-account": Rule(free=5, window=900, cap=900, lead=900),
    "login-client": Rule(free=100, window=900, cap=30, lead=30),
    "code-meeting": Rule(free=30, window=600, cap=8, lead=60),
    "code-part": Rule(free=10, window=600, cap=60, lead=300),
}
#: The clock every rule reads (seconds since the epoch, as the table stores); tests move it.
clock = time.time
#: Rows untouched this long are deleted (longer than any window plus any lead).
STALE_SECONDS = 3600.0
PRUNE_ONE_IN = 50


def key(secret_key: str, kind: str, value: str) -> str:
    """The stored key: the kind, and an HMAC of the value under a key derived from
    SECRET_KEY for throttling only (no other purpose's hash can match it)."""
    if kind not in RULES:
        raise ValueError(f"unknown throttle kind {kind!r}")
    derived = hmac.new(
        secret_key.encode(), b"ballot_app/throttle/" + kind.encode(), hashlib.sha256
    ).digest()
    return f"{kind}:{hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()[:40]}"


def rule_of(counted: str) -> Rule:
    """The rule of a stored key, by its kind."""
    return RULES[counted.partition(":")[0]]


def check(*keys: str, now: float | None = None) -> float:
    """Seconds to wait before the next try of these keys (0: go ahead). Writes nothing."""
    now = clock() if now is None else now
    with read_connection() as conn:
        until = conn.scalar(select(func.max(Throttle.blocked_until)).where(Throttle.key.in_(keys)))
    return max(0.0, float(until or 0.0) - now)


def fail(counted: str, now: float | None = None) -> float:
    """Count one failure of this key; returns the wait it sets from now (0: none)."""
    now = clock() if now is None else now
    rule = rule_of(counted)
    stmt = _upsert(counted, rule, now)
    with write_transaction() as conn:
        row = conn.execute(stmt).one()
        if random.randrange(PRUNE_ONE_IN) == 0:
            _prune(conn, now)
    return max(0.0, float(row.blocked_until) - now)


def fail_all(keys: Iterable[str], now: float | None = None) -> float:
    """Count one failure of each key; the longest wait they set."""
    return max((fail(k, now) for k in keys), default=0.0)


def clear(*keys: str) -> None:
    """Forget these keys' failures (an account's, after it logs in or is reset)."""
    with write_transaction() as conn:
        conn.execute(delete(Throttle).where(Throttle.key.in_(keys)))


def prune(now: float | None = None) -> None:
    """Delete the rows nothing has touched for an hour."""
    with write_transaction() as conn:
        _prune(conn, clock() if now is None else now)


def wait_text(seconds: float) -> str:
    """How long to wait, rounded up, as a person reads it: 「30 秒」, 「3 分钟」."""
    whole = max(1, int(-(-seconds // 1)))
    return _("%(n)s 秒", n=whole) if whole < 60 else _("%(n)s 分钟", n=-(-whole // 60))


def _prune(conn: Any, now: float) -> None:
    old = now - STALE_SECONDS
    conn.execute(
        delete(Throttle).where(Throttle.window_started < old, Throttle.blocked_until < old)
    )


def _upsert(counted: str, rule: Rule, now: float) -> Any:
    """INSERT … ON CONFLICT DO UPDATE … RETURNING, counting one failure in one statement."""
    table = Throttle.__table__
    at = literal(now)
    expired = (table.c.window_started + rule.window <= at) & (
        table.c.blocked_until + rule.window <= at
    )
    tries = case((expired, 1), else_=table.c.tries + 1)
    wait = _delay_sql(rule, tries)
    start = case((table.c.blocked_until > at, table.c.blocked_until), else_=at)
    piled = start + wait
    blocked = case(
        (wait == 0, table.c.blocked_until),
        (piled > at + rule.lead, at + rule.lead),
        else_=piled,
    )
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(
        key=counted, tries=1, window_started=now, blocked_until=now + rule.delay(1)
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "tries": tries,
            "window_started": case((expired, at), else_=table.c.window_started),
            "blocked_until": blocked,
        },
    ).returning(table.c.tries, table.c.blocked_until)


def _delay_sql(rule: Rule, tries: Any) -> Any:
    """Rule.delay as SQL, over an expression for the window's tries (no POWER in SQLite)."""
    steps = []
    over = 1
    while 2**over < rule.cap:
        steps.append((tries == rule.free + over, literal(float(2**over))))
        over += 1
    return case((tries <= rule.free, literal(0.0)), *steps, else_=literal(float(rule.cap)))


#: Manual codes are counted in buckets by their first characters: hammering one slip's code
#: (its start read off a photo) fills one bucket, yet a bucket holds about 1/64 of every
#: meeting's codes, so no stored row points to one slip.
CODE_BUCKETS = 64
CODE_PREFIX = 6
NO_MEETING = "none"


def code_keys(secret_key: str, code: str, meeting_id: int | None) -> list[str]:
    """The shared keys a well-formed manual code's try counts against: the meeting named by
    the entry page (?m=…) if it exists, else the one counter of tries that name no meeting;
    and the code's bucket. The code's own meeting is not known before the lookup, and a
    refusal must never depend on what the lookup found (that would tell a guess was right)."""
    named = (
        meeting_id is not None
        and 0 < meeting_id < 2**31  # an id column's range: a larger number names nothing
        and db.session.get(Meeting, meeting_id) is not None
    )
    meeting = key(secret_key, "code-meeting", str(meeting_id) if named else NO_MEETING)
    digest = key(secret_key, "code-part", code[:CODE_PREFIX]).partition(":")[2]
    bucket = int(digest, 16) % CODE_BUCKETS
    return [meeting, key(secret_key, "code-part", f"bucket-{bucket}")]
