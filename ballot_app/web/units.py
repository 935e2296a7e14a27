"""Organizer pages: the home list, units and their leadership rosters."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..domain.text import _
from ..models import Member
from ..services import corrections, roster
from ..services.errors import InvalidInput
from ..services.meetings import unit_meetings
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, MemberForm, NewUnitForm, UnitForm, show_errors
from .guards import EVERYONE, MANAGERS, role_required

bp = Blueprint("units", __name__)
Page = Response | str | tuple[str, int]


@bp.get("/")
@role_required(*EVERYONE)
def index() -> Page:
    return _index_page(_new_unit_form())


def _new_unit_form() -> NewUnitForm:
    """The add-a-unit form with this campaign's groups (the admin) and parent units."""
    form = NewUnitForm()
    form.group_id.choices = [("", _("（暂不分组）"))] + [
        (str(g.id), g.name) for g in roster.current_campaign().groups
    ]
    form.parent_id.choices = [("", _("（不是基层党组织）"))] + [
        (str(u.id), u.name)
        for u in roster.visible_units(current_user)
        if u.kind in roster.PARENT_KINDS and not u.is_archived
    ]
    return form


def _index_page(form: NewUnitForm, status: int = 200) -> Page:
    found = roster.visible_units(current_user)
    units = [u for u in found if not u.is_archived]
    archived = [u for u in found if u.is_archived]
    meetings = {
        u.id: [m for m in unit_meetings(u, current_user) if not m.is_archived] for u in units
    }
    return (
        render_template(
            "units/index.html", units=units, archived=archived, meetings=meetings, form=form
        ),
        status,
    )


@bp.post("/units")
@role_required(*MANAGERS)
def create() -> Page:
    form = _new_unit_form()
    if form.validate_on_submit():
        try:
            unit = roster.create_unit(
                current_user,
                form.name.data or "",
                form.kind.data or "",
                form.party_org_name.data or "",
                group_id=int(form.group_id.data) if form.group_id.data else None,
                parent_id=int(form.parent_id.data) if form.parent_id.data else None,
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已添加单位「%(name)s」。下一步：加入班子成员。", name=unit.name), "success")
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


@bp.get("/units/<id:unit_id>")
@role_required(*EVERYONE)
def show(unit_id: int) -> Page:
    return _unit_page(unit_id)


@bp.post("/units/<id:unit_id>/members")
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
            flash(_("已加入「%(name)s」。", name=form.name.data), "success")
            return redirect(url_for("units.show", unit_id=unit.id) + "#roster")
    return _unit_page(unit_id, form, 400)


@bp.route("/members/<id:member_id>/edit", methods=["GET", "POST"])
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
            flash(_("已保存「%(name)s」。", name=member.name), "success")
            return redirect(url_for("units.show", unit_id=member.unit_id) + "#roster")
    status = 400 if form.is_submitted() else 200
    return render_template("units/member_edit.html", member=member, form=form), status


@bp.post("/members/<id:member_id>/move/<step:step>")
@role_required(*MANAGERS)
def move_member(member_id: int, step: int) -> Response:
    member = roster.get_member(current_user, member_id)
    if ActionForm().validate_on_submit():
        roster.move_member(current_user, member, 1 if step > 0 else -1)
    return redirect(url_for("units.show", unit_id=member.unit_id) + "#roster")


@bp.post("/members/<id:member_id>/remove")
@role_required(*MANAGERS)
def remove_member(member_id: int) -> Page:
    member = roster.get_member(current_user, member_id)
    unit_id = member.unit_id
    back = url_for("units.show", unit_id=unit_id) + "#roster"
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            return confirmation_page(
                Confirmation(
                    _("从名单中移除「%(name)s」？", name=member.name),
                    [_member_fact(member)],
                    _("移除后新建的会议不再有这一行；已经建立的会议保留它们自己的测评对象名单。"),
                    url_for("units.remove_member", member_id=member_id),
                    _("确认移除"),
                    back,
                    warning=True,
                )
            )
        flash(_("已从名单中移除「%(name)s」。", name=member.name), "success")
        roster.remove_member(current_user, member)
    return redirect(back)


@bp.route("/units/<id:unit_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit(unit_id: int) -> Page:
    """Correct a unit's name, kind and party organisation; delete or archive it."""
    unit = roster.get_unit(current_user, unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            corrections.rename_unit(
                current_user,
                unit,
                form.name.data or "",
                form.kind.data or "",
                form.party_org_name.data or "",
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("单位信息已更正。"), "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    status = 400 if form.is_submitted() else 200
    page = render_template("units/edit.html", unit=unit, form=form, action=ActionForm())
    return page, status


@bp.post("/units/<id:unit_id>/delete")
@role_required(*MANAGERS)
def delete(unit_id: int) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            drafts = len(corrections.check_unit_deletable(unit))
            return confirmation_page(
                Confirmation(
                    _("删除单位「%(name)s」？", name=unit.name),
                    [
                        _(
                            "班子成员 %(members)s 人；会议草稿 %(drafts)s 次（会一起删除）。",
                            members=len(unit.members),
                            drafts=drafts,
                        )
                    ],
                    _("删除后单位、名单和会议草稿都不能恢复。开启过投票的单位不能删除，只能归档。"),
                    url_for("units.delete", unit_id=unit.id),
                    _("确认删除"),
                    url_for("units.edit", unit_id=unit.id),
                    warning=True,
                )
            )
        name = unit.name
        corrections.delete_unit(current_user, unit)
        flash(_("单位「%(name)s」已删除。", name=name), "success")
    return redirect(url_for("units.index"))


@bp.post("/units/<id:unit_id>/<any(archive,restore):verb>")
@role_required(*MANAGERS)
def archive(unit_id: int, verb: str) -> Response:
    unit = roster.get_unit(current_user, unit_id)
    if ActionForm().validate_on_submit():
        corrections.archive_unit(current_user, unit, archived=verb == "archive")
        flash(
            _("「%(name)s」已归档：首页不再列出它，数据完整保留，可以随时恢复。", name=unit.name)
            if verb == "archive"
            else _("「%(name)s」已恢复到首页的列表中。", name=unit.name),
            "success",
        )
    return redirect(url_for("units.show", unit_id=unit.id))


def _member_fact(member: Member) -> str:
    """「姓名，职务，分管…。」: who the confirmation is about."""
    if member.portfolio:
        return _(
            "%(name)s，%(post)s，分管%(portfolio)s。",
            name=member.name,
            post=member.post,
            portfolio=member.portfolio,
        )
    return _("%(name)s，%(post)s。", name=member.name, post=member.post)


def _member_input(form: MemberForm) -> roster.MemberInput:
    return roster.MemberInput(
        form.name.data or "",
        form.post.data or "",
        form.portfolio.data or "",
        bool(form.is_principal.data),
        bool(form.is_secretary.data),
        bool(form.confirm_duplicate.data),
    )
