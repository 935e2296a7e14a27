"""The group's interview suggestions: entered per member as counts, a bad count named
beside its cell with the rest kept, counted in the composite when weighted."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from ballot_app.domain.aggregation_rules import read_rules, weight_field
from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import Component, RoleKind
from ballot_app.domain.roles import Role
from ballot_app.services import aggregation
from ballot_app.services.campaign import current_campaign

from .. import factories
from ..domain.test_aggregation_rules import GOOD


def test_the_group_enters_counts_that_feed_the_composite(app, client, actions):
    organizer = factories.user(name="organizer1")
    unit = factories.unit(organizer, members=3)
    deputy = unit.members[2]
    actions.login_as(organizer)
    bad = {f"iv-{deputy.id}-excellent": "三", f"iv-{deputy.id}-competent": "4"}
    r = client.post(f"/units/{unit.id}/interviews", data=bad)
    html = unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and "请填 0 到 9999 的整数" in html and 'value="4"' in html
    good = {f"iv-{deputy.id}-excellent": "2", f"iv-{deputy.id}-competent": "2"}
    assert client.post(f"/units/{unit.id}/interviews", data=good).status_code == 302
    assert 'value="2"' in client.get(f"/units/{unit.id}/interviews").get_data(as_text=True)
    typed = {
        **GOOD,
        weight_field(RoleKind.DEPUTY, Component.ANNEX4): "0",
        weight_field(RoleKind.DEPUTY, Component.INTERVIEW): "20",
    }
    rules, problems = read_rules(typed, trim=False)
    assert rules is not None, problems
    line = next(
        x
        for x in aggregation.district(current_campaign(), rules)
        if x.assessed.inputs.member_id == deputy.id
    )
    assert line.assessed.inputs.interview == {
        G.EXCELLENT: 2,
        G.COMPETENT: 2,
        G.BASICALLY_COMPETENT: 0,
        G.INCOMPETENT: 0,
    }
    assert line.composite.value == Decimal("90.00")  # (100 × 2 + 80 × 2) ÷ 4 = 90, the only input


def test_another_groups_organizer_cannot_see_or_enter(app, client, actions):
    unit = factories.unit(factories.user(name="organizer1"), members=2)
    actions.login_as(factories.user(name="organizer2", grp=factories.group("第二考核组")))
    assert client.get(f"/units/{unit.id}/interviews").status_code == 404
    assert client.post(f"/units/{unit.id}/interviews", data={}).status_code == 404
    client.post("/logout")
    actions.login_as(factories.user(Role.TELLER))
    assert client.get(f"/units/{unit.id}/interviews").status_code == 403
