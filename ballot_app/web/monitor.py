"""/m/<link>: the live count for a 监票人 without an account (read only, signed, expiring,
revocable; see services/monitor.py)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..services import live, monitor
from .guards import keys

bp = Blueprint("monitor", __name__, url_prefix="/m")


@bp.get("/<value>")
def live_page(value: str) -> Response:
    meeting = monitor.meeting_for_link(keys(), value)
    projector = request.args.get("projector") == "1"
    board_only = request.args.get("board") == "1"
    html = render_template(
        "meetings/_live_board.html" if board_only else "meetings/live.html",
        meeting=meeting,
        data=live.live_results(meeting),
        projector=projector,
        secretary=meeting.secretary_name,
        monitor_value=value,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    if board_only:
        response.add_etag()
        return response.make_conditional(request)
    return response
