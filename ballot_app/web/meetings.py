"""Organizer pages for one meeting: set-up, evaluees, slips, the ballot box, results."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..domain import attendance
from ..domain.meeting_state import MeetingState, Transition, blockers
from ..domain.roles import Role
from ..domain.slip7 import PassRateBase
from ..domain.text import _
from ..models import Meeting
from ..services import live, meetings, monitor, results, roster, slips, tellers
from ..services.errors import InvalidInput, StateBlocked
from ..services.rehearsal import SIMULATION_SECONDS, rehearsal_of
from .confirm import Confirmation, confirmation_page, is_confirmed
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
    SimulateForm,
    SlipsForm,
    VoidCountForm,
    VoidForm,
    show_errors,
)
from .guards import EVERYONE, MANAGERS, keys, role_required, with_meeting
from .meeting_steps import meeting_steps
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


@bp.route("/new/<id:unit_id>", methods=["GET", "POST"])
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
            bool(form.confirm_duplicate.data),
        )
        try:
            meeting = meetings.create_meeting(current_user, unit, data, keys())
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("会议已建立。请核对测评对象，然后打印测评码。"), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif not form.is_submitted():
        # A suggestion in the reader's language: the organizer edits it before creating.
        # The suggested title is printed on the slips and the official forms: Chinese in both
        # interfaces.
        form.title.data = f"{unit.name}领导班子和领导干部述职测评大会"  # official
        if unit.kind == "party_org":  # form 6 only: 述职评议 for annex 8
            form.title.data = f"{unit.name}书记抓基层党建述职评议会议"  # official
            form.form5.data, form.count_a.data = False, 0
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/new.html", unit=unit, form=form), status


def _attendance(form: SettingsForm, meeting: Meeting) -> dict[str, int]:
    """The categories filled in, of those the unit's kind has."""
    found = {}
    for category in attendance.categories_for(meeting.unit.kind):
        value = getattr(form, f"att_{category.key}").data
        if value is not None:
            found[category.key] = value
    return found


def _settings_form(meeting: Meeting) -> SettingsForm:
    counts = {f"att_{k}": v for k, v in attendance.loads(meeting.attendance).items()}
    form = SettingsForm(
        formdata=None,
        **counts,
        secretary_name=meeting.secretary_name,
        participants=meeting.participants,
        pass_rate_base=meeting.pass_rate_base.value,
        paper_issued=meeting.paper_issued,
        live_step=meeting.live_step,
        live_turnout_only=meeting.live_turnout_only,
        paper_double_entry=meeting.paper_double_entry,
    )
    return form


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


def show_page(meeting: Meeting, status: int = 200, **forms: object) -> tuple[str, int]:
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
            rehearsal=rehearsal_of(meeting) if meeting.state == MeetingState.DRAFT else None,
            simulation_seconds=int(SIMULATION_SECONDS),
            action=ActionForm(),
            attendance_categories=attendance.categories_for(meeting.unit.kind),
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
        "assign_form": forms.get("assign_form") or assign_form(meeting, sent=False),
        "new_teller_form": forms.get("new_teller_form") or NewTellerForm(formdata=None),
        "address_form": _address_form(_given(forms, "address_form", AddressForm)),
        "simulate_form": forms.get("simulate_form") or SimulateForm(formdata=None),
    }


def assign_form(meeting: Meeting, *, sent: bool = True) -> AssignTellerForm:
    form = AssignTellerForm() if sent else AssignTellerForm(formdata=None)
    form.teller_id.choices = [
        (u.id, _("%(name)s（%(username)s）", name=u.display_name, username=u.username))
        for u in tellers.assignable(meeting, current_user)
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


@bp.get("/<id:meeting_id>")
@role_required(*EVERYONE)
@with_meeting()
def show(meeting: Meeting) -> Page:
    return show_page(meeting)


@bp.post("/<id:meeting_id>/settings")
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
            _attendance(form, meeting),
        )
        try:
            meetings.update_settings(current_user, meeting, data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("设置已保存。"), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#settings")
    return show_page(meeting, 400, settings=form)


@bp.post("/<id:meeting_id>/evaluees")
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
    return show_page(meeting, 400, evaluee_form=form)


@bp.post("/<id:meeting_id>/evaluees/<id:evaluee_id>/move/<step:step>")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def move_evaluee(meeting: Meeting, evaluee_id: int, step: int) -> Page:
    if ActionForm().validate_on_submit():
        meetings.move_evaluee(current_user, meeting, evaluee_id, 1 if step > 0 else -1)
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#evaluees")


@bp.post("/<id:meeting_id>/evaluees/<id:evaluee_id>/remove")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT)
def remove_evaluee(meeting: Meeting, evaluee_id: int) -> Page:
    back = url_for("meetings.show", meeting_id=meeting.id) + "#evaluees"
    if ActionForm().validate_on_submit():
        evaluee = next((e for e in meeting.evaluees if e.id == evaluee_id), None)
        if evaluee is not None and not is_confirmed():
            return confirmation_page(
                Confirmation(
                    _("把「%(name)s」移出测评名单？", name=evaluee.name),
                    [
                        _(
                            "%(name)s，%(post)s：本次会议表5的第 %(row)s 行。",
                            name=evaluee.name,
                            post=evaluee.post,
                            row=meeting.evaluees.index(evaluee) + 1,
                        )
                    ],
                    _("移出后表5不再有这一行；开启投票箱前可以用「添加测评对象」再加回来。"),
                    url_for(
                        "meetings.remove_evaluee", meeting_id=meeting.id, evaluee_id=evaluee_id
                    ),
                    _("确认移出"),
                    back,
                )
            )
        meetings.remove_evaluee(current_user, meeting, evaluee_id)
    return redirect(back)


@bp.post("/<id:meeting_id>/public-address")
@role_required(*MANAGERS)
@with_meeting(MeetingState.DRAFT, MeetingState.OPEN)
def choose_address(meeting: Meeting) -> Page:
    """Keep the chosen address of this machine as the app's address for printing slips."""
    if configured_base_url():
        raise StateBlocked(
            [_("已经设置了 PUBLIC_BASE_URL，测评码按它打印；要改地址请修改这项设置。")]
        )
    form = _address_form(AddressForm())
    if form.validate_on_submit():
        choose_base_url(form.address.data or "")
        flash(
            _(
                "测评码和试扫码今后都用 %(url)s。请先用手机扫「试扫码」确认能打开。",
                url=form.address.data,
            ),
            "success",
        )
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#address")
    return show_page(meeting, 400, address_form=form)


# The rest of the meeting's routes live beside this module, on the same blueprint.
from . import (  # noqa: E402, F401
    meeting_box,
    meeting_edits,
    meeting_slips,
    meeting_tellers,
    rehearsal,
)
