"""Builders with defaults, and the actions a test performs (log in, vote)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Evaluee, Group, Meeting, Token, Unit, User
from ballot_app.services import accounts, meetings, roster, slips, tellers, voting
from ballot_app.signing import keys_for

PASSWORD = "correct horse battery"
NAMES = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八", "壬九", "癸十"]


def keys(app: Flask):  # type: ignore[no-untyped-def]
    return keys_for(app.config["SECRET_KEY"])


def group(name: str = "第一考核组") -> Group:
    campaign = roster.current_campaign()
    found = db.session.scalar(select(Group).where(Group.name == name))
    if found:
        return found
    g = Group(campaign_id=campaign.id, name=name)
    db.session.add(g)
    db.session.commit()
    return g


def user(role: Role = Role.ORGANIZER, name: str | None = None, grp: Group | None = None) -> User:
    name = name or f"{role.value}{db.session.query(User).count() + 1}"
    if grp is None and role != Role.ADMIN:
        grp = group()
    return accounts.create_user(name, PASSWORD, role, group_name=grp.name if grp else None)


def teller(m: Meeting, name: str | None = None) -> User:
    """A teller account assigned to this meeting (as its organizer would do)."""
    account = user(Role.TELLER, name=name)
    meeting = db.session.get(Meeting, m.id)
    organizer = db.session.get(User, meeting.created_by_id)
    return tellers.assign(organizer, meeting, account.id)


def unit(owner: User | None = None, members: int = 3, name: str = "测试镇") -> Unit:
    owner = owner or user()
    u = roster.create_unit(owner, name, "township")
    for i in range(members):
        roster.add_member(
            owner,
            u,
            roster.MemberInput(
                NAMES[i], f"职务{i + 1}", is_secretary=(i == 0), is_principal=(i < 2)
            ),
        )
    return u


def meeting(
    app: Flask,
    *,
    a: int = 2,
    b: int = 4,
    members: int = 3,
    state: MeetingState = MeetingState.OPEN,
    form5: bool = True,
    form6: bool = True,
    owner: User | None = None,
    unit_name: str = "测试镇",
) -> Meeting:
    owner = owner or user()
    u = unit(owner, members, unit_name)
    m = meetings.create_meeting(
        owner,
        u,
        meetings.MeetingInput("测试会议", date(2026, 12, 1), form5, form6, a, b),
        keys(app),
    )
    if state != MeetingState.DRAFT:
        meetings.transition(owner, m, Transition.OPEN)
    if state in (MeetingState.CLOSED, MeetingState.CERTIFIED):
        meetings.transition(owner, m, Transition.CLOSE)
    if state == MeetingState.CERTIFIED:
        m.state = MeetingState.CERTIFIED
        db.session.commit()
    return m


def slip_values(app: Flask, m: Meeting, category: str | None = None) -> list[str]:
    """The QR values of a meeting's unused slips (what phones would scan)."""
    rows = slips.slip_rows(m, keys(app), "", only_unused=True)
    return [r.url.removeprefix("/v/") for r in rows if category in (None, r.category.value)]


def manual_codes(app: Flask, m: Meeting) -> list[str]:
    return [r.code for r in slips.slip_rows(m, keys(app), "")]


def evaluee_ids(m: Meeting) -> list[int]:
    return list(
        db.session.scalars(
            select(Evaluee.id).where(Evaluee.meeting_id == m.id).order_by(Evaluee.position)
        )
    )


def form_for(
    m: Meeting,
    form5: str | None = "excellent",
    duty: str | None = "good",
    activity: str | None = "good",
    comment: str = "",
) -> dict[str, Any]:
    """A filled ballot: every form 5 row the same choice (None: left empty)."""
    data: dict[str, Any] = {"meeting": str(m.id)}
    if m.is_form5_enabled and form5:
        data.update({f"f5_{i}": form5 for i in evaluee_ids(m)})
    if m.is_form6_enabled:
        if duty:
            data["f6_duty"] = duty
        if activity:
            data["f6_activity"] = activity
        if comment:
            data["comment"] = comment
    return data


def cast(app: Flask, m: Meeting, value: str, **marks: Any) -> str:
    """Cast a phone ballot through the service, confirming any empty rows."""
    slip = voting.open_slip(keys(app), value)
    data = form_for(m, **marks)
    packet = voting.read_ballot(slip, lambda k: [data[k]] if k in data else [])
    from ballot_app.domain.marks import count_empty

    return voting.cast_ballot(slip, packet, confirmed_empty=count_empty(slip.spec, packet))


def tokens(m: Meeting) -> list[Token]:
    return list(db.session.scalars(select(Token).where(Token.meeting_id == m.id)))


@dataclass
class Actions:
    """What a person does in a test: log in, open a slip, vote through the pages."""

    app: Flask
    client: FlaskClient

    def login_as(self, u: User) -> None:
        r = self.client.post("/login", data={"username": u.username, "password": PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)

    def vote(self, m: Meeting, value: str, **marks: Any) -> Any:
        """Open the ballot, review, submit (confirming empty rows as the review page does)."""
        data = {"slip": value, **form_for(m, **marks)}
        review = self.client.post("/v/review", data=data)
        assert review.status_code == 200, review.get_data(as_text=True)
        empty = re.search(r'name="confirm_empty" value="(\d+)"', review.get_data(as_text=True))
        data["confirm_empty"] = empty.group(1) if empty else "0"
        return self.client.post("/v/submit", data=data)


def dump_database() -> str:
    """Every row of every table as text, on either engine (a stand-in for a backup)."""
    lines = []
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        lines.extend(f"{table.name}: {tuple(row)}" for row in rows)
    return "\n".join(lines)
