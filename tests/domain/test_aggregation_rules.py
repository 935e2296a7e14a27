"""The aggregation rules as typed: each figure checked, weights summing to 100 per role,
thresholds and points from high to low, and a stored copy reading back exactly."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.aggregation_rules import (
    FIGURE_PROBLEM,
    points_field,
    read_figure,
    read_rules,
    rules_as_dict,
    rules_from_dict,
    threshold_field,
    typed_from_rules,
    weight_field,
)
from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import Component, RoleKind

GOOD = {
    **typed_from_rules(None),
    weight_field(RoleKind.PRINCIPAL, Component.FORM5_A): "30",
    weight_field(RoleKind.PRINCIPAL, Component.FORM5_B): "30",
    weight_field(RoleKind.PRINCIPAL, Component.ANNEX2): "40",
    weight_field(RoleKind.DEPUTY, Component.FORM5_A): "20",
    weight_field(RoleKind.DEPUTY, Component.FORM5_B): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX2): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX3): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX4): "20%",
    threshold_field(G.EXCELLENT): "90",
    threshold_field(G.COMPETENT): "75",
    threshold_field(G.BASICALLY_COMPETENT): "60",
    "excellent_quota": "20",
}


def test_good_rules_read_and_round_trip_exactly():
    rules, problems = read_rules(GOOD, trim=True)
    assert problems == {} and rules is not None
    assert rules.scoring.weights[RoleKind.DEPUTY][Component.ANNEX4] == Decimal(20)
    assert rules.grading.excellent_quota == Decimal(20) and rules.scoring.trim_annex2
    assert rules_from_dict(rules_as_dict(rules)) == rules
    assert read_rules(typed_from_rules(rules), trim=True)[0] == rules


def test_weights_that_do_not_sum_to_one_hundred_are_refused_with_the_difference():
    typed = {**GOOD, weight_field(RoleKind.DEPUTY, Component.ANNEX4): "25"}
    rules, problems = read_rules(typed, trim=False)
    assert rules is None
    assert problems == {
        weight_field(
            RoleKind.DEPUTY, Component.FORM5_A
        ): "副职的各项权重加起来是 105%，应当正好是 100%：请减少 5%。"
    }


def test_thresholds_and_points_must_run_from_high_to_low():
    typed = {**GOOD, threshold_field(G.COMPETENT): "95", points_field(G.INCOMPETENT): "90"}
    _, problems = read_rules(typed, trim=False)
    assert "分数线要从高到低" in problems[threshold_field(G.COMPETENT)]
    assert "折算分要从高到低" in problems[points_field(G.COMPETENT)]


def test_a_bad_figure_is_named_and_an_empty_quota_means_none():
    _, problems = read_rules({**GOOD, threshold_field(G.EXCELLENT): "九十"}, trim=False)
    assert problems == {threshold_field(G.EXCELLENT): FIGURE_PROBLEM}
    rules, _ = read_rules({**GOOD, "excellent_quota": " "}, trim=False)
    assert rules is not None and rules.grading.excellent_quota is None


@given(st.text(max_size=12))
def test_any_typed_figure_is_a_decimal_from_0_to_100_with_two_places_or_refused(text):
    value = read_figure(text)
    assert value is None or (0 <= value <= 100 and value == value.quantize(Decimal("0.01")))
