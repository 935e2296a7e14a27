"""Organizer pages: the home list, units and their leadership rosters."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..services import roster
from ..services.errors import InvalidInput
from ..services.meetings import unit_meetings
from .forms import ActionForm, MemberForm, UnitForm, show_errors
from .guards import EVERYONE, MANAGERS, role_required

bp = Blueprint("units", __name__)
Page = Response | str | tuple[str, int]


@bp.get("/")
@role_required(*EVERYONE)
def index() -> Page:
    return _index_page(UnitForm())


def _index_page(form: UnitForm, status: int = 200) -> Page:
    units = roster.visible_units(current_user)
    meetings = {u.id: unit_meetings(u, current_user) for u in units}
    return render_template("units/index.html", units=units, meetings=meetings, form=form), status


@bp.post("/units")
@role_required(*MANAGERS)
def create() -> Page:
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = roster.create_unit(
                current_user,
                form.name.data or "",
                form.kind.data or "",
                form.party_org_name.data or "",
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(f"已添加单位「{unit.name}」。下一步：加入班子成员。", "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return _index_page(form, 400)


def _unit_page(unit_id: int, member_form: MemberForm | None = None, status: int = 200) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    return (
        render_template(
            "units/show.html",
            unit=unit,
            meetings=unit_meetings(unit, current_user),
            form=member_form or MemberForm(),
            action=ActionForm(),
        ),
        status,
    )


@bp.get("/units/<int:unit_id>")
@role_required(*EVERYONE)
def show(unit_id: int) -> Page:
    return _unit_page(unit_id)


@bp.post("/units/<int:unit_id>/members")
@role_required(*MANAGERS)
def add_member(unit_id: int) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            roster.add_member(current_user, unit, _member_input(form))
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(f"已加入「{form.name.data}」。", "success")
            return redirect(url_for("units.show", unit_id=unit.id) + "#roster")
    return _unit_page(unit_id, form, 400)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_member(member_id: int) -> Page:
    member = roster.get_member(current_user, member_id)
    form = MemberForm(obj=member)
    if form.validate_on_submit():
        try:
            roster.update_member(current_user, member, _member_input(form))
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(f"已保存「{member.name}」。", "success")
            return redirect(url_for("units.show", unit_id=member.unit_id) + "#roster")
    status = 400 if form.is_submitted() else 200
    return render_template("units/member_edit.html", member=member, form=form), status


@bp.post("/members/<int:member_id>/move/<int(signed=True):step>")
@role_required(*MANAGERS)
def move_member(member_id: int, step: int) -> Response:
    member = roster.get_member(current_user, member_id)
    if ActionForm().validate_on_submit():
        roster.move_member(current_user, member, 1 if step > 0 else -1)
    return redirect(url_for("units.show", unit_id=member.unit_id) + "#roster")


@bp.post("/members/<int:member_id>/remove")
@role_required(*MANAGERS)
def remove_member(member_id: int) -> Response:
    member = roster.get_member(current_user, member_id)
    unit_id = member.unit_id
    if ActionForm().validate_on_submit():
        flash(f"已从名单中移除「{member.name}」。", "success")
        roster.remove_member(current_user, member)
    return redirect(url_for("units.show", unit_id=unit_id) + "#roster")


def _member_input(form: MemberForm) -> roster.MemberInput:
    return roster.MemberInput(
        form.name.data or "",
        form.post.data or "",
        form.portfolio.data or "",
        bool(form.is_principal.data),
        bool(form.is_secretary.data),
    )
