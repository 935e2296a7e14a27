"""Grade proposals (考核定等) from the composites, and the flags of local practice.

Flags are shown as flags, never as verdicts (SPEC, "Aggregation and grades"): 不称职 votes
above one third of the valid form 5 votes; 优秀 + 称职 below two thirds. A flagged member is
proposed as usual and sent to 「需研究」: the standing committee decides.

The proposal: the best grade whose threshold the composite reaches; then the 优秀 quota
(e.g. 20 % of the members in scope, rounded down) keeps the highest composites. When the
quota's boundary falls inside a tie, every member of that tie is sent to 「需研究」 instead
of being ranked by anything the figures do not say."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .choices import Form5Choice
from .composite import Composite
from .rates import HUNDRED
from .text import N_, _

FLAG_INCOMPETENT = N_("不称职票超过有效票的三分之一")
FLAG_LOW_APPROVAL = N_("优秀和称职票合计不到有效票的三分之二")


def flags(votes: Mapping[Form5Choice, int]) -> tuple[str, ...]:
    """The flags of form 5 votes (tables A and B together), over the valid votes (rows with
    exactly one grade; abstentions are not valid votes here). Exact: no rounding."""
    valid = sum(votes.get(g, 0) for g in Form5Choice)
    if valid == 0:
        return ()
    found = []
    if votes.get(Form5Choice.INCOMPETENT, 0) * 3 > valid:
        found.append(_(FLAG_INCOMPETENT))
    approved = votes.get(Form5Choice.EXCELLENT, 0) + votes.get(Form5Choice.COMPETENT, 0)
    if approved * 3 < valid * 2:
        found.append(_(FLAG_LOW_APPROVAL))
    return tuple(found)


@dataclass(frozen=True)
class GradeRules:
    #: The lowest composite for each grade but the last: 优秀, 称职, 基本称职 (else 不称职).
    thresholds: Mapping[Form5Choice, Decimal]
    #: At most this percent of the members in scope are proposed 优秀; None: no quota.
    excellent_quota: Decimal | None = None


@dataclass(frozen=True)
class Proposal:
    member_id: int
    grade: Form5Choice | None  #: None when there is no composite
    needs_study: bool  #: 需研究: a flag, a tie at the quota, or no composite
    reasons: tuple[str, ...]


def by_threshold(value: Decimal, rules: GradeRules) -> Form5Choice:
    for grade in (Form5Choice.EXCELLENT, Form5Choice.COMPETENT, Form5Choice.BASICALLY_COMPETENT):
        if grade in rules.thresholds and value >= rules.thresholds[grade]:
            return grade
    return Form5Choice.INCOMPETENT


def quota_places(members: int, quota: Decimal) -> int:
    """How many may be proposed 优秀: the quota's share of the members, rounded down."""
    return int((Decimal(members) * quota / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))


def propose(
    composites: Sequence[Composite],
    rules: GradeRules,
    member_flags: Mapping[int, Sequence[str]] | None = None,
) -> dict[int, Proposal]:
    """Each member's proposed grade within one scope (a unit, or the district)."""
    member_flags = member_flags or {}
    grade: dict[int, Form5Choice | None] = {}
    reasons: dict[int, list[str]] = {
        c.member_id: list(member_flags.get(c.member_id, ())) for c in composites
    }
    study: dict[int, bool] = {c.member_id: bool(reasons[c.member_id]) for c in composites}
    for c in composites:
        if c.value is None:
            grade[c.member_id] = None
            reasons[c.member_id].append(_("没有综合得分"))
            study[c.member_id] = True
        else:
            grade[c.member_id] = by_threshold(c.value, rules)
    if rules.excellent_quota is not None:
        _apply_quota(composites, rules, grade, reasons, study)
    return {
        c.member_id: Proposal(
            c.member_id, grade[c.member_id], study[c.member_id], tuple(reasons[c.member_id])
        )
        for c in composites
    }


def _apply_quota(
    composites: Sequence[Composite],
    rules: GradeRules,
    grade: dict[int, Form5Choice | None],
    reasons: dict[int, list[str]],
    study: dict[int, bool],
) -> None:
    assert rules.excellent_quota is not None
    places = quota_places(len(composites), rules.excellent_quota)
    candidates = sorted(
        (c for c in composites if grade[c.member_id] == Form5Choice.EXCELLENT),
        key=lambda c: c.value or Decimal(0),
        reverse=True,
    )
    if len(candidates) <= places:
        return
    boundary = candidates[places].value  # the best composite left out
    tied = places > 0 and candidates[places - 1].value == boundary
    for c in candidates:
        if tied and c.value == boundary:
            reasons[c.member_id].append(
                _(
                    "与其他人综合得分并列 %(score)s，优秀名额 %(places)s 个不够分",
                    score=boundary,
                    places=places,
                )
            )
            study[c.member_id] = True
        elif c.value is not None and c.value <= (boundary or Decimal(0)):
            grade[c.member_id] = Form5Choice.COMPETENT
            reasons[c.member_id].append(
                _("达到优秀分数线，但超出优秀名额（%(places)s 个）", places=places)
            )
