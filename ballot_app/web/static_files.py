"""Static files with a content version in their address, cached by phones for a year.

Every `url_for("static", ...)` gets `?v=<first 10 hex of the file's SHA-256>`; a request
carrying that `v` is answered with `Cache-Control: public, max-age=31536000, immutable`, so
a phone in the hall loads the stylesheet and script once, and a new release (new content,
new `v`) is fetched at once. Addresses without `v` keep Flask's revalidating default.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=64)
def _version(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def register_static_versions(app: Flask) -> None:
    folder = Path(app.static_folder or "static")
    known: dict[str, str] = {}  # outside debug mode, static files do not change under us

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        name = values["filename"]
        if name in known:
            values["v"] = known[name]
            return
        path = folder / name
        try:
            values["v"] = _version(str(path), path.stat().st_mtime_ns)
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
