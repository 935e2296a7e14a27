"""The year's pages as the admin sees them on a phone and a desktop: the campaign, its
groups, one group's ticks, and annex 1 printed: no sideways scrolling, no serious axe-core
violation. BALLOT_SCREENSHOTS=/some/dir keeps a screenshot of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Group
from ballot_app.services import roster

from .. import factories
from .conftest import SHOTS, log_in
from .test_staff_pages import WIDTHS, shoot

pytestmark = pytest.mark.slow

#: Rows as pasted from Excel: heads, then a secretary, a post change after the cut-off (old
#: unit 西河镇), one person with two posts, and a line without its post.
PASTED = "\n".join(
    "\t".join(row)
    for row in (
        (
            "姓名",
            "单位",
            "职务",
            "分管工作",
            "党政正职",
            "党组织书记",
            "原单位",
            "原职务",
            "任职变动日期",
            "主要职务",
        ),
        ("王小明", "东山镇", "党委书记", "全面工作", "是", "是", "", "", "", ""),
        ("李晓红", "东山镇", "镇长", "政府工作", "是", "", "西河镇", "副镇长", "2026-10-15", ""),
        ("张伟民", "东山镇", "副镇长", "农业", "", "", "", "", "", "是"),
        ("张伟民", "区发改局", "副局长", "项目", "", "", "", "", "", "否"),
        ("赵一帆", "南岭镇", "", "", "", "", "", "", "", ""),
    )
)


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
            (f"/campaigns/{campaign_id}/annex8", "annex8-committees"),
            (f"/campaigns/{campaign_id}/roster/import", "roster-import"),
            ("/", "home-admin"),
        ):
            page.goto(f"{live_server}{path}")
            shoot(page, f"{name}-{width}")
            if SHOTS and name == "annex1" and width == "1280":
                page.pdf(path=str(Path(SHOTS) / "annex1.pdf"), format="A4", landscape=True)
        # The import preview with its rule column: a post change after the cut-off, a
        # second post, an error line.
        page.goto(f"{live_server}/campaigns/{campaign_id}/roster/import")
        page.fill("textarea", PASTED)
        page.click("button:has-text('预览')")
        page.wait_for_selector("text=9月30日后异动，在原单位按原职务考核")
        assert page.is_visible("text=兼任，按主要职务考核")
        shoot(page, f"roster-preview-{width}")
        context.close()
