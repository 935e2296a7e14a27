"""Loading and checking, as decorators: who may call a view, and which meeting it acts on."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app
from flask_login import current_user, login_required

from ..domain.meeting_state import MeetingState
from ..domain.roles import Role
from ..domain.text import _
from ..services.errors import Forbidden, StateBlocked
from ..services.meetings import get_meeting
from ..signing import Keys, keys_for


def keys() -> Keys:
    """The app's signing keys."""
    return keys_for(current_app.config["SECRET_KEY"])


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Logged in, with one of these roles."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                raise Forbidden(_("您的账号没有这项操作的权限。如需要，请与管理员联系。"))
            return view(*args, **kwargs)

        return wrapped

    return decorate


def with_meeting(
    *states: MeetingState,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Replace the meeting_id argument by the meeting, checking visibility and state."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(meeting_id: int, *args: Any, **kwargs: Any) -> Any:
            meeting = get_meeting(current_user, meeting_id)
            if states and meeting.state not in states:
                allowed = _("、").join(s.label for s in states)
                raise StateBlocked(
                    [
                        _(
                            "会议现在是「%(state)s」，这一步只能在「%(allowed)s」时进行。",
                            state=meeting.state.label,
                            allowed=allowed,
                        )
                    ]
                )
            return view(meeting, *args, **kwargs)

        return wrapped

    return decorate


MANAGERS = (Role.ADMIN, Role.ORGANIZER)
EVERYONE = (Role.ADMIN, Role.ORGANIZER, Role.TELLER)
