"""Annex 8 pages: a committee's table printed and as .xlsx, the campaign's list of
committees, and who may open them.

The acceptance test seeds a committee of 12 grassroots organisations: 10 hold a form 6
meeting whose ballots are cast through the app and which is certified as a teller pair
would, 2 have none certified. The annex's rows must equal a count made here straight from
the ballots' form 6 rows."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.domain.slip7 import PassRateBase
from ballot_app.extensions import db
from ballot_app.models import Campaign, Form6Mark, Meeting, Token, Unit, User
from ballot_app.services import meetings, roster

from .. import factories

#: Each certified organisation's duty marks, one per ballot (None: left empty, 弃权).
PATTERNS = [
    ("good", "good", "fairly_good", "average", None),
    ("poor", "good", "good", "good", "fairly_good"),
    ("average", "average", None, None, "good"),
    ("fairly_good", "fairly_good", "fairly_good", "poor", "poor"),
    ("good", None, "good", "average", "fairly_good"),
]
SLIPS = 6  #: per meeting: one slip is never used


@dataclass
class Committee:
    unit: Unit
    owner: User
    certified: list[Meeting]
    open_org: Unit
    idle_org: Unit


def _org(owner: User, committee: Unit, n: int) -> Unit:
    org = roster.create_unit(owner, f"{n:02d}村", "party_org", parent_id=committee.id)
    org.party_org_name = f"{n:02d}村党支部"
    roster.add_member(
        owner, org, roster.MemberInput(f"书记{n:02d}", "党支部书记", is_secretary=True)
    )
    return org


def _meeting(app: Flask, owner: User, org: Unit, n: int) -> Meeting:
    m = meetings.create_meeting(
        owner,
        org,
        meetings.MeetingInput("述职评议会", date(2026, 12, n), False, True, 0, SLIPS),
        factories.keys(app),
    )
    if n % 2:  # half the meetings record their attendance, the rest default to issued
        settings = meetings.SettingsInput(
            m.secretary_name, None, PassRateBase.VALID, 0, 5, attendance={"others": 8 + n}
        )
        meetings.update_settings(owner, m, settings)
    return m


def _seed(app: Flask) -> Committee:
    owner = factories.user(Role.ORGANIZER, name="zu1")
    committee = roster.create_unit(owner, "东山镇", "township")
    certified = []
    for n in range(1, 11):
        org = _org(owner, committee, n)
        m = _meeting(app, owner, org, n)
        meetings.transition(owner, m, Transition.OPEN)
        for value, duty in zip(factories.slip_values(app, m), PATTERNS[n % 5], strict=False):
            factories.cast(app, m, value, form5=None, duty=duty, activity="good")
        meetings.transition(owner, m, Transition.CLOSE)
        meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
        certified.append(m)
    open_org = _org(owner, committee, 11)
    meetings.transition(owner, _meeting(app, owner, open_org, 11), Transition.OPEN)
    idle_org = _org(owner, committee, 12)
    db.session.expire_all()
    return Committee(committee, owner, certified, open_org, idle_org)


def _counted(m: Meeting) -> tuple[str, str, int, int, int, int, int, int]:
    """The annex's row for this meeting, counted here from its ballots' duty rows."""
    marks = Counter(
        dict(
            db.session.execute(
                select(Form6Mark.mark, func.count())
                .where(Form6Mark.meeting_id == m.id, Form6Mark.item == "duty")
                .group_by(Form6Mark.mark)
            ).all()
        )
    )
    tokens = db.session.scalar(
        select(func.count()).select_from(Token).where(Token.meeting_id == m.id)
    )
    participants = 8 + m.held_on.day if m.held_on.day % 2 else tokens
    org = m.unit
    return (
        org.party_org_name,
        org.secretary.name,
        participants,
        *(marks[k] for k in ("good", "fairly_good", "average", "poor", "empty")),
    )


def test_a_committees_annex_lists_each_certified_meeting_as_counted_and_the_rest_as_missing(
    app, client, actions
):
    c = _seed(app)
    assert all(db.session.get(Meeting, m.id).state == MeetingState.CERTIFIED for m in c.certified)
    expected = sorted(_counted(m) for m in c.certified)
    assert sum(sum(row[3:]) for row in expected) == 50  # every ballot is in a column

    actions.login_as(c.owner)
    r = client.get(f"/units/{c.unit.id}/annex8")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "党组织书记履行管党责任情况述职评议统计表" in page and "填报单位：东山镇党委" in page
    for head in ("评议单位（基层党组织）", "评议对象姓名", "参加民主测评人数", "民主测评结果"):
        assert head in page
    assert "未完成：测评会未确认结果（投票中）" in page and "未完成：还没有测评会" in page

    r = client.get(f"/units/{c.unit.id}/annex8.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(r.data))
    sheet = book["附件8"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "附件8" and rows[1][0] == "党组织书记履行管党责任情况述职评议统计表"
    assert rows[2][0] == "填报单位：东山镇党委"
    assert rows[3][:4] == (
        "评议单位（基层党组织）",
        "评议对象姓名",
        "参加民主测评人数",
        "民主测评结果",
    )
    assert rows[4][3:] == ("满意", "较满意", "一般", "不满意", "弃权")
    assert sorted(rows[5:]) == expected
    gaps = list(book["未完成"].iter_rows(min_row=4, values_only=True))
    assert gaps == [
        (c.open_org.party_org_name, "测评会未确认结果（投票中）"),
        (c.idle_org.party_org_name, "还没有测评会"),
    ]

    listing = client.get(f"/campaigns/{c.unit.campaign_id}/annex8").get_data(as_text=True)
    assert "东山镇党委" in listing and "12 个" in listing and "10 个（10 行）" in listing
    assert f"/units/{c.unit.id}/annex8.xlsx" in listing


def test_figures_are_the_certified_ones_not_a_fresh_count(app, client, actions):
    owner = factories.user(Role.ORGANIZER, name="zu1")
    committee = roster.create_unit(owner, "西山镇", "township")
    org = _org(owner, committee, 1)
    m = _meeting(app, owner, org, 2)
    meetings.transition(owner, m, Transition.OPEN)
    for value in factories.slip_values(app, m)[:3]:
        factories.cast(app, m, value, form5=None, duty="good")
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    db.session.execute(  # what the box holds now is not what was signed
        Form6Mark.__table__.update().where(Form6Mark.meeting_id == m.id).values(mark="poor")
    )
    db.session.commit()
    actions.login_as(owner)
    book = load_workbook(io.BytesIO(client.get(f"/units/{committee.id}/annex8.xlsx").data))
    assert list(book["附件8"].iter_rows(min_row=6, values_only=True)) == [
        ("01村党支部", "书记01", SLIPS, 3, 0, 0, 0, 0)
    ]


def test_due_date_is_shown_and_late_when_past(app, client, actions):
    c = _seed_small()
    campaign = db.session.get(Campaign, c.campaign_id)
    campaign.annex8_due = date(2000, 1, 5)
    db.session.commit()
    actions.login_as(db.session.get(User, c.owner_id))
    page = client.get(f"/units/{c.unit_id}/annex8").get_data(as_text=True)
    assert "附件8 报送期限：2000年1月5日" in page and "已逾期" in page
    listing = client.get(f"/campaigns/{c.campaign_id}/annex8").get_data(as_text=True)
    assert "2000-01-05" in listing and "已逾期" in listing


@dataclass
class Small:
    unit_id: int
    campaign_id: int
    owner_id: int
    org_id: int


def _seed_small() -> Small:
    owner = factories.user(Role.ORGANIZER, name="zu1")
    committee = roster.create_unit(owner, "东山镇", "township")
    org = _org(owner, committee, 1)
    return Small(committee.id, committee.campaign_id, owner.id, org.id)


@pytest.mark.parametrize(
    "who, path, status",
    [
        ("admin", "/units/{u}/annex8", 200),
        ("admin", "/units/{u}/annex8.xlsx", 200),
        ("admin", "/campaigns/{c}/annex8", 200),
        ("organizer", "/units/{u}/annex8", 200),
        ("organizer", "/units/{u}/annex8.xlsx", 200),
        ("organizer", "/campaigns/{c}/annex8", 200),
        ("organizer", "/units/{o}/annex8", 404),  # a grassroots organisation files none
        ("other organizer", "/units/{u}/annex8", 404),
        ("other organizer", "/units/{u}/annex8.xlsx", 404),
        ("other organizer", "/units/999999/annex8", 404),
        ("teller", "/units/{u}/annex8", 403),
        ("teller", "/units/{u}/annex8.xlsx", 403),
        ("teller", "/campaigns/{c}/annex8", 403),
        ("anonymous", "/units/{u}/annex8", 302),
        ("anonymous", "/units/{u}/annex8.xlsx", 302),
        ("anonymous", "/campaigns/{c}/annex8", 302),
        ("admin", "/campaigns/999999/annex8", 404),
    ],
)
def test_access_to_annex8(app, client, actions, who, path, status):
    s = _seed_small()
    accounts = {
        "admin": lambda: factories.user(Role.ADMIN, name="ganbu"),
        "organizer": lambda: db.session.get(User, s.owner_id),
        "other organizer": lambda: factories.user(
            Role.ORGANIZER, name="zu2", grp=factories.group("第二考核组")
        ),
        "teller": lambda: factories.user(Role.TELLER, name="jp"),
    }
    if who != "anonymous":
        actions.login_as(accounts[who]())
    r = client.get(path.format(u=s.unit_id, c=s.campaign_id, o=s.org_id))
    assert r.status_code == status
    if status == 302:
        assert "/login" in r.headers["Location"]
    if who == "other organizer":
        assert "找不到这个单位" in r.get_data(as_text=True)


def test_an_organizer_lists_only_the_committees_of_their_group(app, client, actions):
    s = _seed_small()
    other = factories.user(Role.ORGANIZER, name="zu2", grp=factories.group("第二考核组"))
    theirs = roster.create_unit(other, "南山镇", "township")
    _org(other, theirs, 7)
    actions.login_as(db.session.get(User, s.owner_id))
    page = client.get(f"/campaigns/{s.campaign_id}/annex8").get_data(as_text=True)
    assert "东山镇党委" in page and "南山镇党委" not in page
    actions.login_as(factories.user(Role.ADMIN, name="ganbu"))
    page = client.get(f"/campaigns/{s.campaign_id}/annex8").get_data(as_text=True)
    assert "东山镇党委" in page and "南山镇党委" in page
