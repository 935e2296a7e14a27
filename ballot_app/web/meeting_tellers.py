"""Who watches the count: teller accounts assigned to a meeting and the 监票人's monitor
link. Routes of the meetings blueprint."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from ..domain.meeting_state import MeetingState
from ..domain.text import _
from ..models import Meeting
from ..services import monitor, tellers
from ..services.errors import InvalidInput
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, NewTellerForm, show_errors
from .guards import MANAGERS, role_required, with_meeting
from .meetings import Page, assign_form, bp, show_page


def _tellers_section(meeting: Meeting) -> str:
    return url_for("meetings.show", meeting_id=meeting.id) + "#tellers"


@bp.post("/<id:meeting_id>/tellers")
@role_required(*MANAGERS)
@with_meeting()
def assign_teller(meeting: Meeting) -> Page:
    form = assign_form(meeting)
    if form.validate_on_submit():
        try:
            teller = tellers.assign(current_user, meeting, form.teller_id.data or 0)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已把 %(name)s 加为本次会议的计票人。", name=teller.display_name), "success")
            return redirect(_tellers_section(meeting))
    return show_page(meeting, 400, assign_form=form)


@bp.post("/<id:meeting_id>/tellers/new")
@role_required(*MANAGERS)
@with_meeting()
def new_teller(meeting: Meeting) -> Page:
    form = NewTellerForm()
    if form.validate_on_submit():
        try:
            teller = tellers.create_and_assign(
                current_user,
                meeting,
                form.username.data or "",
                form.display_name.data or "",
                form.password.data or "",
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(
                _(
                    "已新建计票人账号「%(username)s」并加到本次会议。"
                    "请把用户名和密码当面告诉本人。",
                    username=teller.username,
                ),
                "success",
            )
            return redirect(_tellers_section(meeting))
    return show_page(meeting, 400, new_teller_form=form)


@bp.post("/<id:meeting_id>/tellers/<id:teller_id>/remove")
@role_required(*MANAGERS)
@with_meeting()
def remove_teller(meeting: Meeting, teller_id: int) -> Page:
    if ActionForm().validate_on_submit():
        teller = next((t for t in meeting.tellers if t.id == teller_id), None)
        if teller is not None and not is_confirmed():
            return confirmation_page(
                Confirmation(
                    _("把 %(name)s 移出计票人名单？", name=teller.display_name),
                    [_("账号「%(username)s」。", username=teller.username)],
                    _(
                        "移出后这个账号看不到本次会议，也不能录入纸质票；"
                        "账号本身保留，可以再加回来。"
                    ),
                    url_for("meetings.remove_teller", meeting_id=meeting.id, teller_id=teller_id),
                    _("确认移出"),
                    _tellers_section(meeting),
                )
            )
        tellers.unassign(current_user, meeting, teller_id)
        flash(_("已把这个账号移出本次会议的计票人名单。"), "success")
    return redirect(_tellers_section(meeting))


@bp.post("/<id:meeting_id>/monitor/revoke")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT, MeetingState.OPEN, MeetingState.CLOSED)
def revoke_monitor_links(meeting: Meeting) -> Page:
    back = url_for("meetings.show", meeting_id=meeting.id) + "#monitor"
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            return confirmation_page(
                Confirmation(
                    _("撤销已发出的监票链接？"),
                    [_("例如链接被转发给了不该看的人。")],
                    _(
                        "已发出的监票链接和二维码全部失效，页面上会出现新的二维码，"
                        "需要重新发给监票人。"
                    ),
                    url_for("meetings.revoke_monitor_links", meeting_id=meeting.id),
                    _("确认撤销"),
                    back,
                    warning=True,
                )
            )
        monitor.revoke_links(current_user, meeting)
        flash(_("原来的监票链接和二维码已全部失效，下面是新的。"), "success")
    return redirect(back)
