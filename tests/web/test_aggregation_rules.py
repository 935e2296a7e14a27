"""The rules page: the admin sets the year's aggregation rules; a weight error is named
beside its field and at the top, and nothing typed is lost; organizers cannot reach it."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from ballot_app.domain.aggregation_rules import threshold_field, weight_field
from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import Component, RoleKind
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent
from ballot_app.services import aggregation
from ballot_app.services.campaign import current_campaign

from .. import factories
from ..domain.test_aggregation_rules import GOOD


def test_a_weight_error_is_shown_and_every_typed_figure_kept(app, client, actions):
    actions.login_as(factories.user(Role.ADMIN, name="admin1"))
    campaign = current_campaign()
    page = client.get(f"/campaigns/{campaign.id}/rules").get_data(as_text=True)
    assert "还没有设定" in page and 'value="100"' in page  # the usual conversion to start
    wrong = {**GOOD, weight_field(RoleKind.DEPUTY, Component.ANNEX4): "25"}
    r = client.post(f"/campaigns/{campaign.id}/rules", data=wrong)
    html = unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and "有 1 处需要修改" in html
    assert "副职的各项权重加起来是 105%，应当正好是 100%：请减少 5%。" in html
    assert 'value="25"' in html and 'value="90"' in html
    assert aggregation.rules_of(current_campaign()) is None


def test_saved_rules_read_back_and_are_logged(app, client, actions):
    actions.login_as(factories.user(Role.ADMIN, name="admin1"))
    campaign_id = current_campaign().id
    r = client.post(f"/campaigns/{campaign_id}/rules", data={**GOOD, "trim_annex2": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    rules = aggregation.rules_of(current_campaign())
    assert rules is not None and rules.scoring.trim_annex2
    assert rules.grading.thresholds[G.EXCELLENT] == Decimal(90)
    page = client.get(f"/campaigns/{campaign_id}/rules").get_data(as_text=True)
    assert f'name="{threshold_field(G.COMPETENT)}" value="75"' in page and "checked" in page
    assert db.session.query(AuditEvent).filter_by(action="aggregation.rules").count() == 1


def test_organizers_and_tellers_cannot_reach_the_rules(app, client, actions):
    campaign_id = current_campaign().id
    for role in (Role.ORGANIZER, Role.TELLER):
        actions.login_as(factories.user(role))
        assert client.get(f"/campaigns/{campaign_id}/rules").status_code == 403
        assert client.post(f"/campaigns/{campaign_id}/rules", data=GOOD).status_code == 403
        client.post("/logout")
