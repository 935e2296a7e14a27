"""Who may do what: an access matrix of organizer endpoints by role and group."""

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}

READ = ["/meetings/{id}", "/meetings/{id}/results"]
MANAGE_GET = ["/meetings/{id}/tokens.csv", "/print/{id}/slips", "/print/{id}/test-qr"]
MANAGE_POST = ["/meetings/{id}/close"]


@pytest.mark.parametrize("path", READ + MANAGE_GET)
def test_anonymous_people_are_sent_to_login(app, client, path):
    m = factories.meeting(app)
    r = client.get(path.format(id=m.id))
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize(
    ("role", "inside", "path", "status"),
    [
        (Role.TELLER, False, "/meetings/{id}", 404),  # not assigned: as if it did not exist
        (Role.ORGANIZER, True, "/meetings/{id}", 200),
        (Role.ORGANIZER, False, "/meetings/{id}", 404),  # another group: as if missing
        (Role.ADMIN, False, "/meetings/{id}", 200),
        (Role.TELLER, True, "/meetings/{id}", 200),
        (Role.TELLER, True, "/meetings/{id}/tokens.csv", 403),
        (Role.TELLER, True, "/print/{id}/slips", 403),
        (Role.ORGANIZER, False, "/meetings/{id}/tokens.json", 404),
        (Role.ORGANIZER, True, "/meetings/{id}/tokens.json", 200),
        (Role.ORGANIZER, True, "/meetings/{id}/tally.json", 409),  # sealed while open
    ],
)
def test_access_matrix_get(app, client, actions, role, inside, path, status):
    """Inside: an organizer of the meeting's group; a teller assigned to the meeting."""
    m = factories.meeting(app)
    if role == Role.TELLER:
        account = factories.teller(m) if inside else factories.user(Role.TELLER)
    else:
        group = factories.group() if inside else factories.group("第二考核组")
        account = factories.user(role, grp=None if role == Role.ADMIN else group)
    actions.login_as(account)
    assert client.get(path.format(id=m.id)).status_code == status


def test_a_teller_cannot_open_or_close_the_box(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.teller(m))
    assert client.post(f"/meetings/{m.id}/close", data=CONFIRM).status_code == 403
    assert m.state == MeetingState.OPEN


def test_an_organizer_of_another_group_cannot_close_the_box(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.user(Role.ORGANIZER, grp=factories.group("第二考核组")))
    refused = client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    missing = client.post(f"/meetings/{m.id + 999}/close", data=CONFIRM)
    # Exactly the answer for a meeting that does not exist: no id of another group leaks.
    assert refused.status_code == missing.status_code == 404
    assert refused.get_data(as_text=True) == missing.get_data(as_text=True)


def test_only_an_admin_may_reopen_and_only_with_a_reason(app, client, actions):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    actions.login_as(factories.user(Role.ORGANIZER))
    assert (
        client.post(f"/meetings/{m.id}/reopen", data={**{"reason": "漏投"}, **CONFIRM}).status_code
        == 409
    )
    client.post("/logout")
    actions.login_as(factories.user(Role.ADMIN, name="root"))
    r = client.post(f"/meetings/{m.id}/reopen", data={**{"reason": ""}, **CONFIRM})
    assert r.status_code == 400 and "请填写原因" in r.get_data(as_text=True)
    assert (
        client.post(
            f"/meetings/{m.id}/reopen", data={**{"reason": "有两位同志迟到"}, **CONFIRM}
        ).status_code
        == 302
    )
    assert m.state == MeetingState.OPEN


def test_results_stay_sealed_until_the_box_closes(app, client, actions):
    m = factories.meeting(app)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    actions.login_as(factories.user())
    html = client.get(f"/meetings/{m.id}/results").get_data(as_text=True)
    assert "关闭投票箱后才显示" in html and "称职以上率" not in html
    assert client.get(f"/print/{m.id}/slip7").status_code == 409
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    html = client.get(f"/meetings/{m.id}/results").get_data(as_text=True)
    assert "称职以上率" in html
    assert client.get(f"/meetings/{m.id}/tally.json").get_json()["slip7"]["returned"] == 1


def test_wrong_password_is_refused_with_a_sentence(app, client):
    factories.user(Role.ORGANIZER, name="wang")
    r = client.post("/login", data={"username": "wang", "password": "nope"})
    assert r.status_code == 401 and "用户名或密码不对" in r.get_data(as_text=True)
    assert 'value="wang"' in r.get_data(as_text=True)


def test_only_managers_choose_the_printing_address(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    app.config["PUBLIC_BASE_URL"] = ""
    actions.login_as(factories.teller(m))
    r = client.post(f"/meetings/{m.id}/public-address", data={"address": "http://10.0.0.1"})
    assert r.status_code == 403
    assert "选择会场手机能访问的地址" not in client.get(f"/meetings/{m.id}").get_data(as_text=True)


def test_a_refused_login_answers_400_and_keeps_the_name(app, client):
    r = client.post("/login", data={"username": "wang", "password": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "请填写密码。" in html and 'value="wang"' in html
    assert '<a href="#password">密码：请填写密码。</a>' in html
