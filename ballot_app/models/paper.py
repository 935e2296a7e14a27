"""Paper ballots being entered by tellers: stacks and the sheets typed from them.

These rows are work in progress, not the box: a stack's sheets reach the ballot tables only
when the stack counts (after the second-teller check where the meeting asks for one). A
counted sheet keeps the key of the ballot (and comment) it made, so that a mistaken entry can
be withdrawn until the result is certified; certifying deletes every stack and sheet of the
meeting, so no link between paper and box outlives the count. Who entered what is in the
audit log; the ballot itself only says `source = paper`.
"""

from __future__ import annotations

import json

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.choices import Category
from ..domain.paper import PaperPhase
from ..extensions import db


class PaperStack(db.Model):  # type: ignore[name-defined,misc]
    """A pile of paper ballots of one table, entered together (第 n 叠)."""

    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    category: Mapped[Category] = mapped_column(Enum(Category, native_enum=False, length=1))
    phase: Mapped[PaperPhase] = mapped_column(
        Enum(PaperPhase, native_enum=False, length=8), default=PaperPhase.FIRST
    )
    #: Who finished the first pass: the second pass must be someone else.
    first_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    sheets: Mapped[list[PaperSheet]] = relationship(
        order_by="PaperSheet.pass_no, PaperSheet.number",
        cascade="all, delete-orphan",
        back_populates="stack",
    )

    def pass_sheets(self, pass_no: int) -> list[PaperSheet]:
        return [s for s in self.sheets if s.pass_no == pass_no]

    def sheet(self, pass_no: int, number: int) -> PaperSheet | None:
        """Sheet `number` (第 n 张) as pass `pass_no` typed it, if there is one."""
        return next((s for s in self.pass_sheets(pass_no) if s.number == number), None)

    @property
    def current_pass(self) -> int:
        return 2 if self.phase == PaperPhase.SECOND else 1


class PaperSheet(db.Model):  # type: ignore[name-defined,misc]
    """One paper ballot as one pass typed it."""

    __table_args__ = (
        UniqueConstraint("stack_id", "pass_no", "number"),
        CheckConstraint("pass_no IN (1, 2)", name="pass_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stack_id: Mapped[int] = mapped_column(ForeignKey("paper_stack.id", ondelete="CASCADE"))
    pass_no: Mapped[int]
    number: Mapped[int]  #: 第 n 张 in the stack, written on the paper by the teller
    #: {field: mark} as in domain.ballot_spec, with empty / over_marked allowed.
    marks_json: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The ballot and comment this sheet put in the box (counted sheets, until certified).
    ballot_id: Mapped[str | None] = mapped_column(String(32))
    comment_id: Mapped[str | None] = mapped_column(String(32))
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    #: Why the tellers voided this paper ballot by decision (作废): it stays returned, void.
    voided_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    stack: Mapped[PaperStack] = relationship(back_populates="sheets")

    @property
    def marks(self) -> dict[str, str]:
        return dict(json.loads(self.marks_json))

    @property
    def is_withdrawn(self) -> bool:
        return bool(self.withdrawn_reason)
