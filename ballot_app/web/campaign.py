"""The year's assessment pages: the campaign (dates, start, close, next year), its
inspection groups (附件1) with their organizers and units, and annex 1 printed and as .xlsx.

The admin (干部一科) writes here; organizers read the campaign and annex 1."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..domain.campaign import CampaignDates, default_cutoff, month_day
from ..domain.progress import STAGES, days_left, percent, stage_label
from ..domain.roles import Role
from ..domain.text import N_, _
from ..models import Campaign, Group
from ..services import campaign as campaigns
from ..services import groups, progress
from ..services.errors import InvalidInput, StateBlocked
from . import MAX_ID, whole_number
from .confirm import Confirmation, confirmation_page, is_confirmed
from .downloads import attachment
from .forms import ActionForm, CampaignForm, GroupForm, show_errors
from .guards import MANAGERS, role_required

bp = Blueprint("campaign", __name__)
Page = Response | str | tuple[str, int]
_ID = whole_number(1, MAX_ID)


@bp.get("/campaign")
@role_required(*MANAGERS)
def current() -> Response:
    campaign = campaigns.ensure_current()
    return redirect(url_for("campaign.show", campaign_id=campaign.id))


def _campaign_form(campaign: Campaign) -> CampaignForm:
    return CampaignForm(
        data={
            "name": campaign.name,
            "cutoff": campaign.post_change_cutoff,
            "meetings_from": campaign.meetings_from,
            "meetings_to": campaign.meetings_to,
            "roster_due": campaign.roster_due,
            "annex8_due": campaign.annex8_due,
            "sheets_due": campaign.sheets_due,
        }
    )


def _show(campaign: Campaign, form: CampaignForm | None = None, status: int = 200) -> Page:
    page = render_template(
        "campaign/show.html",
        campaign=campaign,
        campaigns=campaigns.all_campaigns(),
        form=form or _campaign_form(campaign),
        cutoff=month_day(campaign.post_change_cutoff),
        annex1=groups.annex1_rows(campaign),
        open_boxes=campaigns.open_boxes(campaign),
        uncertified=campaigns.uncertified(campaign),
        action=ActionForm(),
    )
    return page, status


@bp.get("/campaigns/<id:campaign_id>")
@role_required(*MANAGERS)
def show(campaign_id: int) -> Page:
    return _show(campaigns.get_campaign(campaign_id))


@bp.post("/campaigns/<id:campaign_id>")
@role_required(Role.ADMIN)
def update(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    form = CampaignForm()
    if form.validate_on_submit():
        assert form.cutoff.data is not None  # required
        dates = CampaignDates(
            year=campaign.year,
            cutoff=form.cutoff.data,
            meetings_from=form.meetings_from.data,
            meetings_to=form.meetings_to.data,
            roster_due=form.roster_due.data,
            annex8_due=form.annex8_due.data,
            sheets_due=form.sheets_due.data,
        )
        try:
            campaigns.update_campaign(
                current_user, campaign.id, campaigns.CampaignInput(form.name.data or "", dates)
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已保存年度考核的名称和日期。"), "success")
            return redirect(url_for("campaign.show", campaign_id=campaign.id))
    return _show(campaign, form, 400)


#: Each step's confirmation: title (%(name)s: the campaign), button, consequence; marked for
#: the catalogue, shown through `_`.
STEP_PAGES = {
    "start": (
        N_("开始%(name)s？"),
        N_("确认开始"),
        N_("开始后，各考核组按日期召开测评会。名单和考核组以后仍可修改。"),
    ),
    "close": (
        N_("结束%(name)s？"),
        N_("确认结束"),
        N_(
            "结束后，本年度的考核组、单位、名单和全部会议都只能查看，不能再修改，也不能重新开启："
            "这一步不能撤销。已建好的下一年度会接过本年度的考核组账号。"
        ),
    ),
}


@bp.post("/campaigns/<id:campaign_id>/<any(start, close):step>")
@role_required(Role.ADMIN)
def take_step(campaign_id: int, step: str) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    back = url_for("campaign.show", campaign_id=campaign.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        title, button, consequence = STEP_PAGES[step]
        facts = campaigns.step_blockers(campaign, step)
        if not facts and step == "close":
            left = campaigns.uncertified(campaign)
            facts = [
                _("还有 %(n)s 次会议没有确认结果，结束后就不能再确认了。", n=left)
                if left
                else _("全部会议都已确认结果。")
            ]
        return confirmation_page(
            Confirmation(
                _(title, name=campaign.name),
                facts,
                _(consequence),
                url_for("campaign.take_step", campaign_id=campaign.id, step=step),
                _(button),
                back,
                warning=step == "close",
            )
        )
    campaigns.take_step(current_user, campaign.id, step)
    flash(
        _("本年度考核已开始。") if step == "start" else _("本年度考核已结束，只能查看。"), "success"
    )
    return redirect(back)


@bp.post("/campaigns/<id:campaign_id>/next")
@role_required(Role.ADMIN)
def next_year(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    back = url_for("campaign.show", campaign_id=campaign.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        units = len(groups.unit_choices(campaign))
        year = campaign.year + 1
        return confirmation_page(
            Confirmation(
                _("从「%(name)s」开始 %(year)s 年度考核？", name=campaign.name, year=year),
                [
                    *campaigns.next_year_blockers(campaign),
                    _(
                        "照搬 %(groups)s 个考核组（组长、联络员）和 %(units)s 个单位及其班子成员名单；"
                        "任职变动截止日期设为 %(year)s 年 %(day)s。",
                        groups=len(campaign.groups),
                        units=units,
                        year=year,
                        day=month_day(default_cutoff(year)),
                    ),
                ],
                _("本年度的一切保持原样。新年度建好后，名单和考核组都可以修改。"),
                url_for("campaign.next_year", campaign_id=campaign.id),
                _("确认开始下一年度"),
                back,
            )
        )
    try:
        new = campaigns.start_next_year(current_user, campaign.id)
    except IntegrityError as e:  # two clicks at once: the other one made it
        raise StateBlocked(
            [
                _(
                    "%(year)s 年度的考核刚刚已经建好了（可能是点了两次）。请回到「年度考核」页面查看。",
                    year=campaign.year + 1,
                )
            ]
        ) from e
    flash(_("已建好「%(name)s」。请核对考核组和名单，填好日期。", name=new.name), "success")
    return redirect(url_for("campaign.show", campaign_id=new.id))


# --- groups -----------------------------------------------------------------------------


def _groups_page(campaign: Campaign, form: GroupForm | None = None, status: int = 200) -> Page:
    page = render_template(
        "campaign/groups.html",
        campaign=campaign,
        form=form or GroupForm(data={"name": groups.next_name(campaign)}),
        unassigned=[u for u in groups.unit_choices(campaign) if u.group_id is None],
    )
    return page, status


@bp.get("/campaigns/<id:campaign_id>/groups")
@role_required(Role.ADMIN)
def group_list(campaign_id: int) -> Page:
    return _groups_page(campaigns.get_campaign(campaign_id))


def _group_input(form: GroupForm) -> groups.GroupInput:
    return groups.GroupInput(
        form.name.data or "",
        form.leader_name.data or "",
        form.liaison_name.data or "",
        form.liaison_phone.data or "",
    )


@bp.post("/campaigns/<id:campaign_id>/groups")
@role_required(Role.ADMIN)
def create_group(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(current_user, campaign.id, _group_input(form))
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(
                _("已建好「%(name)s」。下一步：勾选它的考核组成员和考核单位。", name=group.name),
                "success",
            )
            return redirect(url_for("campaign.group", group_id=group.id))
    return _groups_page(campaign, form, 400)


def _group_page(group: Group, form: GroupForm | None = None, status: int = 200) -> Page:
    page = render_template(
        "campaign/group.html",
        group=group,
        campaign=group.campaign,
        form=form
        or GroupForm(
            data={
                "name": group.name,
                "leader_name": group.leader_name,
                "liaison_name": group.liaison_name,
                "liaison_phone": group.liaison_phone,
            }
        ),
        accounts=groups.organizer_choices(),
        units=groups.unit_choices(group.campaign),
        action=ActionForm(),
    )
    return page, status


@bp.get("/groups/<id:group_id>")
@role_required(Role.ADMIN)
def group(group_id: int) -> Page:
    return _group_page(groups.get_group(group_id))


@bp.post("/groups/<id:group_id>")
@role_required(Role.ADMIN)
def update_group(group_id: int) -> Page:
    found = groups.get_group(group_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            groups.update_group(current_user, found.id, _group_input(form))
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for("campaign.group", group_id=found.id))
    return _group_page(found, form, 400)


def _ticked(name: str) -> set[int]:
    found = set()
    for value in request.form.getlist(name):
        try:
            found.add(_ID(value))
        except ValueError:
            continue  # a value that names nothing is no tick
    return found


@bp.post("/groups/<id:group_id>/members")
@role_required(Role.ADMIN)
def set_members(group_id: int) -> Page:
    found = groups.get_group(group_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("campaign.group", group_id=found.id))
    groups.set_members(current_user, found.id, _ticked("account"), _ticked("unit"))
    flash(_("已保存这个组的考核组成员和考核单位。"), "success")
    return redirect(url_for("campaign.group", group_id=found.id))


@bp.post("/groups/<id:group_id>/delete")
@role_required(Role.ADMIN)
def delete_group(group_id: int) -> Page:
    found = groups.get_group(group_id)
    back = url_for("campaign.group", group_id=found.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("删除「%(name)s」？", name=found.name),
                [
                    _(
                        "组长：%(leader)s；联络员：%(liaison)s。",
                        leader=found.leader_name or _("未填"),
                        liaison=found.liaison_name or _("未填"),
                    )
                ],
                _("删除后不能恢复；要用时可以重新建一个组。"),
                url_for("campaign.delete_group", group_id=found.id),
                _("确认删除"),
                back,
                warning=True,
            )
        )
    campaign = groups.delete_group(current_user, found.id)
    flash(_("已删除这个考核组。"), "success")
    return redirect(url_for("campaign.group_list", campaign_id=campaign.id))


# --- the dashboard ------------------------------------------------------------------------


@bp.get("/campaigns/<id:campaign_id>/progress")
@role_required(*MANAGERS)
def show_progress(campaign_id: int) -> Page:
    """The campaign at a glance: by group and unit, meetings per state, turnout as bars,
    what is missing. An organizer sees their own group's part."""
    campaign = campaigns.get_campaign(campaign_id)
    found = progress.progress(campaign, current_user)
    units = [u for g in found for u in g.units]
    totals = {s: sum(g.meetings[s] for g in found) for s in STAGES}
    issued, returned = sum(g.issued for g in found), sum(g.returned for g in found)
    return render_template(
        "campaign/progress.html",
        campaign=campaign,
        groups=found,
        units=units,
        totals=totals,
        stages=STAGES,
        stage_labels={s: stage_label(s) for s in STAGES},
        issued=issued,
        returned=returned,
        turnout=percent(returned, issued),
        done=sum(1 for u in units if u.is_done),
        days=days_left(campaign.meetings_to, date.today()),
    )


# --- annex 1 ----------------------------------------------------------------------------


@bp.get("/campaigns/<id:campaign_id>/annex1")
@role_required(*MANAGERS)
def annex1(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    return render_template(
        "print/annex1.html",
        campaign=campaign,
        title=groups.annex1_title(campaign),
        rows=groups.annex1_rows(campaign),
    )


@bp.get("/campaigns/<id:campaign_id>/annex1.xlsx")
@role_required(*MANAGERS)
def annex1_xlsx(campaign_id: int) -> Response:
    campaign = campaigns.get_campaign(campaign_id)
    return attachment(groups.annex1_workbook(campaign), f"annex1-{campaign.year}.xlsx")
