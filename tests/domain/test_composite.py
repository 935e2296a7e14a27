"""The composite (评分汇总), its formula sheet, the flags and the grade proposal, each with a
worked example checked by hand."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.choices import Form5Choice as G
from ballot_app.domain.composite import (
    DEFAULT_POINTS,
    Component,
    Composite,
    MemberInputs,
    Part,
    RoleKind,
    Rules,
    composite,
    recompute,
    reweighting_note,
    weight_problems,
)
from ballot_app.domain.grades import (
    FLAG_INCOMPETENT,
    FLAG_LOW_APPROVAL,
    GradeRules,
    flags,
    propose,
    quota_places,
)

D = Decimal
DEPUTY_WEIGHTS = {
    Component.FORM5_A: D(20),
    Component.FORM5_B: D(20),
    Component.ANNEX2: D(20),
    Component.ANNEX3: D(20),
    Component.ANNEX4: D(20),
}
PRINCIPAL_WEIGHTS = {Component.FORM5_A: D(30), Component.FORM5_B: D(30), Component.ANNEX2: D(40)}
RULES = Rules(
    DEFAULT_POINTS, {RoleKind.DEPUTY: DEPUTY_WEIGHTS, RoleKind.PRINCIPAL: PRINCIPAL_WEIGHTS}
)


def test_a_deputys_composite_worked_by_hand():
    """Table A: 优秀 6, 称职 3, 基本称职 1 → (600 + 240 + 60) ÷ 10 = 90.00.
    Table B: 优秀 20, 称职 25, 基本称职 3, 不称职 2 → (2000 + 2000 + 180 + 80) ÷ 50 = 85.20.
    Annex 2: 88, 91.5, 86 → 265.5 ÷ 3 = 88.50. Annex 3: 92 → 92.00.
    Annex 4: 87, 84 → 171 ÷ 2 = 85.50.
    Composite: (90 × 20 + 85.2 × 20 + 88.5 × 20 + 92 × 20 + 85.5 × 20) ÷ 100
             = (1800 + 1704 + 1770 + 1840 + 1710) ÷ 100 = 8824 ÷ 100 = 88.24."""
    inputs = MemberInputs(
        1,
        "甲副",
        RoleKind.DEPUTY,
        form5_a={G.EXCELLENT: 6, G.COMPETENT: 3, G.BASICALLY_COMPETENT: 1},
        form5_b={G.EXCELLENT: 20, G.COMPETENT: 25, G.BASICALLY_COMPETENT: 3, G.INCOMPETENT: 2},
        annex2=(D("88"), D("91.5"), D("86")),
        annex3=(D("92"),),
        annex4=(D("87"), D("84")),
    )
    c = composite(inputs, RULES)
    values = {p.component: p.value for p in c.parts}
    assert values[Component.FORM5_A] == D("90.00")
    assert values[Component.FORM5_B] == D("85.20")
    assert values[Component.ANNEX2] == D("88.50")
    assert values[Component.ANNEX4] == D("85.50")
    assert c.value == D("88.24")
    assert c.formula.endswith("= 88.24（四舍五入保留两位小数）")
    assert reweighting_note(c) == ""


def test_a_missing_component_is_left_out_and_the_rest_reweighted():
    """A principal with no table A: table B 优秀 2, 称职 1 → 280 ÷ 3 = 93.333… → 93.33;
    annex 2: 90 → 90.00. (93.33 × 30 + 90 × 40) ÷ (30 + 40) = (2799.9 + 3600) ÷ 70
    = 6399.9 ÷ 70 = 91.427… → 91.43."""
    inputs = MemberInputs(
        2, "乙正", RoleKind.PRINCIPAL, form5_b={G.EXCELLENT: 2, G.COMPETENT: 1}, annex2=(D(90),)
    )
    c = composite(inputs, RULES)
    assert c.value == D("91.43")
    assert [p.component for p in c.missing] == [Component.FORM5_A]
    assert "除以 70 而不是 100" in reweighting_note(c)


def test_trimming_drops_the_highest_and_lowest_annex_2_score_from_five_raters():
    """Scores 70, 85, 86, 87, 99: without the extremes (85 + 86 + 87) ÷ 3 = 86.00; with
    four raters nothing is dropped: (70 + 85 + 86 + 87) ÷ 4 = 82.00."""
    trim = Rules(DEFAULT_POINTS, RULES.weights, trim_annex2=True)
    five = MemberInputs(
        3, "丙", RoleKind.PRINCIPAL, annex2=tuple(D(x) for x in (70, 85, 86, 87, 99))
    )
    part = next(p for p in composite(five, trim).parts if p.component == Component.ANNEX2)
    assert part.value == D("86.00") and "去掉最高 99 和最低 70" in part.working
    four = MemberInputs(3, "丙", RoleKind.PRINCIPAL, annex2=tuple(D(x) for x in (70, 85, 86, 87)))
    part = next(p for p in composite(four, trim).parts if p.component == Component.ANNEX2)
    assert part.value == D("82.00")


def test_weights_must_sum_to_one_hundred_and_the_page_says_by_how_much():
    problems = weight_problems(
        {RoleKind.DEPUTY: DEPUTY_WEIGHTS, RoleKind.PRINCIPAL: {Component.FORM5_A: D(95)}}
    )
    assert problems == {"principal": "党政正职的各项权重加起来是 95%，应当正好是 100%：请增加 5%。"}
    assert weight_problems(RULES.weights) == {}


def test_no_input_gives_no_composite():
    c = composite(MemberInputs(4, "丁", RoleKind.DEPUTY), RULES)
    assert c.value is None and "空缺" in c.formula


figures = st.decimals(min_value=0, max_value=100, places=1)
weights = st.integers(min_value=0, max_value=100).map(Decimal)


@given(st.lists(st.tuples(figures, weights), min_size=1, max_size=6))
def test_the_printed_formula_recomputes_the_composite_exactly(pairs):
    """Whatever the components and weights, the composite is what the printed sheet gives."""
    if sum(w for _, w in pairs) == 0:
        return
    inputs = MemberInputs(
        5,
        "戊",
        RoleKind.DEPUTY,
        annex2=(pairs[0][0],),
        annex3=(pairs[1][0],) if len(pairs) > 1 else (),
        annex4=(pairs[2][0],) if len(pairs) > 2 else (),
    )
    rules = Rules(
        DEFAULT_POINTS,
        {
            RoleKind.DEPUTY: {
                c: pairs[i][1]
                for i, c in enumerate(
                    [Component.ANNEX2, Component.ANNEX3, Component.ANNEX4][: len(pairs)]
                )
            }
        },
    )
    c = composite(inputs, rules)
    printed = [(p.value, p.weight) for p in c.used]
    if c.value is not None:
        assert recompute(printed) == c.value
        assert all(p.value == p.value.quantize(D("0.01")) for p in c.used)


# --- flags and proposals -------------------------------------------------------------------


def test_flags_are_exact_thirds():
    """10 valid votes: 4 不称职 is above a third (4 × 3 = 12 > 10); 3 is not (9 < 10).
    优秀 + 称职 = 6 is below two thirds (18 < 20); 7 is not (21 ≥ 20)."""
    assert flags({G.INCOMPETENT: 4, G.COMPETENT: 6}) == (FLAG_INCOMPETENT, FLAG_LOW_APPROVAL)
    assert flags({G.INCOMPETENT: 3, G.COMPETENT: 7}) == ()
    assert flags({}) == ()


def _c(member_id: int, value: str | None) -> Composite:
    part = Part(Component.ANNEX2, None if value is None else D(value), D(100), "")
    return Composite(
        member_id, f"人{member_id}", RoleKind.DEPUTY, (part,), None if value is None else D(value)
    )


GRADE_RULES = GradeRules(
    {G.EXCELLENT: D(90), G.COMPETENT: D(75), G.BASICALLY_COMPETENT: D(60)}, excellent_quota=D(20)
)


def test_thresholds_then_the_quota_keep_the_highest():
    """Ten members, quota 20 % → 2 places. Above 90: 95, 93, 91 → the top two stay 优秀,
    91 becomes 称职 (over the quota); 80 → 称职; 65 → 基本称职; 50 → 不称职."""
    members = [
        _c(i, v)
        for i, v in enumerate(["95", "93", "91", "80", "80", "80", "80", "65", "50", "76"], 1)
    ]
    found = propose(members, GRADE_RULES)
    assert [found[i].grade for i in (1, 2, 3)] == [G.EXCELLENT, G.EXCELLENT, G.COMPETENT]
    assert "超出优秀名额" in found[3].reasons[0]
    assert found[8].grade == G.BASICALLY_COMPETENT and found[9].grade == G.INCOMPETENT
    assert not any(p.needs_study for p in found.values())


def test_a_tie_at_the_quota_boundary_goes_to_study():
    """Quota 2 of 10; composites 95, 92, 92: 95 stays, both 92s are 需研究 (one place, two
    people tied), nobody is ranked by anything else."""
    members = [
        _c(i, v)
        for i, v in enumerate(["95", "92", "92", "80", "80", "80", "80", "80", "80", "80"], 1)
    ]
    found = propose(members, GRADE_RULES)
    assert found[1].grade == G.EXCELLENT and not found[1].needs_study
    assert found[2].needs_study and found[3].needs_study
    assert "并列 92" in found[2].reasons[0]


def test_flags_and_a_missing_composite_send_a_member_to_study():
    found = propose([_c(1, "85"), _c(2, None)], GRADE_RULES, {1: [FLAG_LOW_APPROVAL]})
    assert found[1].needs_study and found[1].grade == G.COMPETENT
    assert found[2].needs_study and found[2].grade is None


def test_quota_places_round_down():
    assert (
        quota_places(10, D(20)) == 2 and quota_places(9, D(20)) == 1 and quota_places(4, D(20)) == 0
    )
