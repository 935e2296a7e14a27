"""Organizer pages for one meeting: set-up, evaluees, slips, the ballot box, results."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TypeVar

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..domain.meeting_state import MeetingState, Transition, blockers
from ..domain.roles import Role
from ..domain.slip7 import PassRateBase
from ..models import Meeting
from ..services import live, meetings, monitor, paper, results, roster, slips, tellers
from ..services.errors import InvalidInput, StateBlocked
from .forms import (
    ActionForm,
    AddressForm,
    AssignTellerForm,
    CertifyForm,
    EvalueeForm,
    MeetingForm,
    NewTellerForm,
    ReasonForm,
    SettingsForm,
    SlipsForm,
    VoidCountForm,
    VoidForm,
    show_errors,
)
from .guards import EVERYONE, MANAGERS, keys, role_required, with_meeting
from .live_board import live_response
from .public_url import (
    address_url,
    choose_base_url,
    chosen_base_url,
    configured_base_url,
    is_loopback,
    listens_only_here,
    local_addresses,
    public_base_url,
)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
F = TypeVar("F")
Page = BaseResponse | str | tuple[str, int]


@bp.route("/new/<int:unit_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def create(unit_id: int) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    form = MeetingForm()
    if form.validate_on_submit():
        data = meetings.MeetingInput(
            form.title.data or "",
            form.held_on.data,
            bool(form.form5.data),
            bool(form.form6.data),
            form.count_a.data or 0,
            form.count_b.data or 0,
        )
        try:
            meeting = meetings.create_meeting(current_user, unit, data, keys())
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash("会议已建立。请核对测评对象，然后打印测评码。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif not form.is_submitted():
        form.title.data = f"{unit.name}领导班子和领导干部述职测评大会"
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/new.html", unit=unit, form=form), status


def _settings_form(meeting: Meeting) -> SettingsForm:
    form = SettingsForm(
        formdata=None,
        secretary_name=meeting.secretary_name,
        participants=meeting.participants,
        pass_rate_base=meeting.pass_rate_base.value,
        paper_issued=meeting.paper_issued,
        live_step=meeting.live_step,
        live_turnout_only=meeting.live_turnout_only,
        paper_double_entry=meeting.paper_double_entry,
    )
    return form


#: The meeting page's steps in the order of the work (SPEC, "What staff meet"): anchor, name.
STEPS = (
    ("evaluees", "名单"),
    ("slips", "测评码"),
    ("address", "试扫码"),
    ("open", "开启"),
    ("close", "关闭"),
    ("paper", "纸质票"),
    ("check", "核对"),
    ("certify", "确认"),
)


@dataclass(frozen=True)
class Step:
    """One step of the meeting page: its section's anchor, its name, done, the one to do now."""

    anchor: str
    label: str
    is_done: bool
    is_current: bool


def meeting_steps(meeting: Meeting, stats: results.TokenStats) -> list[Step]:
    """Where the meeting stands: which steps are done and which one comes now."""
    started = meeting.state != MeetingState.DRAFT
    closed = meeting.state in (MeetingState.CLOSED, MeetingState.CERTIFIED)
    certified = meeting.state == MeetingState.CERTIFIED
    has_roster = not meeting.is_form5_enabled or bool(meeting.evaluees)
    has_slips = sum(stats.printed.values()) > sum(stats.voided.values())
    paper_done = certified or (
        closed
        and paper.pending_stacks(meeting.id) == 0
        and (not meeting.paper_issued or results.paper_ballots(meeting.id) > 0)
    )
    done = [has_roster or started, has_slips or started, started, started, closed]
    done += [paper_done, certified, certified]
    if certified:
        now = -1
    elif not started:
        now = 0 if not has_roster else 1 if not has_slips else 2
    else:
        now = 4 if not closed else 6 if paper_done else 5
    return [Step(a, name, done[i], i == now) for i, (a, name) in enumerate(STEPS)]


def _address_form(form: AddressForm | None = None) -> AddressForm:
    """This machine's addresses to choose from, the current choice marked."""
    form = form or AddressForm(formdata=None)
    form.address.choices = [(url, url) for url in map(address_url, local_addresses())]
    if form.address.data is None and chosen_base_url():
        form.address.data = chosen_base_url()
    return form


def _lock_live_settings(form: SettingsForm, meeting: Meeting) -> SettingsForm:
    """Once the box is open the step and turnout-only stay: show what the meeting keeps."""
    if meeting.state != MeetingState.DRAFT:
        form.live_step.data, form.live_step.raw_data = meeting.live_step, None
        form.live_turnout_only.data = meeting.live_turnout_only
        form.live_turnout_only.raw_data = None
    return form


def _show(meeting: Meeting, status: int = 200, **forms: object) -> tuple[str, int]:
    facts = meetings.meeting_facts(current_user, meeting)
    public_url = public_base_url()
    stats = results.token_stats(meeting.id)
    settings = forms.get("settings")
    return (
        render_template(
            "meetings/show.html",
            meeting=meeting,
            stats=stats,
            steps=meeting_steps(meeting, stats),
            batches=slips.batches(meeting),
            step_warnings=live.step_warnings(meeting, stats),
            open_blockers=blockers(Transition.OPEN, facts) if meeting.state == "draft" else [],
            public_url=public_url,
            public_url_is_loopback=is_loopback(public_url),
            public_url_configured=bool(configured_base_url()),
            chosen_url=chosen_base_url(),
            listens_only_here=listens_only_here(),
            monitor_url=_monitor_url(meeting, public_url),
            action=ActionForm(),
            settings=_lock_live_settings(
                settings if isinstance(settings, SettingsForm) else _settings_form(meeting),
                meeting,
            ),
            **_page_forms(meeting, forms),
        ),
        status,
    )


def _given(forms: dict[str, object], name: str, kind: type[F]) -> F | None:
    found = forms.get(name)
    return found if isinstance(found, kind) else None


def _page_forms(meeting: Meeting, forms: dict[str, object]) -> dict[str, object]:
    """The page's other forms: the one just refused as it was sent, the rest empty."""
    return {
        "slips_form": forms.get("slips_form") or SlipsForm(formdata=None),
        "void_form": forms.get("void_form") or VoidForm(formdata=None),
        "void_count_form": forms.get("void_count_form") or VoidCountForm(formdata=None),
        "evaluee_form": forms.get("evaluee_form") or EvalueeForm(formdata=None),
        "reason_form": forms.get("reason_form") or ReasonForm(formdata=None),
        "certify_form": forms.get("certify_form") or CertifyForm(formdata=None),
        "assign_form": forms.get("assign_form") or _assign_form(meeting, sent=False),
        "new_teller_form": forms.get("new_teller_form") or NewTellerForm(formdata=None),
        "address_form": _address_form(_given(forms, "address_form", AddressForm)),
    }


def _assign_form(meeting: Meeting, *, sent: bool = True) -> AssignTellerForm:
    form = AssignTellerForm() if sent else AssignTellerForm(formdata=None)
    form.teller_id.choices = [
        (u.id, f"{u.display_name}（{u.username}）") for u in tellers.assignable(meeting)
    ]
    return form


def _monitor_url(meeting: Meeting, public_url: str) -> str | None:
    """The 监票人 link shown (as a QR) to organizers while the box is open or just closed: its
    24 hours start when it is shown, so a draft shows none yet."""
    if current_user.role == Role.TELLER:
        return None
    if meeting.state not in (MeetingState.OPEN, MeetingState.CLOSED):
        return None
    value = monitor.monitor_value(meeting, keys())
    return public_url.rstrip("/") + url_for("monitor.live_page", value=value)


@bp.get("/<int:meeting_id>")
@role_required(*EVERYONE)
@with_meeting()
def show(meeting: Meeting) -> Page:
    return _show(meeting)


@bp.post("/<int:meeting_id>/settings")
@role_required(*MANAGERS)
@with_meeting()
def settings(meeting: Meeting) -> Page:
    form = SettingsForm()
    if form.validate_on_submit():
        data = meetings.SettingsInput(
            form.secretary_name.data or "",
            form.participants.data,
            PassRateBase(form.pass_rate_base.data),
            form.paper_issued.data or 0,
            form.live_step.data or 0,
            bool(form.paper_double_entry.data),
            bool(form.live_turnout_only.data),
        )
        try:
            meetings.update_settings(current_user, meeting, data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash("设置已保存。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#settings")
    return _show(meeting, 400, settings=form)


@bp.post("/<int:meeting_id>/evaluees")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def add_evaluee(meeting: Meeting) -> Page:
    form = EvalueeForm()
    if form.validate_on_submit():
        try:
            meetings.add_evaluee(current_user, meeting, form.name.data or "", form.post.data or "")
        except InvalidInput as e:
            show_errors(form, e)
        else:
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#evaluees")
    return _show(meeting, 400, evaluee_form=form)


@bp.post("/<int:meeting_id>/evaluees/<int:evaluee_id>/move/<int(signed=True):step>")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def move_evaluee(meeting: Meeting, evaluee_id: int, step: int) -> Page:
    if ActionForm().validate_on_submit():
        meetings.move_evaluee(current_user, meeting, evaluee_id, 1 if step > 0 else -1)
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#evaluees")


@bp.post("/<int:meeting_id>/evaluees/<int:evaluee_id>/remove")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def remove_evaluee(meeting: Meeting, evaluee_id: int) -> Page:
    if ActionForm().validate_on_submit():
        meetings.remove_evaluee(current_user, meeting, evaluee_id)
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#evaluees")


@bp.post("/<int:meeting_id>/slips")
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
            flash(f"已生成第 {batch} 批测评码，请打印这一批。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#slips")
    return _show(meeting, 400, slips_form=form)


@bp.post("/<int:meeting_id>/slips/void")
@role_required(*MANAGERS)
@with_meeting(*slips.VOID_STATES)
def void_slip(meeting: Meeting) -> Page:
    form = VoidForm()
    if form.validate_on_submit():
        try:
            slips.void_slip(current_user, meeting, keys(), form.code.data or "")
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash("这张测评码已作废，不再计入发出票数。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#slips")
    return _show(meeting, 400, void_form=form)


@bp.post("/<int:meeting_id>/slips/void-count")
@role_required(*MANAGERS)
@with_meeting(*slips.VOID_STATES)
def void_by_count(meeting: Meeting) -> Page:
    form = VoidCountForm()
    if form.validate_on_submit():
        try:
            n = slips.void_by_count(
                current_user, meeting, form.count_a.data or 0, form.count_b.data or 0
            )
        except InvalidInput as e:
            show_errors(form, e)
        except StateBlocked as e:
            form.form_errors.extend(e.blockers)
        else:
            flash(f"已作废 {n} 张没有发出的测评码，它们不再计入「发出」票数。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#slips")
    return _show(meeting, 400, void_count_form=form)


@bp.get("/<int:meeting_id>/tokens.<fmt>")
@role_required(*MANAGERS)
@with_meeting()
def tokens(meeting: Meeting, fmt: str) -> Response:
    rows = [r.as_dict() for r in slips.slip_rows(meeting, keys(), public_base_url())]
    name = f"meeting-{meeting.id}-tokens.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers=headers)
    if fmt != "csv":
        return Response("csv 或 json", status=404)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "category", "url", "state"])
    writer.writeheader()
    writer.writerows(rows)
    # A byte-order mark so that Excel opens the Chinese text correctly.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)


@bp.post("/<int:meeting_id>/<any(open,close):step>")
@role_required(*MANAGERS)
@with_meeting()
def change_state(meeting: Meeting, step: str) -> Page:
    if ActionForm().validate_on_submit():
        meetings.transition(current_user, meeting, Transition(step))
        flash("投票箱已开启，可以开始投票。" if step == "open" else "投票箱已关闭。", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/reopen")
@role_required(*MANAGERS)
@with_meeting(MeetingState.CLOSED)
def reopen(meeting: Meeting) -> Page:
    form = ReasonForm()
    if form.validate_on_submit():
        meetings.transition(current_user, meeting, Transition.REOPEN, reason=form.reason.data or "")
        flash("投票箱已重新开启，原因已记入操作日志。", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _show(meeting, 400, reason_form=form)


@bp.get("/<int:meeting_id>/results")
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


@bp.post("/<int:meeting_id>/certify")
@role_required(*MANAGERS)
@with_meeting(MeetingState.CLOSED)
def certify(meeting: Meeting) -> Page:
    form = CertifyForm()
    if form.validate_on_submit():
        try:
            meetings.certify(
                current_user,
                meeting,
                form.counter_name.data or "",
                form.scrutineer_name.data or "",
                keys(),
            )
        except StateBlocked as e:
            form.form_errors.extend(e.blockers)
        else:
            flash("结果已确认：会议从此只读，附件7打印时带上计票人和监票人的姓名。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _show(meeting, 400, certify_form=form)


@bp.post("/<int:meeting_id>/monitor/revoke")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT, MeetingState.OPEN, MeetingState.CLOSED)
def revoke_monitor_links(meeting: Meeting) -> Page:
    if ActionForm().validate_on_submit():
        monitor.revoke_links(current_user, meeting)
        flash("原来的监票链接和二维码已全部失效，下面是新的。", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#monitor")


@bp.post("/<int:meeting_id>/public-address")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT, MeetingState.OPEN)
def choose_address(meeting: Meeting) -> Page:
    """Keep the chosen address of this machine as the app's address for printing slips."""
    if configured_base_url():
        raise StateBlocked(["已经设置了 PUBLIC_BASE_URL，测评码按它打印；要改地址请修改这项设置。"])
    form = _address_form(AddressForm())
    if form.validate_on_submit():
        choose_base_url(form.address.data or "")
        flash(
            f"测评码和试扫码今后都用 {form.address.data}。请先用手机扫「试扫码」确认能打开。",
            "success",
        )
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#address")
    return _show(meeting, 400, address_form=form)


@bp.post("/<int:meeting_id>/tellers")
@role_required(*MANAGERS)
@with_meeting()
def assign_teller(meeting: Meeting) -> Page:
    form = _assign_form(meeting)
    if form.validate_on_submit():
        try:
            teller = tellers.assign(current_user, meeting, form.teller_id.data or 0)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(f"已把 {teller.display_name} 加为本次会议的计票人。", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#tellers")
    return _show(meeting, 400, assign_form=form)


@bp.post("/<int:meeting_id>/tellers/new")
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
                f"已新建计票人账号「{teller.username}」并加到本次会议。请把用户名和密码当面告诉本人。",
                "success",
            )
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#tellers")
    return _show(meeting, 400, new_teller_form=form)


@bp.post("/<int:meeting_id>/tellers/<int:teller_id>/remove")
@role_required(*MANAGERS)
@with_meeting()
def remove_teller(meeting: Meeting, teller_id: int) -> Page:
    if ActionForm().validate_on_submit():
        tellers.unassign(current_user, meeting, teller_id)
        flash("已把这个账号移出本次会议的计票人名单。", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#tellers")


@bp.get("/<int:meeting_id>/live")
@role_required(*EVERYONE)
@with_meeting()
def live_page(meeting: Meeting) -> Response:
    """The live count for a teller's phone or a projector; without JavaScript the page
    refreshes itself."""
    return live_response(meeting)


@bp.get("/<int:meeting_id>/live.json")
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


@bp.get("/<int:meeting_id>/tally.json")
@role_required(*MANAGERS)
@with_meeting()
def tally_json(meeting: Meeting) -> Response:
    if is_sealed(meeting):
        raise StateBlocked(["投票进行中，结果在关闭投票箱后才能查看。"])
    data = results.meeting_results(meeting).as_dict()
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
