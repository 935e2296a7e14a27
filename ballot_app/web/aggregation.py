"""The year's aggregation rules (评分汇总和考核定等规则), set by the admin: the conversion of
grades to points, the weights per role, trimming annex 2, the grade thresholds and the 优秀
quota. A problem is shown beside its field and at the top; nothing typed is lost."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.aggregation_rules import (
    THRESHOLD_GRADES,
    points_field,
    read_rules,
    threshold_field,
    typed_from_rules,
    weight_field,
)
from ..domain.choices import Form5Choice
from ..domain.composite import Component, RoleKind, reweighting_note
from ..domain.roles import Role
from ..domain.text import _
from ..models import Campaign
from ..services import aggregation
from ..services import campaign as campaigns
from ..services.errors import NotFound
from .guards import role_required

bp = Blueprint("aggregation", __name__)
Page = Response | str | tuple[str, int]


def _rules_page(
    campaign: Campaign,
    typed: dict[str, str],
    trim: bool,
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> Page:
    page = render_template(
        "aggregation/rules.html",
        campaign=campaign,
        typed=typed,
        trim=trim,
        problems=problems or {},
        grades=list(Form5Choice),
        threshold_grades=THRESHOLD_GRADES,
        roles=list(RoleKind),
        components=list(Component),
        points_field=points_field,
        weight_field=weight_field,
        threshold_field=threshold_field,
        saved=aggregation.rules_of(campaign) is not None,
    )
    return page, status


@bp.get("/campaigns/<id:campaign_id>/rules")
@role_required(Role.ADMIN)
def rules(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    stored = aggregation.rules_of(campaign)
    trim = stored.scoring.trim_annex2 if stored else False
    return _rules_page(campaign, typed_from_rules(stored), trim)


@bp.post("/campaigns/<id:campaign_id>/rules")
@role_required(Role.ADMIN)
def save(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    typed = {k: v[:40] for k, v in request.form.items() if k != "csrf_token"}
    trim = request.form.get("trim_annex2") == "y"
    found, problems = read_rules(typed, trim)
    if found is None:
        return _rules_page(campaign, typed, trim, problems, 400)
    aggregation.save_rules(current_user, campaign.id, found)
    flash(_("已保存评分汇总和定等规则。"), "success")
    return redirect(url_for("aggregation.rules", campaign_id=campaign.id))


# --- the district table and each member's formula sheet --------------------------------------


@bp.get("/campaigns/<id:campaign_id>/composites")
@role_required(Role.ADMIN)
def district(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    found = aggregation.rules_of(campaign)
    if found is None:
        return render_template("aggregation/district.html", campaign=campaign, lines=None)
    lines = aggregation.district(campaign, found)
    by_unit: dict[str, list[aggregation.MemberLine]] = {}
    for line in lines:
        by_unit.setdefault(line.assessed.unit_name, []).append(line)
    proposed = {g: sum(1 for x in lines if x.proposal.grade == g) for g in Form5Choice}
    return render_template(
        "aggregation/district.html",
        campaign=campaign,
        lines=lines,
        by_unit=by_unit,
        components=list(Component),
        proposed=proposed,
        study=sum(1 for x in lines if x.proposal.needs_study),
        quota=found.grading.excellent_quota,
    )


@bp.get("/campaigns/<id:campaign_id>/composites/<id:member_id>")
@role_required(Role.ADMIN)
def formula(campaign_id: int, member_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    found = aggregation.required_rules(campaign)
    line = next(
        (
            x
            for x in aggregation.district(campaign, found)
            if x.assessed.inputs.member_id == member_id
        ),
        None,
    )
    if line is None:
        raise NotFound(
            _("找不到这位考核对象：可能已移出名单或不属于本年度。请回到「评分汇总」页面重新选择。")
        )
    return render_template(
        "aggregation/formula.html",
        campaign=campaign,
        line=line,
        rules=found,
        note=reweighting_note(line.composite),
    )
