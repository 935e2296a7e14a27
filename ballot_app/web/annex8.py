"""Annex 8 (附件8, 述职评议统计表): a committee's table printed on A4 landscape and as
.xlsx, and the campaign's list of committees with how far each has come.

Admins and the organizers of the committee's group; anyone else meets the same 404 as for a
unit that does not exist (services/roster.get_unit)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user

from ..domain.annex8 import ANNEX_NO, HEADS, RESULT_HEAD, RESULT_HEADS, TITLE
from ..domain.progress import days_left
from ..domain.text import _
from ..services import annex8 as tables
from ..services import campaign as campaigns
from .downloads import attachment
from .guards import MANAGERS, role_required

bp = Blueprint("annex8", __name__)
Page = Response | str | tuple[str, int]


@bp.get("/units/<id:unit_id>/annex8")
@role_required(*MANAGERS)
def show(unit_id: int) -> Page:
    """The committee's annex 8 as the seed prints it, then the organisations still missing."""
    unit = tables.get_committee(current_user, unit_id)
    annex = tables.annex8(unit)
    return render_template(
        "print/annex8.html",
        unit=unit,
        annex=annex,
        annex_no=ANNEX_NO,
        title=TITLE,
        heads=HEADS,
        result_head=RESULT_HEAD,
        result_heads=RESULT_HEADS,
        due=tables.due_sentence(annex),
    )


@bp.get("/units/<id:unit_id>/annex8.xlsx")
@role_required(*MANAGERS)
def xlsx(unit_id: int) -> Response:
    unit = tables.get_committee(current_user, unit_id)
    name = f"annex8-{unit.campaign.year}-{unit.id}.xlsx"
    return attachment(tables.workbook(tables.annex8(unit)), name)


@bp.get("/campaigns/<id:campaign_id>/annex8")
@role_required(*MANAGERS)
def committees(campaign_id: int) -> Page:
    """Every committee the user may see, with its organisations done and missing."""
    campaign = campaigns.get_campaign(campaign_id)
    found = tables.committees(campaign, current_user)
    days = days_left(campaign.annex8_due, date.today())
    return render_template(
        "campaign/annex8.html",
        campaign=campaign,
        committees=found,
        done=sum(1 for c in found if not c.missing),
        title=_(TITLE),
        days=days,
        late=days is not None and days < 0,
    )
