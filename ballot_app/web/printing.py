"""Printable pages: the A4 slip sheet, slip 7, the form 5 and form 6 result tables, the test QR,
the blank paper ballots."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..domain.ballot_spec import form6_titles
from ..domain.choices import FORM5_LABELS, FORM6_LABELS, Form6Item
from ..domain.meeting_state import SLIP_STATES, MeetingState
from ..domain.text import N_, _
from ..models import Meeting
from ..services import results, slips
from ..services.errors import NotFound, StateBlocked
from . import whole_number
from .forms import MOST
from .guards import EVERYONE, MANAGERS, keys, role_required, with_meeting
from .meeting_box import is_sealed
from .public_url import printable_base_url

bp = Blueprint("printing", __name__, url_prefix="/print")
SLIPS_PER_PAGE = 8
#: ?batch= names one printing run; a number that cannot be one is refused, not read as «all».
#: (A message id: the error page translates it.)
_BATCH = whole_number(
    1, MOST, N_("要打印的批次不对。请回到会议页面，点那一批测评码旁边的「打印」。")
)
#: The watermark across a rehearsal's prints: the official prints stay Chinese.
REHEARSAL_MARK = "演练"  # official


@bp.app_context_processor
def _rehearsal_mark() -> dict[str, str]:
    """`{{ REHEARSAL_MARK }}` for print/_layout.html."""
    return {"REHEARSAL_MARK": REHEARSAL_MARK}


@bp.get("/<id:meeting_id>/slips")
@role_required(*MANAGERS)
@with_meeting(*SLIP_STATES)
def slip_sheet(meeting: Meeting) -> str:
    base = printable_base_url()
    batch = request.args.get("batch", type=_BATCH)
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


@bp.get("/<id:meeting_id>/test-qr")
@role_required(*MANAGERS)
@with_meeting()
def test_qr(meeting: Meeting) -> str:
    base = printable_base_url()
    mark = "r" if meeting.is_rehearsal else ""  # see web/voter.py's _face_of
    url = f"{base}/v/check/{keys().sign('check', f'{meeting.id}{mark}')}"
    return render_template("print/test_qr.html", meeting=meeting, url=url)


def _closed_results(meeting: Meeting) -> results.MeetingResults:
    if is_sealed(meeting):
        raise StateBlocked([_("请先关闭投票箱，再打印结果。投票进行中结果不公开。")])
    return results.meeting_results(meeting)


@bp.get("/<id:meeting_id>/slip7")
@role_required(*EVERYONE)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def slip7(meeting: Meeting) -> str:
    return render_template("print/slip7.html", meeting=meeting, r=_closed_results(meeting))


@bp.get("/<id:meeting_id>/form5")
@role_required(*EVERYONE)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def form5(meeting: Meeting) -> str:
    return render_template(
        "print/form5.html", meeting=meeting, r=_closed_results(meeting), user=current_user
    )


@bp.get("/<id:meeting_id>/form6")
@role_required(*EVERYONE)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def form6(meeting: Meeting) -> str:
    """Form 6's result per item (duty, activity), with the 计票人 and 监票人 once certified."""
    return render_template("print/form6.html", meeting=meeting, r=_closed_results(meeting))


MAX_PAPER_COPIES = 300


@bp.get('/<id:meeting_id>/paper/<any(A,B,"6"):form>')
@role_required(*EVERYONE)
@with_meeting()
def paper_form(meeting: Meeting, form: str) -> str:
    """A blank paper ballot laid out as annex 5 (table A or B) or annex 6, with the meeting's
    unit, date, evaluees and secretary filled in; `?copies=n` repeats it, one per page."""
    if form == "6" and not meeting.is_form6_enabled or form != "6" and not meeting.is_form5_enabled:
        raise NotFound(_("本次会议没有启用这张表，不需要打印它的纸质票。"))
    copies = min(max(request.args.get("copies", 1, type=int), 1), MAX_PAPER_COPIES)
    return render_template(
        "print/paper_form6.html" if form == "6" else "print/paper_form5.html",
        meeting=meeting,
        table=form,
        copies=copies,
        form5_labels=list(FORM5_LABELS.values()),
        form6_labels=list(FORM6_LABELS.values()),
        items=[form6_titles(meeting.secretary_name)[i] for i in Form6Item],
        max_copies=MAX_PAPER_COPIES,
    )
