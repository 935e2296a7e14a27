"""GET /meetings/<id>/live.json and /live: what a teller's phone polls and shows; 304 while
nothing changed; no choice shown before k ballots of its table are in."""

import re

from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import User
from ballot_app.services import meetings, results

from .. import factories

#: A choice count drawn on the board: a label beside its number.
CHOICE_LINE = re.compile(r"<span>(优秀|称职|基本称职|不称职|好|较好|一般|差)</span><strong>\d+")


def _cast(app, m, table: str, n: int) -> None:
    for value in factories.slip_values(app, m, table)[:n]:
        factories.cast(app, m, value)


def _board(client, m) -> str:
    return client.get(f"/meetings/{m.id}/live").get_data(as_text=True)


def test_live_json_answers_304_until_a_change_a_teller_may_see(app, client, actions):
    m = factories.meeting(app, a=0, b=8, members=1)
    actions.login_as(factories.teller(m))
    first = client.get(f"/meetings/{m.id}/live.json")
    assert first.status_code == 200 and first.json["live"]["returned"] == 0
    etag = first.headers["ETag"]
    again = client.get(f"/meetings/{m.id}/live.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    _cast(app, m, "B", 1)
    changed = client.get(f"/meetings/{m.id}/live.json", headers={"If-None-Match": etag})
    # Turnout is live, so one ballot changes the answer; the results are not shown yet.
    assert changed.status_code == 200 and changed.json["tokens"]["used"] == 1
    assert changed.json["live"]["results_ballots"] == 0


def test_with_one_ballot_in_the_box_neither_json_nor_page_shows_a_choice(app, client, actions):
    m = factories.meeting(app, a=2, b=6, members=2)
    actions.login_as(factories.teller(m))
    _cast(app, m, "A", 1)
    data = client.get(f"/meetings/{m.id}/live.json").json
    assert data["tokens"]["by_category"]["A"]["used"] == 1
    assert all(e["counts"] is None for part in data["form5"].values() for e in part["evaluees"])
    assert data["form6"]["items"] == {"duty": None, "activity": None}
    assert data["slip7"]["good"] is None and data["slip7"]["pass_rate"] is None
    page = _board(client, m)
    assert "合计收回</span><strong>1 / 8" in page and not CHOICE_LINE.search(page)
    assert "表A（班子成员）收回满 5 票后显示结果（现已收回 1 票）" in page
    assert "表6收回满 5 票后显示结果（现已收回 1 票）" in page


def test_a_table_appears_on_the_page_at_its_fifth_ballot(app, client, actions):
    m = factories.meeting(app, a=3, b=8, members=2)
    actions.login_as(factories.teller(m))
    assert "表B（非班子成员）收回满 5 票后显示结果（现已收回 0 票）" in _board(client, m)
    _cast(app, m, "B", 4)
    at_4 = _board(client, m)
    assert "表B（非班子成员）收回满 5 票后显示结果（现已收回 4 票）" in at_4
    assert not CHOICE_LINE.search(at_4)
    _cast(app, m, "B", 1)
    at_5 = _board(client, m)
    assert "表B（非班子成员）：以下是收回 5 票时的结果，收回满 10 票时更新" in at_5
    assert "表A（班子成员）收回满 5 票后显示结果（现已收回 0 票）" in at_5
    assert "A、B 合计：目前只含表B的 5 票（表A收回满 5 票后计入）" in at_5
    assert "<span>优秀</span><strong>5</strong>" in at_5
    assert "表6 群众评议（5 票）" in at_5 and "<span>好</span><strong>5</strong>" in at_5
    assert "每再收回 5 票更新一次" in at_5


def test_a_turnout_only_meeting_shows_turnout_and_no_results(app, client, actions):
    m = factories.meeting(app, a=0, b=8, members=1, state=MeetingState.DRAFT)
    m.live_turnout_only = True
    db.session.commit()
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.OPEN)
    actions.login_as(factories.teller(m))
    _cast(app, m, "B", 6)
    page = _board(client, m)
    assert "合计收回</span><strong>6 / 8" in page and "只显示收回情况" in page
    assert not CHOICE_LINE.search(page) and "表5 班子成员测评" not in page
    data = client.get(f"/meetings/{m.id}/live.json").json
    assert data["live"]["turnout_only"] and data["form5"]["combined"]["ballots"] is None
    assert data["form6"]["comments"] is None


def test_live_json_is_for_signed_in_staff_and_tellers_assigned_to_the_meeting(app, client, actions):
    m = factories.meeting(app)
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (302, 401)
    actions.login_as(factories.user(Role.TELLER, name="outsider", grp=factories.group()))
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (403, 404)


def test_live_page_draws_bars_and_the_projector_shows_turnout_only_until_close(
    app, client, actions
):
    m = factories.meeting(app, a=2, b=6, members=2)
    actions.login_as(factories.teller(m))
    _cast(app, m, "B", 5)
    page = _board(client, m)
    assert "现场计票" in page and "js/live.js" in page and 'class="bar"' in page
    assert "合计收回</span><strong>5 / 8" in page and "表5 班子成员测评" in page
    projector = client.get(f"/meetings/{m.id}/live?projector=1").get_data(as_text=True)
    assert "合计收回" in projector and "表5 班子成员测评" not in projector
    board = client.get(f"/meetings/{m.id}/live?board=1")
    again = client.get(
        f"/meetings/{m.id}/live?board=1", headers={"If-None-Match": board.headers["ETag"]}
    )
    assert again.status_code == 304
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    closed = client.get(f"/meetings/{m.id}/live?projector=1").get_data(as_text=True)
    assert "最终结果（5 票）" in closed and "A、B 合计（5 票）" in closed


def test_the_live_count_keeps_working_with_shares_in_the_parts_it_copies(app, client, actions):
    m = factories.meeting(app, a=5, b=2, members=2)
    actions.login_as(factories.teller(m))
    _cast(app, m, "A", 5)
    shown = client.get(f"/meetings/{m.id}/live.json").json
    table_a = shown["form5"]["A"]["evaluees"][0]
    assert table_a["counts"]["excellent"] == 5 and table_a["shares"]["excellent"] == "100.00"
    assert "表A（班子成员）：以下是收回 5 票时的结果" in _board(client, m)
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    closed = client.get(f"/meetings/{m.id}/live.json").json
    assert closed["form5"] == results.meeting_results(m).as_dict()["form5"]
    assert closed["form6"]["shares"]["duty"]["good"] == "100.00"
    assert closed["form5"]["combined"]["evaluees"][1]["shares"]["excellent"] == "100.00"


def test_a_meeting_without_table_a_shows_its_one_table_not_a_half_empty_combined(
    app, client, actions
):
    m = factories.meeting(app, a=0, b=6, members=1)
    actions.login_as(db.session.get(User, m.created_by_id))
    for value in factories.slip_values(app, m)[:5]:
        factories.cast(app, m, value)
    page = client.get(f"/meetings/{m.id}/live").get_data(as_text=True)
    assert "表B（5 票）" in page and "A、B 合计" not in page
