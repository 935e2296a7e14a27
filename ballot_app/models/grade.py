"""Grades (考核定等): each member's recorded composite and proposal, the decided grade, and
the 诫勉谈话 kept across years."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Campaign, User
from .types import UtcDateTime


class GradeRecord(db.Model):  # type: ignore[name-defined,misc]
    """One member's grade for the year: what the figures proposed when recorded, and what
    the standing committee decided (区委常委会审定). Figures are exact decimals as text."""

    __table_args__ = (UniqueConstraint("campaign_id", "member_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    #: The roster line (a number: the record outlives any change to the roster).
    member_id: Mapped[int] = mapped_column(index=True)
    #: The unit (a number: the feedback finds its records by it, whatever the unit's name).
    unit_id: Mapped[int] = mapped_column(index=True)
    unit_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))  #: principal / deputy
    #: The composite when recorded ("" when there was none), e.g. "88.24".
    composite: Mapped[str] = mapped_column(String(12), default="")
    #: The component values when recorded, as JSON {component: "86.67" | null}.
    components: Mapped[str] = mapped_column(Text, default="{}")
    #: SHA-256 over the inputs when recorded: a later change to them marks the record stale.
    inputs_digest: Mapped[str] = mapped_column(String(64), default="")
    #: SHA-256 over the rules when recorded: changed rules mark the record stale too.
    rules_digest: Mapped[str] = mapped_column(String(64), default="")
    proposed: Mapped[str] = mapped_column(String(24), default="")  #: a Form5Choice value
    needs_study: Mapped[bool] = mapped_column(default=False, server_default=false())
    reasons: Mapped[str] = mapped_column(Text, default="")  #: flags and quota notes, "；"-joined
    decided: Mapped[str] = mapped_column(String(24), default="")  #: "" until decided
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    campaign: Mapped[Campaign] = relationship()
    decided_by: Mapped[User | None] = relationship()


class Talk(db.Model):  # type: ignore[name-defined,misc]
    """A 诫勉谈话 with a member graded 基本称职 or 不称职, kept across years (its year's
    campaign may close; the talk stays on the list until done)."""

    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int | None] = mapped_column(
        ForeignKey("grade_record.id", ondelete="SET NULL"), unique=True
    )
    year: Mapped[int]
    unit_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(120), default="")
    grade: Mapped[str] = mapped_column(String(24))  #: the decided grade
    held_on: Mapped[date | None]
    talked_by: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_done: Mapped[bool] = mapped_column(default=False, server_default=false())


class Interview(db.Model):  # type: ignore[name-defined,misc]
    """The inspection group's interview suggestions (考察谈话) for one member: how many of
    the people interviewed suggested each grade. Entered by the group, not a ballot."""

    __table_args__ = (UniqueConstraint("campaign_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    excellent: Mapped[int] = mapped_column(default=0)
    competent: Mapped[int] = mapped_column(default=0)
    basically_competent: Mapped[int] = mapped_column(default=0)
    incompetent: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship()
