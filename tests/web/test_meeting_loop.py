"""The whole loop through the pages: roster → meeting → slips → phone ballots → slip 7."""

from __future__ import annotations

import re

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Ballot, Meeting

from .. import factories


def _meeting_id(location: str) -> int:
    found = re.search(r"/meetings/(\d+)", location)
    assert found
    return int(found.group(1))


def test_organizer_runs_a_meeting_from_roster_to_slip7(app, client, actions):
    organizer = factories.user(Role.ORGANIZER)
    actions.login_as(organizer)

    r = client.post("/units", data={"name": "白鹭乡", "kind": "township", "party_org_name": ""})
    assert r.status_code == 302
    unit_url = r.headers["Location"]
    for name, post, secretary in (
        ("甲一", "党委书记", "y"),
        ("乙二", "乡长", ""),
        ("丙三", "副乡长", ""),
    ):
        data = {"name": name, "post": post, "portfolio": "分管"}
        if secretary:
            data["is_secretary"] = "y"
        assert client.post(unit_url + "/members", data=data).status_code == 302
    page = client.get(unit_url).get_data(as_text=True)
    assert "甲一" in page and "党组织书记" in page

    unit_id = int(unit_url.rstrip("/").split("/")[-1])
    r = client.post(
        f"/meetings/new/{unit_id}",
        data={
            "title": "白鹭乡述职测评大会",
            "held_on": "2026-12-01",
            "form5": "y",
            "form6": "y",
            "count_a": "2",
            "count_b": "3",
        },
    )
    assert r.status_code == 302
    meeting_id = _meeting_id(r.headers["Location"])
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "准备就绪" in page and "乙二" in page

    # Reorder: 丙三 goes up above 乙二.
    meeting = db.session.get(Meeting, meeting_id)
    third = meeting.evaluees[2].id
    client.post(f"/meetings/{meeting_id}/evaluees/{third}/move/-1")
    db.session.expire_all()
    assert [e.name for e in db.session.get(Meeting, meeting_id).evaluees] == [
        "甲一",
        "丙三",
        "乙二",
    ]

    sheet = client.get(f"/print/{meeting_id}/slips?batch=1")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    assert text.count('class="slip cat-A"') == 2 and text.count('class="slip cat-B"') == 3
    assert "<svg" in text and "@page" in text and "在浏览器打开" in text

    assert client.post(f"/meetings/{meeting_id}/open").status_code == 302
    meeting = db.session.get(Meeting, meeting_id)
    values = factories.slip_values(app, meeting)
    voter = app.test_client()
    for value in values:
        page = voter.get(f"/v/{value}")
        assert page.status_code == 200
        r = factories.Actions(app, voter).vote(
            meeting, value, form5="competent", duty="fairly_good"
        )
        assert r.status_code == 303
        receipt = voter.get(r.headers["Location"])
        assert "投票成功" in receipt.get_data(as_text=True)
    assert db.session.query(Ballot).count() == 5

    assert client.post(f"/meetings/{meeting_id}/close").status_code == 302
    slip7 = client.get(f"/print/{meeting_id}/slip7").get_data(as_text=True)
    assert "民主测评结果报告单" in slip7
    assert re.search(r"共发出民主测评票<span class=\"blank \">5</span>张", slip7)
    assert 'class="blank ">100.00</span>%' in slip7
    form5 = client.get(f"/print/{meeting_id}/form5").get_data(as_text=True)
    assert "称职以上率" in form5 and "100.00%" in form5
