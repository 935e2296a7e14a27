"""The ballot box of a meeting: open, close, reopen, certify (each confirmed first), the
results, and the live count. Routes of the meetings blueprint."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.meeting_state import MeetingState, Transition
from ..domain.text import _
from ..models import Meeting
from ..services import live, meetings, results
from ..services.errors import StateBlocked
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, CertifyForm, ReasonForm
from .guards import EVERYONE, MANAGERS, keys, role_required, with_meeting
from .live_board import live_response
from .meetings import Page, bp, show_page


def _back(meeting: Meeting, anchor: str = "") -> str:
    return url_for("meetings.show", meeting_id=meeting.id) + anchor


def _turnout(meeting: Meeting) -> str:
    stats, figures = results.token_stats(meeting.id), results.meeting_results(meeting)
    issued = figures.slip7.issued
    return _(
        "已收回 %(returned)s 票（其中纸质票 %(paper)s 张），发出 %(issued)s 票。",
        returned=figures.returned,
        paper=figures.returned - sum(stats.used.values()),
        issued=issued,
    )


def _open_or_close_step(meeting: Meeting, step: Transition) -> Confirmation:
    action = url_for("meetings.change_state", meeting_id=meeting.id, step=step.value)
    if step == Transition.OPEN:
        stats = results.token_stats(meeting.id)
        usable = {c.value: stats.printed[c] - stats.voided[c] for c in stats.printed}
        form5, form6 = meeting.is_form5_enabled, meeting.is_form6_enabled
        forms = (
            _("表5、表6") if form5 and form6 else _("表5、") if form5 else _("表6") if form6 else ""
        )
        facts = [
            _("测评码：表A %(a)s 张，表B %(b)s 张。", a=usable["A"], b=usable["B"]),
            _(
                "测评对象 %(n)s 人；%(forms)s；现场计票步长 %(step)s 票。",
                n=len(meeting.evaluees),
                forms=forms,
                step=meeting.live_step,
            ),
        ]
        return Confirmation(
            _("开启投票箱？"),
            facts,
            _("开启后手机就能投票；测评对象名单、书记姓名、步长和「只显示收回情况」都不能再改。"),
            action,
            _("确认开启投票箱"),
            _back(meeting, "#open"),
        )
    return Confirmation(
        _("关闭投票箱？"),
        [_turnout(meeting), _("请确认会场里的人都已经投完。")],
        _("关闭后手机不能再投票，结果可以查看和打印；重新开启只能由管理员写明原因后进行。"),
        action,
        _("确认关闭投票箱"),
        _back(meeting, "#close"),
        warning=True,
    )


@bp.post("/<id:meeting_id>/<any(open,close):step>")
@role_required(*MANAGERS)
@with_meeting()
def change_state(meeting: Meeting, step: str) -> Page:
    if ActionForm().validate_on_submit():
        found = meetings.transition_blockers(current_user, meeting, Transition(step))
        if found:
            raise StateBlocked(found)
        if not is_confirmed():
            return confirmation_page(_open_or_close_step(meeting, Transition(step)))
        meetings.transition(current_user, meeting, Transition(step))
        flash(
            _("投票箱已开启，可以开始投票。") if step == "open" else _("投票箱已关闭。"), "success"
        )
    return redirect(_back(meeting))


@bp.post("/<id:meeting_id>/reopen")
@role_required(*MANAGERS)
@with_meeting(MeetingState.CLOSED)
def reopen(meeting: Meeting) -> Page:
    form = ReasonForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        found = meetings.transition_blockers(
            current_user, meeting, Transition.REOPEN, reason=reason
        )
        if found:
            form.form_errors.extend(found)
            return show_page(meeting, 409, reason_form=form)
        if not is_confirmed():
            return confirmation_page(
                Confirmation(
                    _("重新开启投票箱？"),
                    [_turnout(meeting), _("原因：%(reason)s", reason=reason.strip())],
                    _(
                        "重新开启后手机又能投票，原因记入操作日志；"
                        "现场计票接着关闭时的结果按步长更新。"
                    ),
                    url_for("meetings.reopen", meeting_id=meeting.id),
                    _("确认重新开启"),
                    _back(meeting, "#close"),
                    hidden={"reason": reason},
                    warning=True,
                )
            )
        meetings.transition(current_user, meeting, Transition.REOPEN, reason=reason)
        flash(_("投票箱已重新开启，原因已记入操作日志。"), "success")
        return redirect(_back(meeting))
    return show_page(meeting, 400, reason_form=form)


@bp.post("/<id:meeting_id>/certify")
@role_required(*MANAGERS)
@with_meeting(MeetingState.CLOSED)
def certify(meeting: Meeting) -> Page:
    form = CertifyForm()
    if form.validate_on_submit():
        counter, scrutineer = form.counter_name.data or "", form.scrutineer_name.data or ""
        found = meetings.certify_blockers(current_user, meeting, counter, scrutineer)
        if found:
            form.form_errors.extend(found)
        elif not is_confirmed():
            return confirmation_page(_certify_step(meeting, counter, scrutineer))
        else:
            meetings.certify(current_user, meeting, counter, scrutineer, keys())
            flash(_("结果已确认：会议从此只读，附件7打印时带上计票人和监票人的姓名。"), "success")
            return redirect(_back(meeting))
    return show_page(meeting, 400, certify_form=form)


def _certify_step(meeting: Meeting, counter: str, scrutineer: str) -> Confirmation:
    slip7 = results.meeting_results(meeting).slip7
    facts = [
        _(
            "发出 %(issued)s 票，收回 %(returned)s 票，有效票 %(valid)s 张，废票 %(void)s 张。",
            issued=slip7.issued,
            returned=slip7.returned,
            valid=slip7.valid,
            void=slip7.void,
        ),
        _(
            "计票人：%(counter)s；监票人：%(scrutineer)s。",
            counter=counter.strip(),
            scrutineer=scrutineer.strip(),
        ),
        _("请先打印附件7和表5结果，与计票人、监票人一起核对。"),
    ]
    return Confirmation(
        _("确认测评结果？"),
        facts,
        _("确认后结果不再改变，会议只读（纸质票不能再录入或撤回），并公布凭证号。这一步不能撤销。"),
        url_for("meetings.certify", meeting_id=meeting.id),
        _("确认结果"),
        _back(meeting, "#certify"),
        hidden={"counter_name": counter, "scrutineer_name": scrutineer},
    )


@bp.get("/<id:meeting_id>/results")
@role_required(*EVERYONE)
@with_meeting()
def show_results(meeting: Meeting) -> Page:
    found = results.meeting_results(meeting)
    return render_template(
        "meetings/results.html",
        meeting=meeting,
        r=found,
        sealed=is_sealed(meeting),
        comments=[] if is_sealed(meeting) else results.comments(meeting),
    )


def is_sealed(meeting: Meeting) -> bool:
    """Until the box is closed, results pages show turnout only (the box stays sealed)."""
    return meeting.state in (MeetingState.DRAFT, MeetingState.OPEN)


@bp.get("/<id:meeting_id>/live")
@role_required(*EVERYONE)
@with_meeting()
def live_page(meeting: Meeting) -> Response:
    """The live count for a teller's phone or a projector; without JavaScript the page
    refreshes itself."""
    return live_response(meeting)


@bp.get("/<id:meeting_id>/live.json")
@role_required(*EVERYONE)
@with_meeting()
def live_json(meeting: Meeting) -> Response:
    """The live count (SPEC: the tally schema, k-steps while open). Pollers send the ETag
    back and get 304 while nothing they may see has changed."""
    data = live.live_results(meeting)
    response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<id:meeting_id>/tally.json")
@role_required(*MANAGERS)
@with_meeting()
def tally_json(meeting: Meeting) -> Response:
    if is_sealed(meeting):
        raise StateBlocked([_("投票进行中，结果在关闭投票箱后才能查看。")])
    data = results.meeting_results(meeting).as_dict()
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
