"""Irreversible steps ask first (SPEC, "What staff meet"): the first post shows what will
happen and changes nothing; only the page's 确认 button, without JavaScript, acts."""

import re

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import Evaluee, Meeting, Token, User

from .. import factories

CONFIRM = {"confirmed": "y"}


def _as_owner(actions, m: Meeting) -> None:
    actions.login_as(db.session.get(User, m.created_by_id))


def _asks(response, title: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert title in page and 'name="confirmed" value="y"' in page
    assert "返回，不做了" in page
    return page


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


@pytest.mark.parametrize(
    ("state", "step", "title", "after"),
    [
        (MeetingState.DRAFT, "open", "开启投票箱？", MeetingState.OPEN),
        (MeetingState.OPEN, "close", "关闭投票箱？", MeetingState.CLOSED),
    ],
)
def test_opening_and_closing_the_box_ask_first(app, client, actions, state, step, title, after):
    m = factories.meeting(app, state=state)
    _as_owner(actions, m)
    page = _asks(client.post(f"/meetings/{m.id}/{step}"), title)
    assert m.state == state  # nothing happened yet
    if step == "open":
        assert "表A 2 张，表B 4 张" in page and "测评对象 3 人" in page
    else:
        assert "已收回 0 票" in page
    client.post(f"/meetings/{m.id}/{step}", data=_hidden(page) | CONFIRM)
    db.session.expire_all()
    assert m.state == after


def test_a_refused_opening_says_why_at_once_without_asking(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT, a=0, b=0)
    _as_owner(actions, m)
    r = client.post(f"/meetings/{m.id}/open")
    assert r.status_code == 409 and 'name="confirmed"' not in r.get_data(as_text=True)


def test_certifying_asks_with_the_figures_and_the_names_and_keeps_them(app, client, actions):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    _as_owner(actions, m)
    names = {"counter_name": "计票甲", "scrutineer_name": "监票乙"}
    page = _asks(client.post(f"/meetings/{m.id}/certify", data=names), "确认测评结果？")
    assert "发出 6 票，收回 0 票" in page and "计票人：计票甲；监票人：监票乙" in page
    assert "不能撤销" in page
    assert m.state == MeetingState.CLOSED
    client.post(f"/meetings/{m.id}/certify", data=_hidden(page) | CONFIRM)
    db.session.expire_all()
    assert m.state == MeetingState.CERTIFIED and m.counter_name == "计票甲"


def test_removing_an_evaluee_or_a_teller_and_voiding_a_slip_ask_first(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    teller = factories.teller(m, name="jipiao")
    _as_owner(actions, m)
    first = m.evaluees[0]
    page = _asks(
        client.post(f"/meetings/{m.id}/evaluees/{first.id}/remove"), f"把「{first.name}」移出"
    )
    assert db.session.get(Evaluee, first.id) is not None
    client.post(f"/meetings/{m.id}/evaluees/{first.id}/remove", data=CONFIRM)
    assert db.session.get(Evaluee, first.id) is None

    _asks(client.post(f"/meetings/{m.id}/tellers/{teller.id}/remove"), "移出计票人名单？")
    assert teller in m.tellers
    client.post(f"/meetings/{m.id}/tellers/{teller.id}/remove", data=CONFIRM)
    db.session.expire_all()
    assert teller not in m.tellers

    code = factories.manual_codes(app, m)[0]
    page = _asks(
        client.post(f"/meetings/{m.id}/slips/void", data={"code": code}), "作废这张测评码？"
    )
    assert "还没有用来投票" in page and not any(t.is_voided for t in factories.tokens(m))
    client.post(f"/meetings/{m.id}/slips/void", data=_hidden(page) | CONFIRM)
    assert sum(t.is_voided for t in db.session.query(Token)) == 1


def test_an_unknown_code_is_refused_at_once_instead_of_asked(app, client, actions):
    m = factories.meeting(app)
    _as_owner(actions, m)
    r = client.post(f"/meetings/{m.id}/slips/void", data={"code": "ZZZZ-ZZZZ-ZZZ"})
    assert r.status_code == 400 and 'name="confirmed"' not in r.get_data(as_text=True)


def test_a_forged_confirmation_without_the_csrf_token_does_nothing(app, actions):
    m = factories.meeting(app, state=MeetingState.OPEN)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.post(
        "/login", data={"username": db.session.get(User, m.created_by_id).username}
    )  # no token: not even logged in
    r = client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    assert r.status_code in (302, 400, 401)
    db.session.expire_all()
    assert m.state == MeetingState.OPEN
