"""The year's assessment as the admin (干部一科) runs it: dates, groups (附件1) with their
organizers and units, start, close (read only from then on) and the next year."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy import update as sa_update

from ballot_app.domain.campaign import CampaignState
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Campaign, Group, Meeting, Member, Unit, User
from ballot_app.services import meetings, roster

from .. import factories

CONFIRM = {"confirmed": "y"}


@pytest.fixture
def admin(actions):
    account = factories.user(Role.ADMIN, name="ganbu")
    actions.login_as(account)
    return account


def _campaign() -> Campaign:
    return roster.current_campaign()


def _new_group(client, campaign, **fields) -> Group:
    data = {
        "name": "第一组",
        "leader_name": "赵组长",
        "liaison_name": "钱联络",
        "liaison_phone": "0731-1234567",
        **fields,
    }
    r = client.post(f"/campaigns/{campaign.id}/groups", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    return db.session.scalar(
        select(Group).where(Group.campaign_id == campaign.id, Group.name == data["name"])
    )


def test_the_admin_sets_the_dates_and_a_bad_one_is_told_in_chinese_keeping_the_rest(client, admin):
    c = _campaign()
    assert client.get("/campaign").headers["Location"].endswith(f"/campaigns/{c.id}")
    bad = client.post(
        f"/campaigns/{c.id}",
        data={
            "name": "2026年度考核",
            "cutoff": "2026-09-30",
            "meetings_from": "2026-12-20",
            "meetings_to": "2026-12-01",
            "roster_due": "12月5日",
        },
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "测评会结束日期早于开始日期" in page or "请按「年-月-日」填写报送日期" in page
    assert 'value="2026-12-20"' in page and "有错误" in page
    good = client.post(
        f"/campaigns/{c.id}",
        data={
            "name": "2026年度考核",
            "cutoff": "2026-09-30",
            "meetings_from": "2026-12-01",
            "meetings_to": "2026-12-31",
            "roster_due": "2026-12-05",
        },
    )
    assert good.status_code == 302
    page = client.get(f"/campaigns/{c.id}").get_data(as_text=True)
    assert "2026-12-01 至 2026-12-31" in page and "9月30日前异动的按新任职务考核" in page


def test_groups_get_organizers_and_units_and_the_organizer_then_sees_only_those(app, client, admin):
    c = _campaign()
    first = _new_group(client, c)
    second = _new_group(client, c, name="第二组", leader_name="孙组长")
    mine = roster.create_unit(admin, "东山镇", "township")
    other = roster.create_unit(admin, "西河镇", "township", group_id=second.id)
    zhou = factories.user(Role.ORGANIZER, name="zhouzu", grp=second)
    r = client.post(
        f"/groups/{first.id}/members", data={"account": [str(zhou.id)], "unit": [str(mine.id)]}
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert (zhou.group_id, mine.group_id, other.group_id) == (first.id, first.id, second.id)
    client.post("/logout")
    factories.Actions(app, client).login_as(zhou)
    home = client.get("/").get_data(as_text=True)
    assert "东山镇" in home and "西河镇" not in home
    assert client.get(f"/units/{other.id}").status_code == 404


def test_annex_1_prints_and_exports_with_the_seeds_heads(client, admin):
    c = _campaign()
    g = _new_group(client, c)
    unit = roster.create_unit(admin, "东山镇", "township", group_id=g.id)
    factories.user(Role.ORGANIZER, name="zhouzu", grp=g)
    page = client.get(f"/campaigns/{c.id}/annex1").get_data(as_text=True)
    assert f"{c.year}年度区管领导班子成员绩效考核分组安排表" in page
    for piece in (
        "组别",
        "组长",
        "联络员",
        "考核组成员",
        "考核单位",
        "第一组",
        "赵组长",
        "钱联络（0731-1234567）",
        unit.name,
    ):
        assert piece in page
    r = client.get(f"/campaigns/{c.id}/annex1.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["组别", "组长", "联络员", "考核组成员", "考核单位"]
    assert rows[2][:3] == ["第一组", "赵组长", "钱联络（0731-1234567）"]
    assert rows[2][4] == "东山镇"


def test_a_group_name_twice_and_a_bad_phone_are_told_on_their_fields(client, admin):
    c = _campaign()
    _new_group(client, c)
    r = client.post(f"/campaigns/{c.id}/groups", data={"name": "第一组", "liaison_phone": "电话"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "本年度已经有「第一组」了" in page and "电话只填数字" in page


def test_a_grassroots_party_organisation_sits_under_its_committee_and_joins_its_group(
    client, admin
):
    c = _campaign()
    g = _new_group(client, c)
    town = roster.create_unit(admin, "东山镇", "township", group_id=g.id)
    r = client.post(
        "/units",
        data={"name": "东山镇青石村党支部", "kind": "party_org", "parent_id": str(town.id)},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    village = db.session.scalar(select(Unit).where(Unit.name == "东山镇青石村党支部"))
    assert (village.parent_id, village.group_id, village.kind) == (town.id, g.id, "party_org")
    orphan = client.post("/units", data={"name": "无上级党支部", "kind": "party_org"})
    assert orphan.status_code == 400
    assert "基层党组织要选上级党委所在的乡镇或区直单位" in orphan.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("admin", "/campaigns/{c}", 200),
        ("admin", "/campaigns/{c}/groups", 200),
        ("admin", "/groups/{g}", 200),
        ("admin", "/campaigns/{c}/annex1", 200),
        ("organizer", "/campaigns/{c}", 200),
        ("organizer", "/campaigns/{c}/annex1", 200),
        ("organizer", "/campaigns/{c}/annex1.xlsx", 200),
        ("organizer", "/campaigns/{c}/groups", 403),
        ("organizer", "/groups/{g}", 403),
        ("other organizer", "/groups/{g}", 403),
        ("teller", "/campaigns/{c}", 403),
        ("teller", "/campaigns/{c}/annex1", 403),
        ("teller", "/campaign", 403),
        ("anonymous", "/campaigns/{c}", 302),
        ("admin", "/campaigns/999999", 404),
        ("admin", "/groups/999999", 404),
    ],
)
def test_access_to_the_campaign_pages(app, client, actions, who, path, status):
    c = _campaign()
    g = factories.group("第一组")
    accounts = {
        "admin": lambda: factories.user(Role.ADMIN, name="ganbu"),
        "organizer": lambda: factories.user(Role.ORGANIZER, name="zu1", grp=g),
        "other organizer": lambda: factories.user(
            Role.ORGANIZER, name="zu2", grp=factories.group("第二组")
        ),
        "teller": lambda: factories.user(Role.TELLER, name="jp", grp=g),
    }
    if who != "anonymous":
        actions.login_as(accounts[who]())
    assert client.get(path.format(c=c.id, g=g.id)).status_code == status


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/campaigns/{c}/start", CONFIRM),
        ("/campaigns/{c}/close", CONFIRM),
        ("/campaigns/{c}/next", CONFIRM),
        ("/campaigns/{c}", {"name": "x", "cutoff": "2026-09-30"}),
        ("/campaigns/{c}/groups", {"name": "第九组"}),
        ("/groups/{g}", {"name": "改名"}),
        ("/groups/{g}/members", {}),
        ("/groups/{g}/delete", CONFIRM),
    ],
)
def test_only_the_admin_writes_to_the_campaign(app, client, actions, path, data):
    c = _campaign()
    g = factories.group("第一组")
    actions.login_as(factories.user(Role.ORGANIZER, name="zu1", grp=g))
    assert client.post(path.format(c=c.id, g=g.id), data=data).status_code == 403
    db.session.expire_all()
    assert (c.state, g.name) == (CampaignState.PREPARING, "第一组")


def test_closing_waits_for_every_open_box_and_is_confirmed_first(app, client, admin):
    c = _campaign()
    m = factories.meeting(app)
    assert client.post(f"/campaigns/{c.id}/start", data=CONFIRM).status_code == 302
    asked = client.post(f"/campaigns/{c.id}/close").get_data(as_text=True)
    assert "还有 1 次测评会的投票箱开着" in asked
    refused = client.post(f"/campaigns/{c.id}/close", data=CONFIRM)
    assert refused.status_code == 409 and "请先关闭投票箱" in refused.get_data(as_text=True)
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    asked = client.post(f"/campaigns/{c.id}/close").get_data(as_text=True)
    assert "这一步不能撤销" in asked and "还有 1 次会议没有确认结果" in asked
    assert client.post(f"/campaigns/{c.id}/close", data=CONFIRM).status_code == 302
    db.session.expire_all()
    assert c.state == CampaignState.CLOSED


def _closed_world(app, client, admin):
    c = _campaign()
    g = _new_group(client, c)
    owner = factories.user(grp=g)
    m = factories.meeting(app, state=MeetingState.CLOSED, owner=owner)
    draft = meetings.create_meeting(
        owner,
        m.unit,
        meetings.MeetingInput("草稿会", date(2026, 12, 2), True, True, 1, 1),
        factories.keys(app),
    )
    client.draft_id = draft.id
    client.post(f"/campaigns/{c.id}/start", data=CONFIRM)
    assert client.post(f"/campaigns/{c.id}/close", data=CONFIRM).status_code == 302
    return c, g, m


def test_a_closed_campaign_refuses_every_write_and_stays_readable(app, client, admin):
    c, g, m = _closed_world(app, client, admin)
    unit = m.unit
    member = unit.members[0]
    writes = [
        (f"/campaigns/{c.id}", {"name": "改名", "cutoff": "2026-09-30"}),
        (f"/campaigns/{c.id}/groups", {"name": "第九组"}),
        (f"/groups/{g.id}", {"name": "改名组"}),
        (f"/groups/{g.id}/members", {"unit": [str(unit.id)]}),
        (f"/groups/{g.id}/delete", CONFIRM),
        ("/units", {"name": "新单位", "kind": "township"}),
        (f"/units/{unit.id}/members", {"name": "新人", "post": "副镇长"}),
        (f"/members/{member.id}/remove", CONFIRM),
        (f"/members/{member.id}/move/1", {}),
        (f"/units/{unit.id}/archive", CONFIRM),
        (
            f"/meetings/new/{unit.id}",
            {"title": "又一次", "held_on": "2026-12-20", "count_a": "1", "count_b": "1"},
        ),
        (f"/meetings/{m.id}/reopen", {"reason": "漏投", **CONFIRM}),
        (f"/meetings/{m.id}/certify", {"counter": "甲", "scrutineer": "乙", **CONFIRM}),
        (f"/meetings/{client.draft_id}/delete", CONFIRM),
        (f"/meetings/{client.draft_id}/edit", {"title": "改", "held_on": "2026-12-03"}),
        (f"/meetings/{client.draft_id}/open", CONFIRM),
        (f"/meetings/{m.id}/archive", CONFIRM),
        (f"/units/{unit.id}/delete", CONFIRM),
        (f"/units/{unit.id}/edit", {"name": "改名镇", "kind": "township"}),
    ]
    before = (db.session.query(Unit).count(), db.session.query(Member).count())
    for path, data in writes:
        r = client.post(path, data=data)
        page = r.get_data(as_text=True)
        assert r.status_code in (400, 403, 404, 409), (path, r.status_code)
        assert r.status_code != 500
        if r.status_code == 409:
            assert "已经结束，只能查看" in page or "结束" in page, path
    db.session.expire_all()
    assert (db.session.query(Unit).count(), db.session.query(Member).count()) == before
    assert (g.name, m.state, c.name) == ("第一组", MeetingState.CLOSED, "2026年度考核")
    assert db.session.get(Meeting, client.draft_id) is not None  # the draft is still there
    for path in (
        f"/campaigns/{c.id}",
        f"/campaigns/{c.id}/annex1",
        f"/campaigns/{c.id}/progress",
        f"/groups/{g.id}",
        f"/units/{unit.id}",
        f"/meetings/{m.id}",
        f"/meetings/{m.id}/live",
        f"/meetings/{m.id}/results",
    ):
        assert client.get(path).status_code == 200, path


def test_the_next_year_starts_from_this_ones_groups_units_and_rosters(app, client, admin):
    c, g, m = _closed_world(app, client, admin)
    organizer = db.session.scalars(select(User).where(User.group_id == g.id)).first()
    # A 兼任 line, added while the year is reopened behind the guard's back: it goes along.
    db.session.execute(sa_update(Campaign).values(state=CampaignState.RUNNING))
    db.session.expire_all()
    db.session.add(
        Member(
            unit_id=m.unit_id,
            name="兼任者",
            post="副职",
            is_concurrent=True,
            placed_by="兼任，按主要职务考核",
            position=99,
        )
    )
    db.session.commit()
    db.session.execute(sa_update(Campaign).values(state=CampaignState.CLOSED))
    db.session.commit()
    db.session.expire_all()
    asked = client.post(f"/campaigns/{c.id}/next").get_data(as_text=True)
    assert "照搬 1 个考核组" in asked and f"{c.year + 1} 年 9月30日" in asked
    r = client.post(f"/campaigns/{c.id}/next", data=CONFIRM)
    new = db.session.scalar(select(Campaign).where(Campaign.year == c.year + 1))
    assert r.headers["Location"].endswith(f"/campaigns/{new.id}")
    assert new.state == CampaignState.PREPARING and new.post_change_cutoff.month == 9
    [copy] = new.groups
    assert (copy.name, copy.leader_name, copy.liaison_phone) == ("第一组", "赵组长", "0731-1234567")
    [unit] = db.session.scalars(select(Unit).where(Unit.campaign_id == new.id))
    assert unit.name == m.unit.name and unit.group_id == copy.id
    assert [x.name for x in unit.members] == [x.name for x in m.unit.members]
    copied = next(x for x in unit.members if x.name == "兼任者")
    assert copied.is_concurrent and copied.placed_by == "兼任，按主要职务考核"
    db.session.expire_all()
    assert db.session.get(User, organizer.id).group_id == copy.id  # follows the group
    again = client.post(f"/campaigns/{c.id}/next", data=CONFIRM)
    assert again.status_code == 409 and "已经建好了" in again.get_data(as_text=True)
    # The old year is still whole: its meeting and unit unchanged, its page readable, its
    # annex 1 naming the members it had when it closed.
    assert client.get(f"/campaigns/{c.id}").status_code == 200
    assert organizer.display_name in client.get(f"/campaigns/{c.id}/annex1").get_data(as_text=True)
    assert db.session.get(Unit, m.unit_id).campaign_id == c.id


def test_a_party_organisations_meeting_is_form_6_only(app, client, admin):
    c = _campaign()
    g = _new_group(client, c)
    town = roster.create_unit(admin, "东山镇", "township", group_id=g.id)
    village = roster.create_unit(admin, "东山镇青石村党支部", "party_org", parent_id=town.id)
    page = client.get(f"/units/{village.id}").get_data(as_text=True)
    assert "基层党组织" in page and "上级：" in page and "东山镇" in page
    form = client.get(f"/meetings/new/{village.id}").get_data(as_text=True)
    assert "述职评议会议" in form
    refused = client.post(
        f"/meetings/new/{village.id}",
        data={
            "title": "评议",
            "held_on": "2026-12-20",
            "form5": "y",
            "form6": "y",
            "count_a": "0",
            "count_b": "20",
        },
    )
    assert refused.status_code == 400 and "只参加表6" in refused.get_data(as_text=True)
    made = client.post(
        f"/meetings/new/{village.id}",
        data={
            "title": "评议",
            "held_on": "2026-12-20",
            "form6": "y",
            "count_a": "0",
            "count_b": "20",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)


def test_a_closed_year_is_not_followed_by_an_empty_one_made_on_its_own(app, client, admin):
    c, g, m = _closed_world(app, client, admin)
    for path in ("/campaign", "/", "/accounts"):
        client.get(path)
    assert db.session.query(Campaign).count() == 1
    assert client.get("/campaign").headers["Location"].endswith(f"/campaigns/{c.id}")
    r = client.post(f"/campaigns/{c.id}/next", data=CONFIRM)
    assert r.status_code == 302  # the next year is still started from this one
