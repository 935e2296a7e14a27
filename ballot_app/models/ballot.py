"""The ballot box. Nothing here refers to a token, a person, a time or a client.

Keys are random, so neither keys nor physical order (SQLite WITHOUT ROWID) follow the order
in which ballots arrived. Comments and receipts sit in tables of their own with no key to a
ballot, so a comment cannot be joined to choices.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.choices import FORM5_CODES, FORM6_CODES, Category, Source, Special
from ..extensions import db

NO_ROWID = {"sqlite_with_rowid": False}
_SPECIALS = (Special.EMPTY.value, Special.OVER_MARKED.value)


def _one_of(column: str, codes: tuple[str, ...], name: str) -> CheckConstraint:
    listed = ", ".join(f"'{c}'" for c in codes)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Ballot(db.Model):  # type: ignore[name-defined,misc]
    """What one slip put in the box: its form 5 part and/or form 6 part."""

    __table_args__ = (NO_ROWID,)

    #: 128 random bits: a key that says nothing of when the ballot arrived.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: The meeting is the finest time grain a ballot may carry.
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    #: Table A or B: needed to tally A and B apart; shared by many ballots.
    category: Mapped[Category] = mapped_column(Enum(Category, native_enum=False, length=1))
    #: Phone or paper: slip 7 counts both; who entered paper is in the audit log, not here.
    source: Mapped[Source] = mapped_column(Enum(Source, native_enum=False, length=8))
    #: Whether the packet held a form 5 part / a form 6 part.
    has_form5: Mapped[bool] = mapped_column(default=False)
    has_form6: Mapped[bool] = mapped_column(default=False)
    #: Every row of that part empty or invalid (废票 for that form), fixed when cast.
    is_form5_void: Mapped[bool] = mapped_column(default=False)
    is_form6_void: Mapped[bool] = mapped_column(default=False)

    form5_marks: Mapped[list[Form5Mark]] = relationship(cascade="all, delete-orphan")
    form6_marks: Mapped[list[Form6Mark]] = relationship(cascade="all, delete-orphan")


class Form5Mark(db.Model):  # type: ignore[name-defined,misc]
    """One evaluee's row on one ballot."""

    __table_args__ = (
        _one_of("mark", FORM5_CODES + _SPECIALS, "mark_known"),
        # The tally counts (evaluee, table, mark) straight off this index, in index order,
        # without touching the ballot table or sorting: 10,000 ballots × 30 evaluees in
        # tens of milliseconds.
        Index("ix_form5_mark_tally", "evaluee_id", "category", "mark"),
        NO_ROWID,
    )

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True
    )
    evaluee_id: Mapped[int] = mapped_column(
        ForeignKey("evaluee.id", ondelete="CASCADE"), primary_key=True
    )
    #: The ballot's table (A or B), copied from it: shared by many ballots, it tells nothing
    #: of one, and spares the tally a join.
    category: Mapped[Category] = mapped_column(Enum(Category, native_enum=False, length=1))
    mark: Mapped[str] = mapped_column(String(24))


class Form6Mark(db.Model):  # type: ignore[name-defined,misc]
    """One form 6 item's row on one ballot."""

    __table_args__ = (
        _one_of("item", ("duty", "activity"), "item_known"),
        _one_of("mark", FORM6_CODES + _SPECIALS, "mark_known"),
        # As form 5: the tally counts (meeting, item, table, mark) off this index alone.
        Index("ix_form6_mark_tally", "meeting_id", "item", "category", "mark"),
        NO_ROWID,
    )

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The ballot's meeting and table, copied from it (shared by many ballots). No foreign
    #: key: the ballot's own removes these rows with it.
    meeting_id: Mapped[int]
    category: Mapped[Category] = mapped_column(Enum(Category, native_enum=False, length=1))
    mark: Mapped[str] = mapped_column(String(24))


class Comment(db.Model):  # type: ignore[name-defined,misc]
    """A form 6 comment (评议意见或工作建议), detached from the ballot it came with."""

    __table_args__ = (NO_ROWID,)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)


class Receipt(db.Model):  # type: ignore[name-defined,misc]
    """A tracker code handed to a voter: proves a ballot was counted, shows no choice."""

    __table_args__ = (NO_ROWID,)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)  # random
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
