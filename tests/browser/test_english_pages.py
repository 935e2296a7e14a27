"""The staff pages in English (docs/i18n.md), in Chromium at 390 and 1280 px: the meeting
page, the live page and an error summary read in English, but for the data."""

import re

import pytest

from ballot_app.extensions import db
from ballot_app.models import User

from .. import factories
from .conftest import PHONE, log_in, look

DESKTOP = {"width": 1280, "height": 900}
CJK = re.compile(r"[\u3400-\u9fff]+")


def _chinese_left(page, data: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    text = page.evaluate(
        """() => { const main = document.body.cloneNode(true);
        main.querySelectorAll('[lang="zh-CN"]').forEach(e => e.remove());
        return main.innerText; }"""
    )
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return sorted(set(CJK.findall(re.sub(r"“[^”]*”", " ", text))))


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_meeting_page_live_page_and_an_error_summary_read_in_english(
    app, browser, live_server, viewport
):
    owner = factories.user(name="organiser")
    m = factories.meeting(app, owner=owner, members=3)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    db.session.get(User, owner.id).locale = "en"
    db.session.commit()
    data = [m.title, m.unit.name, *(e.name for e in m.evaluees), *(e.post for e in m.evaluees)]
    data += [m.unit.party_org_name, m.secretary_name, owner.display_name]
    meeting_id, unit_id = m.id, m.unit_id
    db.session.remove()
    width = viewport["width"]

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server}/meetings/{meeting_id}")
    assert page.get_attribute("html", "lang") == "en"
    assert _chinese_left(page, data) == []
    look(page, f"english-meeting-{width}")

    page.goto(f"{live_server}/meetings/{meeting_id}/live")
    page.wait_for_function(
        "() => document.querySelector('#live-status').innerText.includes(' · ')", timeout=10000
    )
    assert _chinese_left(page, data) == []
    look(page, f"english-live-{width}")

    page.goto(f"{live_server}/meetings/new/{unit_id}")
    page.fill("#title", "")
    page.click("main form button[type=submit]")
    summary = page.wait_for_selector(".error-summary")
    text = summary.inner_text()
    assert "to correct" in text, text
    assert CJK.search(text) is None, text
    assert _chinese_left(page, data) == []
    look(page, f"english-error-summary-{width}")
    context.close()
