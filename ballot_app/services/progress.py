"""The campaign's progress read in one query (the dashboard): each unit with its group, its
roster size, its meetings per state and their turnout. Meaning is in domain/progress.py."""

from __future__ import annotations

from sqlalchemy import Integer, and_, case, func, select

from ..domain.meeting_state import MeetingState
from ..domain.progress import STAGES, GroupProgress, UnitFigures, campaign_progress
from ..domain.roles import Role
from ..domain.score_sheets import SheetState
from ..extensions import db
from ..models import Ballot, Campaign, Group, Meeting, Member, ScoreSheet, Token, Unit, User

_STATE_OF_STAGE = {
    "draft": MeetingState.DRAFT,
    "open": MeetingState.OPEN,
    "closed": MeetingState.CLOSED,
    "certified": MeetingState.CERTIFIED,
}


def _count_if(condition: object) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # type: ignore[arg-type]


def unit_figures(campaign: Campaign, user: User) -> list[UnitFigures]:
    """Every unit of the campaign the user may see (an organizer: the group's), archived
    ones left out, in one SELECT over five grouped subqueries."""
    # Archived meetings and rehearsals (演练, services/rehearsal.py) count nowhere.
    live = and_(Meeting.is_archived.is_(False), Meeting.rehearsal_of_id.is_(None))
    members = (
        select(Member.unit_id, func.count().label("n"))
        .where(Member.is_concurrent.is_(False))
        .group_by(Member.unit_id)
        .subquery()
    )
    meetings = (
        select(
            Meeting.unit_id,
            *(_count_if(Meeting.state == _STATE_OF_STAGE[s]).label(s) for s in STAGES),  # type: ignore[attr-defined]
            func.coalesce(func.sum(Meeting.paper_issued), 0).label("paper"),
        )
        .where(live)
        .group_by(Meeting.unit_id)
        .subquery()
    )
    slips = (
        select(Meeting.unit_id, func.count(Token.id).label("n"))
        .join(Token, and_(Token.meeting_id == Meeting.id, Token.is_voided.is_(False)))
        .where(live)
        .group_by(Meeting.unit_id)
        .subquery()
    )
    ballots = (
        select(Meeting.unit_id, func.count(Ballot.id).label("n"))
        .join(Ballot, Ballot.meeting_id == Meeting.id)
        .where(live)
        .group_by(Meeting.unit_id)
        .subquery()
    )
    sheets = (
        select(
            ScoreSheet.unit_id,
            func.count().label("n"),
            _count_if(ScoreSheet.state == SheetState.RETURNED).label("back"),  # type: ignore[attr-defined]
        )
        .where(ScoreSheet.unit_id.is_not(None))
        .group_by(ScoreSheet.unit_id)
        .subquery()
    )
    zero = 0
    query = (
        select(
            Unit.id,
            Unit.name,
            Unit.kind,
            Unit.group_id,
            func.coalesce(Group.name, ""),
            func.coalesce(Group.position, zero),
            func.coalesce(members.c.n, zero),
            *(func.coalesce(meetings.c[s], zero).cast(Integer) for s in STAGES),
            func.coalesce(meetings.c.paper, zero).cast(Integer),
            func.coalesce(slips.c.n, zero),
            func.coalesce(ballots.c.n, zero),
            func.coalesce(sheets.c.n, zero),
            func.coalesce(sheets.c.back, zero).cast(Integer),
        )
        .outerjoin(Group, Group.id == Unit.group_id)
        .outerjoin(members, members.c.unit_id == Unit.id)
        .outerjoin(meetings, meetings.c.unit_id == Unit.id)
        .outerjoin(slips, slips.c.unit_id == Unit.id)
        .outerjoin(ballots, ballots.c.unit_id == Unit.id)
        .outerjoin(sheets, sheets.c.unit_id == Unit.id)
        .where(Unit.campaign_id == campaign.id, Unit.is_archived.is_(False))
    )
    if user.role != Role.ADMIN:
        query = query.where(Unit.group_id == user.group_id, Unit.group_id.is_not(None))
    rows = []
    for row in db.session.execute(query):
        (
            uid,
            name,
            kind,
            gid,
            gname,
            gpos,
            n_members,
            *stages,
            paper,
            n_slips,
            n_ballots,
            n_sheets,
            back,
        ) = row
        rows.append(
            UnitFigures(
                unit_id=uid,
                name=name,
                kind=kind,
                group_id=gid,
                group_name=gname,
                group_position=int(gpos),
                members=int(n_members),
                meetings=dict(zip(STAGES, (int(x) for x in stages), strict=True)),
                issued=int(n_slips) + int(paper),
                returned=int(n_ballots),
                sheets=int(n_sheets),
                sheets_back=int(back),
            )
        )
    return rows


def progress(campaign: Campaign, user: User) -> list[GroupProgress]:
    """The dashboard's groups with their units (see domain/progress.py)."""
    return campaign_progress(unit_figures(campaign, user))
