"""What staff created they can correct on the pages: rename or delete a unit and a draft
meeting, archive what holds ballots, and a second entry of the same name is asked about."""

from sqlalchemy import func, select

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import Ballot, Meeting, Unit, User

from .. import factories

CONFIRM = {"confirmed": "y"}


def _owner_of(actions, m: Meeting) -> User:
    owner = db.session.get(User, m.created_by_id)
    actions.login_as(owner)
    return owner


def test_a_unit_is_renamed_on_its_edit_page_and_a_clash_keeps_what_was_typed(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner = _owner_of(actions, m)
    factories.unit(owner, name="西山镇", members=0)
    page = client.get(f"/units/{m.unit_id}").get_data(as_text=True)
    assert f'href="/units/{m.unit_id}/edit"' in page
    data = {"name": "西山镇", "kind": "township", "party_org_name": ""}
    refused = client.post(f"/units/{m.unit_id}/edit", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "已有单位「西山镇」" in html
    assert 'href="#name"' in html and 'value="西山镇"' in html
    client.post(f"/units/{m.unit_id}/edit", data={**data, "name": "东山街道"})
    assert db.session.get(Unit, m.unit_id).name == "东山街道"


def test_deleting_a_unit_asks_first_and_a_unit_with_ballots_is_only_archived(app, client, actions):
    m = factories.meeting(app)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    _owner_of(actions, m)
    refused = client.post(f"/units/{m.unit_id}/delete")  # refused at once, not asked
    assert refused.status_code == 409 and "只能归档" in refused.get_data(as_text=True)
    empty = factories.unit(db.session.get(User, m.created_by_id), name="空白镇", members=0)
    asked = client.post(f"/units/{empty.id}/delete").get_data(as_text=True)
    assert "删除单位「空白镇」？" in asked and db.session.get(Unit, empty.id) is not None
    client.post(f"/units/{empty.id}/delete", data=CONFIRM)
    db.session.expire_all()
    assert db.session.get(Unit, empty.id) is None
    client.post(f"/meetings/{m.id}/close", data=CONFIRM)
    client.post(f"/units/{m.unit_id}/archive")
    home = client.get("/").get_data(as_text=True)
    assert "已归档的单位（1 个）" in home
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_a_draft_meeting_is_renamed_and_deleted_from_its_edit_page(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    _owner_of(actions, m)
    assert f'href="/meetings/{m.id}/edit"' in client.get(f"/meetings/{m.id}").get_data(as_text=True)
    client.post(f"/meetings/{m.id}/edit", data={"title": "更正后的会议", "held_on": "2026-12-09"})
    assert db.session.get(Meeting, m.id).title == "更正后的会议"
    asked = client.post(f"/meetings/{m.id}/delete").get_data(as_text=True)
    assert "删除会议草稿「更正后的会议」？" in asked and "已生成测评码 6 张" in asked
    meeting_id = m.id
    client.post(f"/meetings/{meeting_id}/delete", data=CONFIRM)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id) is None


def test_a_closed_meeting_is_archived_off_the_unit_list_and_restored(app, client, actions):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    _owner_of(actions, m)
    client.post(f"/meetings/{m.id}/archive")
    page = client.get(f"/units/{m.unit_id}").get_data(as_text=True)
    assert "已归档的会议（1 次）" in page and "还没有测评会议" in page
    assert "这次会议已归档" in client.get(f"/meetings/{m.id}").get_data(as_text=True)
    client.post(f"/meetings/{m.id}/restore")
    assert "已归档的会议" not in client.get(f"/units/{m.unit_id}").get_data(as_text=True)


def test_a_second_member_of_the_same_name_shows_a_box_to_confirm(app, client, actions):
    owner = factories.user()
    unit = factories.unit(owner, members=1)
    actions.login_as(owner)
    twin = {"name": unit.members[0].name, "post": "副镇长"}
    warned = client.post(f"/units/{unit.id}/members", data=twin)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 400 and "已有同名成员" in html
    assert 'id="confirm_duplicate"' in html and 'href="#confirm_duplicate"' in html
    assert 'value="副镇长"' in html  # what was typed stays
    client.post(f"/units/{unit.id}/members", data={**twin, "confirm_duplicate": "y"})
    db.session.expire_all()
    assert len(db.session.get(Unit, unit.id).members) == 2


def test_a_second_meeting_with_the_same_title_and_date_shows_a_box_to_confirm(app, client, actions):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    _owner_of(actions, m)
    data = {"title": m.title, "held_on": str(m.held_on), "form5": "y", "count_a": 0, "count_b": 0}
    warned = client.post(f"/meetings/new/{m.unit_id}", data=data).get_data(as_text=True)
    assert "已有一次" in warned and 'id="confirm_duplicate"' in warned
    done = client.post(f"/meetings/new/{m.unit_id}", data={**data, "confirm_duplicate": "y"})
    assert done.status_code == 302
