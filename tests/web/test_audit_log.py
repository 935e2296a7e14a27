"""The audit log: every staff action with who, what, when and which meeting; viewable by the
admin only; never a ballot's contents, a slip's code or a token secret."""

from datetime import timedelta, timezone

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


def _workbook(response):  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.data)).active


HEADS = ["时间（北京时间）", "账号", "会议", "操作", "说明", "校验值"]


def test_the_admin_exports_the_log_as_xlsx_with_chinese_heads(app, client, actions):
    m, _, teller, _, _ = _a_whole_meeting(app, client, actions)
    admin = factories.user(Role.ADMIN, name="guanli")
    actions.login_as(admin)
    page = client.get("/audit").get_data(as_text=True)
    assert 'href="/audit.xlsx"' in page
    sheet = _workbook(client.get("/audit.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADS
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).all()
    assert len(rows) - 1 == len(events)
    assert [r[5] for r in rows[1:]] == [e.digest for e in events]  # newest first
    assert all(len(r[5]) == 64 for r in rows[1:])
    certify = next(r for r in rows if r[3] == "确认结果")
    assert certify[4] == "计票人 计票甲，监票人 监票乙"
    assert certify[2] == f"测试镇：测试会议（#{m.id}）"
    login = rows[1]
    assert login[3] == "登录" and login[1] == f"{admin.display_name}（guanli）"
    beijing = events[0].at.astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
    assert abs(login[0] - beijing) < timedelta(seconds=1)  # a date cell, 北京时间
    assert sheet.column_dimensions["E"].width == 60 and sheet.column_dimensions["F"].width == 66


def test_the_export_keeps_the_page_filters(app, client, actions):
    m, _, teller, _, _ = _a_whole_meeting(app, client, actions)
    factories.meeting(app, unit_name="乙镇")
    actions.login_as(factories.user(Role.ADMIN, name="guanli"))
    page = client.get(f"/audit?meeting={m.id}").get_data(as_text=True)
    assert f'href="/audit.xlsx?meeting={m.id}"' in page
    by_meeting = list(
        _workbook(client.get(f"/audit.xlsx?meeting={m.id}")).iter_rows(values_only=True)
    )
    assert len(by_meeting) > 5
    assert all(r[2].endswith(f"（#{m.id}）") for r in by_meeting[1:])
    by_teller = list(
        _workbook(client.get(f"/audit.xlsx?user={teller.id}")).iter_rows(values_only=True)
    )
    assert {r[1] for r in by_teller[1:]} == {f"{teller.display_name}（jipiao）"}
    assert "纸质票计入" in {r[3] for r in by_teller[1:]}


def test_only_the_admin_may_export_the_log(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(db.session.get(User, m.created_by_id))
    assert client.get("/audit.xlsx").status_code == 403
    actions.login_as(factories.teller(m))
    assert client.get("/audit.xlsx").status_code == 403
    client.post("/logout")
    assert client.get("/audit.xlsx").status_code in (302, 401)


def test_every_action_the_code_records_has_a_chinese_label():
    """The viewer shows each event's action by its label: an action recorded without one
    would appear as its code (`account.reset`) to the admin."""
    import re
    from pathlib import Path

    from ballot_app.services.audit import ACTION_LABELS

    source = Path(__file__).resolve().parents[2] / "ballot_app"
    recorded: set[str] = set()
    for path in source.rglob("*.py"):
        text = path.read_text()
        recorded.update(re.findall(r"record_event\([^)]*?\"([a-z_]+\.[a-z_]+)\"", text, re.S))
        recorded.update(re.findall(r"\"([a-z_]+\.[a-z_]+)\" if \w+ else \"[a-z_.]+\"", text))
        recorded.update(re.findall(r"if \w+ else \"([a-z_]+\.[a-z_]+)\"", text))
    assert len(recorded) >= 30
    assert recorded - set(ACTION_LABELS) == set()
