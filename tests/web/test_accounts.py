"""The admin's account pages and the first-login password change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, User
from ballot_app.services import accounts

from .. import factories
from .test_login import fresh, user_per_request  # noqa: F401 (a fixture)

CONFIRM = {"confirmed": "y"}


def _temporary(html: str) -> str:
    found = re.search(r'class="code temporary-password"><strong>([^<]+)</strong>', html)
    assert found, html
    return found.group(1)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def admin(actions):  # type: ignore[no-untyped-def]
    account = factories.user(Role.ADMIN, name="guanli")
    actions.login_as(account)
    return account


def test_the_list_shows_every_account_with_role_group_and_state(app, client, admin):
    factories.user(Role.ORGANIZER, name="kaohe1")
    off = factories.user(Role.TELLER, name="jipiao1")
    off.is_enabled = False
    db.session.commit()
    html = client.get("/accounts").get_data(as_text=True)
    assert "kaohe1" in html and "jipiao1" in html and "guanli" in html
    assert "考核组" in html and "计票人/监票人" in html and "第一考核组" in html
    assert "已停用" in html and "重新启用" in html
    assert 'href="/accounts"' in html and "修改密码" in html  # the header's links


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.TELLER])
def test_only_admins_manage_accounts(app, client, actions, role):
    actions.login_as(factories.user(role))
    assert client.get("/accounts").status_code == 403
    r = client.post("/accounts", data={"username": "x1", "display_name": "x", "role": "admin"})
    assert r.status_code == 403
    assert db.session.scalar(select(User).where(User.username == "x1")) is None
    assert 'href="/accounts"' not in client.get("/password").get_data(as_text=True)


def test_a_new_account_gets_a_temporary_password_shown_once_and_changed_at_first_login(
    app, client, admin
):
    group = factories.group("第二考核组")
    r = client.post(
        "/accounts",
        data={
            "username": "liu",
            "display_name": "刘同志",
            "role": "organizer",
            "group_id": group.id,
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    temporary = _temporary(html)
    assert "只显示这一次" in html
    made = db.session.scalar(select(User).where(User.username == "liu"))
    assert made.must_change_password and made.group_id == group.id
    assert temporary not in factories.dump_database()
    assert [e.detail for e in _events("account.create")] == ["刘同志（liu），考核组"]

    person = app.test_client()
    r = person.post("/login?next=/audit", data={"username": "liu", "password": temporary})
    assert r.status_code == 302 and r.headers["Location"] == "/audit"
    # Every other page sends the person to the change first, and keeps where they were going.
    home = fresh(person, "/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/password?next=")
    page = fresh(person, "/password").get_data(as_text=True)
    assert "临时密码" in page and "才能使用其他页面" in page
    new = "liu's own phrase 42"
    done = person.post("/password?next=/", data={"current": temporary, "new": new, "repeat": new})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert fresh(person, "/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, made.id).must_change_password
    assert _events("account.password")


def test_a_taken_username_gets_the_same_sentence_as_an_unusable_one(app, client, admin):
    factories.user(Role.TELLER, name="jipiao", grp=factories.group("第二考核组"))
    sentences = []
    for name in ("jipiao", "ji piao"):
        r = client.post(
            "/accounts", data={"username": name, "display_name": "某某", "role": "teller"}
        )
        assert r.status_code == 400
        sentences.append(
            "这个用户名不能使用，请换一个（例如在后面加上数字）。" in r.get_data(as_text=True)
        )
    assert sentences == [True, True]
    assert 'value="某某"' in r.get_data(as_text=True)  # what was typed stays


def test_a_reset_is_confirmed_first_ends_sessions_and_forgets_failed_logins(app, client, admin):
    person = factories.user(name="wang")
    device = app.test_client()
    factories.Actions(app, device).login_as(person)
    for _ in range(8):
        device.post("/login", data={"username": "wang", "password": "forgotten it"})
    asked = client.post(f"/accounts/{person.id}/reset")
    assert asked.status_code == 200 and "确认重设密码" in asked.get_data(as_text=True)
    assert accounts.authenticate("wang", factories.PASSWORD) is not None  # nothing done yet
    r = client.post(f"/accounts/{person.id}/reset", data=CONFIRM)
    temporary = _temporary(r.get_data(as_text=True))
    assert accounts.authenticate("wang", factories.PASSWORD) is None
    assert fresh(device, "/").status_code == 302  # the old session has ended
    again = app.test_client().post("/login", data={"username": "wang", "password": temporary})
    assert again.status_code == 302  # not slowed: the reset forgot the failures
    assert [e.detail for e in _events("account.reset")] == ["wang（wang）"]


def test_disabling_is_confirmed_ends_sessions_and_enabling_restores_login(app, client, admin):
    person = factories.user(name="wang")
    device = app.test_client()
    factories.Actions(app, device).login_as(person)
    asked = client.post(f"/accounts/{person.id}/disable")
    assert "确认停用" in asked.get_data(as_text=True)
    assert db.session.get(User, person.id).is_enabled
    client.post(f"/accounts/{person.id}/disable", data=CONFIRM)
    db.session.expire_all()
    assert not db.session.get(User, person.id).is_enabled
    assert fresh(device, "/").status_code == 302
    login = {"username": "wang", "password": factories.PASSWORD}
    assert app.test_client().post("/login", data=login).status_code == 401
    client.post(f"/accounts/{person.id}/enable")
    assert app.test_client().post("/login", data=login).status_code == 302
    assert len(_events("account.disable")) == len(_events("account.enable")) == 1


def test_an_admin_cannot_disable_their_own_account(app, client, admin):
    r = client.post(f"/accounts/{admin.id}/disable", data=CONFIRM, follow_redirects=True)
    assert "不能停用自己正在使用的账号" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_enabled


def test_an_expired_password_form_never_shows_a_password_again(app, client, actions):
    actions.login_as(factories.user(name="wang"))
    app.config["WTF_CSRF_ENABLED"] = True
    secret = "typed-secret-phrase 9"
    r = client.post(
        "/password",
        data={"current": factories.PASSWORD, "new": secret, "repeat": secret},
        headers={"Origin": "http://localhost"},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "安全校验没有通过" in html
    assert secret not in html and factories.PASSWORD not in html
