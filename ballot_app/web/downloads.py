"""Files staff download (workbooks, slip lists): an attachment no cache keeps."""

from __future__ import annotations

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes | str, name: str, mimetype: str = XLSX) -> Response:
    """The body as a download named `name`, with Cache-Control: no-store (these files hold
    results, scores, rosters or slip credentials)."""
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, mimetype=mimetype, headers=headers)
