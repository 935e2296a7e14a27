"""The 监票人's link: no account, read only, expires, and the organizer can revoke it."""

import re

import itsdangerous.timed

from ballot_app.domain.roles import Role

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}


def _link(client, meeting_id: int) -> str:
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "监票人扫码看计票" in page and 'aria-label="监票二维码"' in page
    return re.search(r"https://ceping\.example\.org(/m/[^<\s\"]+)", page).group(1)


def test_a_scrutineer_watches_the_count_without_an_account(app, client, actions):
    m = factories.meeting(app, a=0, b=4, members=1)
    actions.login_as(factories.user(Role.ORGANIZER, name="zuzhi", grp=factories.group()))
    link = _link(client, m.id)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    stranger = app.test_client()  # no login, no cookie
    page = stranger.get(link)
    assert page.status_code == 200 and "合计收回</span><strong>1 / 4" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    board = stranger.get(link + "?board=1")
    again = stranger.get(link + "?board=1", headers={"If-None-Match": board.headers["ETag"]})
    assert again.status_code == 304
    # Read only: nothing under /m accepts a post.
    assert stranger.post(link).status_code == 405


def test_a_scrutineer_sees_no_choice_until_a_table_has_k_ballots(app, client, actions):
    m = factories.meeting(app, a=0, b=8, members=1)
    actions.login_as(factories.user(Role.ORGANIZER, name="zuzhi", grp=factories.group()))
    link = _link(client, m.id)
    values = factories.slip_values(app, m)
    factories.cast(app, m, values[0])
    stranger = app.test_client()
    page = stranger.get(link).get_data(as_text=True)
    assert "合计收回</span><strong>1 / 8" in page
    assert "表B（非班子成员）收回满 5 票后显示结果（现已收回 1 票）" in page
    assert not re.search(r"<span>(优秀|称职|基本称职|不称职|好|较好|一般|差)</span><strong>", page)
    for value in values[1:5]:
        factories.cast(app, m, value)
    page = stranger.get(link).get_data(as_text=True)
    assert "<span>优秀</span><strong>5</strong>" in page


def test_a_link_expires_after_a_day(app, client, actions, monkeypatch):
    m = factories.meeting(app)
    actions.login_as(factories.user(Role.ORGANIZER, name="zuzhi", grp=factories.group()))
    link = _link(client, m.id)
    now = itsdangerous.timed.time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + 25 * 3600)
    page = app.test_client().get(link)
    assert page.status_code == 404 and "监票链接已经失效" in page.get_data(as_text=True)


def test_revoking_ends_every_link_given_out(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.user(Role.ORGANIZER, name="zuzhi", grp=factories.group()))
    old = _link(client, m.id)
    assert client.post(f"/meetings/{m.id}/monitor/revoke", data=CONFIRM).status_code == 302
    new = _link(client, m.id)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    forged = new[:-3] + ("abc" if not new.endswith("abc") else "xyz")
    assert app.test_client().get(forged).status_code == 404
