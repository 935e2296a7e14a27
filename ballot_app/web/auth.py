"""Logging in and out (organizers, tellers, admins; voters never log in)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from ..services.accounts import authenticate
from ..services.audit import record_login
from .forms import ActionForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("units.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            record_login(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("用户名或密码不对，请重新输入。忘记密码请联系管理员。")
        return render_template("auth/login.html", form=form), 401
    # A refused form answers 400 (a fresh page 200), so tools and tests can tell them apart.
    return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/logout")
def logout() -> Response:
    if ActionForm().validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))
