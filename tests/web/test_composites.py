"""The district table (评分汇总) and a member's formula sheet (口径说明), as the admin sees
them: figures only from certified meetings and sealed sheets, every step printed."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

from sqlalchemy import select

from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import Component, RoleKind, recompute
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Member
from ballot_app.services import aggregation
from ballot_app.services.campaign import current_campaign

from .. import factories
from ..domain.test_aggregation_rules import GOOD
from ..services.test_aggregation import _certified_meeting


def test_without_rules_the_table_says_where_to_set_them(app, client, actions):
    actions.login_as(factories.user(Role.ADMIN, name="admin1"))
    page = client.get(f"/campaigns/{current_campaign().id}/composites").get_data(as_text=True)
    assert "还没有设定评分汇总和定等规则" in page


def test_the_table_and_the_formula_sheet_agree_and_recompute(app, client, actions):
    m = _certified_meeting(
        app, ["excellent", "competent", "competent"], ["competent"] * 3 + ["incompetent"] * 2
    )
    admin = factories.user(Role.ADMIN, name="admin1")
    actions.login_as(admin)
    campaign_id = current_campaign().id
    assert client.post(f"/campaigns/{campaign_id}/rules", data=GOOD).status_code == 302
    deputy = db.session.scalars(
        select(Member).where(Member.unit_id == m.unit_id, Member.is_principal.is_(False))
    ).one()
    table = unescape(client.get(f"/campaigns/{campaign_id}/composites").get_data(as_text=True))
    # Deputy: table A (100 + 80 + 80) ÷ 3 = 86.67; table B (80×3 + 40×2) ÷ 5 = 64.00;
    # annexes 2–4 missing: (86.67 × 20 + 64 × 20) ÷ 40 = 75.335 → 75.34; 称职 (≥ 75).
    assert "86.67" in table and "64.00" in table and "75.34" in table
    sheet = unescape(
        client.get(f"/campaigns/{campaign_id}/composites/{deputy.id}").get_data(as_text=True)
    )
    assert "（86.67 × 20 + 64.00 × 20）÷（20 + 20）= 75.34" in sheet
    assert "除以 40 而不是 100" in sheet and "测试会议" in sheet
    pairs = re.search(r"（([^）]*)）÷（[^）]*）= ([0-9.]+)", sheet)
    assert pairs is not None
    printed = [tuple(Decimal(x) for x in t.split(" × ")) for t in pairs.group(1).split(" + ")]
    assert recompute(printed) == Decimal(pairs.group(2))  # the sheet alone gives the figure
    line = next(
        x
        for x in aggregation.district(current_campaign(), aggregation.rules_of(current_campaign()))
        if x.assessed.inputs.member_id == deputy.id
    )
    assert line.proposal.grade == G.COMPETENT and line.composite.role == RoleKind.DEPUTY
    assert [p.component for p in line.composite.missing] == [
        Component.ANNEX2,
        Component.ANNEX3,
        Component.ANNEX4,
    ]


def test_only_the_admin_reads_the_composites(app, client, actions):
    campaign_id = current_campaign().id
    for role in (Role.ORGANIZER, Role.TELLER):
        actions.login_as(factories.user(role))
        assert client.get(f"/campaigns/{campaign_id}/composites").status_code == 403
        assert client.get(f"/campaigns/{campaign_id}/composites/1").status_code == 403
        client.post("/logout")
    actions.login_as(factories.user(Role.ADMIN, name="admin1"))
    client.post(f"/campaigns/{campaign_id}/rules", data=GOOD)
    assert client.get(f"/campaigns/{campaign_id}/composites/999").status_code == 404
