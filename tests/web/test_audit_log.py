"""The audit log: every staff action with who, what, when and which meeting; viewable by the
admin only; never a ballot's contents, a slip's code or a token secret."""

from sqlalchemy import select

from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, User
from ballot_app.services import meetings

from .. import factories

CHOICE_WORDS = ("优秀", "称职", "基本称职", "不称职", "较好", "一般")


def _a_whole_meeting(app, client, actions):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=1, b=3, members=2)
    owner = db.session.get(User, m.created_by_id)
    values = factories.slip_values(app, m)
    codes = factories.manual_codes(app, m)
    factories.cast(app, m, values[0], comment="食堂饭菜要改进")
    teller = factories.teller(m, name="jipiao")
    actions.login_as(teller)
    client.post(f"/meetings/{m.id}/paper/stacks", data={"category": "B"})
    sheet = {f"f5_{e}": "incompetent" for e in factories.evaluee_ids(m)}
    client.post(f"/meetings/{m.id}/paper/1", data={**sheet, "f6_duty": "average"})
    client.post(f"/meetings/{m.id}/paper/1/finish", data={"confirmed": "y"})
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    return m, owner, teller, values, codes


def test_every_staff_action_is_logged_with_who_and_which_meeting(app, client, actions):
    m, owner, teller, _, _ = _a_whole_meeting(app, client, actions)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    by_action = {e.action: e for e in events}
    for action in (
        "meeting.create",
        "slips.issue",
        "meeting.open",
        "meeting.close",
        "meeting.certify",
        "teller.assign",
        "paper.stack",
        "paper.sheet",
        "paper.count",
        "auth.login",
    ):
        assert action in by_action, action
    assert by_action["meeting.open"].user_id == owner.id
    assert by_action["paper.count"].user_id == teller.id
    assert all(e.meeting_id == m.id for e in events if e.action.startswith(("paper", "meeting")))
    assert all(e.at is not None for e in events)


def test_the_log_holds_no_choice_comment_code_or_token(app, client, actions):
    _, _, _, values, codes = _a_whole_meeting(app, client, actions)
    text = "\n".join(f"{e.action} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    assert not any(word in text for word in CHOICE_WORDS)
    assert "食堂" not in text
    assert not any(v in text for v in values)
    assert not any(c in text or c.replace("-", "") in text for c in codes)


def test_the_admin_reads_the_log_newest_first_and_by_meeting(app, client, actions):
    m, _, teller, _, _ = _a_whole_meeting(app, client, actions)
    other = factories.meeting(app, unit_name="乙镇")
    admin = factories.user(Role.ADMIN, name="guanli")
    actions.login_as(admin)
    page = client.get("/audit").get_data(as_text=True)
    assert "操作日志" in page and "确认结果" in page and "纸质票计入" in page
    # Newest first: the admin's own login, the certification, the first unit created.
    login, certify = '<td data-label="操作">登录</td>', '<td data-label="操作">确认结果</td>'
    assert page.index(login) < page.index(certify)
    assert page.index(certify) < page.index('<td data-label="详情">单位：测试镇</td>')
    mine = client.get(f"/audit?meeting={m.id}").get_data(as_text=True)
    assert "计票人 计票甲，监票人 监票乙" in mine and "乙镇" not in mine
    by_teller = client.get(f"/audit?user={teller.id}").get_data(as_text=True)
    assert "纸质票计入" in by_teller and "建立会议" not in by_teller
    assert other.id != m.id


def test_only_the_admin_may_read_the_log(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(db.session.get(User, m.created_by_id))
    assert client.get("/audit").status_code == 403
    actions.login_as(factories.teller(m))
    assert client.get("/audit").status_code == 403
