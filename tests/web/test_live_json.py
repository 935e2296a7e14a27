"""GET /meetings/<id>/live.json: what a teller's phone polls; 304 while nothing changed."""

from ballot_app.domain.roles import Role

from .. import factories


def test_live_json_answers_304_until_a_change_a_teller_may_see(app, client, actions):
    m = factories.meeting(app, a=0, b=8, members=1)
    teller = factories.user(Role.TELLER, grp=factories.group())
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


def test_live_json_is_for_signed_in_staff_of_the_meetings_group(app, client, actions):
    m = factories.meeting(app)
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (302, 401)
    actions.login_as(
        factories.user(Role.TELLER, name="outsider", grp=factories.group("第二考核组"))
    )
    assert client.get(f"/meetings/{m.id}/live.json").status_code in (403, 404)
