"""The year's assessment (年度考核): the current campaign, its dates and states, the next
year started from this one, and the rule that a closed campaign changes no more.

The rule is kept by construction: a flush that would add, change or delete anything of a
closed campaign (its groups, units, rosters, meetings and what they hold, or an account
moved into one of its groups) is refused before it reaches the database, whichever service
wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..database import writes
from ..domain.campaign import (
    STEPS,
    CampaignDates,
    CampaignState,
    closed_sentence,
    date_problems,
    default_cutoff,
)
from ..domain.meeting_state import MeetingState
from ..domain.roles import Role
from ..domain.text import N_, _
from ..extensions import db
from ..models import (
    Campaign,
    Evaluee,
    GradeRecord,
    Group,
    Interview,
    Leader,
    LiveView,
    Meeting,
    Member,
    ScoreRow,
    ScoreSheet,
    Unit,
    User,
)
from .audit import record_event
from .errors import InvalidInput, NotFound, ServiceError, StateBlocked


class CampaignClosed(ServiceError):
    """A write to a campaign that has ended."""

    status = 409
    title = N_("本年度考核已结束")


def current_campaign(today: date | None = None) -> Campaign:
    """The campaign being worked on: the running one (the latest, should two run), else the
    one being prepared, else the latest closed one (read only: the next year is started
    from it, never made empty on its own). Only a database with no campaign at all gets
    this year's, made here (9月30日 cut-off); the caller's unit of work keeps it."""
    for state in (CampaignState.RUNNING, CampaignState.PREPARING):
        found: Campaign | None = db.session.scalar(
            select(Campaign).where(Campaign.state == state).order_by(Campaign.year.desc()).limit(1)
        )
        if found is not None:
            return found
    latest: Campaign | None = db.session.scalar(
        select(Campaign).order_by(Campaign.year.desc()).limit(1)
    )
    if latest is not None:
        return latest
    year = (today or date.today()).year
    campaign = Campaign(year=year, name=default_name(year), post_change_cutoff=default_cutoff(year))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def default_name(year: int) -> str:
    """A new campaign's name, the one the forms print (the admin may change it)."""
    return f"{year}年度考核"  # official (a name: printed on the annexes)


@writes
def ensure_current() -> Campaign:
    """current_campaign() for a page: a campaign made on first use is committed."""
    return current_campaign()


def all_campaigns() -> list[Campaign]:
    """Every campaign, the newest year first."""
    return list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc())))


NO_SUCH_CAMPAIGN = N_("找不到这个年度考核：它可能已被删除。请回到「年度考核」页面重新选择。")


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_(NO_SUCH_CAMPAIGN))
    return campaign


def writable(campaign: Campaign) -> Campaign:
    """The campaign, if it may still change; CampaignClosed otherwise."""
    if campaign.is_closed:
        raise CampaignClosed(closed_sentence(campaign.name))
    return campaign


class GradesSigned(ServiceError):
    """A change to what the signed grades were computed from."""

    status = 409
    title = N_("考核等次已签发")


def signed_sentence(name: str) -> str:
    return _(
        "「%(name)s」的考核等次已经签发：评分表、考察谈话推荐、规则和乡镇、区直单位的名单与测评会"
        "都只能查看，不能再修改。",
        name=name,
    )


def inputs_writable(campaign: Campaign) -> Campaign:
    """The campaign, if what the grades are computed from may still change: not closed, and
    its grades not signed off. For the writes the flush guard below cannot see (conditional
    UPDATE statements)."""
    writable(campaign)
    if campaign.grades_signed_at is not None:
        raise GradesSigned(signed_sentence(campaign.name))
    return campaign


@dataclass(frozen=True)
class CampaignInput:
    """The campaign form as typed."""

    name: str
    dates: CampaignDates


@writes
def update_campaign(user: User, campaign_id: int, data: CampaignInput) -> Campaign:
    """Change a campaign's name and dates (not its year: everything hangs on it)."""
    campaign = writable(get_campaign(campaign_id))
    problems = date_problems(data.dates)
    name = data.name.strip()
    if not name:
        problems["name"] = _("请填写名称，例如「2026年度考核」。")
    if data.dates.year != campaign.year:
        problems["year"] = _("年度建好后不能改；如要另一年度，请从本年度开始下一年度。")
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    campaign.name = name
    campaign.post_change_cutoff = data.dates.cutoff
    campaign.meetings_from, campaign.meetings_to = data.dates.meetings_from, data.dates.meetings_to
    campaign.roster_due, campaign.annex8_due = data.dates.roster_due, data.dates.annex8_due
    campaign.sheets_due = data.dates.sheets_due
    record_event(user, None, "campaign.update", campaign.name)
    return campaign


def open_boxes(campaign: Campaign) -> list[str]:
    """The meetings of the campaign whose box is open, as 「单位：会议」."""
    query = (
        select(Unit.name, Meeting.title, Meeting.rehearsal_of_id)
        .join(Meeting, Meeting.unit_id == Unit.id)
        .where(Unit.campaign_id == campaign.id, Meeting.state == MeetingState.OPEN)
        .order_by(Unit.name, Meeting.id)
    )
    return [
        _("%(unit)s：%(meeting)s", unit=unit, meeting=title)
        if rehearsed is None
        else _("%(unit)s：%(meeting)s（演练）", unit=unit, meeting=title)
        for unit, title, rehearsed in db.session.execute(query)
    ]


def uncertified(campaign: Campaign) -> int:
    """Meetings of the campaign not certified yet (drafts and closed boxes)."""
    query = (
        select(func.count())
        .select_from(Meeting)
        .join(Unit, Unit.id == Meeting.unit_id)
        .where(
            Unit.campaign_id == campaign.id,
            Meeting.rehearsal_of_id.is_(None),  # a rehearsal's draft counts already
            Meeting.state != MeetingState.CERTIFIED,
            Meeting.is_archived.is_(False),
        )
    )
    return int(db.session.scalar(query) or 0)


def step_blockers(campaign: Campaign, step: str) -> list[str]:
    """Why a campaign cannot take a step now, each as a sentence; empty: it can."""
    source, _target = STEPS[step]
    if campaign.state != source:
        if campaign.is_closed:
            return [closed_sentence(campaign.name)]
        if step == "start":
            return [_("本年度考核已经开始了，不用再开始。")]
        return [_("本年度考核还没有开始：先点「开始考核」，测评会开完后再结束。")]
    if step == "close":
        boxes = open_boxes(campaign)
        if boxes:
            shown = _("、").join(boxes[:5])
            return [
                _(
                    "还有 %(count)s 次测评会的投票箱开着（%(boxes)s等）：请先关闭投票箱，再结束本年度考核。",
                    count=len(boxes),
                    boxes=shown,
                )
                if len(boxes) > 5
                else _(
                    "还有 %(count)s 次测评会的投票箱开着（%(boxes)s）：请先关闭投票箱，再结束本年度考核。",
                    count=len(boxes),
                    boxes=shown,
                )
            ]
    return []


@writes
def take_step(user: User, campaign_id: int, step: str) -> Campaign:
    """Start the campaign (preparing → running) or close it (running → closed, read only)."""
    campaign = get_campaign(campaign_id)
    # PostgreSQL: the row stays locked until the commit, so a box opened meanwhile (which
    # reads the campaign FOR SHARE, services/meetings.py) waits and then finds it closed.
    db.session.refresh(campaign, with_for_update=True)
    blockers = step_blockers(campaign, step)
    if blockers:
        raise StateBlocked(blockers)
    record_event(user, None, f"campaign.{step}", campaign.name)
    if step == "close":
        for group in campaign.groups:
            group.members_at_close = member_names(group)
        db.session.flush()  # written while the campaign is still open
    campaign.state = STEPS[step][1]
    following = db.session.scalar(select(Campaign).where(Campaign.year == campaign.year + 1))
    if step == "close" and following is not None:
        move_organizers(campaign, following)
    return campaign


def next_year_blockers(campaign: Campaign) -> list[str]:
    taken = db.session.scalar(select(Campaign).where(Campaign.year == campaign.year + 1))
    if taken is not None:
        return [
            _(
                "%(year)s 年度的考核已经建好了（「%(name)s」），不用再建。",
                year=campaign.year + 1,
                name=taken.name,
            )
        ]
    return []


@writes
def start_next_year(user: User, campaign_id: int) -> Campaign:
    """Next year's campaign, preparing, from this one: its groups (leaders, liaisons, order),
    its units that are not archived (kind, party organisation, group, parent) with their
    rosters. The organizers of each group move to next year's group of the same name once
    this year is closed (now, or when it closes: until then they still run its meetings);
    this year stays whole and readable."""
    old = get_campaign(campaign_id)
    blockers = next_year_blockers(old)
    if blockers:
        raise StateBlocked(blockers)
    year = old.year + 1
    new = Campaign(year=year, name=default_name(year), post_change_cutoff=default_cutoff(year))
    db.session.add(new)
    db.session.flush()
    groups: dict[int, Group] = {}
    for g in old.groups:
        groups[g.id] = copy = Group(
            campaign_id=new.id,
            name=g.name,
            leader_name=g.leader_name,
            liaison_name=g.liaison_name,
            liaison_phone=g.liaison_phone,
            position=g.position,
        )
        db.session.add(copy)
    db.session.flush()
    old_units = list(
        db.session.scalars(
            select(Unit).where(Unit.campaign_id == old.id, Unit.is_archived.is_(False))
        )
    )
    units: dict[int, Unit] = {}
    for u in old_units:
        group = groups.get(u.group_id) if u.group_id else None
        units[u.id] = copy_unit = Unit(
            campaign_id=new.id,
            group_id=group.id if group else None,
            name=u.name,
            kind=u.kind,
            party_org_name=u.party_org_name,
        )
        copy_unit.members = [
            Member(
                name=m.name,
                post=m.post,
                portfolio=m.portfolio,
                is_principal=m.is_principal,
                is_secretary=m.is_secretary,
                position=m.position,
                is_concurrent=m.is_concurrent,
                placed_by=m.placed_by,
            )
            for m in u.members
        ]
        db.session.add(copy_unit)
    db.session.flush()
    for u in old_units:
        if u.parent_id in units:
            units[u.id].parent_id = units[u.parent_id].id
    copy_leaders(old, new, units)
    if old.is_closed:
        move_organizers(old, new)
    record_event(user, None, "campaign.next", f"{old.name} → {new.name}")
    return new


def copy_leaders(old: Campaign, new: Campaign, units: dict[int, Unit]) -> None:
    """The district leaders of annex 2 and the units each oversees, into the new year."""
    leaders = db.session.scalars(
        select(Leader).where(Leader.campaign_id == old.id).order_by(Leader.position, Leader.id)
    )
    for leader in leaders:
        db.session.add(
            Leader(
                campaign_id=new.id,
                name=leader.name,
                post=leader.post,
                is_top=leader.is_top,
                position=leader.position,
                units=[units[u.id] for u in leader.units if u.id in units],
            )
        )


def member_names(group: Group) -> str:
    """A group's members (考核组成员) as annex 1 lists them: its enabled organizers."""
    if group.members_at_close is not None:
        return group.members_at_close
    return "、".join(  # official (annex 1's wording, kept at the close)
        a.display_name for a in group.organizers if a.is_enabled and a.role == Role.ORGANIZER
    )


def move_organizers(old: Campaign, new: Campaign) -> int:
    """Each account of one of old's groups joins new's group of the same name."""
    by_name = {g.name: g for g in new.groups}
    moved = 0
    for g in old.groups:
        target = by_name.get(g.name)
        if target is None:
            continue
        for account in list(g.organizers):
            account.group_id = target.id
            moved += 1
    return moved


# --- the rule: a closed campaign changes no more ------------------------------------------


def _campaign_id_of(session: Session, obj: Any) -> int | None:
    """The campaign a row belongs to (None: it belongs to none, e.g. an audit event)."""
    if isinstance(obj, Campaign):
        return None  # its own steps are the services' above
    if isinstance(obj, (Unit, Group, Leader, ScoreSheet, GradeRecord, Interview)):
        return obj.campaign_id or (obj.campaign.id if obj.campaign else None)
    if isinstance(obj, ScoreRow):
        sheet = obj.sheet or session.get(ScoreSheet, obj.sheet_id)
        return sheet.campaign_id if sheet is not None else None
    unit = getattr(obj, "unit", None)
    if unit is None and getattr(obj, "unit_id", None):
        unit = session.get(Unit, obj.unit_id)
    if unit is None:
        meeting = getattr(obj, "meeting", None)
        if meeting is None and getattr(obj, "meeting_id", None):
            meeting = session.get(Meeting, obj.meeting_id)
        if meeting is not None:
            unit = meeting.unit or session.get(Unit, meeting.unit_id)
    return unit.campaign_id if unit is not None else None


def _refuse_writes_to_closed_campaigns(session: Session, _context: Any, _instances: Any) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    if not touched:
        return
    seen: dict[int, Campaign | None] = {}
    with session.no_autoflush:
        for obj in touched:
            for campaign_id in _campaign_ids(session, obj):
                if campaign_id not in seen:
                    seen[campaign_id] = session.get(Campaign, campaign_id)
                campaign = seen[campaign_id]
                if campaign is not None and campaign.is_closed:
                    raise CampaignClosed(closed_sentence(campaign.name))
                signed = campaign is not None and campaign.grades_signed_at is not None
                if signed and _feeds_the_grades(session, obj):
                    assert campaign is not None
                    raise GradesSigned(signed_sentence(campaign.name))


#: Units whose rosters, meetings and sheets the grades are computed from.
_GRADED_KINDS = ("township", "department")


def _feeds_the_grades(session: Session, obj: Any) -> bool:
    """Whether a write of this row could change what signed grades were computed from:
    sheets, leaders, interview counts, and the rosters, evaluees and meetings of the
    townships and departments (a party organisation's form 6 meeting is not an input)."""
    if isinstance(obj, (ScoreSheet, ScoreRow, Leader, Interview, GradeRecord)):
        return True
    unit = None
    if isinstance(obj, (Member, Meeting)):
        unit = obj.unit or session.get(Unit, obj.unit_id)
    elif isinstance(obj, Evaluee):
        meeting = obj.meeting or session.get(Meeting, obj.meeting_id)
        unit = meeting.unit if meeting is not None else None
    return unit is not None and unit.kind in _GRADED_KINDS


#: Writes that change nothing of a campaign: a held live view (a cache of figures the
#: ballots give anyway) and a meeting's monitor-link nonce (shown or revoked links).
_NOT_CHANGES = frozenset({"monitor_nonce"})


def _campaign_ids(session: Session, obj: Any) -> list[int]:
    """The campaigns a write of this row changes. An account changes a campaign only by
    joining or leaving one of its groups (its login and password are its own)."""
    if isinstance(obj, LiveView):
        return []
    if isinstance(obj, Meeting) and obj in session.dirty:
        state = db.inspect(obj)
        changed = {a.key for a in state.attrs if a.history.has_changes()}
        if changed and changed <= _NOT_CHANGES:
            return []
    if isinstance(obj, User):
        history = db.inspect(obj).attrs.group_id.history
        # Joining a group is a write to its campaign; leaving one is not: when a year
        # closes its organizers go on to next year's groups, and annex 1 keeps the names
        # it had at the close (Group.members_at_close).
        if obj in session.new:
            moved = [obj.group_id]
        elif history.has_changes():
            moved = list(history.added)
        else:
            return []
        groups = (session.get(Group, g) for g in moved if g is not None)
        return [g.campaign_id for g in groups if g is not None]
    found = _campaign_id_of(session, obj)
    return [] if found is None else [found]


def guard_closed_campaigns() -> None:
    """Install the rule on every session of the app (called once, at import)."""
    if not event.contains(Session, "before_flush", _refuse_writes_to_closed_campaigns):
        event.listen(Session, "before_flush", _refuse_writes_to_closed_campaigns)


guard_closed_campaigns()
