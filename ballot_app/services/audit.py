"""Writing audit events: who did what to which meeting. Never ballot contents or secrets."""

from __future__ import annotations

from ..extensions import db
from ..models import AuditEvent, Meeting, User


def record_event(user: User | None, meeting: Meeting | None, action: str, detail: str = "") -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    db.session.add(
        AuditEvent(
            user_id=user.id if user else None,
            meeting_id=meeting.id if meeting else None,
            action=action,
            detail=detail,
        )
    )
