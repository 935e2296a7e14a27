"""Monitor links: a 监票人 opens the live count on a phone without an account.

A link is signed (itsdangerous), names the meeting and its current monitor nonce, expires
MONITOR_HOURS after it was shown, and reads only. Replacing the nonce revokes every link
given out before.
"""

from __future__ import annotations

import secrets

from ..database import unit_of_work, writes
from ..domain.text import N_, _
from ..extensions import db
from ..models import Meeting, User
from ..signing import Keys
from .audit import record_event
from .errors import NotFound

MONITOR_HOURS = 24
PURPOSE = "monitor-link"
DEAD_LINK = N_(
    "这个监票链接已经失效（超过 24 小时，或已被考核组撤销）。请向考核组要新的链接或二维码。"
)


def monitor_value(meeting: Meeting, keys: Keys) -> str:
    """The signed part of the meeting's monitor link, valid for MONITOR_HOURS from now."""
    if not meeting.monitor_nonce:
        with unit_of_work():
            meeting.monitor_nonce = secrets.token_hex(8)
    return keys.serializer(PURPOSE).dumps([meeting.id, meeting.monitor_nonce])


@writes
def revoke_links(user: User, meeting: Meeting) -> None:
    """Every monitor link given out so far stops working; the page shows a new one."""
    meeting.monitor_nonce = secrets.token_hex(8)
    record_event(user, meeting, "monitor.revoke", "监票链接已撤销并重新生成")  # official


def meeting_for_link(keys: Keys, value: str) -> Meeting:
    """The meeting a monitor link opens, or NotFound when it is forged, expired or revoked."""
    found = keys.loads(PURPOSE, value, max_age=MONITOR_HOURS * 3600)
    if not isinstance(found, list) or len(found) != 2:
        raise NotFound(_(DEAD_LINK))
    meeting = db.session.get(Meeting, int(found[0]))
    if meeting is None or not meeting.monitor_nonce or meeting.monitor_nonce != found[1]:
        raise NotFound(_(DEAD_LINK))
    return meeting
