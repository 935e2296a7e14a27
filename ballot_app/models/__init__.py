"""SQLAlchemy 2 typed models. Import from here so every table is registered."""

from .ballot import Ballot, Comment, Form5Mark, Form6Mark, Receipt
from .grade import GradeRecord, Interview, Talk
from .meeting import AuditEvent, Evaluee, LiveView, Meeting, meeting_teller
from .paper import PaperSheet, PaperStack
from .people import Campaign, Group, Member, Throttle, Unit, User
from .score_sheet import Leader, ScoreRow, ScoreSheet, leader_unit
from .token import Token

__all__ = [
    "AuditEvent",
    "Ballot",
    "Campaign",
    "Comment",
    "Evaluee",
    "Form5Mark",
    "Form6Mark",
    "GradeRecord",
    "Group",
    "Interview",
    "Leader",
    "LiveView",
    "Meeting",
    "PaperSheet",
    "PaperStack",
    "Member",
    "Receipt",
    "ScoreRow",
    "ScoreSheet",
    "Talk",
    "Throttle",
    "Token",
    "Unit",
    "User",
    "leader_unit",
    "meeting_teller",
]
