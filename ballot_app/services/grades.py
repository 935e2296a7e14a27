"""Grades (考核定等): record each member's composite and proposal, mark a record stale when
its inputs change afterwards (a reopened sheet), record the decided grade with a reason
where it differs, sign the year off (read only after), and the 诫勉谈话 that follow.

Every step is in the audit log. Decided grades are what feedback and the talks use."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..database import writes
from ..domain.choices import FORM5_LABELS, Form5Choice
from ..domain.composite import Component, Composite, MemberInputs
from ..domain.meeting_state import MeetingState
from ..domain.text import N_, _, in_chinese
from ..extensions import db
from ..models import Campaign, GradeRecord, Meeting, Talk, User
from ..models.types import utcnow
from .aggregation import district, required_rules, rules_of
from .audit import record_event
from .campaign import get_campaign, writable
from .errors import InvalidInput, NotFound, StateBlocked
from .score_sheets import scored_units

#: The grades that call for a 诫勉谈话 (SPEC, "Feedback").
TALK_GRADES = (Form5Choice.BASICALLY_COMPETENT, Form5Choice.INCOMPETENT)
SIGNED = N_("「%(name)s」的考核等次已经签发，只能查看，不能再修改。")


def inputs_digest(inputs: MemberInputs) -> str:
    """SHA-256 over a member's inputs: every vote count and score, in a fixed order."""
    content = {
        "a": {g.value: n for g, n in sorted((inputs.form5_a or {}).items())},
        "b": {g.value: n for g, n in sorted((inputs.form5_b or {}).items())},
        "annex2": sorted(str(s) for s in inputs.annex2),
        "annex3": sorted(str(s) for s in inputs.annex3),
        "annex4": sorted(str(s) for s in inputs.annex4),
        "interview": {g.value: n for g, n in sorted((inputs.interview or {}).items())},
        "role": inputs.role.value,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def component_values(c: Composite) -> dict[str, str | None]:
    return {p.component.value: None if p.value is None else str(p.value) for p in c.parts}


def records(campaign: Campaign) -> list[GradeRecord]:
    query = select(GradeRecord).where(GradeRecord.campaign_id == campaign.id)
    return list(db.session.scalars(query.order_by(GradeRecord.unit_name, GradeRecord.id)))


def get_record(record_id: int) -> GradeRecord:
    found = db.session.get(GradeRecord, record_id)
    if found is None:
        raise NotFound(_("找不到这条定等记录：请回到「考核定等」页面重新选择。"))
    return found


def _open(campaign: Campaign) -> Campaign:
    writable(campaign)
    if campaign.grades_signed_at is not None:
        raise StateBlocked([_(SIGNED, name=campaign.name)])
    return campaign


def rules_digest(campaign: Campaign) -> str:
    """SHA-256 over the campaign's stored rules."""
    return hashlib.sha256((campaign.aggregation_rules or "").encode()).hexdigest()


@writes
def record(user: User, campaign_id: int) -> int:
    """Record every member's composite and proposal as the figures stand now. A decided
    grade stays while the member's composite and proposal stay as they were; when either
    moved, the decision is cleared and must be taken again. Records of members no longer
    assessed are removed. Returns how many members were recorded."""
    campaign = _open(get_campaign(campaign_id))
    existing = {r.member_id: r for r in records(campaign)}
    rules = required_rules(campaign)
    with in_chinese():  # the reasons are stored: a record, kept in Chinese
        lines = district(campaign, rules)
    cleared = 0
    for line in lines:
        a, c = line.assessed, line.composite
        found = existing.pop(a.inputs.member_id, None)
        if found is None:
            found = GradeRecord(campaign_id=campaign.id, member_id=a.inputs.member_id)
            db.session.add(found)
        composite = "" if c.value is None else str(c.value)
        proposed = line.proposal.grade.value if line.proposal.grade else ""
        if found.decided and (found.composite != composite or found.proposed != proposed):
            found.decided, found.decision_reason = "", ""
            found.decided_by_id, found.decided_at = None, None
            cleared += 1
        found.unit_id, found.unit_name, found.name, found.post = (
            a.unit_id,
            a.unit_name,
            c.name,
            a.post,
        )
        found.role = c.role.value
        found.composite, found.proposed = composite, proposed
        found.components = json.dumps(component_values(c))
        found.inputs_digest = inputs_digest(a.inputs)
        found.rules_digest = rules_digest(campaign)
        found.needs_study = line.proposal.needs_study
        found.reasons = "；".join(dict.fromkeys((*line.flags, *line.proposal.reasons)))  # official
    for gone in existing.values():  # no longer assessed (moved, removed, 兼任)
        db.session.delete(gone)
    with in_chinese():  # the audit log is a record, kept in Chinese
        detail = _("%(campaign)s：%(n)s 人", campaign=campaign.name, n=len(lines))
        if cleared:
            detail += _("，%(n)s 人的得分或建议有变化，审定需重新进行", n=cleared)
        if existing:
            detail += _("，移除 %(n)s 条已不在名单上的记录", n=len(existing))
    record_event(user, None, "grades.record", detail)
    return len(lines)


@dataclass(frozen=True)
class Staleness:
    """Why a record no longer matches the figures, member by member (empty: up to date)."""

    reasons: dict[int, list[str]]  #: record id → sentences
    unrecorded: list[str]  #: members assessed now without a record

    @property
    def is_clean(self) -> bool:
        return not self.reasons and not self.unrecorded


def staleness(campaign: Campaign) -> Staleness:
    """Compare each record with the figures as they are now."""
    rules = rules_of(campaign)
    stored = {r.member_id: r for r in records(campaign)}
    if rules is None or not stored:
        return Staleness({}, [])
    live = {x.assessed.inputs.member_id: x for x in district(campaign, rules)}
    rules_now = rules_digest(campaign)
    reasons: dict[int, list[str]] = {}
    for member_id, r in stored.items():
        line = live.get(member_id)
        if line is None:
            reasons[r.id] = [_("已不在本年度的考核对象名单上")]
            continue
        found = []
        if r.rules_digest != rules_now:
            found.append(_("评分汇总和定等规则在记录后有修改"))
        if inputs_digest(line.assessed.inputs) != r.inputs_digest:
            before = json.loads(r.components or "{}")
            now = component_values(line.composite)
            found += [
                _(
                    "%(component)s由 %(before)s 变为 %(now)s",
                    component=Component(k).label,
                    before=before.get(k) or _("缺"),
                    now=now.get(k) or _("缺"),
                )
                for k in now
                if before.get(k) != now.get(k)
            ] or [_("输入的票数或评分有变化（例如评分表被退回修改后重新交回）")]
        proposed = line.proposal.grade.value if line.proposal.grade else ""
        if not found and proposed != r.proposed:
            was = _(FORM5_LABELS[Form5Choice(r.proposed)]) if r.proposed else "—"
            now_label = _(FORM5_LABELS[line.proposal.grade]) if line.proposal.grade else "—"
            found.append(
                _(
                    "建议等次由 %(before)s 变为 %(now)s（别人的得分变化影响了优秀名额）",
                    before=was,
                    now=now_label,
                )
            )
        if found:
            reasons[r.id] = found
    unrecorded = [x.composite.name for m, x in live.items() if m not in stored]
    return Staleness(reasons, unrecorded)


@writes
def decide(user: User, record_id: int, grade: str, reason: str) -> GradeRecord:
    """Record the decided grade (区委常委会审定); a reason is needed where it differs from
    the proposal. Refused while the record is stale or once the year is signed off."""
    found = get_record(record_id)
    campaign = _open(found.campaign)
    try:
        chosen = Form5Choice(grade)
    except ValueError:
        raise InvalidInput(_("请从列表中选择审定的等次。"), {"grade": _("请选择等次。")}) from None
    reason = reason.strip()
    if len(reason) > 500:
        raise InvalidInput(_("理由最多 500 个字。"), {"reason": _("理由最多 500 个字。")})
    if chosen.value != found.proposed and not reason:
        raise InvalidInput(
            _("审定的等次与建议不同，请写明理由。"), {"reason": _("与建议不同时请写明理由。")}
        )
    if found.id in staleness(campaign).reasons:
        raise StateBlocked([_("这位考核对象的得分在记录后有变化：请先点「重新计算」，再审定。")])
    found.decided, found.decision_reason = chosen.value, reason
    found.decided_by_id, found.decided_at = user.id, utcnow()
    with in_chinese():  # the audit log is a record, kept in Chinese
        detail = _(
            "%(unit)s %(name)s：%(grade)s",
            unit=found.unit_name,
            name=found.name,
            grade=_(FORM5_LABELS[chosen]),
        )
        if reason:
            detail += _("（理由：%(reason)s）", reason=reason)
    record_event(user, None, "grades.decide", detail)
    return found


def pending_meetings(campaign: Campaign) -> int:
    """Meetings of the year's townships and departments not certified (archived ones aside):
    their figures could still change what the grades are computed from."""
    units = [u.id for u in scored_units(campaign)]
    query = (
        select(func.count())
        .select_from(Meeting)
        .where(
            Meeting.unit_id.in_(units),
            Meeting.state != MeetingState.CERTIFIED,
            Meeting.is_archived.is_(False),
            Meeting.rehearsal_of_id.is_(None),  # a rehearsal counts nowhere
        )
    )
    return int(db.session.scalar(query) or 0)


def sign_blockers(campaign: Campaign) -> list[str]:
    found = records(campaign)
    if not found:
        return [_("还没有记录定等建议：请先点「重新计算」。")]
    blockers = []
    undecided = [r.name for r in found if not r.decided]
    if undecided:
        blockers.append(
            _(
                "还有 %(n)s 人没有审定等次：%(names)s。",
                n=len(undecided),
                names=_("、").join(undecided[:10]),
            )
        )
    unexplained = [
        r.name for r in found if r.decided and r.decided != r.proposed and not r.decision_reason
    ]
    if unexplained:
        blockers.append(
            _(
                "%(names)s的审定等次与建议不同，请补写理由。",
                names=_("、").join(unexplained[:10]),
            )
        )
    open_meetings = pending_meetings(campaign)
    if open_meetings:
        blockers.append(
            _(
                "乡镇、区直单位还有 %(n)s 次测评会没有确认结果：确认或归档后才能签发。",
                n=open_meetings,
            )
        )
    stale = staleness(campaign)
    if not stale.is_clean:
        blockers.append(
            _("有的得分在记录后有变化或有新的考核对象：请先点「重新计算」，再核对审定。")
        )
    return blockers


@writes
def sign_off(user: User, campaign_id: int) -> int:
    """Sign the year's grades off: read only after; a 诫勉谈话 is opened for every member
    decided 基本称职 or 不称职. Returns how many talks were opened."""
    campaign = _open(get_campaign(campaign_id))
    db.session.refresh(campaign, with_for_update=True)
    _open(campaign)
    blockers = sign_blockers(campaign)
    if blockers:
        raise StateBlocked(blockers)
    campaign.grades_signed_at, campaign.grades_signed_by = utcnow(), user.display_name
    talks = 0
    for r in records(campaign):
        if Form5Choice(r.decided) in TALK_GRADES:
            db.session.add(
                Talk(
                    grade_id=r.id,
                    year=campaign.year,
                    unit_name=r.unit_name,
                    name=r.name,
                    post=r.post,
                    grade=r.decided,
                )
            )
            talks += 1
    with in_chinese():  # the audit log is a record, kept in Chinese
        detail = _("%(campaign)s：诫勉谈话 %(n)s 人", campaign=campaign.name, n=talks)
    record_event(user, None, "grades.sign", detail)
    return talks


# --- 诫勉谈话 ---------------------------------------------------------------------------------


def talks() -> list[Talk]:
    """Every talk of every year, the open ones first, then by year and unit."""
    query = select(Talk).order_by(Talk.is_done, Talk.year.desc(), Talk.unit_name, Talk.id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class TalkInput:
    held_on: date | None
    talked_by: str
    notes: str
    is_done: bool


@writes
def update_talk(user: User, talk_id: int, data: TalkInput) -> Talk:
    talk = db.session.get(Talk, talk_id)
    if talk is None:
        raise NotFound(_("找不到这次诫勉谈话：请回到「诫勉谈话」页面重新选择。"))
    problems = {}
    if data.is_done and data.held_on is None:
        problems["held_on"] = _("标为已完成前，请填写谈话日期和谈话人。")
    if data.is_done and not data.talked_by.strip():
        problems["talked_by"] = _("标为已完成前，请填写谈话日期和谈话人。")
    if len(data.talked_by) > 120:
        problems["talked_by"] = _("谈话人最多 120 个字。")
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    talk.held_on, talk.talked_by = data.held_on, data.talked_by.strip()
    talk.notes, talk.is_done = data.notes.strip(), data.is_done
    record_event(user, None, "talk.update", f"{talk.year} {talk.unit_name} {talk.name}")
    return talk
