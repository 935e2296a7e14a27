"""The admin's audit log viewer: every staff action, newest first, by meeting or account;
and the same selection as an .xlsx workbook, which is what offices file."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, render_template, request

from ..domain.roles import Role
from ..services import audit
from . import MAX_ID, whole_number
from .downloads import attachment
from .guards import role_required

#: A filter or page mark that names no meeting, account or event is left out (all of them).
_ID = whole_number(1, MAX_ID)

bp = Blueprint("audit", __name__)


def beijing_time(moment: datetime) -> str:
    return audit.beijing_time(moment).strftime("%Y-%m-%d %H:%M:%S")


def _filters() -> tuple[int | None, int | None]:
    return request.args.get("meeting", type=_ID), request.args.get("user", type=_ID)


@bp.get("/audit")
@role_required(Role.ADMIN)
def index() -> str:
    meeting_id, user_id = _filters()
    page = audit.log_page(
        meeting_id=meeting_id, user_id=user_id, before=request.args.get("before", type=_ID)
    )
    return render_template(
        "audit/index.html",
        page=page,
        action_label=audit.action_label,
        accounts=audit.staff_accounts(),
        meeting_id=meeting_id,
        user_id=user_id,
        when=beijing_time,
    )


@bp.get("/audit.xlsx")
@role_required(Role.ADMIN)
def export() -> Response:
    meeting_id, user_id = _filters()
    body = audit.export_workbook(audit.export_rows(meeting_id=meeting_id, user_id=user_id))
    name = "audit-log" + (f"-meeting{meeting_id}" if meeting_id else "")
    name += f"-user{user_id}" if user_id else ""
    return attachment(body, f"{name}.xlsx")
