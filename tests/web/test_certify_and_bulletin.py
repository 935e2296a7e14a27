"""Certifying with the 计票人 and 监票人, the read-only meeting after it, and the bulletin."""

import json
import secrets

import pytest
from sqlalchemy import select, update

from ballot_app.domain.choices import Category, Source
from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Form5Mark, Form6Mark, Meeting, Receipt

from .. import factories

#: The confirmation page's button: irreversible steps are asked first.
CONFIRM = {"confirmed": "y"}

NAMES = {"counter_name": "计票甲", "scrutineer_name": "监票乙"}


def _closed_with_votes(app, n: int = 3):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=1, b=3)
    for value in factories.slip_values(app, m)[:n]:
        factories.cast(app, m, value)
    owner = db.session.get(factories.User, m.created_by_id)
    factories.meetings.transition(owner, m, factories.Transition.CLOSE)
    return m, owner


def test_only_organizers_and_admins_certify_and_names_are_required(app, client, actions):
    m, owner = _closed_with_votes(app)
    actions.login_as(factories.teller(m, name="jp"))
    assert client.post(f"/meetings/{m.id}/certify", data={**NAMES, **CONFIRM}).status_code == 403
    actions.login_as(owner)
    blank = client.post(f"/meetings/{m.id}/certify", data={**{"counter_name": "计票甲"}, **CONFIRM})
    assert blank.status_code == 400 and "请填写监票人的姓名" in blank.get_data(as_text=True)
    assert client.post(f"/meetings/{m.id}/certify", data={**NAMES, **CONFIRM}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).state == MeetingState.CERTIFIED
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.certify")
    ).one()
    assert event.user_id == owner.id and "计票甲" in event.detail
    slip7 = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert "计票甲" in slip7 and "监票乙" in slip7


def test_more_returned_than_issued_blocks_certifying_with_the_reason(app, client, actions):
    m, owner = _closed_with_votes(app, n=4)
    extra = Ballot(
        id=secrets.token_hex(16),
        meeting_id=m.id,
        category=Category.B,
        source=Source.PAPER,
        has_form5=False,
        has_form6=False,
    )
    db.session.add(extra)
    db.session.commit()
    actions.login_as(owner)
    page = client.post(f"/meetings/{m.id}/certify", data={**NAMES, **CONFIRM})
    assert page.status_code == 400 and "收回的票数多于发出的票数" in page.get_data(as_text=True)
    assert db.session.get(Meeting, m.id).state == MeetingState.CLOSED


@pytest.mark.parametrize(
    "path, data",
    [
        ("settings", {"secretary_name": "", "pass_rate_base": "valid", "live_step": 5}),
        ("slips", {"count_a": 1, "count_b": 0}),
        ("slips/void", {"code": "0000-0000-000"}),
        ("open", {}),
        ("close", {}),
        ("reopen", {"reason": "想再投"}),
        ("certify", NAMES),
        ("monitor/revoke", {}),
        ("evaluees", {"name": "新人", "post": "副镇长"}),
        ("slips/void-count", {"count_a": 1, "count_b": 0}),
        ("paper/stacks", {"category": "B"}),
        ("paper/withdraw", {"stack": 1, "sheet": 1, "reason": "录错"}),
        ("tellers/new", {"username": "late", "display_name": "迟到", "password": "long enough"}),
    ],
)
def test_a_certified_meeting_refuses_every_write(app, client, actions, path, data):
    m, owner = _closed_with_votes(app)
    admin = factories.user(Role.ADMIN, name="guanli")
    factories.meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    actions.login_as(admin)
    before = db.session.query(AuditEvent).count()
    answer = client.post(f"/meetings/{m.id}/{path}", data=data)
    assert answer.status_code in (400, 403, 409), (path, answer.status_code)
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).state == MeetingState.CERTIFIED
    assert db.session.query(AuditEvent).count() == before


def test_the_bulletin_lists_every_tracker_code_and_no_choice_after_certifying(app, client):
    m, owner = _closed_with_votes(app)
    early = client.get(f"/b/{m.id}")
    assert early.status_code == 404 and "确认后才公布" in early.get_data(as_text=True)
    factories.meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    page = client.get(f"/b/{m.id}").get_data(as_text=True)
    codes = sorted(db.session.scalars(select(Receipt.code).where(Receipt.meeting_id == m.id)))
    assert len(codes) == 3
    listed = [c for c in codes if c in page]
    assert listed == codes and page.index(codes[0]) < page.index(codes[1]) < page.index(codes[2])
    assert "发出 <strong>4</strong> 票，收回 <strong>3</strong> 票" in page
    assert not any(word in page for word in ("优秀", "称职", "较好", "不称职"))


def test_the_receipt_links_to_the_bulletin(app, client, actions):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    receipt = client.get(actions.vote(m, value).headers["Content-Location"])
    assert f'href="/b/{m.id}"' in receipt.get_data(as_text=True)


def _tamper_with_the_box(m) -> None:  # type: ignore[no-untyped-def]
    """Change every stored row of a certified meeting, as a bug or a hand edit could."""
    db.session.execute(update(Form6Mark).values(mark="empty"))
    db.session.execute(update(Form5Mark).values(mark="incompetent"))
    db.session.delete(db.session.scalars(select(Ballot)).first())
    db.session.commit()
    db.session.expire_all()


def test_a_certified_meetings_prints_keep_the_signed_figures_when_the_box_changes(
    app, client, actions
):
    m, owner = _closed_with_votes(app)
    factories.meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    actions.login_as(owner)
    pages = (f"/print/{m.id}/slip7", f"/print/{m.id}/form5", f"/meetings/{m.id}/results")
    before = [client.get(path).get_data(as_text=True) for path in pages]
    bulletin = client.get(f"/b/{m.id}").get_data(as_text=True)
    assert '记“好”的<span class="blank ">3</span>票' in before[0]
    assert '弃权<span class="blank ">0</span>票' in before[0]
    assert "确认结果时保存的数字" in before[2]

    _tamper_with_the_box(m)
    assert [client.get(path).get_data(as_text=True) for path in pages] == before
    assert client.get(f"/b/{m.id}").get_data(as_text=True) == bulletin
    assert client.get(f"/meetings/{m.id}/tally.json").get_json() == json.loads(
        db.session.get(Meeting, m.id).certified_result
    )


def test_the_graded_base_leaves_abstentions_out_and_prints_beside_the_rate(app, client, actions):
    m = factories.meeting(app, a=1, b=3)
    values = factories.slip_values(app, m)
    for value, duty in zip(values, ("good", "poor", None, None), strict=True):
        factories.cast(app, m, value, duty=duty)
    owner = db.session.get(factories.User, m.created_by_id)
    actions.login_as(owner)
    settings = {"secretary_name": m.secretary_name, "paper_issued": "0", "live_step": "5"}
    saved = client.post(f"/meetings/{m.id}/settings", data={**settings, "pass_rate_base": "graded"})
    assert saved.status_code == 302
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    slip7 = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert '合格率为<span class="blank ">50.00</span>%' in slip7
    assert "按评定票（不含弃权）计算：1 ÷ 2" in slip7
    assert '记“差”的<span class="blank ">1</span>票，弃权<span class="blank ">2</span>票。' in slip7
    results_page = client.get(f"/meetings/{m.id}/results").get_data(as_text=True)
    assert "÷ 评定票（不含弃权） 2" in results_page
    assert client.get(f"/meetings/{m.id}/tally.json").get_json()["slip7"]["pass_rate"] == 50.0
