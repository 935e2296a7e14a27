"""Roster import pages (考核对象名册导入): the admin's for the whole campaign, an organizer's
for one unit; upload or paste → preview (nothing saved) → confirm; the template and the
stored roster as .xlsx.

Between the preview and the confirm, what was read travels in a signed hidden field (the
app's SECRET_KEY, this purpose's own salt, bound to the account and to the campaign or unit,
valid 8 hours): no process memory and no file holds it, so any node takes the confirm, and a
changed field is refused. The confirm places the lines again against the roster as it is
then; one changed since the preview is refused with the new preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf.file import FileField
from itsdangerous import BadData
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField

from ..domain.campaign import month_day
from ..domain.roles import Role
from ..domain.roster_rules import reason_label
from ..domain.text import N_, _
from ..services import campaign as campaigns
from ..services import roster, roster_import
from ..services.roster_file import (
    MAX_BYTES,
    ReadResult,
    read_pasted,
    read_roster,
    template_workbook,
)
from ..services.roster_import import RosterChanged, Scope
from . import error_page
from .confirm import is_confirmed
from .downloads import attachment
from .forms import StaffForm
from .guards import MANAGERS, keys, role_required

bp = Blueprint("roster_import", __name__)
Page = Response | str | tuple[str, int]
PURPOSE = "roster-import"
MAX_AGE = 8 * 3600
#: What a post here may carry: a 5 MB file or paste with room to spare (a larger one up to
#: this is refused in the reader's own sentence, with the page kept), or a preview's lines.
POST_LIMIT = 2 * MAX_BYTES

#: The refusals of a post (marked for the catalogue: shown through `_`).
NOTHING = N_(
    "请选择要上传的名册文件（.xlsx 或 .csv），或者把名册从 Excel 中复制后粘贴到下面的框中。"
)
BOTH = N_(
    "请只用一种方式：上传文件，或者粘贴；两样都有时不知道以哪个为准。请清空粘贴框或不选文件，再预览。"
)
FORGED = N_(
    "这份预览无法核对：可能打开已超过 8 小时，或者页面内容被改动过。"
    "名单没有任何改动：请重新上传名册，预览后再确认。"
)


class RosterUploadForm(StaffForm):
    anchor = "roster-upload-form"
    file = FileField(lazy_gettext("名册文件（.xlsx 或 .csv）"))
    pasted = TextAreaField(lazy_gettext("或者：把名册从 Excel 中复制后粘贴到这里"))


class RosterConfirmForm(StaffForm):
    anchor = "roster-confirm-form"
    upload = HiddenField(lazy_gettext("预览过的名册"))


@bp.url_value_preprocessor
def _room_for_a_roster(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Room for a roster above the app's MAX_CONTENT_LENGTH, set before anything reads the
    body: Flask runs URL value preprocessors before every before_request function, the CSRF
    check's included."""
    if request.method == "POST":
        request.max_content_length = POST_LIMIT
        request.max_form_memory_size = POST_LIMIT


@bp.errorhandler(413)
def _too_big(_error: Exception) -> Any:
    return error_page(_("文件太大"), roster_import.too_big(), 413)


@bp.get("/roster/import")
@role_required(Role.ADMIN)
def current() -> Response:
    campaign = campaigns.ensure_current()
    return redirect(url_for("roster_import.campaign_import", campaign_id=campaign.id))


def _campaign(campaign_id: int) -> Scope:
    return roster_import.campaign_scope(campaigns.get_campaign(campaign_id))


def _unit(unit_id: int) -> Scope:
    return roster_import.unit_scope(roster.get_unit(current_user, unit_id))


@bp.route("/campaigns/<id:campaign_id>/roster/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def campaign_import(campaign_id: int) -> Page:
    return _import(_campaign(campaign_id))


@bp.route("/units/<id:unit_id>/roster/import", methods=["GET", "POST"])
@role_required(*MANAGERS)
def unit_import(unit_id: int) -> Page:
    return _import(_unit(unit_id))


@bp.get("/campaigns/<id:campaign_id>/roster/template.xlsx")
@role_required(Role.ADMIN)
def campaign_template(campaign_id: int) -> Response:
    scope = _campaign(campaign_id)
    return attachment(template_workbook(scope.campaign.post_change_cutoff), "roster-template.xlsx")


@bp.get("/units/<id:unit_id>/roster/template.xlsx")
@role_required(*MANAGERS)
def unit_template(unit_id: int) -> Response:
    scope = _unit(unit_id)
    return attachment(template_workbook(scope.campaign.post_change_cutoff), "roster-template.xlsx")


@bp.get("/campaigns/<id:campaign_id>/roster.xlsx")
@role_required(Role.ADMIN)
def campaign_export(campaign_id: int) -> Response:
    scope = _campaign(campaign_id)
    return attachment(roster_import.export_workbook(scope), f"roster-{scope.campaign.year}.xlsx")


@bp.get("/units/<id:unit_id>/roster.xlsx")
@role_required(*MANAGERS)
def unit_export(unit_id: int) -> Response:
    scope = _unit(unit_id)
    return attachment(roster_import.export_workbook(scope), f"roster-unit-{unit_id}.xlsx")


# --- the steps ----------------------------------------------------------------------------


def _import(scope: Scope) -> Page:
    if request.method == "GET":
        return _upload_page(scope, RosterUploadForm())
    return _confirm(scope) if is_confirmed() else _preview(scope)


def _urls(scope: Scope) -> dict[str, str]:
    if scope.unit is None:
        args: dict[str, Any] = {"campaign_id": scope.campaign.id}
        where, back = "campaign", url_for("units.index")
    else:
        args, where = {"unit_id": scope.unit.id}, "unit"
        back = url_for("units.show", unit_id=scope.unit.id) + "#roster"
    return {
        "back": back,
        "action": url_for(f"roster_import.{where}_import", **args),
        "template": url_for(f"roster_import.{where}_template", **args),
        "export": url_for(f"roster_import.{where}_export", **args),
    }


def _upload_page(scope: Scope, form: RosterUploadForm, status: int = 200) -> Page:
    page = render_template(
        "roster_import/upload.html",
        scope=scope,
        form=form,
        cutoff=month_day(scope.campaign.post_change_cutoff),
        urls=_urls(scope),
    )
    return page, status


def _preview(scope: Scope) -> Page:
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _upload_page(scope, form, 400)
    read, source = _read(form)
    if read is None or read.is_refused:
        return _upload_page(scope, form, 400)
    return _preview_page(scope, roster_import.preview_import(scope, read), read, source)


def _read(form: RosterUploadForm) -> tuple[ReadResult | None, str]:
    """The roster uploaded or pasted, and where it came from; refusals go on their field."""
    upload, pasted = form.file.data, form.pasted.data or ""
    if upload and pasted.strip():
        form.pasted.errors.append(_(BOTH))
        return None, ""
    if upload:
        name = upload.filename or _("名册")
        read = read_roster(upload.stream.read(MAX_BYTES + 1), name)
        field, source = form.file, _("文件「%(name)s」", name=name)
    elif pasted.strip():
        read, field, source = read_pasted(pasted), form.pasted, _("粘贴的内容")
    else:
        form.file.errors.append(_(NOTHING))
        return None, ""
    if read.refusal:
        field.errors.append(read.refusal)
    if read.sheet:
        source = _("%(source)s（工作表「%(sheet)s」）", source=source, sheet=read.sheet)
    return read, source


def _preview_page(
    scope: Scope,
    preview: roster_import.Preview,
    read: ReadResult,
    source: str,
    *,
    changed: str = "",
    status: int = 200,
) -> Page:
    page = render_template(
        "roster_import/preview.html",
        scope=scope,
        preview=preview,
        source=source,
        changed=changed,
        token=_sign(scope, preview, read, source) if preview.can_apply else "",
        urls=_urls(scope),
        describe=roster_import.describe_change,
        reason_label=reason_label,
    )
    return page, status


@dataclass(frozen=True)
class _Carried:
    """What the preview page carried to the confirm, its signature checked."""

    read: ReadResult
    seen: str
    source: str


def _sign(scope: Scope, preview: roster_import.Preview, read: ReadResult, source: str) -> str:
    payload = {"scope": scope.key, "user": current_user.id, "seen": preview.fingerprint}
    payload |= {"source": source, **roster_import.encode_read(read)}
    return str(keys().serializer(PURPOSE).dumps(payload))


def _unsign(scope: Scope, value: str) -> _Carried | None:
    """The carried roster, if signed here, for this scope and account, in the last 8 hours."""
    try:
        data = keys().serializer(PURPOSE).loads(value, max_age=MAX_AGE)
        if data["scope"] != scope.key or data["user"] != current_user.id:
            return None
        return _Carried(roster_import.decode_read(data), str(data["seen"]), str(data["source"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None


def _confirm(scope: Scope) -> Page:
    form = RosterConfirmForm()
    carried = _unsign(scope, form.upload.data or "") if form.validate_on_submit() else None
    if carried is None:
        upload = RosterUploadForm(formdata=None)
        upload.form_errors.append(_(FORGED))
        return _upload_page(scope, upload, 400)
    try:
        preview = roster_import.apply_import(current_user, scope, carried.read, carried.seen)
    except RosterChanged as e:
        return _preview_page(
            scope, e.preview, carried.read, carried.source, changed=e.message, status=409
        )
    flash(
        _("已导入%(title)s：%(counts)s。", title=preview.title, counts=preview.counts()), "success"
    )
    return redirect(_urls(scope)["back"])
