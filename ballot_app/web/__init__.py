"""Blueprints by audience, and the pages for errors a person can meet."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..database import schema_problem
from ..extensions import csrf, db, login
from ..models import User
from ..services.errors import ServiceError

#: Fields never echoed back into a page, even to keep what a person typed.
SECRET_FIELDS = frozenset({"password", "csrf_token"})


def register_blueprints(app: Flask) -> None:
    """Register every audience's blueprint, the error pages and the schema guard."""
    from . import audit, auth, bulletin, health, meetings, monitor, paper, printing, units, voter

    modules = (auth, units, meetings, paper, printing, voter, monitor, bulletin, health, audit)
    for module in modules:
        app.register_blueprint(module.bp)
    # The voter's form carries the slip's signed value in its body: that value is the only
    # credential, no cookie grants anything, so a cross-site post gains nothing. Voter pages
    # must also survive WeChat losing cookies, which a CSRF session token would not.
    csrf.exempt(voter.bp)
    from .static_files import register_static_versions

    register_static_versions(app)
    login.user_loader(_load_user)
    register_error_pages(app)
    _guard_schema(app)


def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _guard_schema(app: Flask) -> None:
    """Refuse every request with a 503 page while the schema is out of date."""
    state = {"checked": False}

    @app.before_request
    def _check() -> Response | tuple[str, int] | None:
        if request.endpoint == "static" or state["checked"]:
            return None
        problem = schema_problem(app)
        if problem:
            return render_template("errors/schema.html", problem=problem), 503
        state["checked"] = True
        return None


def register_error_pages(app: Flask) -> None:
    """Chinese pages for refusals, HTTP errors and an expired form."""

    @app.errorhandler(ServiceError)
    def _service_error(e: ServiceError) -> tuple[str, int]:
        return render_template("errors/error.html", title=e.title, message=e.message), e.status

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError) -> tuple[str, int]:
        # Re-post what was typed with a fresh token instead of a bare 400 (STYLE.md, 6).
        kept = [(k, v) for k, v in request.form.items(multi=True) if k not in SECRET_FIELDS]
        return render_template("errors/csrf.html", kept=kept, action=request.path), 400

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException) -> tuple[str, int]:
        messages = {
            404: ("找不到页面", "这个地址没有页面。请检查地址，或回到首页。"),
            405: ("操作方式不对", "请回到上一页，用页面上的按钮操作。"),
            413: ("提交的内容太多", "请减少内容后再提交。"),
        }
        title, message = messages.get(
            e.code or 500, ("出错了", "请稍后再试；仍然不行，请联系管理员。")
        )
        return render_template("errors/error.html", title=title, message=message), e.code or 500
