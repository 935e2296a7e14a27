"""Rating meetings (述职测评大会), their evaluees, and the audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Enum, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.meeting_state import MeetingState
from ..domain.slip7 import PassRateBase
from ..extensions import db
from .people import Unit, User
from .types import UtcDateTime, utcnow

#: Teller accounts (计票人/监票人) assigned to a meeting: they see it, its live count, and
#: enter its paper ballots; nothing else.
meeting_teller = Table(
    "meeting_teller",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(db.Model):  # type: ignore[name-defined,misc]
    """One unit's rating meeting: its forms, evaluees, slips and ballot box."""

    __table_args__ = (
        CheckConstraint("live_step >= 3", name="live_step_at_least_three"),
        CheckConstraint("paper_issued >= 0", name="paper_issued_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    state: Mapped[MeetingState] = mapped_column(
        Enum(MeetingState, native_enum=False, length=16), default=MeetingState.DRAFT
    )
    is_form5_enabled: Mapped[bool] = mapped_column(default=True)
    is_form6_enabled: Mapped[bool] = mapped_column(default=True)
    #: Form 6's duty item names the secretary; kept here so later roster edits leave it.
    secretary_name: Mapped[str] = mapped_column(String(64), default="")
    #: 计票人 and 监票人 named when the result was certified; printed on slip 7.
    counter_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    scrutineer_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: Live results move only in steps of this many ballots of a table until the box
    #: closes (SPEC "Secrecy"): never below 3, fixed once the box opens.
    live_step: Mapped[int] = mapped_column(default=5)
    #: Show turnout only until the close: no live results at all.
    live_turnout_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    pass_rate_base: Mapped[PassRateBase] = mapped_column(
        Enum(PassRateBase, native_enum=False, length=16), default=PassRateBase.VALID
    )
    #: Attendance (评议人员) entered by the organizer; None means "as many as issued".
    participants: Mapped[int | None]
    #: Attendance per category (domain/attendance.py) as JSON; when set, `participants` is
    #: its sum. None: only the total was entered (or none).
    attendance: Mapped[str | None] = mapped_column(Text)
    #: Paper forms handed out to people without a smartphone.
    paper_issued: Mapped[int] = mapped_column(default=0)
    #: Paper stacks count only after a second teller's entry agrees with the first.
    paper_double_entry: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Random; monitor links name it, so replacing it revokes every link given out.
    monitor_nonce: Mapped[str] = mapped_column(String(32), default="", server_default="")
    #: The figures the meeting was certified with, in the tally schema (JSON): a certified
    #: result prints what was signed, whatever later versions change in the counting rules.
    certified_result: Mapped[str | None] = mapped_column(Text)
    #: Archived (已归档): off the unit's list, kept whole with its ballots.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Set on a rehearsal (演练): the draft meeting it rehearses. A rehearsal is a meeting of
    #: its own, so every page works on it as on the real one, and 「结束演练」 deletes it with
    #: everything in it; it never counts anywhere (services/rehearsal.py).
    rehearsal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True, unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    evaluees: Mapped[list[Evaluee]] = relationship(
        back_populates="meeting",
        order_by="Evaluee.position, Evaluee.id",
        cascade="all, delete-orphan",
    )
    tellers: Mapped[list[User]] = relationship(
        secondary=meeting_teller, order_by="User.display_name, User.id"
    )

    @property
    def is_rehearsal(self) -> bool:
        return self.rehearsal_of_id is not None


class Evaluee(db.Model):  # type: ignore[name-defined,misc]
    """A person on the meeting's form 5, with name and post as printed on the day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="evaluees")


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to which meeting, and when. Never ballot contents or slip secrets."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 over the previous event's digest and this event's fields: a chain that makes
    #: an edited or deleted event visible (`flask verify`).
    digest: Mapped[str] = mapped_column(String(64), default="", server_default="")

    user: Mapped[User | None] = relationship()


class LiveView(db.Model):  # type: ignore[name-defined,misc]
    """The results tellers see while the box is open: computed over `ballots` ballots and
    held until a whole step more have come in (SPEC's k-step rule). One row per meeting,
    overwritten; shared by every app process, so all of them show the same step."""

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    #: Ballots in the box when these results were computed: all of them (form 6 and the
    #: comment count step over all ballots), and per form 5 table (each steps on its own).
    ballots: Mapped[int]
    ballots_a: Mapped[int] = mapped_column(default=0, server_default="0")
    ballots_b: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The results as JSON, in the tally schema (turnout is added live on every read).
    body: Mapped[str] = mapped_column(Text)
