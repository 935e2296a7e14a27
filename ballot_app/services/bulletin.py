"""The bulletin (凭证号公示): after certification, every tracker code of the meeting, with
the totals, so each voter can see their ballot was counted; no choice is shown, so nobody
can prove to anyone how they voted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.meeting_state import MeetingState
from ..domain.slip7 import Slip7
from ..extensions import db
from ..models import Meeting, Receipt, Token
from ..signing import Keys
from .errors import NotFound
from .results import meeting_results

NOT_YET = "测评结果确认后才公布凭证号。请在计票人、监票人签字确认后再来查看。"


@dataclass(frozen=True)
class Bulletin:
    meeting: Meeting
    codes: list[str]  #: sorted: the order says nothing of when each ballot came
    slip7: Slip7
    paper_ballots: int  #: paper ballots carry no tracker code


def publish_codes(meeting: Meeting, keys: Keys) -> int:
    """At certification (the caller's transaction): the tracker code of every used slip, derived
    from the slip as its receipt was, written all at once in code order. Nothing was written
    of a receipt while the box was open, so no stored row can be matched to one by when it
    came; returns how many codes were published."""
    used = db.session.scalars(
        select(Token.nonce).where(Token.meeting_id == meeting.id, Token.is_used.is_(True))
    )
    found = sorted(keys.tracker_code(keys.slip_secret(meeting.id, nonce)) for nonce in used)
    known = set(db.session.scalars(select(Receipt.code).where(Receipt.meeting_id == meeting.id)))
    fresh = [code for code in found if code not in known]
    db.session.add_all(Receipt(code=code, meeting_id=meeting.id) for code in fresh)
    return len(found)


def bulletin(meeting_id: int) -> Bulletin:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.state != MeetingState.CERTIFIED:
        raise NotFound(NOT_YET)
    codes = list(
        db.session.scalars(
            select(Receipt.code).where(Receipt.meeting_id == meeting_id).order_by(Receipt.code)
        )
    )
    slip7 = meeting_results(meeting).slip7
    return Bulletin(meeting, codes, slip7, max(slip7.returned - len(codes), 0))
