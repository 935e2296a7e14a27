"""One-time slips (测评码). A token row says whether it was used, never when or by whom."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.choices import Category
from ..extensions import db


class Token(db.Model):  # type: ignore[name-defined,misc]
    """A voter's one-time credential. No column of it is ever copied onto a ballot."""

    __table_args__ = (CheckConstraint("NOT (is_used AND is_voided)", name="used_or_voided"),)

    #: Row id: tokens are no secret about ballots, and no ballot refers to it.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting the slip belongs to; the QR's signed value names it too.
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    #: Table A or B: the slip, never the voter, decides which form 5 table is filled.
    category: Mapped[Category] = mapped_column(Enum(Category, native_enum=False, length=1))
    #: Random input from which, with the app's secret key, the slip's secret is derived.
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    #: Keyed hash (HMAC under SECRET_KEY) of the QR secret: the secret itself is never
    #: stored, and a photo of a slip cannot find its row without the key.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Keyed hash of the typeable manual code, for /v lookups.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Which printing run the slip belongs to (slips added later print on their own).
    batch: Mapped[int] = mapped_column(default=1)
    #: Set in the same transaction that stores the ballot; no time of use is kept.
    is_used: Mapped[bool] = mapped_column(default=False)
    #: Printed but not handed out, voided by the organizer: subtracted from "issued".
    is_voided: Mapped[bool] = mapped_column(default=False)
