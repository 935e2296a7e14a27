"""A meeting's slips (测评码): new printing runs, voiding by code or by count (confirmed
first), and the token lists. Routes of the meetings blueprint."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, flash, redirect, url_for
from flask_login import current_user

from ..domain import codes
from ..domain.meeting_state import MeetingState
from ..domain.text import _
from ..models import Meeting
from ..services import slips
from ..services.errors import InvalidInput, StateBlocked
from .confirm import Confirmation, confirmation_page, is_confirmed
from .downloads import attachment
from .forms import SlipsForm, VoidCountForm, VoidForm, show_errors
from .guards import MANAGERS, keys, role_required, with_meeting
from .meetings import Page, bp, show_page
from .public_url import public_base_url


def _slips_section(meeting: Meeting) -> str:
    return url_for("meetings.show", meeting_id=meeting.id) + "#slips"


@bp.post("/<id:meeting_id>/slips")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT, MeetingState.OPEN)
def add_slips(meeting: Meeting) -> Page:
    form = SlipsForm()
    if form.validate_on_submit():
        try:
            batch = slips.issue_slips(
                current_user, meeting, keys(), form.count_a.data or 0, form.count_b.data or 0
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已生成第 %(n)s 批测评码，请打印这一批。", n=batch), "success")
            return redirect(_slips_section(meeting))
    return show_page(meeting, 400, slips_form=form)


@bp.post("/<id:meeting_id>/slips/void")
@role_required(*MANAGERS)
@with_meeting(*slips.VOID_STATES)
def void_slip(meeting: Meeting) -> Page:
    form = VoidForm()
    if form.validate_on_submit():
        typed = form.code.data or ""
        token = slips.find_by_code(keys(), typed)
        usable = token is not None and token.meeting_id == meeting.id
        try:
            if usable and not (token.is_used or token.is_voided) and not is_confirmed():  # type: ignore[union-attr]
                return confirmation_page(
                    Confirmation(
                        _("作废这张测评码？"),
                        [
                            _(
                                "手输码 %(code)s：%(table)s，还没有用来投票。",
                                code=codes.grouped(codes.normalize(typed)),
                                table=_(token.category.label),  # type: ignore[union-attr]
                            )
                        ],
                        _("作废后这张码不能再投票，也不计入「发出」票数；作废不能恢复。"),
                        url_for("meetings.void_slip", meeting_id=meeting.id),
                        _("确认作废"),
                        _slips_section(meeting),
                        hidden={"code": typed},
                        warning=True,
                    )
                )
            slips.void_slip(current_user, meeting, keys(), typed)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("这张测评码已作废，不再计入发出票数。"), "success")
            return redirect(_slips_section(meeting))
    return show_page(meeting, 400, void_form=form)


@bp.post("/<id:meeting_id>/slips/void-count")
@role_required(*MANAGERS)
@with_meeting(*slips.VOID_STATES)
def void_by_count(meeting: Meeting) -> Page:
    form = VoidCountForm()
    if form.validate_on_submit():
        count_a, count_b = form.count_a.data or 0, form.count_b.data or 0
        try:
            slips.check_void_by_count(meeting, count_a, count_b)
            if not is_confirmed():
                return confirmation_page(
                    Confirmation(
                        _("按张数作废 %(n)s 张测评码？", n=count_a + count_b),
                        [
                            _(
                                "表A %(a)s 张，表B %(b)s 张：会后清点剩下、没有发出的纸条。",
                                a=count_a,
                                b=count_b,
                            )
                        ],
                        _(
                            "作废的是这么多张没用过的测评码，它们不再计入「发出」票数；"
                            "作废不能恢复。"
                        ),
                        url_for("meetings.void_by_count", meeting_id=meeting.id),
                        _("确认作废"),
                        _slips_section(meeting),
                        hidden={"count_a": str(count_a), "count_b": str(count_b)},
                        warning=True,
                    )
                )
            n = slips.void_by_count(current_user, meeting, count_a, count_b)
        except InvalidInput as e:
            show_errors(form, e)
        except StateBlocked as e:
            form.form_errors.extend(e.blockers)
        else:
            flash(_("已作废 %(n)s 张没有发出的测评码，它们不再计入「发出」票数。", n=n), "success")
            return redirect(_slips_section(meeting))
    return show_page(meeting, 400, void_count_form=form)


@bp.get("/<id:meeting_id>/tokens.<fmt>")
@role_required(*MANAGERS)
@with_meeting()
def tokens(meeting: Meeting, fmt: str) -> Response:
    rows = [r.as_dict() for r in slips.slip_rows(meeting, keys(), public_base_url())]
    name = f"meeting-{meeting.id}-tokens.{fmt}"
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=2)
        return attachment(body, name, "application/json")
    if fmt != "csv":
        return Response(_("只有 csv 和 json 两种格式。"), status=404)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "category", "url", "state"])
    writer.writeheader()
    writer.writerows(rows)
    # A byte-order mark so that Excel opens the Chinese text correctly.
    return attachment("\ufeff" + out.getvalue(), name, "text/csv")
