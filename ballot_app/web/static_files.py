"""Static files with a content version in their address, cached by phones for a year.

Every `url_for("static", ...)` gets `?v=<first 10 hex of the file's SHA-256>`; a request
carrying that `v` is answered with `Cache-Control: public, max-age=31536000, immutable`, so
a phone in the hall loads the stylesheet and script once, and a new release (new content,
new `v`) is fetched at once. Addresses without `v` keep Flask's revalidating default.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


def register_static_versions(app: Flask) -> None:
    folder = Path(app.static_folder or "static")
    #: Outside debug mode static files do not change under a running app: each is hashed
    #: once. In debug mode it is hashed on every link, so an edit shows at once.
    known: dict[str, str] = {}

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        name = values["filename"]
        if name in known:
            values["v"] = known[name]
            return
        try:
            values["v"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()[:10]
        except OSError:
            return  # a missing file: Flask answers 404 for it as usual
        if not app.debug:
            known[name] = values["v"]

    @app.after_request
    def _cache_versioned(response: Response) -> Response:
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response
