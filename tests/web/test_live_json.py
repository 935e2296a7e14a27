"""GET /meetings/<id>/live.json: what a teller's phone polls; 304 while nothing changed."""

from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import User
from ballot_app.services import meetings

from .. import factories


def test_live_json_answers_304_until_a_change_a_teller_may_see(app, client, actions):
    m = factories.meeting(app, a=0, b=8, members=1)
    teller = factories.teller(m)
    actions.login_as(teller)
    first = client.get(f"/meetings/{m.id}/live.json")
    assert first.status_code == 200 and first.json["live"]["returned"] == 0
    etag = first.headers["ETag"]
    assert (
        client.get(f"/meetings/{m.id}/live.json", headers={"If-None-Match": etag}).status_code
        == 304
    )
    factories.cast(app, m, factories.slip_values(app, m)[0])
    changed = client.get(f"/meetings/{m.id}/live.json", headers={"If-None-Match": etag})
    # Turnout is live, so one ballot changes the answer; the results stay at the held step.
    assert changed.status_code == 200 and changed.json["tokens"]["used"] == 1
    assert changed.json["live"]["results_ballots"] == 0


def test_live_json_is_for_signed_in_staff_and_tellers_assigned_to_the_meeting(app, client, actions):
    m = factories.meeting(app)
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (302, 401)
    actions.login_as(factories.user(Role.TELLER, name="outsider", grp=factories.group()))
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (403, 404)


def test_live_page_draws_bars_and_the_projector_shows_turnout_only_until_close(
    app, client, actions
):
    m = factories.meeting(app, a=2, b=4, members=2)
    actions.login_as(factories.teller(m))
    for value in factories.slip_values(app, m)[:5]:
        factories.cast(app, m, value)
    page = client.get(f"/meetings/{m.id}/live").get_data(as_text=True)
    assert "现场计票" in page and "js/live.js" in page and 'class="bar"' in page
    assert "合计收回</span><strong>5 / 6" in page and "表5 班子成员测评" in page
    assert "每新增 5 票以上才更新一次" in page
    projector = client.get(f"/meetings/{m.id}/live?projector=1").get_data(as_text=True)
    assert "合计收回" in projector and "表5 班子成员测评" not in projector
    board = client.get(f"/meetings/{m.id}/live?board=1")
    again = client.get(
        f"/meetings/{m.id}/live?board=1", headers={"If-None-Match": board.headers["ETag"]}
    )
    assert again.status_code == 304
    owner = db.session.get(User, m.created_by_id)
    meetings.transition(owner, m, Transition.CLOSE)
    closed = client.get(f"/meetings/{m.id}/live?projector=1").get_data(as_text=True)
    assert "最终结果（5 票）" in closed and "表5 班子成员测评" in closed
