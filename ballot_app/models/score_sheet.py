"""Named score sheets (计分表, 附件2, 3, 4) and the district leaders who score on annex 2.

A sheet is sealed once returned: its rows' scores are read by the admin only (SPEC, "Score
sheets"). Scores are kept as whole tenths (88.5 → 885), exact on every engine."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.score_sheets import SheetKind, SheetState
from ..extensions import db
from .people import Campaign, Unit
from .types import UtcDateTime


def new_nonce() -> str:
    return secrets.token_hex(16)


#: Which district leader oversees or liaises with which unit (分管或联系): the admin's list.
leader_unit = Table(
    "leader_unit",
    db.metadata,
    Column("leader_id", ForeignKey("leader.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Leader(db.Model):  # type: ignore[name-defined,misc]
    """A district leader (区领导) who scores on annex 2: the units they oversee or liaise
    with, and, for a member of the 四大家 leadership, every unit's 党政正职."""

    #: Ids are never reused (SQLite would reuse the highest after a delete): a sheet's rater
    #: key names a leader by id.
    __table_args__ = (UniqueConstraint("campaign_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(120), default="")  #: 职务, e.g. 区委常委
    #: A member of the district's 四大家 leadership: scores every unit's 党政正职.
    is_top: Mapped[bool] = mapped_column(default=False, server_default=false())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary=leader_unit, order_by="Unit.name")


class ScoreSheet(db.Model):  # type: ignore[name-defined,misc]
    """One rater's sheet: issued → returned (sealed) → reopened by the admin → returned."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "unit_id", "rater_key"),
        {"sqlite_autoincrement": True},  # a withdrawn sheet's id is never given to another
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    kind: Mapped[SheetKind] = mapped_column(Enum(SheetKind, native_enum=False, length=20))
    #: The unit whose members are scored; None on the 四大家 leaders' sheet of principals.
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), index=True
    )
    #: Who fills it, stable within the campaign: "leader:3", "principal:17", "group:5".
    rater_key: Mapped[str] = mapped_column(String(40))
    rater_name: Mapped[str] = mapped_column(String(120))
    rater_role: Mapped[str] = mapped_column(String(32))  #: 区领导, 四大家领导, 党政正职…
    state: Mapped[SheetState] = mapped_column(
        Enum(SheetState, native_enum=False, length=16), default=SheetState.ISSUED
    )
    #: Part of the personal link: raised when the admin revokes it, so older links fail.
    link_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Random, part of the signed link too: a link names this sheet and no other, ever.
    link_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    #: Raised by each reopen: a review made before it cannot seal the sheet after it.
    round: Mapped[int] = mapped_column(default=0, server_default="0")
    #: SHA-256 over the sealed content (domain/score_sheets.sheet_digest); "" while open.
    digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: "link" (the rater's own page) or "paper" (typed in by the admin).
    returned_via: Mapped[str] = mapped_column(String(8), default="", server_default="")
    #: Annex 3: the 党政正职 who confirmed the sheet (党政正职签名).
    confirmed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: Why the admin last reopened it (also in the audit log), shown to the rater.
    reopen_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit | None] = relationship()
    rows: Mapped[list[ScoreRow]] = relationship(
        back_populates="sheet",
        order_by="ScoreRow.position, ScoreRow.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_sealed(self) -> bool:
        return self.state == SheetState.RETURNED


class ScoreRow(db.Model):  # type: ignore[name-defined,misc]
    """One person on a sheet, as the roster had them when the sheet was issued."""

    __table_args__ = (
        CheckConstraint("score_tenths BETWEEN 0 AND 1000", name="score_from_0_to_100"),
        UniqueConstraint("sheet_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"))
    #: The roster line (kept as a number: the digest names it, whatever the roster becomes).
    member_id: Mapped[int] = mapped_column(index=True)
    unit_name: Mapped[str] = mapped_column(String(120))  #: 被考核单位
    name: Mapped[str] = mapped_column(String(64))  #: 姓名
    post: Mapped[str] = mapped_column(String(120), default="")  #: 职务
    portfolio: Mapped[str] = mapped_column(String(255), default="")  #: 分管工作
    position: Mapped[int] = mapped_column(default=0)
    #: The score in tenths of a point (0–1000); None until scored.
    score_tenths: Mapped[int | None]
    remark: Mapped[str] = mapped_column(String(200), default="", server_default="")  #: 备注

    sheet: Mapped[ScoreSheet] = relationship(back_populates="rows")
