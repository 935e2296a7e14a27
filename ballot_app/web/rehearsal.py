"""Rehearsing a meeting in draft (演练): start, simulated phones, 「结束演练」 (confirmed
first). Routes of the meetings blueprint; the rules are in services/rehearsal.py."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, url_for
from flask_login import current_user

from ..domain.text import _
from ..models import Meeting
from ..services import rehearsal
from ..services.errors import InvalidInput, StateBlocked
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, SimulateForm, show_errors
from .guards import MANAGERS, keys, role_required, with_meeting
from .meetings import Page, bp, show_page


def _page(meeting: Meeting) -> str:
    return url_for("meetings.show", meeting_id=meeting.id)


def _rehearsal(meeting: Meeting) -> Meeting:
    if not meeting.is_rehearsal:
        raise StateBlocked([_("这不是演练。请在演练页面进行这一步。")])
    return meeting


@bp.post("/<id:meeting_id>/rehearsal")
@role_required(*MANAGERS)
@with_meeting()
def start_rehearsal(meeting: Meeting) -> Page:
    if ActionForm().validate_on_submit():
        found = rehearsal.start(current_user, meeting)
        flash(
            _(
                "演练已经开始：先打印几张演练纸条、开启演练投票箱，再用手机扫码投票；"
                "演练的票不计入正式结果。"
            ),
            "success",
        )
        return redirect(_page(found))
    return redirect(_page(meeting))


def _in_app_context(work: Callable[[], None]) -> Callable[[], None]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            work()

    return run


@bp.post("/<id:meeting_id>/rehearsal/simulate")
@role_required(*MANAGERS)
@with_meeting()
def simulate(meeting: Meeting) -> Page:
    _rehearsal(meeting)
    form = SimulateForm()
    if form.validate_on_submit():
        count = form.count.data or 0
        try:
            rehearsal.simulate(current_user, meeting, keys(), count, in_app_context=_in_app_context)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(
                _(
                    "%(n)s 部模拟手机开始投票，按会场的速度陆续投完（最多 %(s)s 秒）。"
                    "请打开现场计票看票数变化。",
                    n=count,
                    s=int(rehearsal.SIMULATION_SECONDS),
                ),
                "success",
            )
            return redirect(_page(meeting) + "#rehearsal")
    return show_page(meeting, 400, simulate_form=form)


@bp.post("/<id:meeting_id>/rehearsal/end")
@role_required(*MANAGERS)
@with_meeting()
def end_rehearsal(meeting: Meeting) -> Page:
    _rehearsal(meeting)
    if not ActionForm().validate_on_submit():
        return redirect(_page(meeting))
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("结束演练？"),
                [
                    _("演练「%(title)s」", title=meeting.title),
                    _("所有演练纸条、演练的票、意见、回执、纸质票和现场计票都会被清除。"),
                ],
                _(
                    "清除后不能恢复；演练纸条再扫码会显示「演练已结束」。"
                    "正式会议不受影响，投票箱从 0 票开始。"
                ),
                url_for("meetings.end_rehearsal", meeting_id=meeting.id),
                _("确认结束演练并清除"),
                _page(meeting) + "#rehearsal",
                warning=True,
            )
        )
    real = rehearsal.rehearsed(meeting)
    wiped = rehearsal.wipe(current_user, meeting)
    flash(
        _(
            "演练已结束：清除了 %(ballots)s 张票、%(slips)s 张演练纸条。正式会议的投票箱是 0 票。",
            ballots=wiped.ballots,
            slips=wiped.slips,
        ),
        "success",
    )
    return redirect(_page(real))
