"""Teller accounts assigned to meetings: what they see, and how organizers assign them."""

from sqlalchemy import select

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Meeting, User

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}


def test_a_teller_sees_only_the_meetings_assigned_to_them(app, client, actions):
    mine = factories.meeting(app, unit_name="甲镇")
    other = factories.meeting(app, unit_name="乙镇", owner=db.session.get(User, mine.created_by_id))
    teller = factories.teller(mine, name="jp1")
    actions.login_as(teller)
    home = client.get("/").get_data(as_text=True)
    assert "甲镇" in home and "乙镇" not in home
    assert client.get(f"/meetings/{mine.id}/live").status_code == 200
    refused = client.get(f"/meetings/{other.id}")
    assert refused.status_code == 404
    assert "不在您的账号能看到的范围内" in refused.get_data(as_text=True)
    assert client.get(f"/units/{other.unit_id}").status_code == 404


def test_an_organizer_creates_assigns_and_removes_a_teller_with_audit_events(app, client, actions):
    m = factories.meeting(app)
    owner = db.session.get(User, m.created_by_id)
    actions.login_as(owner)
    short = client.post(
        f"/meetings/{m.id}/tellers/new",
        data={"username": "jipiao", "display_name": "计票员甲", "password": "short"},
    )
    page = short.get_data(as_text=True)
    # Refused with the reason, and what was typed is still in the form.
    assert short.status_code == 400 and "密码至少 10 位" in page and 'value="计票员甲"' in page
    made = client.post(
        f"/meetings/{m.id}/tellers/new",
        data={"username": "jipiao", "display_name": "计票员甲", "password": "long enough 1"},
    )
    assert made.status_code == 302
    existing = factories.user(Role.TELLER, name="jianpiao")
    shown = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "计票员甲（jipiao）" in shown and f'<option value="{existing.id}"' in shown
    assert (
        client.post(f"/meetings/{m.id}/tellers", data={"teller_id": existing.id}).status_code == 302
    )
    db.session.expire_all()
    meeting = db.session.get(Meeting, m.id)
    assert {t.username for t in meeting.tellers} == {"jipiao", "jianpiao"}
    client.post(f"/meetings/{m.id}/tellers/{existing.id}/remove", data=CONFIRM)
    db.session.expire_all()
    assert [t.username for t in db.session.get(Meeting, m.id).tellers] == ["jipiao"]
    actions = [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.meeting_id == m.id))
    ]
    assert actions.count("teller.assign") == 2 and "teller.unassign" in actions


def test_a_teller_cannot_assign_tellers(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.teller(m))
    other = factories.user(Role.TELLER, name="another")
    assert client.post(f"/meetings/{m.id}/tellers", data={"teller_id": other.id}).status_code == 403


def test_a_teller_sees_the_steps_but_no_organizer_controls(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.teller(m, name="jp2"))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert 'aria-current="step"' in page and "测评码由考核组生成和打印" in page
    for absent in (
        "关闭投票箱</button>",
        'aria-label="监票二维码"',
        'id="settings"',
        "选择会场手机能访问的地址",
    ):
        assert absent not in page, absent
    # The header is short enough for a phone: the role's short name, the full one on hover.
    assert "（计票人）</small>" in page and 'title="' in page


def test_the_assign_list_shows_only_the_groups_own_tellers(app, client, actions):
    m = factories.meeting(app)
    owner = db.session.get(User, m.created_by_id)
    mine = factories.user(Role.TELLER, name="jp-mine", grp=owner.group)
    theirs = factories.user(Role.TELLER, name="jp-theirs", grp=factories.group("第二考核组"))
    actions.login_as(owner)
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "jp-mine" in page and "jp-theirs" not in page
    refused = client.post(f"/meetings/{m.id}/tellers", data={"teller_id": theirs.id})
    assert refused.status_code == 400 and theirs not in m.tellers
    client.post(f"/meetings/{m.id}/tellers", data={"teller_id": mine.id})
    assert mine in m.tellers
    # A teller account opened from the meeting page belongs to the meeting's group.
    client.post(
        f"/meetings/{m.id}/tellers/new",
        data={"username": "jp-new", "display_name": "新计票", "password": "a long password 1"},
    )
    new = db.session.scalar(select(User).where(User.username == "jp-new"))
    assert new.group_id == owner.group_id


def test_a_name_taken_in_another_group_is_refused_like_an_unusable_one(app, client, actions):
    """The new-teller form does not tell whether an account exists in another group."""
    m = factories.meeting(app)
    factories.user(Role.TELLER, name="jp-taken", grp=factories.group("第二考核组"))
    actions.login_as(db.session.get(User, m.created_by_id))
    pages = []
    for name in ("jp-taken", "jp taken"):
        data = {"username": name, "display_name": "计票员", "password": "a long password 1"}
        r = client.post(f"/meetings/{m.id}/tellers/new", data=data)
        assert r.status_code == 400
        pages.append(r.get_data(as_text=True))
    sentence = "这个用户名不能使用，请换一个（例如在后面加上数字）。"
    assert all(sentence in page for page in pages)
    assert not any("已经存在" in page or "第二考核组" in page for page in pages)
