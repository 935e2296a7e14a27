"""The grades pages as the admin uses them: record, decide (a reason where it differs),
sign off after a confirmation, print each unit's feedback, keep the 诫勉谈话."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import GradeRecord, Talk
from ballot_app.services.campaign import current_campaign

from .. import factories
from ..domain.test_aggregation_rules import GOOD
from ..services.test_aggregation import _certified_meeting

CONFIRM = {"confirmed": "y"}


def test_record_decide_sign_and_print_the_feedback(app, client, actions):
    m = _certified_meeting(
        app, ["excellent", "competent", "basically_competent"], ["competent"] * 3
    )
    actions.login_as(factories.user(Role.ADMIN, name="admin1"))
    cid = current_campaign().id
    client.post(f"/campaigns/{cid}/rules", data=GOOD)
    client.post(f"/campaigns/{cid}/grades/record")
    page = client.get(f"/campaigns/{cid}/grades").get_data(as_text=True)
    assert "全区分布（3 人）" in page and "测试镇" in page
    records = db.session.scalars(select(GradeRecord).order_by(GradeRecord.id)).all()
    first = records[0]
    other = next(g for g in G if g.value != first.proposed)
    refused = client.post(f"/grades/{first.id}", data={"grade": other.value, "reason": ""})
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "请写明理由" in html
    assert f'<option value="{other.value}" selected' in html  # the choice is kept
    early = client.post(f"/campaigns/{cid}/grades/sign", data=CONFIRM)
    assert early.status_code == 409 and "没有审定等次" in early.get_data(as_text=True)
    chosen = {
        records[0].id: G.EXCELLENT,
        records[1].id: G.COMPETENT,
        records[2].id: G.BASICALLY_COMPETENT,
    }
    for rid, g in chosen.items():
        r = db.session.get(GradeRecord, rid)
        reason = "" if g.value == r.proposed else "常委会审定"
        assert (
            client.post(f"/grades/{rid}", data={"grade": g.value, "reason": reason}).status_code
            == 302
        )
    asked = client.post(f"/campaigns/{cid}/grades/sign").get_data(as_text=True)
    assert "不能撤销" in asked and "基本称职、不称职 1 人" in asked
    client.post(f"/campaigns/{cid}/grades/sign", data=CONFIRM)
    db.session.expire_all()
    assert current_campaign().grades_signed_at is not None
    again = client.post(f"/grades/{records[0].id}", data={"grade": "competent", "reason": "再改"})
    assert again.status_code == 409 and "已经签发" in again.get_data(as_text=True)
    feedback = client.get(f"/campaigns/{cid}/feedback/{m.unit_id}").get_data(as_text=True)
    assert "考核结果反馈" in feedback and "基本称职" in feedback and records[2].name in feedback
    talks = client.get("/talks").get_data(as_text=True)
    assert records[2].name in talks
    talk = db.session.scalars(select(Talk)).one()
    bad = client.post(f"/talks/{talk.id}", data={"held_on": "2027/1/5", "talked_by": "王某"})
    assert bad.status_code == 400 and "年-月-日" in bad.get_data(as_text=True)
    assert 'value="王某"' in bad.get_data(as_text=True)
    ok = client.post(
        f"/talks/{talk.id}", data={"held_on": "2027-01-05", "talked_by": "王某", "is_done": "y"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Talk, talk.id).is_done
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(client.get(f"/campaigns/{cid}/grades.xlsx").data))
    assert book.sheetnames == ["评分汇总", "考核定等"]
    heads = [c.value for c in book["评分汇总"][1]]
    assert heads[:4] == ["单位", "姓名", "职务", "身份"] and "综合得分" in heads
    assert [c.value for c in book["考核定等"][2]][5] == "优秀"
    feedback_book = load_workbook(
        BytesIO(client.get(f"/campaigns/{cid}/feedback/{m.unit_id}.xlsx").data)
    )
    assert [c.value for c in feedback_book.active[4]][3] == "基本称职"
    talks_book = load_workbook(BytesIO(client.get("/talks.xlsx").data))
    assert [c.value for c in talks_book.active[2]][-1] == "已完成"


def test_only_the_admin_reaches_the_grades(app, client, actions):
    cid = current_campaign().id
    for role in (Role.ORGANIZER, Role.TELLER):
        actions.login_as(factories.user(role))
        for path in (
            f"/campaigns/{cid}/grades",
            "/talks",
            f"/campaigns/{cid}/feedback/1",
            f"/campaigns/{cid}/grades.xlsx",
            f"/campaigns/{cid}/feedback/1.xlsx",
            "/talks.xlsx",
        ):
            assert client.get(path).status_code == 403, path
        for path in (
            f"/campaigns/{cid}/grades/record",
            f"/campaigns/{cid}/grades/sign",
            "/grades/1",
            "/talks/1",
        ):
            assert client.post(path, data=CONFIRM).status_code == 403, path
        client.post("/logout")
