"""The meeting records its 参加人员 per category; their sum is slip 7's 评议人员."""

from __future__ import annotations

from ballot_app.extensions import db

from .. import factories

CONFIRM = {"confirmed": "y"}


def _settings(m, **extra):
    return {
        "secretary_name": m.secretary_name,
        "paper_issued": "0",
        "live_step": "5",
        "pass_rate_base": "valid",
        **extra,
    }


def test_a_townships_categories_add_up_to_slip_7s_participants(app, client, actions):
    m = factories.meeting(app, a=1, b=3)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "企事业单位和村（社区）主要负责人" in page and "党代表、人大代表、政协委员" in page
    saved = client.post(
        f"/meetings/{m.id}/settings",
        data=_settings(
            m,
            att_staff="40",
            att_heads="8",
            att_clients="6",
            att_local_heads="12",
            att_deputies="5",
            participants="999",
        ),
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert m.participants == 71
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert 'name="att_staff" type="text" value="40"' in page or 'value="40"' in page
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    slip7 = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert '共有评议人员<span class="blank ">71</span>人' in slip7


def test_without_categories_the_typed_total_stays_and_a_bad_count_keeps_the_rest(
    app, client, actions
):
    m = factories.meeting(app, a=1, b=3)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    assert (
        client.post(f"/meetings/{m.id}/settings", data=_settings(m, participants="30")).status_code
        == 302
    )
    db.session.expire_all()
    assert (m.participants, m.attendance) == (30, None)
    bad = client.post(
        f"/meetings/{m.id}/settings", data=_settings(m, att_staff="-3", att_heads="7")
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "人数" in page and 'value="7"' in page
    db.session.expire_all()
    assert m.participants == 30
