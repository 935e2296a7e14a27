"""Blueprints by audience, the URL converters their routes use, and the pages for errors a
person can meet: bad input is answered with a Chinese 4xx page (JSON for .json addresses),
never a 500, and a post from another site changes nothing and gets nothing back."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, ValidationError

from ..database import schema_problem
from ..domain.text import N_, _
from ..extensions import csrf, db, login
from ..models import User
from ..services.errors import InvalidInput, ServiceError
from .public_url import chosen_base_url, configured_base_url

#: Fields never echoed back into a page, even to keep what a person typed.
SECRET_FIELDS = frozenset({"password", "csrf_token"})

#: The largest id an address may name. Id columns are SQL `integer`s (32 bits on PostgreSQL),
#: so a larger number names nothing: it is answered 404 before any query is made.
MAX_ID = 2**31 - 1
_WHOLE = re.compile(r"-?[0-9]{1,12}")


class IdConverter(BaseConverter):
    """`<id:name>`: a row's id, 1 to MAX_ID in ASCII digits; anything else matches no route."""

    regex = r"[0-9]{1,10}"
    weight = 50  # as werkzeug's int: tried before a string in the same place

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


class StepConverter(IdConverter):
    """`<step:name>`: a signed move in a list (-1 up, 1 down), at most MAX_ID places."""

    regex = r"-?[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if abs(number) > MAX_ID:
            raise ValidationError()
        return number


def register_converters(app: Flask) -> None:
    """The bounded converters the routes use instead of werkzeug's unbounded `int`."""
    app.url_map.converters.update(id=IdConverter, step=StepConverter)


def whole_number(low: int, high: int, refusal: str = "") -> Callable[[str], int]:
    """A `type=` for request.args.get() and request.form.get(): a whole number from low to
    high in ASCII digits. Anything else (a word, 10^20, thousands of digits) counts as absent,
    so the view's default applies; given a refusal, it is refused with that sentence (400)."""

    def convert(text: str) -> int:
        if _WHOLE.fullmatch(text) and low <= int(text) <= high:
            return int(text)
        if refusal:
            raise InvalidInput(refusal)
        raise ValueError(text)

    return convert


def register_blueprints(app: Flask) -> None:
    """Register every audience's blueprint, the error pages and the schema guard."""
    register_converters(app)  # first: the routes name them
    from . import (
        accounts,
        aggregation,
        annex8,
        audit,
        auth,
        bulletin,
        campaign,
        grades,
        health,
        interviews,
        leaders,
        meetings,
        monitor,
        paper,
        printing,
        rater,
        roster_import,
        score_sheets,
        units,
        voter,
    )

    modules = (
        auth,
        units,
        meetings,
        paper,
        printing,
        voter,
        monitor,
        bulletin,
        health,
        audit,
        accounts,
        campaign,
        roster_import,
        leaders,
        score_sheets,
        rater,
        annex8,
        aggregation,
        grades,
        interviews,
    )
    for module in modules:
        app.register_blueprint(module.bp)
    # The voter's form carries the slip's signed value in its body: that value is the only
    # credential, no cookie grants anything, so a cross-site post gains nothing. Voter pages
    # must also survive WeChat losing cookies, which a CSRF session token would not.
    csrf.exempt(voter.bp)
    # The same holds for a rater's score sheet: its personal link, in the path, is the
    # credential (web/rater.py).
    csrf.exempt(rater.bp)
    from .static_files import register_static_versions

    register_static_versions(app)
    login.user_loader(_load_user)
    register_error_pages(app)
    _guard_schema(app)


def _load_user(user_id: str) -> User | None:
    """The session's account, only while the session's version is the account's: a logout,
    a password change, a reset or a disable raises it and ends every older session."""
    from flask import session

    from .auth import SESSION_VERSION

    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled:
        return None
    return user if session.get(SESSION_VERSION) == user.session_version else None


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


Page = tuple[str | Response, int]

#: Titles and sentences of the HTTP errors a person can meet; any other is GENERAL_ERROR.
#: Message ids: error_page translates them.
HTTP_MESSAGES = {
    400: (
        N_("无法读取提交的内容"),
        N_("提交的内容不完整或格式不对。请回到上一页，刷新后重新填写再提交。"),
    ),
    403: (N_("没有权限"), N_("您的账号不能打开这个页面。如需要，请与管理员联系。")),
    404: (N_("找不到页面"), N_("这个地址没有页面。请检查地址，或回到首页。")),
    405: (N_("操作方式不对"), N_("请回到上一页，用页面上的按钮操作。")),
    413: (N_("提交的内容太多"), N_("请减少内容后再提交。")),
    414: (
        N_("地址太长"),
        N_("这个地址太长，打不开。请回到上一页，用页面上的链接或按钮操作。"),
    ),
    429: (N_("请稍候再试"), N_("操作太频繁了。请等一会儿再试。")),
}
GENERAL_ERROR = (N_("出错了"), N_("请稍后再试；仍然不行，请联系管理员。"))
#: For a number or text the database cannot store (10^20 where an id goes, a NUL character).
UNUSABLE_VALUE = (
    N_("填写的内容无法使用"),
    N_(
        "提交的内容里有系统存不下的数或文字（例如太大的数字或特殊字符）。"
        "请回到上一页，改正后再提交；这次没有做任何改动。"
    ),
)


def error_page(title: str, message: str, status: int) -> Page:
    """A refusal in the reader's language (Chinese on voters' pages), as a page or as JSON for
    an address ending in .json. `title` and `message` may be message ids (the tables above,
    a ServiceError's title) or sentences translated already: both come out translated."""
    title, message = _(title), _(message)
    if request.path.endswith(".json"):
        return jsonify(error={"status": status, "title": title, "message": message}), status
    return render_template("errors/error.html", title=title, message=message), status


def register_error_pages(app: Flask) -> None:
    """Chinese pages for refusals, HTTP errors, values the database cannot take, an expired
    form, and posts from other sites."""

    @app.errorhandler(ServiceError)
    def _service_error(e: ServiceError) -> Page:
        return error_page(e.title, e.message, e.status)

    @app.errorhandler(OverflowError)
    @app.errorhandler(StatementError)
    def _unusable_value(e: Exception) -> Page:
        if isinstance(e, DBAPIError) and not isinstance(e, DataError):
            raise e  # the database failed, not the input: Flask's 500, logged as usual
        db.session.rollback()  # PostgreSQL refuses every later statement of a failed one
        # The error's text may quote what was sent: only its kind and the view are logged.
        app.logger.warning(
            "refused a value the database cannot take (%s) in %s",
            type(e).__name__,
            request.endpoint,
        )
        return error_page(*UNUSABLE_VALUE, 400)

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError) -> Page:
        if not posted_from_here():
            return cross_site_refusal()
        # Re-post what was typed with a fresh token instead of a bare 400 (STYLE.md, 6).
        kept = [(k, v) for k, v in request.form.items(multi=True) if k not in SECRET_FIELDS]
        return render_template("errors/csrf.html", kept=kept, action=_this_address()), 400

    @app.before_request
    def _voter_posts_from_elsewhere() -> Page | None:
        # Voter posts need no CSRF token (the slip in the body is the credential), but a
        # ballot re-shown from another site's post is refused as staff forms are.
        if request.blueprint == "voter" and request.method == "POST" and posted_from_elsewhere():
            return cross_site_refusal(voter=True)
        return None

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException) -> Page:
        status = e.code or 500
        return error_page(*HTTP_MESSAGES.get(status, GENERAL_ERROR), status)


# --- where a post came from ----------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _site(url: str) -> tuple[str, int | None] | None:
    """The host and port an address or an Origin names (None for the scheme's own port); the
    scheme is left out, as a proxy in front may speak HTTPS to the browser and HTTP to us."""
    try:
        parts = urlsplit(url.strip())
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return None
    return host, None if port == _DEFAULT_PORTS[parts.scheme] else port


def _our_sites() -> set[tuple[str, int | None]]:
    """This app's own host: as the request reached it, as configured, as chosen for slips."""
    found = (_site(u) for u in (request.host_url, configured_base_url(), chosen_base_url()) if u)
    return {site for site in found if site}


def posted_from_here() -> bool:
    """Whether this post came from one of our pages: its Origin header, or when a browser
    sends none its Referer, names our host, and Sec-Fetch-Site (when sent) agrees. A post
    that says nothing of where it came from is not from here."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    source = origin if origin is not None else request.headers.get("Referer")
    return source is not None and _site(source) in _our_sites()


def posted_from_elsewhere() -> bool:
    """Whether this post says it came from another site. Voter pages send Referrer-Policy:
    no-referrer, so their own posts carry `Origin: null` and no Referer: those pass."""
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and not _is_ours(_site(origin))
    referer = request.headers.get("Referer")
    return bool(referer) and not _is_ours(_site(str(referer)))


def _is_ours(site: tuple[str, int | None] | None) -> bool:
    """Whether a post's site is this app's: the host it reached first (every voter's submit
    with JavaScript on), the configured and chosen addresses (a file read) only if not."""
    return site is not None and (site == _site(request.host_url) or site in _our_sites())


def cross_site_refusal(*, voter: bool = False) -> Page:
    """A plain refusal: no form, no token and nothing of what was posted (400, as a failed
    CSRF check)."""
    return render_template("errors/cross_site.html", voter=voter), 400


def _this_address() -> str:
    """The path and query this post went to, for posting it again (a correction's ?sheet=)."""
    query = request.query_string.decode("ascii", "replace")
    return request.path + ("?" + query if query else "")
