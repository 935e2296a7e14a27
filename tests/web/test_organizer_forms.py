"""Organizer forms: CSRF on every form, errors in sentences, nothing typed is lost."""

import re
from datetime import date

from sqlalchemy import select

from ballot_app import create_app
from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import AuditEvent
from ballot_app.services import results

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}


def test_a_post_without_csrf_token_reshows_what_was_typed(app, tmp_path):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    factories.user(name="zhao")
    # Logging in needs a token too. A browser names our page as the post's Origin: only a
    # post from our own pages gets what it typed back (tests/web/test_csrf_origin.py).
    here = {"Origin": "http://localhost"}
    r = client.post(
        "/login", data={"username": "zhao", "password": factories.PASSWORD}, headers=here
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'name="username" value="zhao"' in html
    assert factories.PASSWORD not in html  # passwords are never echoed
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post(
        "/login", data={"username": "zhao", "password": factories.PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 302


def test_meeting_form_errors_keep_the_typed_values(app, client, actions):
    owner = factories.user()
    unit = factories.unit(owner)
    actions.login_as(owner)
    r = client.post(
        f"/meetings/new/{unit.id}",
        data={"title": "我的会议", "held_on": "", "count_a": "3", "count_b": "x"},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "请填写会议日期" in html and 'value="我的会议"' in html and 'value="3"' in html


def test_a_unit_without_roster_cannot_get_a_form5_meeting(app, client, actions):
    owner = factories.user()
    unit = factories.unit(owner, members=0)
    actions.login_as(owner)
    r = client.post(
        f"/meetings/new/{unit.id}",
        data={"title": "会", "held_on": "2026-12-01", "form5": "y", "count_a": "1", "count_b": "1"},
    )
    assert r.status_code == 400 and "还没有班子成员名单" in r.get_data(as_text=True)


def test_opening_an_unready_meeting_says_what_is_missing(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, a=0, b=0, state=MeetingState.DRAFT, owner=owner)
    actions.login_as(owner)
    html = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "还没有生成测评码" in html
    r = client.post(f"/meetings/{m.id}/open", data=CONFIRM)
    assert r.status_code == 409 and "还没有生成测评码" in r.get_data(as_text=True)


def test_settings_change_slip7_participants_and_base(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner)
    actions.login_as(owner)
    r = client.post(
        f"/meetings/{m.id}/settings",
        data={
            "secretary_name": m.secretary_name,
            "participants": "40",
            "pass_rate_base": "participants",
            "paper_issued": "2",
            "live_step": "5",
        },
    )
    assert r.status_code == 302
    assert (m.participants, m.pass_rate_base, m.paper_issued) == (40, "participants", 2)
    r = client.post(
        f"/meetings/{m.id}/settings",
        data={
            "secretary_name": "别人",
            "participants": "-1",
            "pass_rate_base": "valid",
            "paper_issued": "0",
            "live_step": "5",
        },
    )
    assert r.status_code == 400
    assert 'value="-1"' in r.get_data(as_text=True)


def _settings_post(m, **changes) -> dict:
    data = {
        "secretary_name": m.secretary_name,
        "pass_rate_base": "valid",
        "paper_issued": "0",
        "live_step": str(m.live_step),
    }
    return data | changes


def test_live_step_below_three_is_refused_in_chinese(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner, state=MeetingState.DRAFT)
    actions.login_as(owner)
    r = client.post(f"/meetings/{m.id}/settings", data=_settings_post(m, live_step="2"))
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "步长请填 3 到 50 之间的整数" in html and 'value="2"' in html
    r = client.post(f"/meetings/{m.id}/settings", data=_settings_post(m, live_step="五"))
    assert r.status_code == 400 and "请填写一个整数" in r.get_data(as_text=True)
    assert m.live_step == 5


def test_turnout_only_is_set_before_opening_and_logged(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner, state=MeetingState.DRAFT)
    actions.login_as(owner)
    data = _settings_post(m, live_step="6", live_turnout_only="y")
    assert client.post(f"/meetings/{m.id}/settings", data=data).status_code == 302
    assert (m.live_step, m.live_turnout_only) == (6, True)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert '<input checked id="live_turnout_only"' in page
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.settings")
    ).one()
    assert "步长 6" in event.detail and "现场计票只显示收回情况" in event.detail


def test_live_step_and_turnout_only_cannot_change_once_the_box_is_open(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner)
    actions.login_as(owner)
    r = client.post(f"/meetings/{m.id}/settings", data=_settings_post(m, live_step="8"))
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "投票箱已经开启，步长不能再改" in html
    assert 'href="#live_step"' in html  # the summary links the field
    # The field shows what the meeting keeps, cannot be edited, and still goes with the form.
    assert re.search(r'<input [^>]*disabled id="live_step"[^>]*value="5"', html)
    assert '<input type="hidden" name="live_step" value="5">' in html
    r = client.post(f"/meetings/{m.id}/settings", data=_settings_post(m, live_turnout_only="y"))
    assert r.status_code == 400 and "「投票期间只显示收回情况」不能再改" in r.get_data(as_text=True)
    assert (m.live_step, m.live_turnout_only) == (5, False)


def test_meeting_page_warns_before_opening_when_a_table_has_fewer_than_two_steps_of_slips(
    app, client, actions
):
    owner = factories.user()
    m = factories.meeting(app, owner=owner, a=4, b=20, state=MeetingState.DRAFT)
    actions.login_as(owner)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "表A只有 4 张测评码，少于步长（5）" in page and "表B只有" not in page
    client.post(f"/meetings/{m.id}/slips", data={"count_a": 3, "count_b": 0})
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "表A只有 7 张测评码，少于步长的两倍（10）" in page
    assert "表A的实时结果要收回满 5 票才出现" in page
    client.post(f"/meetings/{m.id}/open", data=CONFIRM)
    assert "张测评码，少于步长" not in client.get(f"/meetings/{m.id}").get_data(as_text=True)


def test_void_a_slip_through_the_page(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner)
    actions.login_as(owner)
    code = factories.manual_codes(app, m)[0]
    assert (
        client.post(f"/meetings/{m.id}/slips/void", data={**{"code": code}, **CONFIRM}).status_code
        == 302
    )
    r = client.post(f"/meetings/{m.id}/slips/void", data={**{"code": "ZZZZ"}, **CONFIRM})
    assert r.status_code == 400 and 'value="ZZZZ"' in r.get_data(as_text=True)


def test_after_closing_leftover_slips_are_voided_by_count(app, client, actions):
    m = factories.meeting(app, a=3, b=5)
    actions.login_as(factories.user())
    factories.cast(app, m, factories.slip_values(app, m, "B")[0])
    early = client.post(
        f"/meetings/{m.id}/slips/void-count", data={**{"count_a": 1, "count_b": 0}, **CONFIRM}
    )
    assert early.status_code == 400 and "按张数作废要在关闭投票箱之后" in early.get_data(
        as_text=True
    )
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    too_many = client.post(
        f"/meetings/{m.id}/slips/void-count", data={**{"count_a": 1, "count_b": 5}, **CONFIRM}
    )
    page = too_many.get_data(as_text=True)
    assert too_many.status_code == 400 and "只剩 4 张没有用过的测评码" in page
    assert 'value="5"' in page  # what was typed stays in the form
    done = client.post(
        f"/meetings/{m.id}/slips/void-count", data={**{"count_a": 1, "count_b": 3}, **CONFIRM}
    )
    assert done.status_code == 302
    stats = results.token_stats(m.id)
    assert (stats.voided["A"], stats.voided["B"], stats.used["B"]) == (1, 3, 1)
    slip7 = client.get(f"/meetings/{m.id}/tally.json").get_json()["slip7"]
    assert (slip7["issued"], slip7["returned"]) == (4, 1)


def test_tokens_export_as_csv_and_json(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, a=1, b=2, owner=owner)
    actions.login_as(owner)
    csv_text = client.get(f"/meetings/{m.id}/tokens.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[0] == "code,category,url,state"
    assert len(csv_text.splitlines()) == 4
    rows = client.get(f"/meetings/{m.id}/tokens.json").get_json()
    assert {r["category"] for r in rows} == {"A", "B"}
    assert all(r["url"].startswith("https://ceping.example.org/v/") for r in rows)


def test_slips_pointing_at_localhost_are_refused_with_an_explanation(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner)
    app.config["PUBLIC_BASE_URL"] = ""
    actions.login_as(owner)
    r = client.get(f"/print/{m.id}/slips")
    assert r.status_code == 409
    assert "会场的手机打不开" in r.get_data(as_text=True) and "PUBLIC_BASE_URL" in r.get_data(
        as_text=True
    )
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    assert client.get(f"/print/{m.id}/slips").status_code == 409
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.20:5000"
    assert client.get(f"/print/{m.id}/slips").status_code == 200


def test_slip_sheet_prints_in_random_order_without_serial_numbers(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, a=8, b=8, owner=owner)
    actions.login_as(owner)
    orders = set()
    for _ in range(4):
        html = client.get(f"/print/{m.id}/slips").get_data(as_text=True)
        codes = re.findall(r'class="code">([0-9A-Z-]+)<', html)
        assert len(codes) == 16
        orders.add(tuple(codes))
    assert len(orders) > 1
    assert "No." not in html and "编号" not in html


def test_slip7_with_no_graded_ballot_on_the_graded_base_prints_a_dash(app, client, actions):
    owner = factories.user()
    m = factories.meeting(app, owner=owner)
    m.pass_rate_base = "graded"
    factories.cast(app, m, factories.slip_values(app, m)[0], duty=None)
    actions.login_as(owner)
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    html = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    # A blank duty row is 弃权: the ballot is valid, and the graded base (no 弃权) is 0.
    assert 'class="blank ">—</span>%' in html
    assert '其中有效票<span class="blank ">1</span>张，废票<span class="blank ">0</span>张' in html


def test_the_app_refuses_to_serve_an_out_of_date_schema(tmp_path):
    app = create_app({"SECRET_KEY": "x" * 40, "TESTING": True}, instance_path=str(tmp_path))
    r = app.test_client().get("/login")
    assert r.status_code == 503
    assert "flask --app ballot_app db upgrade" in r.get_data(as_text=True)
    assert date.today()  # the page needs no login and no database
