"""The same pages serve tellers' and organizers' phones: no sideways scrolling at 390 px and
no serious or critical axe-core violation on the pages they use in the hall."""

import pytest

from ballot_app.extensions import db

from .. import factories
from .conftest import PHONE, log_in, look


@pytest.mark.slow
def test_staff_pages_on_a_phone(app, browser, live_server):
    m = factories.meeting(app, a=2, b=4, members=3)
    teller = factories.teller(m, name="jipiao")
    owner = db.session.get(factories.User, m.created_by_id)
    meeting_id, organizer, counter = m.id, owner.username, teller.username
    db.session.remove()
    for username, paths in (
        (organizer, ["/", f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/results"]),
        (counter, [f"/meetings/{meeting_id}/live", f"/meetings/{meeting_id}/paper"]),
    ):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        look(page, "staff-login")
        log_in(page, live_server, username)
        for path in paths:
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            look(page, "staff" + path.replace("/", "-"))
        if username == counter:
            page.click("button:has-text('开始录入这一叠')")
            page.wait_for_selector("#entry")
            look(page, "staff-paper-entry")
        context.close()
