"""Accounts, the campaign, inspection groups, units and their leadership rosters."""

from __future__ import annotations

from datetime import date

from flask_login import UserMixin
from sqlalchemy import Enum, Float, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.roles import Role
from ..extensions import db


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who logs in: admin, organizer or teller. Voters never have accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Part of every session cookie; raised by a logout, a password change or a disable, it
    #: ends every session of this account on every node at once.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A password set by someone else (an admin's reset, a new account): changed at login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    group: Mapped[Group | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled


class Campaign(db.Model):  # type: ignore[name-defined,misc]
    """One year's assessment (年度考核)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Post changes on or before this date are assessed in the new post (考核对象, 9月30日).
    post_change_cutoff: Mapped[date]


class Group(db.Model):  # type: ignore[name-defined,misc]
    """An inspection group (考核组, 附件1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    leader_name: Mapped[str] = mapped_column(String(64), default="")
    liaison_name: Mapped[str] = mapped_column(String(64), default="")
    liaison_phone: Mapped[str] = mapped_column(String(32), default="")


class Unit(db.Model):  # type: ignore[name-defined,misc]
    """A unit under assessment: a township (乡镇) or a district department (区直单位)."""

    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="department")
    #: The party organisation's name as form 6 prints it (党组织名称).
    party_org_name: Mapped[str] = mapped_column(String(120), default="")
    #: Archived (已归档): off the lists, kept whole; what holds ballots is never deleted.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default=false())

    campaign: Mapped[Campaign] = relationship()
    group: Mapped[Group | None] = relationship()
    members: Mapped[list[Member]] = relationship(
        back_populates="unit", order_by="Member.position, Member.id", cascade="all, delete-orphan"
    )

    @property
    def secretary(self) -> Member | None:
        """The party secretary (党组织书记) flagged in the roster, if any."""
        return next((m for m in self.members if m.is_secretary), None)


class Member(db.Model):  # type: ignore[name-defined,misc]
    """A member of a unit's leadership team (领导班子成员)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(120))  #: 职务
    portfolio: Mapped[str] = mapped_column(String(255), default="")  #: 分管工作
    is_principal: Mapped[bool] = mapped_column(default=False)  #: 党政正职
    is_secretary: Mapped[bool] = mapped_column(default=False)  #: 党组织书记
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit] = relationship(back_populates="members")


class Throttle(db.Model):  # type: ignore[name-defined,misc]
    """Failed tries counted per key (an account, a client, a meeting's manual codes), shared
    by every app process and node: slows guessing without locking out a hall's shared
    address. Keys are keyed hashes, never a typed password, code or address in clear."""

    #: What is counted, e.g. "login-account:<hmac>"; never a slip's own code.
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    #: Failures in the current window.
    tries: Mapped[int] = mapped_column(default=0)
    #: When the current window began (seconds since the epoch).
    window_started: Mapped[float] = mapped_column(Float, default=0.0)
    #: No try is taken before this moment (seconds since the epoch).
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)
