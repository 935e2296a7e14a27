"""Accounts, the campaign, inspection groups, units and their leadership rosters."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Enum, Float, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.campaign import CampaignState
from ..domain.roles import Role
from ..extensions import db
from .types import UtcDateTime


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
    #: The staff interface's language, chosen by the person (web/locale.py): zh or en.
    locale: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")

    group: Mapped[Group | None] = relationship(back_populates="organizers")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled


class Campaign(db.Model):  # type: ignore[name-defined,misc]
    """One year's assessment (年度考核): preparing → running → closed (read only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Post changes on or before this date are assessed in the new post (考核对象, 9月30日).
    post_change_cutoff: Mapped[date]
    state: Mapped[CampaignState] = mapped_column(
        Enum(CampaignState, native_enum=False, length=16),
        default=CampaignState.PREPARING,
        server_default=CampaignState.PREPARING.name,
    )
    #: The meetings' window (e.g. 12月上旬–12月底); None until set.
    meetings_from: Mapped[date | None]
    meetings_to: Mapped[date | None]
    #: When the rosters and annex 2 lists are due (e.g. 12月5日), and annex 8.
    roster_due: Mapped[date | None]
    annex8_due: Mapped[date | None]
    #: When the named score sheets (附件2、3、4) are due; the reminders list who is late.
    sheets_due: Mapped[date | None]
    #: The aggregation rules (评分汇总 and 考核定等) as JSON (domain/aggregation_rules.py);
    #: None until the admin sets them.
    aggregation_rules: Mapped[str | None] = mapped_column(Text)
    #: When the admin signed the year's grades off (区委常委会审定后): read only after.
    grades_signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    grades_signed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")

    groups: Mapped[list[Group]] = relationship(
        back_populates="campaign", order_by="Group.position, Group.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.state == CampaignState.CLOSED


class Group(db.Model):  # type: ignore[name-defined,misc]
    """An inspection group (考核组, 附件1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    leader_name: Mapped[str] = mapped_column(String(64), default="")
    liaison_name: Mapped[str] = mapped_column(String(64), default="")
    liaison_phone: Mapped[str] = mapped_column(String(32), default="")
    #: Order in annex 1 (第一组 first).
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Annex 1's 考核组成员 as they were when the campaign closed (its organizers move on
    #: to next year's groups); None while the campaign is open.
    members_at_close: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship(back_populates="groups")
    units: Mapped[list[Unit]] = relationship(
        back_populates="group", order_by="Unit.name", viewonly=True
    )
    organizers: Mapped[list[User]] = relationship(
        back_populates="group", order_by="User.display_name, User.id", viewonly=True
    )


class Unit(db.Model):  # type: ignore[name-defined,misc]
    """A unit under assessment: a township (乡镇) or a district department (区直单位)."""

    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="department")
    #: A grassroots party organisation's (基层党组织) parent committee: its 乡镇 or 区直单位.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    #: The party organisation's name as form 6 prints it (党组织名称).
    party_org_name: Mapped[str] = mapped_column(String(120), default="")
    #: Archived (已归档): off the lists, kept whole; what holds ballots is never deleted.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default=false())

    campaign: Mapped[Campaign] = relationship()
    group: Mapped[Group | None] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")
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
    #: A post held beside a main one elsewhere (兼任): shown in the roster, not assessed here.
    is_concurrent: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Why an imported line sits here, as the roster rules said it (「9月30日后异动，在原单位按
    #: 原职务考核」…); "" for a line typed on the unit page.
    placed_by: Mapped[str] = mapped_column(String(120), default="", server_default="")

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
