"""The campaign's dashboard: its figures equal an independent count over a seeded campaign
of 40 units, it reads them in a fixed number of queries however many units there are, and
an organizer sees their group's part only."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from sqlalchemy import event, select

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Ballot, Group, Meeting, Member, Token, Unit
from ballot_app.services import meetings, roster

from .. import factories


def _seed(app, n_units: int, seed: int = 7) -> tuple[int, list[Group]]:
    """n units in two groups (and a few in none), each with 0-2 meetings in random states
    and a few ballots in the open and later ones."""
    rnd = random.Random(seed)
    campaign = roster.current_campaign()
    groups = [Group(campaign_id=campaign.id, name=f"第{k}组", position=k) for k in (1, 2)]
    db.session.add_all(groups)
    db.session.commit()
    admin = factories.user(Role.ADMIN, name="ganbu")
    for i in range(n_units):
        group = groups[i % 2] if i % 7 else None
        unit = roster.create_unit(
            admin, f"单位{i:02d}", "township", group_id=group.id if group else None
        )
        for k in range(rnd.randint(0, 3)):
            db.session.add(Member(unit_id=unit.id, name=f"成员{i}-{k}", post="副职", position=k))
        db.session.add(
            Member(unit_id=unit.id, name=f"书记{i}", post="书记", is_secretary=True, position=9)
        )
        db.session.commit()
        for k in range(rnd.randint(0, 2)):
            m = meetings.create_meeting(
                admin,
                unit,
                meetings.MeetingInput(f"测评会{k}", date(2026, 12, 1), False, True, 0, 3),
                factories.keys(app),
            )
            state = rnd.choice(list(MeetingState))
            if state != MeetingState.DRAFT:
                meetings.transition(admin, m, Transition.OPEN)
                for value in factories.slip_values(app, m)[: rnd.randint(0, 3)]:
                    factories.cast(app, m, value)
            if state in (MeetingState.CLOSED, MeetingState.CERTIFIED):
                meetings.transition(admin, m, Transition.CLOSE)
            if state == MeetingState.CERTIFIED:
                m.state = MeetingState.CERTIFIED
                db.session.commit()
    return campaign.id, groups


def _independent(campaign_id: int, group_id: int | None = None) -> dict[str, int]:
    """The same figures counted row by row in Python, not by the dashboard's query."""
    units = db.session.scalars(select(Unit).where(Unit.campaign_id == campaign_id)).all()
    if group_id is not None:
        units = [u for u in units if u.group_id == group_id]
    ids = {u.id for u in units}
    ms = [m for m in db.session.scalars(select(Meeting)) if m.unit_id in ids]
    mids = {m.id for m in ms}
    tokens = [t for t in db.session.scalars(select(Token)) if t.meeting_id in mids]
    ballots = [b for b in db.session.scalars(select(Ballot)) if b.meeting_id in mids]
    figures = {state.value: sum(1 for m in ms if m.state == state) for state in MeetingState}
    figures["units"] = len(units)
    figures["issued"] = sum(1 for t in tokens if not t.is_voided) + sum(m.paper_issued for m in ms)
    figures["returned"] = len(ballots)
    figures["done"] = sum(
        1
        for u in units
        if u.group_id
        and u.members
        and [m for m in ms if m.unit_id == u.id]
        and all(m.state == MeetingState.CERTIFIED for m in ms if m.unit_id == u.id)
    )
    return figures


def _shown(page: str) -> dict[str, int]:
    text = re.sub(r"<[^>]+>", " ", page)
    found = re.search(r"单位\s+(\d+) 个，已完成 (\d+) 个", text)
    stages = re.search(r"草稿 (\d+) · 投票中 (\d+) · 已关闭 (\d+) · 已确认 (\d+)", text)
    turnout = re.search(r"收回\s+(\d+) / (\d+) 张", text)
    assert found and stages and turnout, text[:2000]
    return {
        "units": int(found[1]),
        "done": int(found[2]),
        "draft": int(stages[1]),
        "open": int(stages[2]),
        "closed": int(stages[3]),
        "certified": int(stages[4]),
        "returned": int(turnout[1]),
        "issued": int(turnout[2]),
    }


def test_the_dashboard_equals_an_independent_count_over_forty_units(app, client, actions):
    campaign_id, groups = _seed(app, 40)
    admin = db.session.scalar(select(factories.User).where(factories.User.username == "ganbu"))
    actions.login_as(admin)
    page = client.get(f"/campaigns/{campaign_id}/progress").get_data(as_text=True)
    expected = _independent(campaign_id)
    assert _shown(page) == {k: expected[k] for k in _shown(page)}
    assert expected["units"] == 40 and expected["returned"] > 0
    assert "未分组" in page and "未分考核组" in page  # every seventh unit has no group
    # An organizer of the first group: that group's part, figures its own.
    client.post("/logout")
    organizer = factories.user(Role.ORGANIZER, name="zu1", grp=groups[0])
    actions.login_as(organizer)
    page = client.get(f"/campaigns/{campaign_id}/progress").get_data(as_text=True)
    mine = _independent(campaign_id, groups[0].id)
    assert _shown(page) == {k: mine[k] for k in _shown(page)}
    assert "第2组" not in page and "未分组" not in page


@pytest.mark.parametrize("n_units", [3, 12])
def test_the_dashboard_makes_the_same_few_queries_however_many_units(app, client, actions, n_units):
    campaign_id, _ = _seed(app, n_units, seed=n_units)
    actions.login_as(
        db.session.scalar(select(factories.User).where(factories.User.role == Role.ADMIN))
    )
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/campaigns/{campaign_id}/progress").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # The session's account and the campaign, then the one query of the figures.
    assert len(statements) <= 4, statements


@pytest.mark.parametrize(("role", "status"), [(Role.TELLER, 403), (None, 302)])
def test_tellers_and_strangers_do_not_see_the_dashboard(app, client, actions, role, status):
    campaign = roster.current_campaign()
    db.session.commit()
    if role:
        actions.login_as(factories.user(role, name="jp"))
    assert client.get(f"/campaigns/{campaign.id}/progress").status_code == status
