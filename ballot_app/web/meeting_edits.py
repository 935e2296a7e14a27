"""Correcting a meeting (SPEC, "What staff meet"): rename a draft, delete a draft (confirmed
first), archive a closed one and bring it back. Routes of the meetings blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain.meeting_state import MeetingState
from ..domain.text import _
from ..models import Meeting
from ..services import corrections, results
from ..services.errors import InvalidInput
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, MeetingEditForm, show_errors
from .guards import MANAGERS, role_required, with_meeting
from .locale import local_date
from .meetings import Page, bp


@bp.route("/<id:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def edit(meeting: Meeting) -> Page:
    """The draft's title and date, and the way to delete a draft created by mistake."""
    form = MeetingEditForm()
    if form.validate_on_submit():
        try:
            corrections.rename_meeting(
                current_user, meeting, form.title.data or "", form.held_on.data
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("会议名称和日期已更正。"), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif not form.is_submitted():
        form.title.data, form.held_on.data = meeting.title, meeting.held_on
    status = 400 if form.is_submitted() else 200
    return render_template(
        "meetings/edit.html", meeting=meeting, form=form, action=ActionForm()
    ), status


@bp.post("/<id:meeting_id>/delete")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def delete(meeting: Meeting) -> Page:
    unit_id = meeting.unit_id
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            printed = sum(results.token_stats(meeting.id).printed.values())
            return confirmation_page(
                Confirmation(
                    _("删除会议草稿「%(title)s」？", title=meeting.title),
                    [
                        _(
                            "%(unit)s，%(day)s；已生成测评码 %(n)s 张。",
                            unit=meeting.unit.name,
                            day=local_date(meeting.held_on),
                            n=printed,
                        )
                    ],
                    _(
                        "删除后会议、测评对象名单和全部测评码一起删除，"
                        "已经印出的测评码立即失效；不能恢复。"
                    ),
                    url_for("meetings.delete", meeting_id=meeting.id),
                    _("确认删除"),
                    url_for("meetings.edit", meeting_id=meeting.id),
                    warning=True,
                )
            )
        corrections.delete_meeting(current_user, meeting)
        flash(_("会议草稿已删除。"), "success")
    return redirect(url_for("units.show", unit_id=unit_id))


@bp.post("/<id:meeting_id>/<any(archive,restore):verb>")
@role_required(*MANAGERS)
@with_meeting(MeetingState.CLOSED, MeetingState.CERTIFIED)
def archive(meeting: Meeting, verb: str) -> Page:
    """Off the unit's list, kept whole (or back on it)."""
    if ActionForm().validate_on_submit():
        corrections.archive_meeting(current_user, meeting, archived=verb == "archive")
        flash(
            _("会议已归档：它不再列在单位页面上，测评票和结果完整保留，可以随时恢复。")
            if verb == "archive"
            else _("会议已恢复到单位页面的列表中。"),
            "success",
        )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
