"""The admin's score sheets (附件2、3、4): issue them, see every sheet and its scores, print
the personal links and the paper sheets, type a paper sheet in, reopen with a reason,
revoke a link, export. Organizers see the returns page only, never a score."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.roles import Role
from ..domain.score_sheets import SheetKind, short_digest
from ..domain.text import N_, _
from ..models import Campaign, ScoreSheet
from ..services import campaign as campaigns
from ..services import score_export, score_returns
from ..services import score_sheets as sheets
from ..services.errors import InvalidInput
from .confirm import Confirmation, confirmation_page, is_confirmed
from .downloads import attachment
from .forms import ActionForm, ExtraSheetForm, SheetReasonForm, show_errors
from .guards import MANAGERS, keys, role_required
from .public_url import printable_base_url, public_base_url
from .rater import Steps, review_step, sheet_form, submit_step

bp = Blueprint("score_sheets", __name__)
Page = Response | str | tuple[str, int]


def _extra_form(campaign: Campaign, form: ExtraSheetForm | None = None) -> ExtraSheetForm:
    form = form or ExtraSheetForm(formdata=None)
    form.unit_id.choices = [("", _("（不选）"))] + [
        (str(u.id), u.name) for u in sheets.scored_units(campaign)
    ]
    return form


def _index(campaign: Campaign, form: ExtraSheetForm | None = None, status: int = 200) -> Page:
    all_sheets = sheets.campaign_sheets(campaign)
    page = render_template(
        "sheets/index.html",
        campaign=campaign,
        by_unit=score_returns.returns(campaign, current_user),
        total=len(all_sheets),
        back=sum(1 for s in all_sheets if s.is_sealed),
        missing=sheets.missing_sheets(campaign),
        leaders=sheets.leaders(campaign),
        form=_extra_form(campaign, form),
        action=ActionForm(),
        role_label=sheets.role_label,
    )
    return page, status


@bp.get("/campaigns/<id:campaign_id>/sheets")
@role_required(Role.ADMIN)
def index(campaign_id: int) -> Page:
    return _index(campaigns.get_campaign(campaign_id))


@bp.post("/campaigns/<id:campaign_id>/sheets/issue")
@role_required(Role.ADMIN)
def issue(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    back = url_for("score_sheets.index", campaign_id=campaign.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    missing = sheets.missing_sheets(campaign)
    if not is_confirmed():
        counts: dict[SheetKind, int] = {}
        for p in missing:
            counts[p.kind] = counts.get(p.kind, 0) + 1
        facts = [_("%(kind)s：%(n)s 张", kind=k.staff_title, n=n) for k, n in counts.items()] or [
            _("名单上没有新的评分表要发放。")
        ]
        return confirmation_page(
            Confirmation(
                _("按名单发放 %(n)s 张评分表？", n=len(missing)),
                facts,
                _(
                    "每张表按现在的名单填好被考核人。已经发放的表不变；发放后名单再有变动的，"
                    "请撤销那张表后重新发放。"
                ),
                url_for("score_sheets.issue", campaign_id=campaign.id),
                _("确认发放"),
                back,
            )
        )
    made = sheets.issue_sheets(current_user, campaign.id)
    flash(_("已发放 %(n)s 张评分表。请打印评分通知，交给每位评分人。", n=made), "success")
    return redirect(back)


@bp.post("/campaigns/<id:campaign_id>/sheets")
@role_required(Role.ADMIN)
def add(campaign_id: int) -> Page:
    campaign = campaigns.get_campaign(campaign_id)
    form = _extra_form(campaign, ExtraSheetForm())
    if form.validate_on_submit():
        unit = form.unit_id.data or ""
        data = sheets.ExtraSheet(
            SheetKind(form.kind.data),
            int(unit) if unit.isdigit() else None,
            form.rater_name.data or "",
            form.rater_role.data or "",
        )
        try:
            sheet = sheets.add_sheet(current_user, campaign.id, data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("已添加评分表：%(name)s。", name=sheet.rater_name), "success")
            return redirect(url_for("score_sheets.show", sheet_id=sheet.id))
    return _index(campaign, form, 400)


def _sheet(sheet_id: int) -> ScoreSheet:
    return sheets.get_sheet(sheet_id)


@bp.get("/sheets/<id:sheet_id>")
@role_required(Role.ADMIN)
def show(sheet_id: int, form: SheetReasonForm | None = None, status: int = 200) -> Page:
    sheet = _sheet(sheet_id)
    page = render_template(
        "sheets/show.html",
        sheet=sheet,
        short=short_digest(sheet.digest) if sheet.digest else "",
        digest_ok=not sheet.digest or sheets.stored_digest(sheet) == sheet.digest,
        personal_link=public_base_url()
        + url_for("rater.show", value=sheets.link_value(keys(), sheet)),
        form=form or SheetReasonForm(formdata=None),
        action=ActionForm(),
        role_label=sheets.role_label,
    )
    return page, status


@bp.post("/sheets/<id:sheet_id>/reopen")
@role_required(Role.ADMIN)
def reopen(sheet_id: int) -> Page:
    sheet = _sheet(sheet_id)
    form = SheetReasonForm()
    if not form.validate_on_submit():
        return show(sheet.id, form, 400)
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("退回「%(name)s」的评分表修改？", name=sheet.rater_name),
                [_("理由：%(reason)s", reason=form.reason.data)],
                _(
                    "退回后密封解除，评分人用原来的链接修改后重新提交，会得到新的摘要。理由记入操作记录。"
                ),
                url_for("score_sheets.reopen", sheet_id=sheet.id),
                _("确认退回"),
                url_for("score_sheets.show", sheet_id=sheet.id),
                hidden={"reason": form.reason.data or ""},
                warning=True,
            )
        )
    try:
        sheets.reopen(current_user, sheet.id, form.reason.data or "")
    except InvalidInput as e:
        show_errors(form, e)
        return show(sheet.id, form, 400)
    flash(_("已退回修改。评分人打开原来的链接即可修改。"), "success")
    return redirect(url_for("score_sheets.show", sheet_id=sheet.id))


#: Each step's question, button and consequence (translated where shown).
STEPS = {
    "revoke": (
        N_("作废「%(name)s」的评分链接？"),
        N_("确认作废"),
        N_(
            "作废后，已经发出的评分通知上的链接和二维码都不能再用；请打印新的评分通知交给评分人。"
            "已填的分数保留。"
        ),
    ),
    "delete": (
        N_("撤销「%(name)s」的评分表？"),
        N_("确认撤销"),
        N_("撤销后这张表和已填的分数一起删除，链接不能再用。这一步不能撤销。"),
    ),
}


@bp.post("/sheets/<id:sheet_id>/<any(revoke, delete):step>")
@role_required(Role.ADMIN)
def take_step(sheet_id: int, step: str) -> Page:
    sheet = _sheet(sheet_id)
    back = url_for("score_sheets.show", sheet_id=sheet.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not is_confirmed():
        title, button, consequence = STEPS[step]
        return confirmation_page(
            Confirmation(
                _(title, name=sheet.rater_name),
                [sheets.describe(sheet)],
                _(consequence),
                url_for("score_sheets.take_step", sheet_id=sheet.id, step=step),
                _(button),
                back,
                warning=step == "delete",
            )
        )
    if step == "revoke":
        sheets.revoke_link(current_user, sheet.id)
        flash(_("旧链接已作废。请打印新的评分通知。"), "success")
        return redirect(url_for("score_sheets.notice", sheet_id=sheet.id))
    campaign = sheets.delete_sheet(current_user, sheet.id)
    flash(_("评分表已撤销。"), "success")
    return redirect(url_for("score_sheets.index", campaign_id=campaign.id))


# --- paper entry: the rater's steps, by the admin ----------------------------------------------


def _entry_steps(sheet: ScoreSheet) -> Steps:
    return Steps(
        url_for("score_sheets.entry_review", sheet_id=sheet.id),
        url_for("score_sheets.entry_submit", sheet_id=sheet.id),
        url_for("score_sheets.entry", sheet_id=sheet.id),
        by_admin=True,
    )


@bp.get("/sheets/<id:sheet_id>/entry")
@role_required(Role.ADMIN)
def entry(sheet_id: int) -> Page:
    sheet = _sheet(sheet_id)
    if sheet.is_sealed:
        return redirect(url_for("score_sheets.show", sheet_id=sheet.id))
    return sheet_form(sheet, _entry_steps(sheet))


@bp.post("/sheets/<id:sheet_id>/entry/review")
@role_required(Role.ADMIN)
def entry_review(sheet_id: int) -> Page:
    sheet = _sheet(sheet_id)
    if sheet.is_sealed:  # sealed meanwhile (the rater's link, or a second click): show it
        return redirect(url_for("score_sheets.show", sheet_id=sheet.id), 303)
    return review_step(sheet, _entry_steps(sheet), None)


@bp.post("/sheets/<id:sheet_id>/entry/submit")
@role_required(Role.ADMIN)
def entry_submit(sheet_id: int) -> Page:
    sheet = _sheet(sheet_id)
    if sheet.is_sealed:
        return redirect(url_for("score_sheets.show", sheet_id=sheet.id), 303)
    page = submit_step(sheet, _entry_steps(sheet), None, current_user)
    if isinstance(page, Response) and page.status_code == 303:
        flash(_("纸质评分表已录入并密封。"), "success")
        return redirect(url_for("score_sheets.show", sheet_id=sheet.id), 303)
    return page


# --- prints and exports --------------------------------------------------------------------------


def _notices(campaign: Campaign, chosen: list[ScoreSheet]) -> Response:
    base = printable_base_url()
    page = render_template(
        "print/sheet_notices.html",
        campaign=campaign,
        notices=[
            (s, base + url_for("rater.show", value=sheets.link_value(keys(), s))) for s in chosen
        ],
    )
    return _private(Response(page))


def _private(response: Response) -> Response:
    """Pages and files with scores or link credentials: never kept by a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sheets/<id:sheet_id>/notice")
@role_required(Role.ADMIN)
def notice(sheet_id: int) -> Response:
    sheet = _sheet(sheet_id)
    return _notices(sheet.campaign, [sheet])


@bp.get("/campaigns/<id:campaign_id>/sheets/notices")
@role_required(Role.ADMIN)
def notices(campaign_id: int) -> Response:
    campaign = campaigns.get_campaign(campaign_id)
    return _notices(campaign, [s for s in sheets.campaign_sheets(campaign) if not s.is_sealed])


@bp.get("/sheets/<id:sheet_id>/paper")
@role_required(Role.ADMIN)
def paper(sheet_id: int) -> str:
    sheet = _sheet(sheet_id)
    return render_template("print/score_sheet.html", campaign=sheet.campaign, papers=[sheet])


@bp.get("/campaigns/<id:campaign_id>/sheets/paper")
@role_required(Role.ADMIN)
def papers(campaign_id: int) -> str:
    campaign = campaigns.get_campaign(campaign_id)
    chosen = [s for s in sheets.campaign_sheets(campaign) if not s.is_sealed]
    return render_template("print/score_sheet.html", campaign=campaign, papers=chosen)


@bp.get("/campaigns/<id:campaign_id>/sheets/blank/<any('2', '2p', '3', '4'):kind>")
@role_required(Role.ADMIN)
def blank(campaign_id: int, kind: str) -> str:
    campaign = campaigns.get_campaign(campaign_id)
    return render_template(
        "print/score_sheet.html", campaign=campaign, papers=[], blank=SheetKind(kind)
    )


@bp.get("/campaigns/<id:campaign_id>/sheets.xlsx")
@role_required(Role.ADMIN)
def export(campaign_id: int) -> Response:
    campaign = campaigns.get_campaign(campaign_id)
    body = score_export.workbook(campaign)
    name = f"{campaign.year}-score-sheets.xlsx"
    return attachment(body, name)


# --- returns (organizers too: states, never scores) ------------------------------------------


@bp.get("/campaigns/<id:campaign_id>/returns")
@role_required(*MANAGERS)
def returns_page(campaign_id: int) -> str:
    campaign = campaigns.get_campaign(campaign_id)
    today = date.today()
    late_only = request.args.get("late") == "1"
    units = score_returns.returns(campaign, current_user)
    return render_template(
        "sheets/returns.html",
        campaign=campaign,
        units=units,
        waiting=score_returns.not_returned(campaign, current_user),
        is_late=lambda s: score_returns.is_late(campaign, s, today),
        today=today,
        late_only=late_only,
    )
