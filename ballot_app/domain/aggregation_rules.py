"""A campaign's aggregation rules as the admin types them and as they are stored: the
grade-to-points conversion, the weights per role and component, trimming annex 2, the grade
thresholds and the 优秀 quota. Every figure is an exact decimal with at most two places."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .choices import Form5Choice
from .composite import DEFAULT_POINTS, Component, RoleKind, Rules, weight_problems
from .grades import GradeRules
from .rates import HUNDRED
from .text import N_, _

_FIGURE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")  # official: typed input
THRESHOLD_GRADES = (Form5Choice.EXCELLENT, Form5Choice.COMPETENT, Form5Choice.BASICALLY_COMPETENT)


@dataclass(frozen=True)
class AggregationRules:
    scoring: Rules
    grading: GradeRules


def weight_field(role: RoleKind, component: Component) -> str:
    return f"weight_{role.value}_{component.value}"


def points_field(grade: Form5Choice) -> str:
    return f"points_{grade.value}"


def threshold_field(grade: Form5Choice) -> str:
    return f"threshold_{grade.value}"


def read_figure(text: str) -> Decimal | None:
    """A typed figure, 0 to 100 with at most two decimals (「20%」 and full-width digits are
    fine), or None."""
    clean = text.strip().translate(_FULL_WIDTH).removesuffix("%").strip()
    if not _FIGURE.fullmatch(clean):
        return None
    value = Decimal(clean)
    return value if value <= HUNDRED else None


FIGURE_PROBLEM = N_("请填写 0 到 100 之间的数，最多两位小数，例如 20 或 12.5。")


def read_rules(
    typed: Mapping[str, str], trim: bool
) -> tuple[AggregationRules | None, dict[str, str]]:
    """The rules from the form's fields, or each field's problem as a sentence. An empty
    weight is 0; the quota may be left empty (no quota)."""
    problems: dict[str, str] = {}

    def figure(name: str, empty: Decimal | None = None) -> Decimal | None:
        text = typed.get(name, "")
        if not text.strip():
            if empty is None:
                problems[name] = _("请填写这一项。")
            return empty
        value = read_figure(text)
        if value is None:
            problems[name] = _(FIGURE_PROBLEM)
        return value

    points = {g: figure(points_field(g)) for g in Form5Choice}
    weights = {
        role: {c: figure(weight_field(role, c), Decimal(0)) for c in Component} for role in RoleKind
    }
    thresholds = {g: figure(threshold_field(g)) for g in THRESHOLD_GRADES}
    quota_text = typed.get("excellent_quota", "")
    quota = figure("excellent_quota") if quota_text.strip() else None
    if problems:
        return None, problems
    clean_weights = {r: {c: w or Decimal(0) for c, w in ws.items()} for r, ws in weights.items()}
    for role_value, sentence in weight_problems(clean_weights).items():
        problems[weight_field(RoleKind(role_value), Component.FORM5_A)] = sentence
    ordered = [thresholds[g] for g in THRESHOLD_GRADES]
    if all(t is not None for t in ordered) and not (ordered[0] >= ordered[1] >= ordered[2]):  # type: ignore[operator]
        problems[threshold_field(Form5Choice.COMPETENT)] = _(
            "分数线要从高到低：优秀 ≥ 称职 ≥ 基本称职，请改正。"
        )
    ranked = [points[g] for g in Form5Choice]
    if all(p is not None for p in ranked) and ranked != sorted(ranked, reverse=True):  # type: ignore[type-var]
        problems[points_field(Form5Choice.COMPETENT)] = _(
            "折算分要从高到低：优秀 ≥ 称职 ≥ 基本称职 ≥ 不称职，请改正。"
        )
    if problems:
        return None, problems
    scoring = Rules({g: p for g, p in points.items() if p is not None}, clean_weights, trim)
    grading = GradeRules({g: t for g, t in thresholds.items() if t is not None}, quota)
    return AggregationRules(scoring, grading), {}


def rules_as_dict(rules: AggregationRules) -> dict[str, Any]:
    """The stored form: every figure as text, so it reads back exactly."""
    return {
        "points": {g.value: str(p) for g, p in rules.scoring.points.items()},
        "weights": {
            r.value: {c.value: str(w) for c, w in ws.items()}
            for r, ws in rules.scoring.weights.items()
        },
        "trim_annex2": rules.scoring.trim_annex2,
        "thresholds": {g.value: str(t) for g, t in rules.grading.thresholds.items()},
        "excellent_quota": None
        if rules.grading.excellent_quota is None
        else str(rules.grading.excellent_quota),
    }


def rules_from_dict(data: Mapping[str, Any]) -> AggregationRules:
    quota = data.get("excellent_quota")
    return AggregationRules(
        Rules(
            {Form5Choice(g): Decimal(p) for g, p in data["points"].items()},
            {
                RoleKind(r): {Component(c): Decimal(w) for c, w in ws.items()}
                for r, ws in data["weights"].items()
            },
            bool(data.get("trim_annex2", False)),
        ),
        GradeRules(
            {Form5Choice(g): Decimal(t) for g, t in data["thresholds"].items()},
            None if quota is None else Decimal(quota),
        ),
    )


def typed_from_rules(rules: AggregationRules | None) -> dict[str, str]:
    """The form's fields filled from stored rules, or the starting values of a new campaign:
    the usual conversion (100/80/60/40) and no weights, thresholds or quota yet."""
    if rules is None:
        return {points_field(g): str(p) for g, p in DEFAULT_POINTS.items()}
    typed = {points_field(g): str(p) for g, p in rules.scoring.points.items()}
    for role, ws in rules.scoring.weights.items():
        typed |= {weight_field(role, c): str(w) for c, w in ws.items()}
    typed |= {threshold_field(g): str(t) for g, t in rules.grading.thresholds.items()}
    if rules.grading.excellent_quota is not None:
        typed["excellent_quota"] = str(rules.grading.excellent_quota)
    return typed
