"""Rehearsals (演练) of a meeting in draft (SPEC, "Meeting states").

A rehearsal is a meeting of its own, `rehearsal_of` the draft it rehearses: a copy of its
forms, evaluees, settings and tellers. So every page (slips, test scan, open, live page,
projector, paper entry, close, slip 7, the form 5 table) works on it exactly as on the real
meeting, and says 「演练」. Its slips are marked in their nonce and in their signed value
(signing.py), and its manual codes carry a rehearsal's check character (domain/codes.py).

Nothing of a rehearsal reaches a real result, by construction:
- its ballots, slips, comments, receipts, paper stacks and live view hang off its own meeting
  row, and a real slip's token belongs to the real meeting: it cannot vote in the rehearsal's
  box, nor a rehearsal slip in the real one;
- a rehearsal cannot be certified, and only certified meetings feed grades and annex 8;
- the unit's, the campaign's and the progress pages' lists leave rehearsals out;
- the real meeting cannot open while its rehearsal exists.

「结束演练」 deletes the rehearsal's meeting row in one transaction; the database's cascades
take every row hanging off it. Its audit events were written against the real meeting
(services/audit.py), so the log keeps the rehearsal and its wipe, and the chain stays whole.
A rehearsal slip used afterwards is known by its mark: 「这是演练用的纸条，演练已结束」.

The simulation casts ballots from "phones" simulated in this process, through the voters'
own path (voting.open_slip, voting.cast_ballot), at a hall's pace: bounded in count
(MAX_SIMULATED) and in time (SIMULATION_SECONDS), and it stops when the box closes or the
rehearsal is wiped.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from ..database import writes
from ..domain.ballot_spec import BallotSpec
from ..domain.choices import Special
from ..domain.marks import Packet, count_empty
from ..domain.meeting_state import MeetingState
from ..domain.text import _
from ..extensions import db
from ..models import Ballot, Comment, Evaluee, Meeting, PaperStack, Token, User
from ..signing import Keys
from . import voting
from .audit import record_event
from .campaign import writable
from .errors import InvalidInput, ServiceError, StateBlocked
from .slips import add_slips, voter_url

logger = logging.getLogger(__name__)

#: At most this many simulated phones per run, and no run longer than this many seconds.
MAX_SIMULATED = 300
SIMULATION_SECONDS = 120.0
#: A hall's pace: a ballot every 0.2–0.8 s on average, faster when many phones must fit
#: into SIMULATION_SECONDS.
PACE_SECONDS = (0.2, 0.8)
#: How simulated voters choose (form 5: 优秀, 称职, 基本称职, 不称职; form 6: 好 … 差), and
#: how often they leave a row empty (弃权).
WEIGHTS = (55, 35, 7, 3)
BLANK = 0.02


def rehearsal_of(meeting: Meeting) -> Meeting | None:
    """The rehearsal under way for this meeting, if any."""
    return db.session.scalar(select(Meeting).where(Meeting.rehearsal_of_id == meeting.id))


def rehearsed(rehearsal: Meeting) -> Meeting:
    """The meeting a rehearsal rehearses."""
    real = db.session.get(Meeting, rehearsal.rehearsal_of_id)
    assert real is not None  # the foreign key cascades
    return real


@writes
def start(user: User, meeting: Meeting) -> Meeting:
    """Start a rehearsal of a meeting in draft (or return the one under way)."""
    writable(meeting.unit.campaign)
    # PostgreSQL: the real meeting's row, locked, so an open of its box under way is waited
    # for (and seen); SQLite: the writer lock is held. One rehearsal per meeting (unique).
    db.session.refresh(meeting, with_for_update=True)
    if meeting.is_rehearsal:
        raise StateBlocked([_("这已经是一场演练。")])
    if meeting.state != MeetingState.DRAFT:
        raise StateBlocked([_("只有准备中的会议可以演练：这次会议已经开启过投票箱，不能再演练。")])
    found = rehearsal_of(meeting)
    if found is not None:
        return found
    rehearsal = Meeting(
        unit_id=meeting.unit_id,
        title=meeting.title,
        held_on=meeting.held_on,
        is_form5_enabled=meeting.is_form5_enabled,
        is_form6_enabled=meeting.is_form6_enabled,
        secretary_name=meeting.secretary_name,
        live_step=meeting.live_step,
        live_turnout_only=meeting.live_turnout_only,
        pass_rate_base=meeting.pass_rate_base,
        paper_double_entry=meeting.paper_double_entry,
        created_by_id=user.id,
        rehearsal_of_id=meeting.id,
    )
    # The evaluees as printed, with no link to the roster: nothing of a rehearsal names a
    # member, so nothing that counts members can find it.
    rehearsal.evaluees = [
        Evaluee(name=e.name, post=e.post, position=e.position) for e in meeting.evaluees
    ]
    rehearsal.tellers = list(meeting.tellers)
    db.session.add(rehearsal)
    db.session.flush()
    record_event(user, meeting, "rehearsal.start", meeting.title)
    return rehearsal


@dataclass(frozen=True)
class Wiped:
    """What 「结束演练」 removed."""

    ballots: int
    slips: int
    comments: int
    paper_stacks: int


def _count(model: type, meeting_id: int) -> int:
    column = model.meeting_id  # type: ignore[attr-defined]
    return int(db.session.scalar(select(func.count()).where(column == meeting_id)) or 0)


@writes
def wipe(user: User, rehearsal: Meeting) -> Wiped:
    """End a rehearsal: delete it and everything in it, in one transaction."""
    if not rehearsal.is_rehearsal:
        raise StateBlocked([_("这不是演练，不能用「结束演练」清除。")])
    real = rehearsed(rehearsal)
    wiped = Wiped(
        _count(Ballot, rehearsal.id),
        _count(Token, rehearsal.id),
        _count(Comment, rehearsal.id),
        _count(PaperStack, rehearsal.id),
    )
    db.session.execute(
        delete(Meeting)
        .where(Meeting.id == rehearsal.id, Meeting.rehearsal_of_id.is_not(None))
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(rehearsal)
    record_event(
        user,
        real,
        "rehearsal.wipe",
        f"票 {wiped.ballots} 张，纸条 {wiped.slips} 张，意见 {wiped.comments} 条，"  # official
        f"纸质票 {wiped.paper_stacks} 叠",  # official: a record, kept as written
    )
    return wiped


# --- simulated phones ------------------------------------------------------------------------


def _choose(codes: tuple[str, ...], rng: random.Random) -> str:
    if rng.random() < BLANK:
        return Special.EMPTY
    return rng.choices(codes, weights=WEIGHTS[: len(codes)])[0]


def simulated_packet(spec: BallotSpec, rng: random.Random) -> Packet:
    """What a simulated voter puts in the box: a choice on (nearly) every row."""
    return Packet({row.field: _choose(row.codes, rng) for row in spec.rows})


@writes
def _hand_out(user: User, rehearsal: Meeting, keys: Keys, count: int) -> list[str]:
    """Slips for the simulated phones (a run of their own), as the values in their QR."""
    writable(rehearsal.unit.campaign)
    if not rehearsal.is_rehearsal:
        raise StateBlocked([_("只有演练可以模拟手机投票。")])
    if rehearsal.state != MeetingState.OPEN:
        raise StateBlocked([_("请先开启演练的投票箱，再模拟手机投票。")])
    if not 1 <= count <= MAX_SIMULATED:
        message = _("请填写 1 到 %(max)s 之间的整数。", max=MAX_SIMULATED)
        raise InvalidInput(message, {"count": message})
    count_a = count // 2 if rehearsal.is_form5_enabled else 0
    batch = add_slips(user, rehearsal, keys, count_a, count - count_a)
    record_event(user, rehearsal, "rehearsal.simulate", f"模拟手机 {count} 部")  # official
    tokens = db.session.scalars(
        select(Token).where(Token.meeting_id == rehearsal.id, Token.batch == batch)
    )
    return [voter_url("", keys, t).removeprefix("/v/") for t in tokens]


def _gap(count: int, rng: random.Random) -> float:
    low, high = PACE_SECONDS
    fit = SIMULATION_SECONDS * 0.8 / max(count, 1) / ((low + high) / 2)
    return rng.uniform(low, high) * min(1.0, fit)


def cast_simulated(
    keys: Keys,
    values: list[str],
    *,
    pace: Callable[[], float],
    deadline: float,
) -> int:
    """Cast one ballot per slip value, waiting `pace()` seconds before each, until the values
    run out, the deadline passes, or the box refuses (closed, wiped). Returns the count."""
    rng = random.Random()
    cast = 0
    for value in values:
        wait = pace()
        if time.monotonic() + wait > deadline:
            break
        time.sleep(wait)
        try:
            slip = voting.open_slip(keys, value)
            packet = simulated_packet(slip.spec, rng)
            voting.cast_ballot(slip, packet, confirmed_empty=count_empty(slip.spec, packet))
        except ServiceError:
            break  # the box closed or the rehearsal ended: the phones stop
        except (SQLAlchemyError, sqlite3.Error):  # SQLite's cast runs on the driver's cursor
            # The rehearsal was wiped under a cast (its rows went with it): stop quietly.
            logger.info("rehearsal phones stopped: the rehearsal's rows are gone")
            break
        finally:
            db.session.remove()
        cast += 1
    return cast


def simulate(
    user: User,
    rehearsal: Meeting,
    keys: Keys,
    count: int,
    *,
    in_app_context: Callable[[Callable[[], None]], Callable[[], None]],
    pace: Callable[[], float] | None = None,
) -> threading.Thread:
    """Hand `count` simulated phones a slip each and let them vote at a hall's pace, in a
    background thread of this process (on this server only); returns the running thread.
    `in_app_context` wraps the thread's work in an application context (web layer)."""
    values = _hand_out(user, rehearsal, keys, count)
    random.shuffle(values)
    rng = random.Random()
    chosen_pace = pace or (lambda: _gap(len(values), rng))
    deadline = time.monotonic() + SIMULATION_SECONDS

    def run() -> None:
        cast_simulated(keys, values, pace=chosen_pace, deadline=deadline)

    thread = threading.Thread(target=in_app_context(run), name="rehearsal-phones", daemon=True)
    thread.start()
    return thread
