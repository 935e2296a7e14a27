"""What the composites are computed from (评分汇总的输入): each assessed member's form 5 votes
from the certified meetings and scores from the returned (sealed) score sheets, with where
each came from. Inputs only from certified meetings and returned sheets (SPEC, "Aggregation
and grades"); the rules that join them are in domain/composite.py and domain/grades.py."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import writes
from ..domain.aggregation_rules import AggregationRules, rules_as_dict, rules_from_dict
from ..domain.choices import Form5Choice
from ..domain.composite import Component, Composite, MemberInputs, RoleKind, composite
from ..domain.grades import Proposal, flags, propose
from ..domain.meeting_state import MeetingState
from ..domain.score_sheets import SheetKind, SheetState, from_tenths
from ..domain.tally import part_from_dict
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Meeting, Member, ScoreSheet, User
from .audit import record_event
from .campaign import writable
from .errors import StateBlocked
from .interviews import counts_of as interview_counts
from .score_sheets import scored_units

#: Which component each sheet kind feeds: both annex 2 sheets are annex 2's raters.
SHEET_COMPONENT = {
    SheetKind.ANNEX2: Component.ANNEX2,
    SheetKind.ANNEX2_PRINCIPALS: Component.ANNEX2,
    SheetKind.ANNEX3: Component.ANNEX3,
    SheetKind.ANNEX4: Component.ANNEX4,
}


@dataclass
class _Gathered:
    votes: dict[str, dict[Form5Choice, int]] = field(default_factory=dict)  #: A, B, interview
    scores: dict[Component, list[Decimal]] = field(default_factory=lambda: defaultdict(list))
    sources: dict[Component, list[str]] = field(default_factory=lambda: defaultdict(list))


def _add_votes(found: _Gathered, table: str, counts: dict[str, int]) -> None:
    into = found.votes.setdefault(table, {g: 0 for g in Form5Choice})
    for grade in Form5Choice:
        into[grade] += int(counts.get(grade.value, 0))


def certified_meetings(unit_ids: Iterable[int]) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.unit_id.in_(list(unit_ids)),
                Meeting.state == MeetingState.CERTIFIED,
                Meeting.is_archived.is_(False),
                Meeting.is_form5_enabled.is_(True),
            )
            .options(selectinload(Meeting.evaluees))
            .order_by(Meeting.held_on, Meeting.id)
        )
    )


@dataclass(frozen=True)
class Assessed:
    """A member as the district table shows them: their unit and post, and their inputs."""

    unit_id: int
    unit_name: str
    post: str
    inputs: MemberInputs


def member_inputs(campaign: Campaign) -> list[Assessed]:
    """Every assessed member of the year's townships and departments (兼任 lines left out),
    in unit then roster order, with the figures the certified meetings and sealed sheets
    hold for them."""
    units = scored_units(campaign)
    members = [m for u in units for m in u.members if not m.is_concurrent]
    gathered: dict[int, _Gathered] = {m.id: _Gathered() for m in members}
    for meeting in certified_meetings(u.id for u in units):
        stored = json.loads(meeting.certified_result or "{}").get("form5", {})
        for table in ("A", "B"):
            if table not in stored:
                continue
            part = part_from_dict(stored[table])
            # The stored rows follow the evaluees' printed order, which a certified
            # meeting can no longer change.
            for evaluee, row in zip(meeting.evaluees, part.evaluees, strict=False):
                if evaluee.member_id in gathered:
                    _add_votes(gathered[evaluee.member_id], table, dict(row.row.counts))
                    where = _(
                        "%(meeting)s（%(day)s，已确认）表%(table)s",
                        meeting=meeting.title,
                        day=meeting.held_on,
                        table=table,
                    )
                    component = Component.FORM5_A if table == "A" else Component.FORM5_B
                    gathered[evaluee.member_id].sources[component].append(where)
    for member_id, counts in interview_counts(members).items():
        gathered[member_id].votes["interview"] = counts
        gathered[member_id].sources[Component.INTERVIEW].append(_("考核组录入的考察谈话推荐人数"))
    sealed = db.session.scalars(
        select(ScoreSheet)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.state == SheetState.RETURNED)
        .options(selectinload(ScoreSheet.rows))
        .order_by(ScoreSheet.id)
    )
    for sheet in sealed:
        component = SHEET_COMPONENT[sheet.kind]
        for row in sheet.rows:
            if row.member_id in gathered and row.score_tenths is not None:
                gathered[row.member_id].scores[component].append(from_tenths(row.score_tenths))
                gathered[row.member_id].sources[component].append(
                    _(
                        "评分表第 %(number)s 号（%(rater)s，摘要 %(digest)s）",
                        number=sheet.id,
                        rater=sheet.rater_name,
                        digest=sheet.digest[:8],
                    )
                )
    return [Assessed(m.unit_id, m.unit.name, m.post, _inputs(m, gathered[m.id])) for m in members]


def _inputs(m: Member, found: _Gathered) -> MemberInputs:
    return MemberInputs(
        member_id=m.id,
        name=m.name,
        role=RoleKind.PRINCIPAL if m.is_principal else RoleKind.DEPUTY,
        form5_a=found.votes.get("A"),
        form5_b=found.votes.get("B"),
        annex2=tuple(found.scores[Component.ANNEX2]),
        annex3=tuple(found.scores[Component.ANNEX3]),
        annex4=tuple(found.scores[Component.ANNEX4]),
        interview=found.votes.get("interview"),
        sources={c: _("；").join(s) for c, s in found.sources.items()},
    )


# --- the rules -------------------------------------------------------------------------------


def rules_of(campaign: Campaign) -> AggregationRules | None:
    """The campaign's rules, or None until the admin has set them."""
    if not campaign.aggregation_rules:
        return None
    return rules_from_dict(json.loads(campaign.aggregation_rules))


NO_RULES = N_(
    "还没有设定评分汇总和定等规则：请先在「评分汇总和定等规则」里填好折算分、权重和分数线。"
)


def required_rules(campaign: Campaign) -> AggregationRules:
    """The campaign's rules, or the refusal that says where to set them."""
    found = rules_of(campaign)
    if found is None:
        raise StateBlocked([_(NO_RULES)])
    return found


@writes
def save_rules(user: User, campaign_id: int, rules: AggregationRules) -> Campaign:
    campaign = writable(db.session.get_one(Campaign, campaign_id))
    if campaign.grades_signed_at is not None:
        raise StateBlocked(
            [_("「%(name)s」的考核等次已经签发，规则不能再修改。", name=campaign.name)]
        )
    campaign.aggregation_rules = json.dumps(rules_as_dict(rules), ensure_ascii=False)
    record_event(user, None, "aggregation.rules", campaign.name)
    return campaign


# --- the district table ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberLine:
    """One member's row of the district table, and their formula sheet."""

    assessed: Assessed
    composite: Composite
    flags: tuple[str, ...]
    proposal: Proposal


def all_votes(inputs: MemberInputs) -> dict[Form5Choice, int]:
    """Tables A and B together, for the flags."""
    both = {g: 0 for g in Form5Choice}
    for table in (inputs.form5_a, inputs.form5_b):
        for g, n in (table or {}).items():
            both[g] += n
    return both


def district(campaign: Campaign, rules: AggregationRules) -> list[MemberLine]:
    """Every assessed member's composite, flags and proposal; the 优秀 quota applies across
    the district's members."""
    assessed = member_inputs(campaign)
    composites = [composite(a.inputs, rules.scoring) for a in assessed]
    member_flags = {a.inputs.member_id: flags(all_votes(a.inputs)) for a in assessed}
    proposals = propose(composites, rules.grading, member_flags)
    return [
        MemberLine(a, c, member_flags[a.inputs.member_id], proposals[a.inputs.member_id])
        for a, c in zip(assessed, composites, strict=True)
    ]
