"""Rehearsal (演练) through the pages an organizer and a phone use: every page and print of
a rehearsal says 「演练」, 「结束演练」 asks first, then the box is back at 0 and a rehearsal
slip says the rehearsal is over."""

import re

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import Meeting
from ballot_app.services import rehearsal

from .. import factories

BANNER = "这是演练：票、纸条和结果都不计入正式结果"


def _start(actions, app):
    owner = factories.user()
    real = factories.meeting(app, state=MeetingState.DRAFT, owner=owner)
    actions.login_as(owner)
    page = actions.client.get(f"/meetings/{real.id}").get_data(as_text=True)
    assert "开始演练" in page and BANNER not in page
    r = actions.client.post(f"/meetings/{real.id}/rehearsal")
    assert r.status_code == 302
    found = rehearsal.rehearsal_of(real)
    assert r.headers["Location"].endswith(f"/meetings/{found.id}")
    return owner, real, found


def test_every_page_and_print_of_a_rehearsal_says_so(actions, app):
    _, real, r = _start(actions, app)
    c = actions.client
    page = c.get(f"/meetings/{r.id}").get_data(as_text=True)
    assert BANNER in page and f"这是「{real.title}」的演练" in page and "结束演练" in page
    assert "更正名称和日期，或删除这个草稿" not in page
    assert c.post(f"/meetings/{r.id}/slips", data={"count_a": 2, "count_b": 3}).status_code == 302
    sheet = c.get(f"/print/{r.id}/slips").get_data(as_text=True)
    assert sheet.count('class="slip-rehearsal"') == 5 and "演练用，不是正式测评码" in sheet
    assert c.post(f"/meetings/{r.id}/open", data={"confirmed": "y"}).status_code == 302
    value = factories.slip_values(app, r)[0]
    ballot = c.get(f"/v/{value}")
    assert ballot.status_code == 200 and BANNER in ballot.get_data(as_text=True)
    actions.vote(r, value)
    for address in (f"/meetings/{r.id}/live", f"/meetings/{r.id}/live?projector=1"):
        assert BANNER in c.get(address).get_data(as_text=True), address
    assert c.post(f"/meetings/{r.id}/close", data={"confirmed": "y"}).status_code == 302
    assert BANNER in c.get(f"/meetings/{r.id}/paper").get_data(as_text=True)
    opened = c.post(f"/meetings/{r.id}/paper/stacks", data={"category": "A"})
    assert opened.status_code == 302
    assert BANNER in c.get(opened.headers["Location"]).get_data(as_text=True)  # paper entry
    assert BANNER in c.get(f"/meetings/{r.id}/results").get_data(as_text=True)
    for address in (f"/print/{r.id}/slip7", f"/print/{r.id}/form5"):
        printed = c.get(address).get_data(as_text=True)
        assert 'class="rehearsal-mark"' in printed, address
    shown = c.get(f"/meetings/{r.id}").get_data(as_text=True)
    assert "演练的结果不能确认" in shown
    # The unit's page lists the real meeting only.
    unit_page = c.get(f"/units/{real.unit_id}").get_data(as_text=True)
    assert unit_page.count(f'href="/meetings/{real.id}"') >= 1
    assert f'href="/meetings/{r.id}"' not in unit_page


def test_ending_the_rehearsal_asks_first_then_wipes_it_and_the_box_is_at_zero(actions, app):
    _, real, r = _start(actions, app)
    c = actions.client
    c.post(f"/meetings/{r.id}/slips", data={"count_a": 1, "count_b": 2})
    c.post(f"/meetings/{r.id}/open", data={"confirmed": "y"})
    value, other = factories.slip_values(app, r)[:2]
    actions.vote(r, value)
    asked = c.post(f"/meetings/{r.id}/rehearsal/end")
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "结束演练？" in text and "确认结束演练并清除" in text
    assert db.session.get(Meeting, r.id) is not None  # nothing happened yet
    done = c.post(f"/meetings/{r.id}/rehearsal/end", data={"confirmed": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/meetings/{real.id}")
    page = c.get(f"/meetings/{real.id}").get_data(as_text=True)
    assert "演练已结束：清除了 1 张票、3 张演练纸条。正式会议的投票箱是 0 票。" in page
    assert "开始演练" in page and BANNER not in page
    db.session.expire_all()
    assert db.session.get(Meeting, r.id) is None
    for used in (value, other):
        refused = c.get(f"/v/{used}")
        assert "这是演练用的纸条，演练已结束" in refused.get_data(as_text=True)
    assert c.get(f"/meetings/{r.id}").status_code == 404


def test_simulated_phones_are_asked_for_on_the_rehearsal_page(actions, app):
    _, _, r = _start(actions, app)
    c = actions.client
    c.post(f"/meetings/{r.id}/slips", data={"count_a": 1, "count_b": 1})
    c.post(f"/meetings/{r.id}/open", data={"confirmed": "y"})
    page = c.get(f"/meetings/{r.id}").get_data(as_text=True)
    assert "模拟手机投票" in page
    refused = c.post(f"/meetings/{r.id}/rehearsal/simulate", data={"count": "0"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "error-summary" in text
    assert re.search(r'name="count"[^>]*value="0"', text)  # what was typed stays
    asked = c.post(f"/meetings/{r.id}/rehearsal/simulate", data={"count": "4"})
    assert asked.status_code == 302
    assert "4 部模拟手机开始投票" in c.get(f"/meetings/{r.id}").get_data(as_text=True)


def test_a_real_meetings_page_offers_no_simulation_and_refuses_one(actions, app):
    owner = factories.user()
    real = factories.meeting(app, state=MeetingState.DRAFT, owner=owner)
    actions.login_as(owner)
    page = actions.client.get(f"/meetings/{real.id}").get_data(as_text=True)
    assert "模拟手机投票" not in page
    r = actions.client.post(f"/meetings/{real.id}/rehearsal/simulate", data={"count": "4"})
    assert r.status_code == 409
