"""The admin's account pages: list, open, disable, enable, reset a password. Every step is
in the audit log; a reset and a disable are confirmed first."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..domain.roles import Role
from ..domain.text import _
from ..models import User
from ..services import accounts
from ..services.errors import InvalidInput
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import AccountForm, ActionForm, show_errors
from .guards import role_required

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
Page = Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]
#: A page showing a temporary password is kept by no cache and no history.
PRIVATE = {"Cache-Control": "no-store"}


def _form() -> AccountForm:
    form = AccountForm()
    form.group_id.choices = [("", _("（不属于考核组）"))] + [
        (str(g.id), g.name) for g in accounts.campaign_groups()
    ]
    return form


def _list(form: AccountForm, status: int = 200) -> tuple[str, int]:
    page = render_template("accounts/index.html", accounts=accounts.list_accounts(), form=form)
    return page, status


def _shown_once(heading: str, account: User, password: str) -> Page:
    page = render_template(
        "accounts/password.html", heading=heading, account=account, password=password
    )
    return page, 200, PRIVATE


@bp.get("")
@role_required(Role.ADMIN)
def index() -> Page:
    return _list(_form())


@bp.post("")
@role_required(Role.ADMIN)
def create() -> Page:
    form = _form()
    if form.validate_on_submit():
        try:
            account, password = accounts.open_account(
                current_user,
                form.username.data or "",
                form.display_name.data or "",
                Role(form.role.data),
                int(form.group_id.data) if form.group_id.data else None,
            )
        except InvalidInput as e:
            show_errors(form, e)
        else:
            return _shown_once(_("账号已建好"), account, password)
    return _list(form, 400)


def _facts(account: User) -> str:
    return _(
        "用户名「%(username)s」，%(role)s。", username=account.username, role=account.role.label
    )


def _back(user_id: int) -> str:
    return url_for("accounts.index") + f"#account-{user_id}"


@bp.post("/<id:user_id>/reset")
@role_required(Role.ADMIN)
def reset(user_id: int) -> Page:
    account = accounts.get_account(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(_back(user_id))
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("重设 %(name)s 的密码？", name=account.display_name),
                [_facts(account)],
                _(
                    "原来的密码马上失效，这个账号已经登录的地方全部退出；系统生成一个临时密码，"
                    "只显示一次，本人下次登录时必须改成自己的密码。这一步不能撤销。"
                ),
                url_for("accounts.reset", user_id=user_id),
                _("确认重设密码"),
                _back(user_id),
                warning=True,
            )
        )
    account, password = accounts.reset_password(
        current_app.config["SECRET_KEY"], current_user, user_id
    )
    return _shown_once(_("密码已重设"), account, password)


@bp.post("/<id:user_id>/disable")
@role_required(Role.ADMIN)
def disable(user_id: int) -> Page:
    account = accounts.get_account(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(_back(user_id))
    if not is_confirmed():
        return confirmation_page(
            Confirmation(
                _("停用 %(name)s 的账号？", name=account.display_name),
                [_facts(account)],
                _(
                    "停用后不能登录，已经登录的手机和电脑会马上退出；账号和它的操作记录都保留，"
                    "以后可以重新启用。"
                ),
                url_for("accounts.disable", user_id=user_id),
                _("确认停用"),
                _back(user_id),
                warning=True,
            )
        )
    return _set_enabled(user_id, False)


@bp.post("/<id:user_id>/enable")
@role_required(Role.ADMIN)
def enable(user_id: int) -> Page:
    if not ActionForm().validate_on_submit():
        return redirect(_back(user_id))
    return _set_enabled(user_id, True)


def _set_enabled(user_id: int, enabled: bool) -> Page:
    try:
        account = accounts.set_enabled(current_user, user_id, enabled)
    except InvalidInput as e:
        flash(e.message, "error")
    else:
        names = {"name": account.display_name, "username": account.username}
        if enabled:
            flash(_("%(name)s（%(username)s）的账号已重新启用。", **names), "success")
        else:
            flash(_("%(name)s（%(username)s）的账号已停用。", **names), "success")
    return redirect(_back(user_id))
