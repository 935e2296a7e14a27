"""The admin's list of district leaders who score on annex 2 (区领导) and the units each
oversees or liaises with: typed one by one or pasted from a table."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..domain.roles import Role
from ..domain.text import N_, _
from ..models import Campaign, Leader
from ..services import campaign as campaigns
from ..services import leaders
from ..services.errors import InvalidInput
from ..services.score_sheets import leaders as leaders_of
from ..services.score_sheets import scored_units
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import ActionForm, LeaderForm, LeaderPasteForm, show_errors
from .guards import role_required

bp = Blueprint("leaders", __name__)
TAKEN = N_("名单上已经有这个姓名了：请修改那一位，或在姓名后加以区分。")
Page = Response | str | tuple[str, int]


def _with_units(campaign: Campaign, form: LeaderForm) -> LeaderForm:
    form.unit_ids.choices = [(u.id, u.name) for u in scored_units(campaign)]
    return form


def _input(form: LeaderForm) -> leaders.LeaderInput:
    return leaders.LeaderInput(
        form.name.data or "",
        form.post.data or "",
        bool(form.is_top.data),
        tuple(i for i in (form.unit_ids.data or []) if i),
    )


def _index(
    campaign: Campaign,
    form: LeaderForm | None = None,
    paste: LeaderPasteForm | None = None,
    status: int = 200,
) -> Page:
    page = render_template(
        "sheets/leaders.html",
        campaign=campaign,
        leaders=leaders_of(campaign),
        form=_with_units(campaign, form or LeaderForm(formdata=None)),
        paste=paste or LeaderPasteForm(formdata=None),
        action=ActionForm(),
    )
    return page, status


@bp.get("/campaigns/<id:campaign_id>/leaders")
@role_required(Role.ADMIN)
def index(campaign_id: int) -> Page:
    return _index(campaigns.get_campaign(campaign_id))


@bp.post("/campaigns/<id:campaign_id>/leaders")
@role_required(Role.ADMIN)
def create(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    form = _with_units(campaign, LeaderForm())
    if form.validate_on_submit():
        try:
            leader = leaders.create_leader(current_user, campaign.id, _input(form))
        except InvalidInput as e:
            show_errors(form, e)
        except IntegrityError:  # the same name added a moment ago (two clicks, two admins)
            show_errors(form, InvalidInput(_("请检查标出的项目。"), {"name": _(TAKEN)}))
        else:
            flash(_("已添加「%(name)s」。", name=leader.name), "success")
            return redirect(url_for("leaders.index", campaign_id=campaign.id))
    return _index(campaign, form=form, status=400)


@bp.post("/campaigns/<id:campaign_id>/leaders/paste")
@role_required(Role.ADMIN)
def paste(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    form = LeaderPasteForm()
    if form.validate_on_submit():
        try:
            n = leaders.paste_leaders(current_user, campaign.id, form.text.data or "")
        except InvalidInput as e:
            form.text.errors = [*form.text.errors, *e.fields.get("text", e.message).split("\n")]
            form.form_errors.append(_("名单里有需要修改的行，一行也没有导入。请改好后再粘贴一次。"))
        except IntegrityError:
            form.form_errors.append(
                _("刚才有人同时在添加区领导，这次一行也没有导入。请刷新页面看看名单，再粘贴一次。")
            )
        else:
            flash(_("已导入 %(n)s 位区领导及其分管、联系单位。", n=n), "success")
            return redirect(url_for("leaders.index", campaign_id=campaign.id))
    return _index(campaign, paste=form, status=400)


def _leader_page(leader: Leader, form: LeaderForm | None = None, status: int = 200) -> Page:
    if form is None:
        form = LeaderForm(
            formdata=None,
            data={
                "name": leader.name,
                "post": leader.post,
                "is_top": leader.is_top,
                "unit_ids": [u.id for u in leader.units],
            },
        )
    page = render_template(
        "sheets/leader.html",
        leader=leader,
        campaign=leader.campaign,
        form=_with_units(leader.campaign, form),
        action=ActionForm(),
    )
    return page, status


@bp.get("/leaders/<id:leader_id>")
@role_required(Role.ADMIN)
def show(leader_id: int) -> Page:
    return _leader_page(leaders.get_leader(leader_id))


@bp.post("/leaders/<id:leader_id>")
@role_required(Role.ADMIN)
def update(leader_id: int) -> Page:
    leader = leaders.get_leader(leader_id)
    form = _with_units(leader.campaign, LeaderForm())
    if form.validate_on_submit():
        try:
            leaders.update_leader(current_user, leader.id, _input(form))
        except InvalidInput as e:
            show_errors(form, e)
        except IntegrityError:
            show_errors(form, InvalidInput(_("请检查标出的项目。"), {"name": _(TAKEN)}))
        else:
            flash(_("已保存「%(name)s」。", name=leader.name), "success")
            return redirect(url_for("leaders.index", campaign_id=leader.campaign_id))
    return _leader_page(leader, form, 400)


@bp.post("/leaders/<id:leader_id>/delete")
@role_required(Role.ADMIN)
def delete(leader_id: int) -> Page:
    leader = leaders.get_leader(leader_id)
    back = url_for("leaders.show", leader_id=leader.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("从名单上删除「%(name)s」？", name=leader.name),
                [_("分管或联系 %(n)s 个单位。", n=len(leader.units))],
                _("已经发给这位领导的评分表不受影响；以后按名单发放时不再为他（她）生成评分表。"),
                url_for("leaders.delete", leader_id=leader.id),
                _("确认删除"),
                back,
                warning=True,
            )
        )
    campaign = leaders.delete_leader(current_user, leader.id)
    flash(_("已删除。"), "success")
    return redirect(url_for("leaders.index", campaign_id=campaign.id))
