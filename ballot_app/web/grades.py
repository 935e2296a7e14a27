"""The admin's grades pages (考核定等): record the proposals, decide each grade, sign the year
off; each unit's feedback sheet (结果反馈); the 诫勉谈话 list across years."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.choices import FORM5_LABELS, Form5Choice
from ..domain.roles import Role
from ..domain.text import _
from ..models import Campaign, GradeRecord, Unit
from ..services import aggregation, grade_export, grades
from ..services import campaign as campaigns
from ..services.errors import InvalidInput, NotFound
from ..services.score_sheets import scored_units
from .confirm import Confirmation, confirmation_page, is_confirmed
from .downloads import attachment
from .forms import ActionForm
from .guards import role_required

bp = Blueprint("grades", __name__)
Page = Response | str | tuple[str, int]


def _page(
    campaign: Campaign, problems: dict[int, dict[str, str]] | None = None, status: int = 200
) -> Page:
    found = grades.records(campaign)
    by_unit: dict[str, list[GradeRecord]] = {}
    for r in found:
        by_unit.setdefault(r.unit_name, []).append(r)
    decided = {g: sum(1 for r in found if r.decided == g.value) for g in Form5Choice}
    proposed = {g: sum(1 for r in found if r.proposed == g.value) for g in Form5Choice}
    page = render_template(
        "grades/index.html",
        campaign=campaign,
        by_unit=by_unit,
        total=len(found),
        stale=grades.staleness(campaign),
        decided=decided,
        proposed=proposed,
        grades=list(Form5Choice),
        labels=_labels(),
        problems=problems or {},
        typed=request.form if problems else {},
        signed=campaign.grades_signed_at is not None,
        units={u.id for u in scored_units(campaign)},
        action=ActionForm(),
    )
    return page, status


def _labels() -> dict[str, str]:
    """Each grade's code → the reader's word for it."""
    return {g.value: _(FORM5_LABELS[g]) for g in Form5Choice}


def _feedback(campaign: Campaign, unit_id: int) -> tuple[Unit, list[GradeRecord]]:
    """One of the year's townships and departments and its grade records, or the refusal."""
    unit = next((u for u in scored_units(campaign) if u.id == unit_id), None)
    if unit is None:
        raise NotFound(_("找不到这个单位：请回到「考核定等」页面重新选择。"))
    return unit, [r for r in grades.records(campaign) if r.unit_id == unit.id]


@bp.get("/campaigns/<id:campaign_id>/grades")
@role_required(Role.ADMIN)
def index(campaign_id: int) -> Page:
    return _page(campaigns.get_campaign(campaign_id))


@bp.post("/campaigns/<id:campaign_id>/grades/record")
@role_required(Role.ADMIN)
def record(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    if ActionForm().validate_on_submit():
        n = grades.record(current_user, campaign.id)
        flash(
            _("已按现在的得分记录 %(n)s 人的综合得分和定等建议；已审定的等次保留。", n=n),
            "success",
        )
    return redirect(url_for("grades.index", campaign_id=campaign.id))


@bp.post("/grades/<id:record_id>")
@role_required(Role.ADMIN)
def decide(record_id: int) -> Page:
    found = grades.get_record(record_id)
    campaign = found.campaign
    try:
        grades.decide(
            current_user,
            found.id,
            request.form.get("grade", "")[:40],
            request.form.get("reason", "")[:2000],
        )
    except InvalidInput as e:
        problems = {found.id: {**e.fields, "": e.message}}
        return _page(campaign, problems, 400)
    flash(_("已审定：%(name)s。", name=found.name), "success")
    return redirect(url_for("grades.index", campaign_id=campaign.id) + f"#grade-{found.id}")


@bp.post("/campaigns/<id:campaign_id>/grades/sign")
@role_required(Role.ADMIN)
def sign(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    back = url_for("grades.index", campaign_id=campaign.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        found = grades.records(campaign)
        talks = sum(1 for r in found if r.decided in {g.value for g in grades.TALK_GRADES})
        return confirmation_page(
            Confirmation(
                _("签发「%(name)s」的考核等次？", name=campaign.name),
                [
                    *grades.sign_blockers(campaign),
                    _(
                        "共 %(n)s 人；基本称职、不称职 %(talks)s 人，签发后列入诫勉谈话名单。",
                        n=len(found),
                        talks=talks,
                    ),
                ],
                _(
                    "签发后，等次、得分记录和规则都只能查看，不能再修改；各单位的结果反馈按签发的等次打印。这一步不能撤销。"
                ),
                url_for("grades.sign", campaign_id=campaign.id),
                _("确认签发"),
                back,
                warning=True,
            )
        )
    n = grades.sign_off(current_user, campaign.id)
    flash(_("考核等次已签发；%(n)s 人列入诫勉谈话名单。", n=n), "success")
    return redirect(back)


@bp.get("/campaigns/<id:campaign_id>/feedback/<id:unit_id>")
@role_required(Role.ADMIN)
def feedback(campaign_id: int, unit_id: int) -> Page:
    """A unit's feedback sheet for its principal (结果反馈): the signed grades only."""
    campaign = campaigns.get_campaign(campaign_id)
    unit, rows = _feedback(campaign, unit_id)
    return render_template(
        "grades/feedback.html",
        campaign=campaign,
        unit=unit,
        rows=rows,
        labels=_labels(),
        signed=campaign.grades_signed_at is not None,
    )


# --- 诫勉谈话 ---------------------------------------------------------------------------------


@bp.get("/talks")
@role_required(Role.ADMIN)
def talks(problems: dict[int, dict[str, str]] | None = None, status: int = 200) -> Page:
    page = render_template(
        "grades/talks.html",
        talks=grades.talks(),
        labels=_labels(),
        problems=problems or {},
        typed=request.form if problems else {},
    )
    return page, status


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise InvalidInput(
            _("请按「年-月-日」填写谈话日期，例如 2027-01-05。"),
            {"held_on": _("请按「年-月-日」填写，例如 2027-01-05。")},
        ) from None


@bp.post("/talks/<id:talk_id>")
@role_required(Role.ADMIN)
def update_talk(talk_id: int) -> Page:
    form = request.form
    try:
        data = grades.TalkInput(
            _day(form.get("held_on", "")[:20]),
            form.get("talked_by", "")[:200],
            form.get("notes", "")[:5000],
            form.get("is_done") == "y",
        )
        grades.update_talk(current_user, talk_id, data)
    except InvalidInput as e:
        return talks({talk_id: {**e.fields, "": e.message}}, 400)
    flash(_("已保存诫勉谈话记录。"), "success")
    return redirect(url_for("grades.talks") + f"#talk-{talk_id}")


# --- exports ---------------------------------------------------------------------------------


@bp.get("/campaigns/<id:campaign_id>/grades.xlsx")
@role_required(Role.ADMIN)
def export(campaign_id: int) -> Response:
    campaign = campaigns.get_campaign(campaign_id)
    rules = aggregation.rules_of(campaign)
    lines = aggregation.district(campaign, rules) if rules else []
    body = grade_export.composites_workbook(campaign, lines, grades.records(campaign))
    return attachment(body, f"{campaign.year}-grades.xlsx")


@bp.get("/campaigns/<id:campaign_id>/feedback/<id:unit_id>.xlsx")
@role_required(Role.ADMIN)
def feedback_xlsx(campaign_id: int, unit_id: int) -> Response:
    campaign = campaigns.get_campaign(campaign_id)
    unit, rows = _feedback(campaign, unit_id)
    if campaign.grades_signed_at is None:
        raise NotFound(_("这个单位的结果反馈还不能导出：考核等次签发后才有结果反馈。"))
    return attachment(
        grade_export.feedback_workbook(campaign, unit.name, rows), f"feedback-{unit.id}.xlsx"
    )


@bp.get("/talks.xlsx")
@role_required(Role.ADMIN)
def talks_xlsx() -> Response:
    return attachment(grade_export.talks_workbook(grades.talks()), "talks.xlsx")
