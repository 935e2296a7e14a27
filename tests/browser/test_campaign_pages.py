"""The year's pages as the admin sees them on a phone and a desktop: the campaign, its
groups, one group's ticks, and annex 1 printed: no sideways scrolling, no serious axe-core
violation. BALLOT_SCREENSHOTS=/some/dir keeps a screenshot of each."""

from __future__ import annotations

import pytest

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Group
from ballot_app.services import roster

from .. import factories
from .conftest import log_in
from .test_staff_pages import WIDTHS, shoot

pytestmark = pytest.mark.slow


def test_campaign_pages_fit_a_phone_and_a_desktop(app, browser, live_server):
    campaign = roster.current_campaign()
    groups = []
    for n, (name, leader) in enumerate((("第一组", "赵建国"), ("第二组", "钱立新")), start=1):
        g = Group(
            campaign_id=campaign.id,
            name=name,
            leader_name=leader,
            position=n,
            liaison_name="孙晓梅",
            liaison_phone="0731-88886666",
        )
        db.session.add(g)
        groups.append(g)
    db.session.commit()
    admin = factories.user(Role.ADMIN, name="ganbu")
    for i, town in enumerate(("东山镇", "西河镇", "南岭镇", "北湖街道", "区发改局", "区教育局")):
        roster.create_unit(
            admin, town, "township" if i < 4 else "department", group_id=groups[i % 2].id
        )
    factories.user(Role.ORGANIZER, name="zuyuan1", grp=groups[0])
    ids, campaign_id, username = [g.id for g in groups], campaign.id, admin.username
    db.session.remove()
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, username)
        for path, name in (
            (f"/campaigns/{campaign_id}", "campaign"),
            (f"/campaigns/{campaign_id}/groups", "campaign-groups"),
            (f"/groups/{ids[0]}", "campaign-group"),
            (f"/campaigns/{campaign_id}/annex1", "annex1"),
            (f"/campaigns/{campaign_id}/progress", "campaign-progress"),
            ("/", "home-admin"),
        ):
            page.goto(f"{live_server}{path}")
            shoot(page, f"{name}-{width}")
        context.close()
