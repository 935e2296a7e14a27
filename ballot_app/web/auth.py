"""Logging in and out (organizers, tellers, admins; voters never log in), changing one's own
password, and the first-login change of a password someone else set."""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from ..domain.text import _
from ..models import User
from ..services import accounts, throttle
from ..services.audit import record_login
from ..services.errors import InvalidInput
from .forms import CSRF_EXPIRED, ActionForm, LoginForm, PasswordForm, show_errors
from .locale import COOKIE as LANGUAGE_COOKIE
from .locale import LANGUAGES

bp = Blueprint("auth", __name__)
#: The session's copy of User.session_version: the user loader refuses any other.
SESSION_VERSION = "account_version"
#: What a person who must change their password may still reach.
OPEN_ENDPOINTS = frozenset(
    {"auth.change_password", "auth.logout", "auth.login", "auth.language", "static"}
)
OPEN_BLUEPRINTS = frozenset({"voter", "health", "bulletin", "monitor"})
Page = Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site, else the home page."""
    return target if target and is_local_path(target) else url_for("units.index")


def is_local_path(target: str) -> bool:
    """A path on this site: one leading slash, no scheme, host, backslash or control
    character, as typed and once decoded (browsers drop tabs and newlines, read \\ as /)."""
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith("//") or "\\" in text:
            return False
        if any(unicodedata.category(ch).startswith(("C", "Z")) for ch in text):
            return False
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return False
    return True


def client_address() -> str:
    """The client as the reverse proxy saw it: the address the proxy appended to
    X-Forwarded-For when the request comes from a proxy on this machine, else the peer."""
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        from_proxy = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        from_proxy = False
    if from_proxy and forwarded:
        return forwarded.split(",")[-1].strip() or peer
    return peer


def _wait_page(form: LoginForm, wait: float) -> tuple[str, int]:
    form.form_errors.append(
        _(
            "登录失败的次数太多，为了防止有人猜密码，请等 %(wait)s后再试。"
            "忘记密码请联系管理员重设。",
            wait=throttle.wait_text(wait),
        )
    )
    return render_template("auth/login.html", form=form), 429


def _start_session(user: User) -> None:
    login_user(user)
    session[SESSION_VERSION] = user.session_version
    # A language chosen on the login page is the person's latest choice: the account keeps it.
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES and chosen != user.locale:
        accounts.set_locale(user, chosen)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    form = LoginForm()
    if form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        found = accounts.log_in(
            secret, form.username.data or "", form.password.data or "", client_address()
        )
        if found.wait > 0:
            page, status = _wait_page(form, found.wait)
            return page, status, {"Retry-After": str(int(found.wait) + 1)}
        if found.user is not None:
            _start_session(found.user)
            record_login(found.user)
            return redirect(_safe_next(request.args.get("next")))
        if found.next_wait > 0:
            message = _(
                "用户名或密码不对，请重新输入。忘记密码请联系管理员。"
                "为了防止有人猜密码，下次请等 %(wait)s再试。",
                wait=throttle.wait_text(found.next_wait),
            )
        else:
            message = _("用户名或密码不对，请重新输入。忘记密码请联系管理员。")
        form.form_errors.append(message)
        return render_template("auth/login.html", form=form), 401
    # A refused form answers 400 (a fresh page 200), so tools and tests can tell them apart.
    return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/logout")
def logout() -> Response:
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(current_user)
        logout_user()
        session.pop(SESSION_VERSION, None)
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page:
    """Change my password; the first login after an admin set it comes here first."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_app.config["SECRET_KEY"],
                current_user,
                form.current.data or "",
                form.new.data or "",
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            session[SESSION_VERSION] = current_user.session_version  # this one stays
            flash(_("密码已经修改。这个账号在其他手机和电脑上的登录都已退出。"), "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/language")
def language() -> Response:
    """Switch the staff pages' language: kept on the account once signed in, in a cookie
    (the language and nothing else) before. The page the person was on comes back (staff
    pages send a same-origin Referer; the form carries no address, so pages stay alike)."""
    chosen = request.form.get("lang", "")
    came_from = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    path = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    same_site = (came_from.scheme, came_from.netloc) == (here.scheme, here.netloc)
    back = redirect(_safe_next(path if same_site else None))
    if chosen not in LANGUAGES:
        return back
    if current_user.is_authenticated:
        accounts.set_locale(current_user, chosen)
    back.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return back


@bp.errorhandler(CSRFError)
def _expired(e: CSRFError) -> Page:
    """An expired password form is shown again empty: the three passwords are never posted
    back into a page. Every other page of this blueprint gets the app's own answer."""
    if request.endpoint != "auth.change_password":
        app_handler = current_app.error_handler_spec[None][400][CSRFError]
        return app_handler(e)  # type: ignore[no-any-return]
    form = PasswordForm(formdata=None)
    form.form_errors.append(_(CSRF_EXPIRED))
    return render_template("auth/password.html", form=form), 400


@bp.before_app_request
def _password_first() -> Response | None:
    """Someone whose password was set by another person changes it before anything else."""
    if request.endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        flash(_("您的密码是别人设的临时密码，请先设一个只有您自己知道的新密码。"), "info")
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.change_password", next=back))
    return None
