"""The inspection groups' interview suggestions (考察谈话): per member, how many of the people
interviewed suggested each grade. Entered by the unit's group (or the admin); a component
of the composite when the rules give it a weight."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ..database import writes
from ..domain.choices import FORM5_LABELS, Form5Choice
from ..domain.text import _, in_chinese
from ..extensions import db
from ..models import Interview, Member, Unit, User
from .audit import record_event
from .campaign import writable
from .errors import InvalidInput, StateBlocked

MOST = 9999


def counts_of(members: list[Member]) -> dict[int, dict[Form5Choice, int]]:
    """Each member's entered counts (members with none entered are left out)."""
    ids = [m.id for m in members]
    rows = db.session.scalars(select(Interview).where(Interview.member_id.in_(ids)))
    return {r.member_id: {g: int(getattr(r, g.value)) for g in Form5Choice} for r in rows}


def field(member_id: int, grade: Form5Choice) -> str:
    return f"iv-{member_id}-{grade.value}"


@writes
def save(user: User, unit: Unit, typed: Mapping[str, str]) -> int:
    """Store every member's counts as typed (empty is 0); refused whole when one is not a
    whole number from 0 to 9999. Returns how many members have counts."""
    campaign = writable(unit.campaign)
    if campaign.grades_signed_at is not None:
        raise StateBlocked(
            [_("「%(name)s」的考核等次已经签发，考察谈话推荐不能再修改。", name=campaign.name)]
        )
    members = [m for m in unit.members if not m.is_concurrent]
    problems: dict[str, str] = {}
    wanted: dict[int, dict[Form5Choice, int]] = {}
    for m in members:
        wanted[m.id] = {}
        for g in Form5Choice:
            text = typed.get(field(m.id, g), "").strip()
            if text and not (text.isascii() and text.isdigit() and int(text) <= MOST):
                problems[field(m.id, g)] = _(
                    "%(name)s的「%(grade)s」请填 0 到 %(most)s 的整数（人数），不推荐的填 0 或留空。",
                    name=m.name,
                    grade=_(FORM5_LABELS[g]),
                    most=MOST,
                )
                continue
            wanted[m.id][g] = int(text) if text else 0
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    existing = {
        r.member_id: r
        for r in db.session.scalars(
            select(Interview).where(Interview.member_id.in_([m.id for m in members]))
        )
    }
    kept = 0
    for m in members:
        counts = wanted[m.id]
        row = existing.get(m.id)
        if not any(counts.values()):
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = Interview(campaign_id=campaign.id, member_id=m.id)
            db.session.add(row)
        for g, n in counts.items():
            setattr(row, g.value, n)
        kept += 1
    with in_chinese():  # the audit log is a record, kept in Chinese
        detail = _("%(unit)s：%(n)s 人", unit=unit.name, n=kept)
    record_event(user, None, "interview.save", detail)
    return kept
