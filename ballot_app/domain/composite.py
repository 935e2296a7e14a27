"""One member's composite score (评分汇总) from form 5 and the named score sheets, with the
formula sheet (口径说明) that prints every step of it.

Components (SPEC, "Aggregation and grades"): form 5 table A and table B (grades converted to
points, abstentions left out), annex 2 (the mean over its raters, optionally without the
highest and lowest when there are 5 or more), annex 3, annex 4 (the mean over the unit's
principals) and, optionally, the groups' interview suggestions (counts of suggested grades,
converted like form 5). Weights are set per role (党政正职 / 副职) and sum to 100.

One rounding rule, stated once: every component is rounded half up to two decimals, and the
composite is computed from those printed components and the printed weights,

    composite = (c1 × w1 + c2 × w2 + …) ÷ (w1 + w2 + …), rounded half up to two decimals,

over the components present. A missing component is left out and the others re-weighted by
that division, which the formula sheet says. So anyone holding the printed sheet recomputes
the composite exactly (`recompute`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .choices import FORM5_LABELS, Form5Choice
from .rates import HUNDRED, round_cent
from .score_sheets import mean
from .text import N_, _

GRADES = tuple(Form5Choice)  #: 优秀, 称职, 基本称职, 不称职, best first


class Component(StrEnum):
    FORM5_A = "form5_a"
    FORM5_B = "form5_b"
    ANNEX2 = "annex2"
    ANNEX3 = "annex3"
    ANNEX4 = "annex4"
    INTERVIEW = "interview"

    @property
    def label(self) -> str:
        return _(COMPONENT_LABELS[self])


COMPONENT_LABELS = {
    Component.FORM5_A: N_("民主测评 表A（班子成员）"),
    Component.FORM5_B: N_("民主测评 表B（非班子成员）"),
    Component.ANNEX2: N_("附件2 区领导评分"),
    Component.ANNEX3: N_("附件3 工作目标考核得分"),
    Component.ANNEX4: N_("附件4 党政正职评分"),
    Component.INTERVIEW: N_("考察谈话推荐"),
}


class RoleKind(StrEnum):
    PRINCIPAL = "principal"  #: 党政正职
    DEPUTY = "deputy"  #: 副职

    @property
    def label(self) -> str:
        return _("党政正职") if self == RoleKind.PRINCIPAL else _("副职")


@dataclass(frozen=True)
class Rules:
    """A campaign's aggregation rules."""

    points: Mapping[Form5Choice, Decimal]  #: e.g. 优秀 100, 称职 80, 基本称职 60, 不称职 40
    weights: Mapping[RoleKind, Mapping[Component, Decimal]]  #: percent, summing to 100
    trim_annex2: bool = False  #: drop the highest and lowest annex 2 score at 5 or more


DEFAULT_POINTS = {
    Form5Choice.EXCELLENT: Decimal(100),
    Form5Choice.COMPETENT: Decimal(80),
    Form5Choice.BASICALLY_COMPETENT: Decimal(60),
    Form5Choice.INCOMPETENT: Decimal(40),
}


def weight_problems(weights: Mapping[RoleKind, Mapping[Component, Decimal]]) -> dict[str, str]:
    """Each role's problem as a sentence that says what to change; empty when usable."""
    problems: dict[str, str] = {}
    for role in RoleKind:
        given = weights.get(role, {})
        if any(w < 0 or w > HUNDRED for w in given.values()):
            problems[role.value] = _("%(role)s的每项权重要在 0%% 到 100%% 之间。", role=role.label)
            continue
        total = sum(given.values(), Decimal(0))
        if total > HUNDRED:
            problems[role.value] = _(
                "%(role)s的各项权重加起来是 %(total)s%%，应当正好是 100%%：请减少 %(diff)s%%。",
                role=role.label,
                total=total,
                diff=abs(total - HUNDRED),
            )
        elif total < HUNDRED:
            problems[role.value] = _(
                "%(role)s的各项权重加起来是 %(total)s%%，应当正好是 100%%：请增加 %(diff)s%%。",
                role=role.label,
                total=total,
                diff=abs(total - HUNDRED),
            )
    return problems


@dataclass(frozen=True)
class MemberInputs:
    """What the certified meetings and returned sheets hold for one member."""

    member_id: int
    name: str
    role: RoleKind
    form5_a: Mapping[Form5Choice, int] | None = None  #: valid votes per grade, no abstention
    form5_b: Mapping[Form5Choice, int] | None = None
    annex2: Sequence[Decimal] = ()  #: one score per returned sheet
    annex3: Sequence[Decimal] = ()
    annex4: Sequence[Decimal] = ()
    interview: Mapping[Form5Choice, int] | None = None
    sources: Mapping[Component, str] = field(default_factory=dict)  #: where each came from


@dataclass(frozen=True)
class Part:
    """One component as the formula sheet prints it."""

    component: Component
    value: Decimal | None  #: rounded to two decimals; None when there is no input
    weight: Decimal  #: the rule's weight for the member's role, in percent
    working: str  #: how the value was reached, in the reader's language, with every figure


@dataclass(frozen=True)
class Composite:
    member_id: int
    name: str
    role: RoleKind
    parts: tuple[Part, ...]
    value: Decimal | None  #: None when no weighted component has an input

    @property
    def used(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.value is not None and p.weight > 0)

    @property
    def missing(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.value is None and p.weight > 0)

    @property
    def formula(self) -> str:
        """The last step as printed: (c1 × w1 + …) ÷ (w1 + …) = composite."""
        if self.value is None:
            return _("没有可用的分项，综合得分空缺。")
        top = " + ".join(f"{p.value} × {p.weight}" for p in self.used)
        bottom = " + ".join(str(p.weight) for p in self.used)
        return _(
            "（%(top)s）÷（%(bottom)s）= %(value)s（四舍五入保留两位小数）",
            top=top,
            bottom=bottom,
            value=self.value,
        )


def _votes(
    counts: Mapping[Form5Choice, int] | None, points: Mapping[Form5Choice, Decimal]
) -> tuple[Decimal | None, str]:
    """Grades converted to points: their mean over the valid votes, abstentions left out."""
    if not counts or sum(counts.values()) == 0:
        return None, _("没有有效票")
    n = sum(counts.values())
    total = sum((points[g] * counts.get(g, 0) for g in GRADES), Decimal(0))
    shown = " + ".join(
        _(
            "%(grade)s %(votes)s 票 × %(points)s 分",
            grade=_(FORM5_LABELS[g]),
            votes=counts.get(g, 0),
            points=points[g],
        )
        for g in GRADES
    )
    value = round_cent(total / n)
    return value, _("（%(terms)s）÷ %(n)s 票 = %(value)s", terms=shown, n=n, value=value)


def _mean(scores: Sequence[Decimal], empty: str, trim: bool = False) -> tuple[Decimal | None, str]:
    """The mean of the returned scores; `empty` is what the sheet says when there are none."""
    if not scores:
        return None, empty
    kept = sorted(scores)
    high = low = None
    if trim and len(kept) >= 5:
        high, low = kept[-1], kept[0]
        kept = kept[1:-1]
    value = mean(kept)
    assert value is not None  # kept is not empty
    shown = " + ".join(str(s) for s in kept)
    if high is not None:
        return value, _(
            "去掉最高 %(high)s 和最低 %(low)s，（%(terms)s）÷ %(n)s = %(value)s",
            high=high,
            low=low,
            terms=shown,
            n=len(kept),
            value=value,
        )
    return value, _("（%(terms)s）÷ %(n)s = %(value)s", terms=shown, n=len(kept), value=value)


def composite(inputs: MemberInputs, rules: Rules) -> Composite:
    """The member's components and composite under the campaign's rules."""
    weights = rules.weights.get(inputs.role, {})
    figures = {
        Component.FORM5_A: _votes(inputs.form5_a, rules.points),
        Component.FORM5_B: _votes(inputs.form5_b, rules.points),
        Component.ANNEX2: _mean(inputs.annex2, _("没有交回的附件2"), rules.trim_annex2),
        Component.ANNEX3: _mean(inputs.annex3, _("没有交回的附件3")),
        Component.ANNEX4: _mean(inputs.annex4, _("没有交回的附件4")),
        Component.INTERVIEW: _votes(inputs.interview, rules.points),
    }
    parts = tuple(
        Part(c, value, weights.get(c, Decimal(0)), working)
        for c, (value, working) in figures.items()
    )
    used = [p for p in parts if p.value is not None and p.weight > 0]
    value = None
    if used:
        top = sum((p.value * p.weight for p in used if p.value is not None), Decimal(0))
        value = round_cent(top / sum((p.weight for p in used), Decimal(0)))
    return Composite(inputs.member_id, inputs.name, inputs.role, parts, value)


def recompute(parts: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The composite from the printed (component, weight) pairs alone."""
    top = sum((c * w for c, w in parts), Decimal(0))
    return round_cent(top / sum((w for _, w in parts), Decimal(0)))


def reweighting_note(c: Composite) -> str:
    """What the result says when a weighted component is missing."""
    if not c.missing or c.value is None:
        return ""
    gone = _("、").join(p.component.label for p in c.missing)
    left = sum((p.weight for p in c.used), Decimal(0))
    return _(
        "缺少 %(missing)s（没有输入），其余各项按权重重新折算：除以 %(left)s 而不是 100。",
        missing=gone,
        left=left,
    )
