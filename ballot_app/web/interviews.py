"""The group's interview suggestions page (考察谈话推荐): per member of a unit, how many of
the people interviewed suggested each grade. The unit's organizers and the admin."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.choices import Form5Choice
from ..domain.text import _
from ..models import Unit
from ..services import interviews, roster
from ..services.errors import InvalidInput
from .guards import MANAGERS, role_required

bp = Blueprint("interviews", __name__)
Page = Response | str | tuple[str, int]


def _page(unit: Unit, typed: dict[str, str], problems: dict[str, str], status: int = 200) -> Page:
    page = render_template(
        "units/interviews.html",
        unit=unit,
        members=[m for m in unit.members if not m.is_concurrent],
        grades=list(Form5Choice),
        field=interviews.field,
        typed=typed,
        problems=problems,
        signed=unit.campaign.grades_signed_at is not None,
    )
    return page, status


@bp.get("/units/<id:unit_id>/interviews")
@role_required(*MANAGERS)
def show(unit_id: int) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    members = [m for m in unit.members if not m.is_concurrent]
    counts = interviews.counts_of(members)
    typed = {
        interviews.field(m, g): str(n)
        for m, by_grade in counts.items()
        for g, n in by_grade.items()
    }
    return _page(unit, typed, {})


@bp.post("/units/<id:unit_id>/interviews")
@role_required(*MANAGERS)
def save(unit_id: int) -> Page:
    unit = roster.get_unit(current_user, unit_id)
    typed = {k: v[:20] for k, v in request.form.items() if k.startswith("iv-")}
    try:
        n = interviews.save(current_user, unit, typed)
    except InvalidInput as e:
        return _page(unit, typed, e.fields, 400)
    flash(_("已保存 %(n)s 人的考察谈话推荐。", n=n), "success")
    return redirect(url_for("interviews.show", unit_id=unit.id))
