"""The live count page, shared by staff (/meetings/<id>/live) and 监票人 links (/m/<link>)."""

from __future__ import annotations

from flask import Response, render_template, request

from ..models import Meeting
from ..services import live


def live_response(meeting: Meeting, *, monitor_value: str | None = None) -> Response:
    """The page, or with ?board=1 the board alone with an ETag for the page's poller.
    ?projector=1: large type, turnout only until the box closes."""
    board_only = request.args.get("board") == "1"
    html = render_template(
        "meetings/_live_board.html" if board_only else "meetings/live.html",
        meeting=meeting,
        data=live.live_results(meeting),
        projector=request.args.get("projector") == "1",
        secretary=meeting.secretary_name,
        monitor_value=monitor_value,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    if board_only:
        response.add_etag()
        return response.make_conditional(request)
    return response
