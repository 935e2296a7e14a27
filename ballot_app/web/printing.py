"""Printable pages: the A4 slip sheet, slip 7, the form 5 result table, the test QR."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..domain.meeting_state import SLIP_STATES, MeetingState
from ..models import Meeting
from ..services import results, slips
from ..services.errors import StateBlocked
from .guards import EVERYONE, MANAGERS, keys, role_required, with_meeting
from .meetings import is_sealed
from .public_url import printable_base_url

bp = Blueprint("printing", __name__, url_prefix="/print")
SLIPS_PER_PAGE = 8


@bp.get("/<int:meeting_id>/slips")
@role_required(*MANAGERS)
@with_meeting(*SLIP_STATES)
def slip_sheet(meeting: Meeting) -> str:
    base = printable_base_url()
    batch = request.args.get("batch", type=int)
    rows = slips.slip_rows(meeting, keys(), base, batch=batch, shuffled=True, only_unused=True)
    pages = [rows[i : i + SLIPS_PER_PAGE] for i in range(0, len(rows), SLIPS_PER_PAGE)]
    return render_template(
        "print/slips.html",
        meeting=meeting,
        pages=pages,
        count=len(rows),
        batch=batch,
        short_url=f"{base}/v",
    )


@bp.get("/<int:meeting_id>/test-qr")
@role_required(*MANAGERS)
@with_meeting()
def test_qr(meeting: Meeting) -> str:
    base = printable_base_url()
    url = f"{base}/v/check/{keys().sign('check', str(meeting.id))}"
    return render_template("print/test_qr.html", meeting=meeting, url=url)


def _closed_results(meeting: Meeting) -> results.MeetingResults:
    if is_sealed(meeting):
        raise StateBlocked(["请先关闭投票箱，再打印结果。投票进行中结果不公开。"])
    return results.meeting_results(meeting)


@bp.get("/<int:meeting_id>/slip7")
@role_required(*EVERYONE)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def slip7(meeting: Meeting) -> str:
    return render_template("print/slip7.html", meeting=meeting, r=_closed_results(meeting))


@bp.get("/<int:meeting_id>/form5")
@role_required(*EVERYONE)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def form5(meeting: Meeting) -> str:
    return render_template(
        "print/form5.html", meeting=meeting, r=_closed_results(meeting), user=current_user
    )
