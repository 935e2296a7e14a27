"""Paper ballots: tellers enter them row by row (with 未填 and 多选), a second teller may
check a stack, a mistaken entry is withdrawn with a reason; all of it flows into slip 7."""

import re

from sqlalchemy import select

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Comment, Meeting, PaperSheet, PaperStack, User
from ballot_app.services import meetings, results

from .. import factories
from .test_staff_messages import assert_links_reach_fields

#: The confirmation page's button: finishing a stack or withdrawing a sheet is asked first.
CONFIRMED = {"confirmed": "y"}


def _setup(app, *, double=False, state=MeetingState.OPEN):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=2, b=4, members=3, state=state)
    m.paper_issued = 3
    m.paper_double_entry = double
    db.session.commit()
    return m, db.session.get(User, m.created_by_id)


def _sheet(m, f5, duty, activity, comment=""):  # type: ignore[no-untyped-def]
    data = {f"f5_{e}": mark for e, mark in zip(factories.evaluee_ids(m), f5, strict=True)}
    data.update({"f6_duty": duty, "f6_activity": activity, "comment": comment})
    return data


def _new_stack(client, m, category="B") -> int:  # type: ignore[no-untyped-def]
    answer = client.post(f"/meetings/{m.id}/paper/stacks", data={"category": category})
    assert answer.status_code == 302
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


SHEETS = [
    # one row over-marked, one left empty; duty valid; activity over-marked; a comment
    (("excellent", "over_marked", "empty"), "good", "over_marked", "纸上写的意见"),
    # duty over-marked: not a valid ballot for slip 7
    (("competent", "competent", "competent"), "over_marked", "good", ""),
    # nothing ticked at all: a valid ballot, every row 弃权
    (("empty", "empty", "empty"), "empty", "empty", ""),
]


def test_paper_rows_with_over_marked_and_empty_flow_into_slip_7_and_form_5(app, client, actions):
    m, owner = _setup(app)
    factories.cast(app, m, factories.slip_values(app, m, "B")[0])  # one phone ballot
    teller = factories.teller(m, name="jipiao")
    actions.login_as(teller)
    number = _new_stack(client, m)
    for f5, duty, activity, comment in SHEETS:
        entered = client.post(
            f"/meetings/{m.id}/paper/{number}", data=_sheet(m, f5, duty, activity, comment)
        )
        assert entered.status_code == 302
    page = client.get(f"/meetings/{m.id}/paper/{number}").get_data(as_text=True)
    assert "优×— / 好×" in page and "称称称 / ×好" in page and "已录 3 张" in page
    # Nothing counts before the teller says the stack is done.
    assert results.meeting_results(m).returned == 1
    assert client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED).status_code == 302
    meetings.transition(owner, m, Transition.CLOSE)

    figures = results.meeting_results(db.session.get(Meeting, m.id)).as_dict()
    slip7 = figures["slip7"]
    # issued: 6 slips + 3 paper forms; returned: 1 phone + 3 paper; void: duty over-marked;
    # the blank sheet is valid, its duty row 弃权
    assert (slip7["issued"], slip7["returned"], slip7["valid"], slip7["void"]) == (9, 4, 3, 1)
    assert (slip7["good"], slip7["abstain"], slip7["pass_rate"]) == (2, 1, 66.67)
    table_b = figures["form5"]["B"]
    assert (table_b["ballots"], table_b["void"]) == (4, 0)
    counts = [e["counts"] for e in table_b["evaluees"]]
    assert (counts[0]["excellent"], counts[0]["competent"], counts[0]["abstain"]) == (2, 1, 1)
    assert (counts[1]["invalid"], counts[1]["abstain"], counts[1]["competent"]) == (1, 1, 1)
    assert counts[2]["abstain"] == 2
    activity = figures["form6"]["items"]["activity"]
    assert (activity["invalid"], activity["abstain"], activity["good"]) == (1, 1, 2)
    assert figures["form6"]["void"] == 0 and figures["form6"]["comments"] == 1
    printed = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert '共发出民主测评票<span class="blank ">9</span>张' in printed

    # Who entered the paper is in the audit log, and the log holds no choice.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("paper.%"))).all()
    assert {e.user_id for e in events} == {teller.id}
    assert any("第 1 叠计入 3 张" in e.detail for e in events)
    assert not any(w in e.detail for e in events for w in ("好", "优秀", "称职", "意见"))
    sources = {b.source.value for b in db.session.scalars(select(Ballot))}
    assert sources == {"phone", "paper"}


def test_a_second_teller_must_agree_before_a_stack_counts(app, client, actions):
    m, _ = _setup(app, double=True)
    first, second = factories.teller(m, name="jp1"), factories.teller(m, name="jp2")
    sheets = [_sheet(m, f5, d, a, c) for f5, d, a, c in SHEETS[:2]]
    actions.login_as(first)
    number = _new_stack(client, m)
    for data in sheets:
        client.post(f"/meetings/{m.id}/paper/{number}", data=data)
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    assert results.meeting_results(m).returned == 0  # waiting for the check
    waiting = client.get(f"/meetings/{m.id}/paper/{number}").get_data(as_text=True)
    assert "第一遍是您录的" in waiting and "<h2>录入第 1 张</h2>" not in waiting
    refused = client.post(f"/meetings/{m.id}/paper/{number}", data=sheets[0])
    assert refused.status_code == 403 and "另一位计票人" in refused.get_data(as_text=True)

    actions.login_as(second)
    misread = dict(sheets[1], f6_duty="good")  # the second teller reads sheet 2 differently
    client.post(f"/meetings/{m.id}/paper/{number}", data=sheets[0])
    client.post(f"/meetings/{m.id}/paper/{number}", data=misread)
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    page = client.get(f"/meetings/{m.id}/paper/{number}").get_data(as_text=True)
    assert "两遍有 1 处不一致" in page and "第 2 张" in page and "第二遍是「好」" in page
    assert results.meeting_results(m).returned == 0  # disagreement: nothing counts
    # The paper shows two ticks on duty: the second teller corrects their sheet 2.
    fixed = client.post(f"/meetings/{m.id}/paper/{number}?sheet=2&pass=2", data=sheets[1])
    assert fixed.status_code == 302
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    assert results.meeting_results(m).returned == 2
    stack = db.session.scalars(select(PaperStack)).one()
    assert stack.phase.value == "counted" and len(stack.sheets) == 2  # second pass dropped


def test_a_counted_sheet_is_withdrawn_with_a_reason_until_certification(app, client, actions):
    m, owner = _setup(app)
    actions.login_as(factories.teller(m))
    number = _new_stack(client, m)
    for f5, duty, activity, comment in SHEETS[:2]:
        client.post(f"/meetings/{m.id}/paper/{number}", data=_sheet(m, f5, duty, activity, comment))
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    assert results.meeting_results(m).returned == 2
    no_reason = client.post(
        f"/meetings/{m.id}/paper/withdraw", data={"stack": number, "sheet": 1, "reason": ""}
    )
    assert no_reason.status_code == 400 and "请写明撤回的原因" in no_reason.get_data(as_text=True)
    taken = client.post(
        f"/meetings/{m.id}/paper/withdraw",
        data={"stack": number, "sheet": 1, "reason": "把表A的票录进了表B", **CONFIRMED},
    )
    assert taken.status_code == 302
    assert results.meeting_results(m).returned == 1
    assert db.session.scalar(select(Comment.id)) is None  # its comment left with it
    listing = client.get(f"/meetings/{m.id}/paper").get_data(as_text=True)
    assert "已撤回：把表A的票录进了表B" in listing
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "paper.withdraw")
    ).one()
    assert "把表A的票录进了表B" in event.detail

    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    # Certifying forgets which sheet made which ballot; the log keeps who entered what.
    assert db.session.scalar(select(PaperSheet.id)) is None
    assert db.session.scalar(select(PaperStack.id)) is None
    for data in ({}, CONFIRMED):  # neither the question nor the confirmed post
        late = client.post(
            f"/meetings/{m.id}/paper/withdraw",
            data={"stack": number, "sheet": 2, "reason": "晚了", **data},
        )
        assert late.status_code == 409 and results.meeting_results(m).returned == 1


def _counted_stack(client, m, sheets):  # type: ignore[no-untyped-def]
    number = _new_stack(client, m)
    for f5, duty, activity, comment in sheets:
        client.post(f"/meetings/{m.id}/paper/{number}", data=_sheet(m, f5, duty, activity, comment))
    assert client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED).status_code == 302
    return number


def test_a_paper_ballot_over_marked_on_every_row_is_void(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    _counted_stack(client, m, [(("over_marked",) * 3, "over_marked", "over_marked", "")])
    ballot = db.session.scalars(select(Ballot)).one()
    assert ballot.is_form5_void and ballot.is_form6_void
    figures = results.meeting_results(m).as_dict()
    assert (figures["form5"]["B"]["void"], figures["form6"]["void"]) == (1, 1)
    slip7 = figures["slip7"]
    assert (slip7["returned"], slip7["valid"], slip7["void"], slip7["abstain"]) == (1, 0, 1, 0)


def _void(client, m, number, sheet, reason, **extra):  # type: ignore[no-untyped-def]
    data = {"void-stack": number, "void-sheet": sheet, "void-reason": reason, **extra}
    return client.post(f"/meetings/{m.id}/paper/void", data=data)


def test_tellers_void_a_counted_paper_ballot_by_decision_after_confirming(app, client, actions):
    m, owner = _setup(app)
    teller = factories.teller(m)
    actions.login_as(teller)
    number = _counted_stack(client, m, SHEETS[:2])
    listing = client.get(f"/meetings/{m.id}/paper").get_data(as_text=True)
    assert "作废一张纸质票（计票人决定）" in listing and "撤回一张录错的纸质票" in listing

    no_reason = _void(client, m, number, 1, "   ")
    html = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 400 and "请写明作废的原因，它会记入操作日志。" in html
    # The first post only asks: it shows the sheet as typed, and nothing changes yet.
    ask = _void(client, m, number, 1, "票面有记号")
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "确认作废第 1 叠第 1 张" in page
    assert "优×— / 好×" in page and 'name="void-confirmed" value="y"' in page
    assert results.meeting_results(m).as_dict()["slip7"]["void"] == 1  # sheet 2 only
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paper.void")).all()

    done = _void(client, m, number, 1, "票面有记号", **{"void-confirmed": "y"})
    assert done.status_code == 302
    figures = results.meeting_results(m).as_dict()
    slip7 = figures["slip7"]
    assert (slip7["returned"], slip7["valid"], slip7["void"], slip7["good"]) == (2, 0, 2, 0)
    counts = figures["form5"]["B"]["evaluees"][0]["counts"]
    assert (counts["excellent"], counts["invalid"]) == (0, 1)
    assert figures["form5"]["B"]["void"] == 1 and figures["form6"]["comments"] == 0
    listing = client.get(f"/meetings/{m.id}/paper").get_data(as_text=True)
    assert "已作废：票面有记号" in listing and "计票人决定作废 1 张" in listing
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paper.void")).one()
    assert event.user_id == teller.id and event.detail == "作废第 1 叠第 1 张：票面有记号"
    again = _void(client, m, number, 1, "再来一次", **{"void-confirmed": "y"})
    assert again.status_code == 400 and "已经作废过了" in again.get_data(as_text=True)

    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    late = _void(client, m, number, 2, "晚了", **{"void-confirmed": "y"})
    assert late.status_code == 409 and "结果已经确认" in late.get_data(as_text=True)
    assert results.meeting_results(m).as_dict()["slip7"]["void"] == 2
    printed = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert (
        '其中有效票<span class="blank ">0</span>张，废票<span class="blank ">2</span>张' in printed
    )


def test_certifying_waits_for_every_paper_stack(app, client, actions):
    m, owner = _setup(app, double=True, state=MeetingState.CLOSED)
    actions.login_as(factories.teller(m))
    number = _new_stack(client, m)  # paper is often counted after the box closed
    client.post(f"/meetings/{m.id}/paper/{number}", data=_sheet(m, *SHEETS[1]))
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    actions.login_as(owner)
    page = client.post(
        f"/meetings/{m.id}/certify", data={"counter_name": "甲", "scrutineer_name": "乙"}
    )
    assert page.status_code == 400 and "还有 1 叠纸质票没有录完" in page.get_data(as_text=True)
    assert db.session.get(Meeting, m.id).state == MeetingState.CLOSED


def test_an_entry_with_an_unknown_mark_is_refused_and_keeps_what_was_typed(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    number = _new_stack(client, m)
    data = _sheet(m, ("excellent", "great", "empty"), "good", "poor", "意见")
    page = client.post(f"/meetings/{m.id}/paper/{number}", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "这一张没有录进去" in html
    first = factories.evaluee_ids(m)[0]
    assert f'id="f5_{first}-excellent" name="f5_{first}" value="excellent" checked' in html
    assert "意见</textarea>" in html
    assert db.session.scalar(select(PaperSheet.id)) is None
    assert 'id="f6_activity-poor" name="f6_activity" value="poor" checked' in html
    # The summary comes first, links the refused row (its fieldset), says nothing was saved;
    # the row's message sits in the row.
    content = html[html.index('<main class="" id="main">') :]
    assert content.index('class="error-summary"') < content.index("<h1>")
    assert "有 1 处需要修改" in html
    second = factories.evaluee_ids(m)[1]
    assert f'<a href="#f5_{second}">表5 第 2 行 乙二：这一项的选择无法识别' in html
    assert f'href="#f5_{first}"' not in html
    assert_links_reach_fields(html)
    assert html.count('<p class="field-error">这一项的选择无法识别，请重新选择。</p>') == 1
    assert "<title>有错误：" in html


def test_paper_pages_are_for_the_meetings_staff_only(app, client, actions):
    m, _ = _setup(app)
    assert client.get(f"/meetings/{m.id}/paper").status_code == 302  # to the login page
    actions.login_as(factories.user(Role.TELLER, name="outsider"))
    assert client.post(f"/meetings/{m.id}/paper/stacks", data={"category": "B"}).status_code == 404


def test_blank_paper_forms_print_as_annexes_5_and_6_with_the_meeting_filled_in(
    app, client, actions
):
    m, owner = _setup(app)
    actions.login_as(owner)
    table_a = client.get(f"/print/{m.id}/paper/A?copies=3").get_data(as_text=True)
    assert table_a.count('<article class="paper-form">') == 3
    assert "测试镇</span>领导班子成员履职情况<br>综 合 测 评 表（A）" in table_a
    assert all(name in table_a for name in factories.NAMES[:3])
    assert "<th>优秀</th><th>称职</th><th>基本称职</th><th>不称职</th>" in table_a
    assert "每个测评对象只能选择一个，多选无效" in table_a
    table_b = client.get(f"/print/{m.id}/paper/B").get_data(as_text=True)
    assert "综 合 测 评 表（B）" in table_b and "本表为表B" in table_b
    form6 = client.get(f"/print/{m.id}/paper/6").get_data(as_text=True)
    assert "党组织名称：测试镇党委" in form6 and "甲一同志履行管党责任情况" in form6
    assert "<th>好</th><th>较好</th><th>一般</th><th>差</th>" in form6
    assert "评议意见或工作建议：" in form6
    only6 = factories.meeting(app, form5=False, unit_name="乙镇", owner=owner)
    assert client.get(f"/print/{only6.id}/paper/A").status_code == 404


def test_after_certifying_the_paper_page_gives_the_paper_ballots_counted(app, client, actions):
    m, owner = _setup(app)
    factories.cast(app, m, factories.slip_values(app, m, "B")[0])  # a phone ballot
    actions.login_as(factories.teller(m))
    number = _new_stack(client, m)
    for f5, duty, activity, comment in SHEETS:
        client.post(f"/meetings/{m.id}/paper/{number}", data=_sheet(m, f5, duty, activity, comment))
    client.post(f"/meetings/{m.id}/paper/{number}/finish", data=CONFIRMED)
    assert "<dt>已计入</dt><dd>3 张</dd>" in client.get(f"/meetings/{m.id}/paper").get_data(
        as_text=True
    )
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    page = client.get(f"/meetings/{m.id}/paper").get_data(as_text=True)
    assert "结果已确认：纸质票共计入 3 张（录入记录已按规定删除）" in page
    assert "已计入 0 张" not in page and "<dd>0 张</dd>" not in page


def test_finishing_or_discarding_a_stack_asks_first_and_does_nothing_until_confirmed(
    app, client, actions
):
    m = factories.meeting(app, a=0, b=2, members=1)
    actions.login_as(db.session.get(User, m.created_by_id))
    client.post(f"/meetings/{m.id}/paper/stacks", data={"category": "B"})
    sheet = {f"f5_{e}": "competent" for e in factories.evaluee_ids(m)}
    client.post(f"/meetings/{m.id}/paper/1", data={**sheet, "f6_duty": "good"})
    asked = client.post(f"/meetings/{m.id}/paper/1/finish")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "把第 1 叠计入结果？" in page
    assert "第一遍共录入 1 张" in page and 'name="confirmed" value="y"' in page
    assert db.session.query(Ballot).count() == 0  # nothing counted yet
    asked = client.post(f"/meetings/{m.id}/paper/1/discard").get_data(as_text=True)
    assert "删除第 1 叠？" in asked and db.session.get(PaperStack, 1) is not None
    client.post(f"/meetings/{m.id}/paper/1/finish", data=CONFIRMED)
    assert db.session.query(Ballot).count() == 1


def _withdraw(client, m, number, sheet, reason, **extra):  # type: ignore[no-untyped-def]
    data = {"stack": number, "sheet": sheet, "reason": reason, **extra}
    return client.post(f"/meetings/{m.id}/paper/withdraw", data=data)


def test_withdrawing_a_counted_sheet_asks_first_with_its_marks_and_reason(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    number = _counted_stack(client, m, SHEETS[:2])
    asked = _withdraw(client, m, number, 1, "把表A的票录进了表B")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确认撤回第 1 叠第 1 张？" in page
    assert "优×— / 好×" in page and "附有意见" in page and "撤回原因：把表A的票录进了表B" in page
    assert ">确认撤回</button>" in page and 'name="confirmed" value="y"' in page
    for name, value in (("stack", number), ("sheet", 1), ("reason", "把表A的票录进了表B")):
        assert f'name="{name}" value="{value}"' in page
    # Nothing happened yet.
    assert results.meeting_results(m).returned == 2
    assert db.session.scalar(select(Comment.id)) is not None
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "paper.withdraw")
    ).all()
    done = _withdraw(client, m, number, 1, "把表A的票录进了表B", **CONFIRMED)
    assert done.status_code == 302 and done.headers["Location"].endswith("/paper#counted")
    assert results.meeting_results(m).returned == 1
    # A sheet already withdrawn is refused at the question already.
    again = _withdraw(client, m, number, 1, "再撤一次")
    html = again.get_data(as_text=True)
    assert again.status_code == 400 and "第 1 叠第 1 张已经撤回过了" in html
    assert "确认撤回" not in html


def _content(html: str) -> str:
    return html[html.index('<main class="" id="main">') :]


def test_a_refused_withdraw_is_summarised_at_the_top_in_an_open_details(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    number = _counted_stack(client, m, SHEETS[:2])
    no_reason = _withdraw(client, m, number, 2, "")
    html = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 400
    content = _content(html)
    assert content.index('class="error-summary"') < content.index("<h1>")
    assert '<a href="#reason">撤回原因（记入操作日志）：请写明撤回的原因。</a>' in html
    assert_links_reach_fields(html)
    assert re.search(r'<details id="withdraw" open>', html)
    assert not re.search(r'<details id="void" open>', html)
    assert re.search(r'<input[^>]* id="stack"[^>]* value="1"', html)
    assert re.search(r'<input[^>]* id="sheet"[^>]* value="2"', html)
    assert '<p class="field-error" id="reason-error">请写明撤回的原因。</p>' in html
    assert not re.search(r'id="csrf_token"', html)
    # The service refuses a sheet that is not there: the typed reason stays.
    wrong = _withdraw(client, m, number, 9, "第九张录错了", **CONFIRMED)
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "第 1 叠没有第 9 张。" in html
    assert 'href="#sheet"' in html and "第九张录错了</textarea>" in html
    assert_links_reach_fields(html)
    assert re.search(r'<details id="withdraw" open>', html)
    assert results.meeting_results(m).returned == 2


def test_a_refused_void_is_summarised_at_the_top_in_an_open_details(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    number = _counted_stack(client, m, SHEETS[:2])
    refused = _void(client, m, number, 7, "票面有记号")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    content = _content(html)
    assert content.index('class="error-summary"') < content.index("<h1>")
    assert 'href="#void-sheet"' in html and "第 1 叠没有第 7 张。" in html
    assert_links_reach_fields(html)
    assert re.search(r'<details id="void" open>', html)
    assert not re.search(r'<details id="withdraw" open>', html)
    assert "票面有记号</textarea>" in html
    assert re.search(r'<input aria-describedby="void-sheet-error"[^>]* value="7"', html)
    empty = _void(client, m, number, 1, "")
    html = empty.get_data(as_text=True)
    assert '<a href="#void-reason">作废原因（记入操作日志）：' in html
    assert_links_reach_fields(html)


def test_a_withdraw_before_any_sheet_counted_still_shows_its_form(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    refused = _withdraw(client, m, 1, 1, "录错")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "没有已计入的第 1 叠。" in html
    assert_links_reach_fields(html)  # the summary's links have their fields on the page
    assert re.search(r'<details id="withdraw" open>', html) and "录错</textarea>" in html


def test_the_paper_lists_are_cards_with_a_label_on_every_cell(app, client, actions):
    m, _ = _setup(app)
    actions.login_as(factories.teller(m))
    number = _counted_stack(client, m, SHEETS[:2])
    for path in ("", f"/{number}"):
        html = client.get(f"/meetings/{m.id}/paper{path}").get_data(as_text=True)
        tables = re.findall(r'<table class="cards[^"]*">.*?</table>', html, re.S)
        assert tables, path
        for table in tables:
            body = table[table.index("<tbody>") :]
            cells = re.findall(r"<td[^>]*>", body)
            assert cells and all("data-label=" in c for c in cells), path
        assert "error-summary" not in html and "<details open" not in html
        assert not re.search(r'id="csrf_token"', html)
