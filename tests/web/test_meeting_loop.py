"""The whole loop through the pages: roster → meeting → slips → phone ballots → slip 7."""

from __future__ import annotations

import re

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Ballot, Meeting

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}


def _meeting_id(location: str) -> int:
    found = re.search(r"/meetings/(\d+)", location)
    assert found
    return int(found.group(1))


def test_organizer_runs_a_meeting_from_roster_to_slip7(app, client, actions):
    organizer = factories.user(Role.ORGANIZER)
    actions.login_as(organizer)

    r = client.post("/units", data={"name": "白鹭乡", "kind": "township", "party_org_name": ""})
    assert r.status_code == 302
    unit_url = r.headers["Location"]
    for name, post, secretary in (
        ("甲一", "党委书记", "y"),
        ("乙二", "乡长", ""),
        ("丙三", "副乡长", ""),
    ):
        data = {"name": name, "post": post, "portfolio": "分管"}
        if secretary:
            data["is_secretary"] = "y"
        assert client.post(unit_url + "/members", data=data).status_code == 302
    page = client.get(unit_url).get_data(as_text=True)
    assert "甲一" in page and "党组织书记" in page

    unit_id = int(unit_url.rstrip("/").split("/")[-1])
    r = client.post(
        f"/meetings/new/{unit_id}",
        data={
            "title": "白鹭乡述职测评大会",
            "held_on": "2026-12-01",
            "form5": "y",
            "form6": "y",
            "count_a": "2",
            "count_b": "3",
        },
    )
    assert r.status_code == 302
    meeting_id = _meeting_id(r.headers["Location"])
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "准备就绪" in page and "乙二" in page

    # Reorder: 丙三 goes up above 乙二.
    meeting = db.session.get(Meeting, meeting_id)
    third = meeting.evaluees[2].id
    client.post(f"/meetings/{meeting_id}/evaluees/{third}/move/-1")
    db.session.expire_all()
    assert [e.name for e in db.session.get(Meeting, meeting_id).evaluees] == [
        "甲一",
        "丙三",
        "乙二",
    ]

    sheet = client.get(f"/print/{meeting_id}/slips?batch=1")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    assert text.count('class="slip cat-A"') == 2 and text.count('class="slip cat-B"') == 3
    assert "<svg" in text and "page-portrait-8mm.css" in text and "在浏览器打开" in text

    assert client.post(f"/meetings/{meeting_id}/open", data=CONFIRM).status_code == 302
    meeting = db.session.get(Meeting, meeting_id)
    values = factories.slip_values(app, meeting)
    voter = app.test_client()
    for value in values:
        page = voter.get(f"/v/{value}")
        assert page.status_code == 200
        r = factories.Actions(app, voter).vote(
            meeting, value, form5="competent", duty="fairly_good"
        )
        assert r.status_code == 200 and "投票成功" in r.get_data(as_text=True)
    assert db.session.query(Ballot).count() == 5

    assert client.post(f"/meetings/{meeting_id}/close", data=CONFIRM).status_code == 302
    slip7 = client.get(f"/print/{meeting_id}/slip7").get_data(as_text=True)
    assert "民主测评结果报告单" in slip7
    assert re.search(r"共发出民主测评票<span class=\"blank \">5</span>张", slip7)
    assert 'class="blank ">100.00</span>%' in slip7
    form5 = client.get(f"/print/{meeting_id}/form5").get_data(as_text=True)
    assert "称职以上率" in form5 and "100.00%" in form5


def _steps(page: str) -> list[tuple[str, str, bool]]:
    """The step list: (anchor, name, ticked) in order, and which one is marked current."""
    found = re.findall(r'<li( class="done")?><a href="#(\w+)"( aria-current="step")?>(\w+)', page)
    return [
        (anchor, name + ("*" if current else ""), bool(done))
        for done, anchor, current, name in found
    ]


def test_the_meeting_page_follows_the_order_of_the_work_and_marks_where_it_stands(
    app, client, actions
):
    m = factories.meeting(app, a=0, b=0, state=MeetingState.DRAFT)
    owner = db.session.get(factories.User, m.created_by_id)
    actions.login_as(owner)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    names = ["名单", "测评码", "试扫码", "开启", "关闭", "纸质票", "核对", "确认"]
    anchors = ["evaluees", "slips", "address", "open", "close", "paper", "check", "certify"]
    steps = _steps(page)
    assert [a for a, _, _ in steps] == anchors
    assert [n.rstrip("*") for _, n, _ in steps] == names
    assert [n for _, n, _ in steps if n.endswith("*")] == ["测评码*"]  # slips come next
    assert [done for _, _, done in steps] == [True] + [False] * 7
    # Each step links to its section, and the sections come in the same order.
    positions = [page.index(f'id="{a}" aria-labelledby') for a in anchors]
    assert positions == sorted(positions)
    assert page.count('aria-current="step"') == 1
    assert "投票情况</dt><dd>还没有测评码" in page

    client.post(f"/meetings/{m.id}/slips", data={"count_a": 0, "count_b": 4})
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert [n for _, n, _ in _steps(page) if n.endswith("*")] == ["试扫码*"]
    # A table without slips has no turnout line.
    assert "表B 已投 0 / 4" in page and "表A 已投" not in page

    client.post(f"/meetings/{m.id}/open", data=CONFIRM)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert [n for _, n, _ in _steps(page) if n.endswith("*")] == ["关闭*"]
    assert [done for _, _, done in _steps(page)] == [True] * 4 + [False] * 4

    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert [n for _, n, _ in _steps(page) if n.endswith("*")] == ["核对*"]  # no paper issued
    client.post(
        f"/meetings/{m.id}/certify",
        data={"counter_name": "计票甲", "scrutineer_name": "监票乙", **CONFIRM},
    )
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert all(done for _, _, done in _steps(page)) and 'aria-current="step"' not in page


def test_paper_ballots_issued_but_not_entered_keep_the_paper_step_current(app, client, actions):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    m.paper_issued = 3
    db.session.commit()
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert [n for _, n, _ in _steps(page) if n.endswith("*")] == ["纸质票*"]


def test_live_settings_are_shown_locked_once_the_box_opens(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert not re.search(r'<input [^>]*disabled id="live_step"', page)
    assert "投票箱已开启：步长整场不变" not in page
    client.post(f"/meetings/{m.id}/open", data=CONFIRM)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert re.search(r'<input [^>]*disabled id="live_step"', page)
    assert re.search(r'<input [^>]*disabled id="live_turnout_only"', page)
    assert "投票箱已开启：步长整场不变" in page and "投票箱已开启：这一项整场不变。" in page
    # Saving the other settings still works: the locked values go with the form unchanged.
    settings = re.search(r'<form method="post" action="[^"]+/settings".*?</form>', page, re.S)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', settings[0]))
    assert hidden == {"live_step": "5"}
    data = {**hidden, "secretary_name": "甲一", "pass_rate_base": "valid", "paper_issued": "2"}
    assert client.post(f"/meetings/{m.id}/settings", data=data).status_code == 302
    assert db.session.get(Meeting, m.id).paper_issued == 2


def test_the_monitor_qr_appears_only_once_the_box_is_open(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "开启投票后这里会出现监票人二维码" in page and 'aria-label="监票二维码"' not in page
    assert "/m/" not in page
    client.post(f"/meetings/{m.id}/open", data=CONFIRM)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert 'aria-label="监票二维码"' in page and "开启投票后这里会出现" not in page


def test_staff_pages_load_the_staff_assets_and_voter_pages_do_not(app, client, actions):
    m = factories.meeting(app)
    voter = app.test_client().get(f"/v/{factories.slip_values(app, m)[0]}", follow_redirects=True)
    assert "staff.css" not in voter.get_data(as_text=True)
    assert "staff.js" not in voter.get_data(as_text=True)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert re.search(r'href="/static/css/staff\.css\?v=[0-9a-f]{10}"', page)
    assert re.search(r'src="/static/js/staff\.js\?v=[0-9a-f]{10}"', page)
    projector = client.get(f"/meetings/{m.id}/live?projector=1").get_data(as_text=True)
    assert '<header class="header">' not in projector and "退出" not in projector
    assert '<header class="header">' in client.get(f"/meetings/{m.id}/live").get_data(as_text=True)
