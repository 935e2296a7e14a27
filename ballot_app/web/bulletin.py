"""/b/<meeting id>: the public bulletin of tracker codes after certification."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..services.bulletin import bulletin

bp = Blueprint("bulletin", __name__, url_prefix="/b")


@bp.get("/<id:meeting_id>")
def show(meeting_id: int) -> str:
    return render_template("bulletin.html", b=bulletin(meeting_id))
