"""The admin's audit log viewer: every staff action, newest first, by meeting or account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from flask import Blueprint, render_template, request

from ..domain.roles import Role
from ..services import audit
from .guards import role_required

bp = Blueprint("audit", __name__, url_prefix="/audit")

#: China has one time zone and no daylight saving: times are shown as 北京时间.
BEIJING = timezone(timedelta(hours=8))


def beijing_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


@bp.get("")
@role_required(Role.ADMIN)
def index() -> str:
    meeting_id = request.args.get("meeting", type=int)
    user_id = request.args.get("user", type=int)
    page = audit.log_page(
        meeting_id=meeting_id, user_id=user_id, before=request.args.get("before", type=int)
    )
    return render_template(
        "audit/index.html",
        page=page,
        labels=audit.ACTION_LABELS,
        accounts=audit.staff_accounts(),
        meeting_id=meeting_id,
        user_id=user_id,
        when=beijing_time,
    )
