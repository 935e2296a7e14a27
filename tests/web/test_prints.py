"""The printed result tables: form 5 and form 6 with the 计票人 and 监票人 once certified,
shares beside the counts, and the note where a table rests on fewer than 3 ballots."""

import re
from decimal import Decimal

import pytest

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import User

from .. import factories

FEW = "不足 3 张，各项结果可能暴露个人意见"
#: (form 5 mark for every evaluee, duty, activity, comment) per ballot, all on table B.
BALLOTS = [
    ("excellent", "good", "fairly_good", "多下基层"),
    ("competent", "good", "average", ""),
    (None, "fairly_good", None, "会议少一点"),
    ("excellent", "poor", "good", ""),
]


def _closed(app, ballots=BALLOTS, **kw):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=1, b=len(ballots), members=2, **kw)
    for value, (form5, duty, activity, comment) in zip(
        factories.slip_values(app, m, "B"), ballots, strict=False
    ):
        factories.cast(app, m, value, form5=form5, duty=duty, activity=activity, comment=comment)
    owner = db.session.get(User, m.created_by_id)
    factories.meetings.transition(owner, m, Transition.CLOSE)
    return m, owner


def _cell(html: str, label: str, after: str = "") -> list[str]:
    """The cells after the one naming `label` in the first such row after `after`, as text."""
    row = re.search(rf"<td>{label}</td>(.*?)</tr>", html[html.index(after) :], re.S)
    assert row, f"no row {label}"
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


def test_the_certified_form5_print_names_the_counter_and_the_scrutineer(app, client, actions):
    m, owner = _closed(app)
    actions.login_as(owner)
    before = client.get(f"/print/{m.id}/form5").get_data(as_text=True)
    assert "计票人：（签名）" in before and "监票人：（签名）" in before
    assert "计票甲" not in before
    factories.meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    signed = client.get(f"/print/{m.id}/form5").get_data(as_text=True)
    assert '计票人：（签名）<span class="blank name">计票甲</span>' in signed
    assert '监票人：（签名）<span class="blank name">监票乙</span>' in signed


def test_the_form6_print_gives_each_items_counts_ballots_void_comments_and_names(
    app, client, actions
):
    m, owner = _closed(app)
    factories.meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    actions.login_as(owner)
    page = client.get(f"/print/{m.id}/form6")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "测试镇党组织书记履行管党责任情况及<br>党组织开展创先争优活动群众评议结果" in html
    assert "测试会议 · 2026 年 12 月 1 日" in html
    assert "表6：收回 4 张，其中本表废票 0 张；评议意见 2 条" in html
    # 好 / 较好 / 一般 / 差 / 弃权 / 多选无效, each count with its share of the four grades + 弃权
    assert _cell(html, "甲一同志履行管党责任情况") == [
        "2（50.00%）",
        "1（25.00%）",
        "0（0.00%）",
        "1（25.00%）",
        "0（0.00%）",
        "0",
    ]
    assert _cell(html, "党组织开展创先争优活动情况") == [
        "1（25.00%）",
        "1（25.00%）",
        "1（25.00%）",
        "0（0.00%）",
        "1（25.00%）",
        "0",
    ]
    assert '计票人：（签名）<span class="blank name">计票甲</span>' in html
    assert '监票人：（签名）<span class="blank name">监票乙</span>' in html
    assert FEW not in html


def test_the_results_page_links_the_form6_print_beside_the_others(app, client, actions):
    m, owner = _closed(app)
    actions.login_as(owner)
    html = client.get(f"/meetings/{m.id}/results").get_data(as_text=True)
    for name in ("slip7", "form5", "form6"):
        assert f'href="/print/{m.id}/{name}"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("other teller", 404), ("teller", 200)],
)
def test_the_form6_print_has_form5s_access_rules(app, client, actions, who, status):
    m, _ = _closed(app)
    if who == "outsider":
        actions.login_as(factories.user(Role.ORGANIZER, grp=factories.group("第二考核组")))
    elif who == "other teller":
        actions.login_as(factories.user(Role.TELLER, name="elsewhere"))
    elif who == "teller":
        actions.login_as(factories.teller(m))
    for name in ("form5", "form6"):
        assert client.get(f"/print/{m.id}/{name}").status_code == status


def test_the_form6_print_stays_sealed_while_the_box_is_open(app, client, actions):
    m = factories.meeting(app)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    actions.login_as(db.session.get(User, m.created_by_id))
    assert client.get(f"/print/{m.id}/form6").status_code == 409


def test_form5_shares_in_the_table_and_the_json_add_up_to_100(app, client, actions):
    m, owner = _closed(app, ballots=BALLOTS[:3])  # excellent, competent, 弃权
    actions.login_as(owner)
    printed = client.get(f"/print/{m.id}/form5").get_data(as_text=True)
    assert "括号内为占比" in printed
    # 优秀 / 称职 / 基本称职 / 不称职 / 弃权: thirds, the largest remainder goes to the first
    cells = _cell(printed, "甲一", after="表B（非班子成员）：收回 3 张")
    assert cells[1:7] == [
        "1（33.34%）",
        "1（33.33%）",
        "0（0.00%）",
        "0（0.00%）",
        "1（33.33%）",
        "0",
    ]
    page = client.get(f"/meetings/{m.id}/results").get_data(as_text=True)
    assert _cell(page, "甲一", after="表B（非班子成员）：收回 3 张")[1:7] == cells[1:7]
    data = client.get(f"/meetings/{m.id}/tally.json").get_json()
    for line in data["form5"]["B"]["evaluees"] + data["form5"]["combined"]["evaluees"]:
        shares = line["shares"]
        assert shares == {
            "excellent": "33.34",
            "competent": "33.33",
            "basically_competent": "0.00",
            "incompetent": "0.00",
            "abstain": "33.33",
        }
        assert sum(Decimal(v) for v in shares.values()) == Decimal("100.00")
    assert all(line["shares"] is None for line in data["form5"]["A"]["evaluees"])
    for item in ("duty", "activity"):
        assert sum(Decimal(v) for v in data["form6"]["shares"][item].values()) == Decimal("100")


def test_tables_on_fewer_than_3_ballots_say_so_on_form6_and_the_live_board(app, client, actions):
    m, owner = _closed(app, ballots=BALLOTS[:2])
    actions.login_as(owner)
    for path in (f"/meetings/{m.id}/results", f"/print/{m.id}/form6"):
        html = client.get(path).get_data(as_text=True)
        assert "表6：收回 2 张" in html and f"本表只有 2 张票，{FEW}" in html
    board = client.get(f"/meetings/{m.id}/live").get_data(as_text=True)
    assert "投票箱已关闭：以下为最终结果（2 票）" in board
    # A、B 合计, 表B in the per-table view (表A has no ballot: nothing to protect), and 表6
    assert board.count("注意：这里只有 2 张票，不足 3 张，结果可能暴露个人意见") == 3
    assert "表6 群众评议（2 票）" in board


def test_a_live_board_on_three_ballots_or_more_has_no_few_ballots_note(app, client, actions):
    m, owner = _closed(app, ballots=BALLOTS[:3])
    actions.login_as(owner)
    assert "不足 3 张" not in client.get(f"/meetings/{m.id}/live").get_data(as_text=True)
    assert FEW not in client.get(f"/print/{m.id}/form6").get_data(as_text=True)


def test_the_form6_print_of_a_meeting_without_form6_says_so(app, client, actions):
    m, owner = _closed(app, form6=False)
    actions.login_as(owner)
    html = client.get(f"/print/{m.id}/form6").get_data(as_text=True)
    assert "本次会议没有启用表6。" in html and "<table" not in html
    assert f'href="/print/{m.id}/form6"' not in client.get(f"/meetings/{m.id}/results").get_data(
        as_text=True
    )


def test_a_certified_state_alone_prints_the_names(app, client, actions):
    """A closed meeting whose names were typed somewhere keeps blank lines until certified."""
    m, owner = _closed(app)
    m.counter_name, m.scrutineer_name = "草稿甲", "草稿乙"
    db.session.commit()
    actions.login_as(owner)
    assert m.state == MeetingState.CLOSED
    for name in ("form5", "form6"):
        assert "草稿甲" not in client.get(f"/print/{m.id}/{name}").get_data(as_text=True)
