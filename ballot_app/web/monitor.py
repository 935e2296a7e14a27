"""/m/<link>: the live count for a 监票人 without an account (read only, signed, expiring,
revocable; see services/monitor.py)."""

from __future__ import annotations

from flask import Blueprint, Response

from ..services import monitor
from .guards import keys
from .live_board import live_response

bp = Blueprint("monitor", __name__, url_prefix="/m")


@bp.get("/<value>")
def live_page(value: str) -> Response:
    response = live_response(monitor.meeting_for_link(keys(), value), monitor_value=value)
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the credential
    return response
