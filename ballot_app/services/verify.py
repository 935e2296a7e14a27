"""`flask verify`: the stored rows checked against themselves, with nothing but the database.

- Every certified meeting is counted again from its rows (results.counted_marks, tally,
  slip7_for) and compared, field by field, with the figures stored when it was certified
  (`Meeting.certified_result`). Figures that the blank-rows migration filled in carry
  `filled_by_migration`: those meetings were certified under the old rule (a blank duty row
  was void), so their slip 7 is compared by that rule.
- Every meeting's box: phone ballots == slips used (one transaction stores both), and each
  ballot holds all its rows (no half ballot).
- The audit log's chain (services.audit.event_digest), from the first event with a digest.

Every difference is a sentence in the reader's language (Chinese on the command line);
nothing here names a ballot's key or a slip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.orm import selectinload

from ..domain.choices import FORM6_CODES, Form6Item, Source
from ..domain.meeting_state import MeetingState
from ..domain.rates import percent
from ..domain.score_sheets import SheetState
from ..domain.slip7 import PassRateBase, Slip7
from ..domain.tally import tally
from ..domain.text import N_, _
from ..extensions import db
from ..models import (
    AuditEvent,
    Ballot,
    Campaign,
    Evaluee,
    Form5Mark,
    Form6Mark,
    Meeting,
    ScoreSheet,
    Token,
)
from . import aggregation, grades
from .audit import action_label, beijing_time, event_digest
from .results import MeetingResults, counted_marks, slip7_for, token_stats
from .score_sheets import stored_digest

#: Top-level key of figures the blank-rows migration (c7d2e4f6a813) computed by the old rule.
FILLED_BY = "filled_by_migration"

Path = tuple[str | int, ...]

#: Chinese names (message ids) of the tally schema's keys; "" leaves a level out of the
#: printed path.
WORDS = {
    "meeting": N_("会议"),
    "id": N_("编号"),
    "title": N_("名称"),
    "unit": N_("单位"),
    "state": N_("状态"),
    "tokens": N_("测评码"),
    "printed": N_("印制"),
    "voided": N_("作废"),
    "used": N_("已用"),
    "by_category": "",
    "A": N_("表A"),
    "B": N_("表B"),
    "combined": N_("A、B 合计"),
    "form5": N_("附件5"),
    "form6": N_("附件6"),
    "slip7": N_("附件7"),
    "ballots": N_("票数"),
    "void": N_("废票"),
    "evaluees": "",
    "name": N_("姓名"),
    "post": N_("职务"),
    "counts": "",
    "items": "",
    "shares": N_("占比"),
    "comments": N_("意见条数"),
    "excellent": N_("优秀"),
    "competent": N_("称职"),
    "basically_competent": N_("基本称职"),
    "incompetent": N_("不称职"),
    "abstain": N_("弃权"),
    "invalid": N_("多选无效"),
    "duty": N_("书记履行管党责任情况"),
    "activity": N_("党组织开展创先争优活动情况"),
    "participants": N_("评议人员"),
    "issued": N_("发出"),
    "returned": N_("收回"),
    "valid": N_("有效"),
    "good": N_("好"),
    "fairly_good": N_("较好"),
    "average": N_("一般"),
    "poor": N_("差"),
    "pass_rate": N_("合格率"),
    "pass_rate_base": N_("合格率基数"),
}


@dataclass
class Report:
    """What `flask verify` found."""

    differences: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    meetings_recounted: int = 0
    meetings_checked: int = 0
    events_chained: int = 0
    events_unchained: int = 0
    sheets_sealed: int = 0  #: returned score sheets whose digest was recomputed
    grades_recomputed: int = 0  #: grade records whose composite and proposal were recomputed
    head: tuple[int, str] | None = None  #: the last event: id and digest

    @property
    def is_clean(self) -> bool:
        return not self.differences


def verify_database(anchors: Sequence[tuple[int, str]] = ()) -> Report:
    """Check certified results, every box and the audit chain; `anchors` are (event id,
    digest) pairs noted earlier, which the chain must still hold."""
    report = Report()
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .options(selectinload(Meeting.unit), selectinload(Meeting.evaluees))
            .order_by(Meeting.id)
        )
    )
    for meeting in meetings:
        _check_certified(meeting, report)
    report.meetings_checked = len(meetings)
    _check_boxes({m.id: m for m in meetings}, report)
    _check_sheets(report)
    _check_grades(report)
    _check_chain(report, dict(anchors))
    return report


def _check_grades(report: Report) -> None:
    """Every recorded composite and proposal, recomputed from the stored meetings and sheets
    under the campaign's rules. Once the grades are signed off a difference means a row was
    changed behind the app's back; before, it is a record waiting to be recomputed."""
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        recorded = grades.records(campaign)
        rules = aggregation.rules_of(campaign)
        if not recorded or rules is None:
            continue
        live = {x.assessed.inputs.member_id: x for x in aggregation.district(campaign, rules)}
        for r in recorded:
            report.grades_recomputed += 1
            line = live.get(r.member_id)
            now = "" if line is None or line.composite.value is None else str(line.composite.value)
            proposed = line.proposal.grade.value if line and line.proposal.grade else ""
            if now == r.composite and proposed == r.proposed:
                continue
            names = {
                "campaign": campaign.name,
                "unit": r.unit_name,
                "name": r.name,
                "recorded": r.composite or "—",
                "now": now or "—",
            }
            if proposed != r.proposed:
                sentence = _(
                    "%(campaign)s %(unit)s %(name)s：记录的综合得分 %(recorded)s，"
                    "按现存的票和评分表重新计算为 %(now)s，建议等次也不同",
                    **names,
                )
            else:
                sentence = _(
                    "%(campaign)s %(unit)s %(name)s：记录的综合得分 %(recorded)s，"
                    "按现存的票和评分表重新计算为 %(now)s",
                    **names,
                )
            if campaign.grades_signed_at is not None:
                report.differences.append(
                    _("%(sentence)s（等次已签发，数据在签发后被改动过）。", sentence=sentence)
                )
            else:
                report.notices.append(
                    _("%(sentence)s（尚未签发：请在「考核定等」页面重新计算）。", sentence=sentence)
                )


def _check_sheets(report: Report) -> None:
    """Every sealed score sheet's digest, recomputed from its stored rows: an edited score,
    remark or signature, or a row added or removed, no longer matches."""
    sealed = db.session.scalars(
        select(ScoreSheet)
        .where(ScoreSheet.state == SheetState.RETURNED)
        .options(selectinload(ScoreSheet.rows))
        .order_by(ScoreSheet.id)
    )
    for sheet in sealed:
        report.sheets_sealed += 1
        if stored_digest(sheet) != sheet.digest:
            report.differences.append(
                _(
                    "评分表第 %(id)s 号（%(rater)s）：现存分数算出的摘要与交回时的摘要"
                    " %(digest)s… 不一致，交回后被改动过。",
                    id=sheet.id,
                    rater=sheet.rater_name,
                    digest=sheet.digest[:16],
                )
            )


# --- certified results ---------------------------------------------------------------------


def recount(meeting: Meeting) -> dict[str, Any]:
    """The meeting's figures in the tally schema, counted afresh from its rows."""
    counted, returned = counted_marks(meeting)
    figures = tally(counted)
    tokens = token_stats(meeting.id)
    slip = slip7_for(meeting, tokens, figures.form6.items[Form6Item.DUTY.value], returned)
    return MeetingResults(meeting, tokens, figures, slip, returned).as_dict()


def old_rule_slip7(slip: Slip7) -> dict[str, Any]:
    """Slip 7 by the rule before blank rows were abstentions: valid = ballots whose duty row
    holds a grade, void = the rest of the returned, no 弃权 line (as the migration stored it;
    the base "graded" did not exist then and reads as "valid")."""
    valid = slip.graded
    whole = {
        PassRateBase.VALID: valid,
        PassRateBase.GRADED: valid,
        PassRateBase.RETURNED: slip.returned,
        PassRateBase.PARTICIPANTS: slip.participants,
    }[slip.pass_rate_base]
    rate = percent(slip.good + slip.fairly_good, whole)
    return {
        "participants": slip.participants,
        "issued": slip.issued,
        "returned": slip.returned,
        "valid": valid,
        "void": slip.returned - valid,
        **{c: getattr(slip, c) for c in FORM6_CODES},
        "abstain": 0,
        "pass_rate": None if rate is None else float(rate),
        "pass_rate_base": slip.pass_rate_base.value,
    }


def _name(meeting: Meeting) -> str:
    return _(
        "会议 %(id)s（%(unit)s：%(title)s）",
        id=meeting.id,
        unit=meeting.unit.name,
        title=meeting.title,
    )


def _check_certified(meeting: Meeting, report: Report) -> None:
    certified = meeting.state == MeetingState.CERTIFIED
    if meeting.certified_result is None:
        if certified:
            report.differences.append(
                _(
                    "%(meeting)s已确认，却没有存下确认时的结果：无法核对，请查明原因。",
                    meeting=_name(meeting),
                )
            )
        return
    if not certified:
        report.differences.append(
            _(
                "%(meeting)s存有确认结果，状态却是「%(state)s」："
                "已确认的会议不能回到其他状态，请查明原因。",
                meeting=_name(meeting),
                state=meeting.state.value,
            )
        )
        return
    try:
        stored = json.loads(meeting.certified_result)
    except ValueError:
        report.differences.append(
            _("%(meeting)s确认时存的结果已损坏，读不出来。", meeting=_name(meeting))
        )
        return
    report.meetings_recounted += 1
    fresh = recount(meeting)
    slip = Slip7.from_dict(fresh["slip7"])
    if isinstance(stored, dict) and stored.get(FILLED_BY):
        fresh["slip7"] = old_rule_slip7(slip)
        report.notices.append(
            _(
                "%(meeting)s是在旧规则（空白为废票）下确认的，结果由升级程序补存：附件7 按旧规则核对。",
                meeting=_name(meeting),
            )
        )
    found = list(compare(stored, fresh, meeting, report))
    slip_differs = any(line.startswith(_word("slip7")) for line in found)
    if slip_differs and not _differs(stored.get("slip7", {}), old_rule_slip7(slip)):
        found.append(
            _(
                "附件7 与旧规则（空白为废票）算出的一致：这次会议可能是在规则修改之前确认的，"
                "请与签字的纸面结果报告单核对。"
            )
        )
    report.differences.extend(
        _("%(meeting)s：%(line)s", meeting=_name(meeting), line=line) for line in found
    )


def _flatten(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _flatten(item, (*path, n))
    else:
        yield path, value


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def _differs(stored: Any, fresh: Any) -> bool:
    a, b = dict(_flatten(stored)), dict(_flatten(fresh))
    return a.keys() != b.keys() or any(not _same(a[k], b[k]) for k in a)


def _word(key: str) -> str:
    """A key's name in the reader's language; "" for a level left out."""
    word = WORDS.get(key, key)
    return _(word) if word else ""


def _label(path: Path, stored: Mapping[str, Any]) -> str:
    words: list[str] = []
    for n, key in enumerate(path):
        if isinstance(key, int):
            rows = stored.get("form5", {}).get(str(path[1]), {}).get("evaluees", [])
            name = rows[key].get("name", "") if key < len(rows) else ""
            if name:
                words.append(_("第 %(n)s 位测评对象（%(name)s）", n=key + 1, name=name))
            else:
                words.append(_("第 %(n)s 位测评对象", n=key + 1))
        elif n == 0 or WORDS.get(key, key):
            words.append(_word(key))
    return "·".join(w for w in words if w)


def _shown(value: Any) -> str:
    return _("空") if value is None else str(value)


def compare(
    stored: Mapping[str, Any], fresh: Mapping[str, Any], meeting: Meeting, report: Report
) -> Iterator[str]:
    """Each field where the stored figures and the recount disagree, as a Chinese phrase.

    The unit's name may change after certification (units can be renamed): a notice, not a
    difference. Shares follow from the counts and are missing from figures certified
    before they existed: compared only where stored."""
    a, b = dict(_flatten(stored)), dict(_flatten(fresh))
    for path in sorted(a.keys() | b.keys(), key=lambda p: tuple(map(str, p))):
        if path and path[0] == FILLED_BY:
            continue
        label = _label(path, stored)
        if path == ("meeting", "unit"):
            if a.get(path) != b.get(path):
                report.notices.append(
                    _(
                        "%(meeting)s：单位名称确认时为「%(then)s」，现在为"
                        "「%(now)s」（单位改过名，结果不受影响）。",
                        meeting=_name(meeting),
                        then=_shown(a.get(path)),
                        now=_shown(b.get(path)),
                    )
                )
            continue
        if path not in a:
            if "shares" not in path:
                yield _(
                    "%(label)s：确认时存的结果里没有这一项，按库中的票算出 %(now)s。",
                    label=label,
                    now=_shown(b[path]),
                )
        elif path not in b:
            yield _(
                "%(label)s：确认时为 %(then)s，按库中的票算不出这一项。",
                label=label,
                then=_shown(a[path]),
            )
        elif not _same(a[path], b[path]):
            yield _(
                "%(label)s：确认时为 %(then)s，按库中的票重新计算为 %(now)s。",
                label=label,
                then=_shown(a[path]),
                now=_shown(b[path]),
            )


# --- the boxes -----------------------------------------------------------------------------


def _as_int(expr: Any) -> Any:
    return func.coalesce(func.sum(case((expr, 1), else_=0)), 0).cast(Integer)


def _check_boxes(meetings: Mapping[int, Meeting], report: Report) -> None:
    used: dict[int, int] = dict(
        db.session.execute(
            select(Token.meeting_id, _as_int(Token.is_used)).group_by(Token.meeting_id)
        ).all()
    )
    phone: dict[int, int] = dict(
        db.session.execute(
            select(Ballot.meeting_id, func.count())
            .where(Ballot.source == Source.PHONE)
            .group_by(Ballot.meeting_id)
        ).all()
    )
    for meeting_id in sorted(used.keys() | phone.keys()):
        n_used, n_phone = int(used.get(meeting_id, 0)), int(phone.get(meeting_id, 0))
        if n_used != n_phone:
            report.differences.append(
                _(
                    "%(meeting)s：已用的测评码 %(used)s 张，手机票 %(phone)s 张，"
                    "两者应当相等（用码和存票在同一个事务里）。",
                    meeting=_where(meetings, meeting_id),
                    used=n_used,
                    phone=n_phone,
                )
            )
    for meeting_id, n in _half_ballots():
        report.differences.append(
            _(
                "%(meeting)s：有 %(n)s 张票的选择行不全或多出"
                "（每张票应有每位测评对象一行、附件6 两行）。",
                meeting=_where(meetings, meeting_id),
                n=n,
            )
        )


def _where(meetings: Mapping[int, Meeting], meeting_id: int) -> str:
    meeting = meetings.get(meeting_id)
    return _name(meeting) if meeting else _("会议 %(id)s", id=meeting_id)


def _half_ballots() -> list[tuple[int, int]]:
    """Per meeting, the ballots whose rows are not exactly their forms' rows."""
    evaluees = (
        select(func.count())
        .select_from(Evaluee)
        .where(Evaluee.meeting_id == Ballot.meeting_id)
        .scalar_subquery()
    )
    rows5 = (
        select(func.count())
        .select_from(Form5Mark)
        .join(Evaluee, Evaluee.id == Form5Mark.evaluee_id)
        .where(and_(Form5Mark.ballot_id == Ballot.id, Evaluee.meeting_id == Ballot.meeting_id))
        .scalar_subquery()
    )
    all5 = (
        select(func.count())
        .select_from(Form5Mark)
        .where(Form5Mark.ballot_id == Ballot.id)
        .scalar_subquery()
    )
    rows6 = (
        select(func.count())
        .select_from(Form6Mark)
        .where(Form6Mark.ballot_id == Ballot.id, Form6Mark.meeting_id == Ballot.meeting_id)
        .scalar_subquery()
    )
    all6 = (
        select(func.count())
        .select_from(Form6Mark)
        .where(Form6Mark.ballot_id == Ballot.id)
        .scalar_subquery()
    )
    expected5 = case((Ballot.has_form5, evaluees), else_=0)
    expected6 = case((Ballot.has_form6, len(Form6Item)), else_=0)
    wrong = (rows5 != expected5) | (all5 != rows5) | (rows6 != expected6) | (all6 != rows6)
    query = (
        select(Ballot.meeting_id, func.count())
        .where(wrong)
        .group_by(Ballot.meeting_id)
        .order_by(Ballot.meeting_id)
    )
    return [(int(m), int(n)) for m, n in db.session.execute(query)]


# --- the audit chain -----------------------------------------------------------------------


def _event_name(event_id: int, at: Any, action: str) -> str:
    when = beijing_time(at).strftime("%Y-%m-%d %H:%M:%S")
    return _(
        "操作日志第 %(id)s 条（%(when)s，%(action)s）",
        id=event_id,
        when=when,
        action=action_label(action),
    )


def _check_chain(report: Report, anchors: dict[int, str]) -> None:
    query = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.user_id,
        AuditEvent.action,
        AuditEvent.detail,
        AuditEvent.digest,
    ).order_by(AuditEvent.id)
    previous, previous_id, started = "", None, False
    for event_id, at, user_id, action, detail, digest in db.session.execute(
        query.execution_options(yield_per=1000)
    ):
        if not started and not digest:
            report.events_unchained += 1
        else:
            started = True
            report.events_chained += 1
            expected = event_digest(previous, event_id, at, user_id, action, detail)
            if digest != expected:
                report.differences.append(_broken(event_id, at, action, digest, previous_id))
        if event_id in anchors and anchors.pop(event_id) != digest:
            report.differences.append(
                _(
                    "%(event)s的校验值与您记下的不同：日志被改写过。",
                    event=_event_name(event_id, at, action),
                )
            )
        previous, previous_id = digest, event_id
        report.head = (event_id, digest)
    for event_id in sorted(anchors):
        report.differences.append(
            _("操作日志里找不到您记下的第 %(id)s 条：它被删除了。", id=event_id)
        )
    if report.events_unchained:
        report.notices.append(
            _(
                "操作日志最早的 %(n)s 条写于加入校验链之前，没有校验值，"
                "无法核对；从之后的第一条起逐条核对。",
                n=report.events_unchained,
            )
        )


def _broken(event_id: int, at: Any, action: str, digest: str, previous_id: int | None) -> str:
    name = _event_name(event_id, at, action)
    if not digest:
        return _(
            "%(event)s的校验值是空的：校验链开始之后，每一条都应有校验值，它被清掉了。",
            event=name,
        )
    gap = ""
    if previous_id is not None and event_id - previous_id > 1:
        gap = _(
            "它和前一条（第 %(previous)s 条）之间缺编号 %(first)s–%(last)s"
            "（PostgreSQL 上撤销的操作也会留下空号）；",
            previous=previous_id,
            first=previous_id + 1,
            last=event_id - 1,
        )
    return _(
        "%(event)s的校验值对不上：%(gap)s这一条被改动过，或它前面的记录被改动、删除过。"
        "请用备份或导出的日志核对。",
        event=name,
        gap=gap,
    )
