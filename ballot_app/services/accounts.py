"""Accounts: creating users, the password policy, logging in (slowed, in constant time),
changing and resetting passwords, disabling, and ending every session of an account."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import writes
from ..domain.roles import ROLE_LABELS, Role
from ..domain.text import N_, _
from ..extensions import db
from ..models import Group, User
from . import throttle
from .audit import record_event
from .campaign import current_campaign
from .common_passwords import COMMON_PASSWORDS
from .errors import InvalidInput, NotFound
from .roster import group_named

MIN_PASSWORD_LENGTH = 10
MAX_USERNAME_LENGTH = 64
#: The one sentence for a username that cannot be had, taken or unusable alike: a form that
#: told them apart would tell whether an account exists. (Message ids: shown through `_`.)
USERNAME_REFUSED = N_("这个用户名不能使用，请换一个（例如在后面加上数字）。")
#: %(n)s is MIN_PASSWORD_LENGTH.
PASSWORD_TOO_SHORT = N_("密码至少 %(n)s 位，请换一个更长的密码（例如几个词连在一起再加上数字）。")
PASSWORD_ONE_KIND = N_("密码不能只用一种字符（例如全是数字），请把字母、数字或符号混合起来用。")
PASSWORD_IS_USERNAME = N_("密码不能是用户名，也不能是用户名加几个数字，请换一个。")
PASSWORD_COMMON = N_("这个密码太常见，很容易被猜到，请换一个。")
#: Temporary passwords: no 0/O, 1/l/I, so they read aloud and type without doubt.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def username_problem(username: str) -> str | None:
    """Why a username cannot be used (empty, too long, spaces or control characters)."""
    if not username:
        return _("请填写用户名。")
    bad = any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in username)
    if bad or len(username) > MAX_USERNAME_LENGTH:
        return _(USERNAME_REFUSED)
    return None


def _kind(ch: str) -> str:
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "upper" if ch.isupper() else "lower"
    return "other"


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, as a sentence in the reader's language; None when it
    may be used: at least 10 characters, not one kind of character only, not the username,
    not common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _(PASSWORD_TOO_SHORT, n=MIN_PASSWORD_LENGTH)
    if len({_kind(ch) for ch in password}) == 1:
        return _(PASSWORD_ONE_KIND)
    folded = password.casefold()
    name = username.strip().casefold()
    if name and (folded == name or not folded.replace(name, "").strip("0123456789._-@!#")):
        return _(PASSWORD_IS_USERNAME)
    if folded in COMMON_PASSWORDS or folded.replace(" ", "") in COMMON_PASSWORDS:
        return _(PASSWORD_COMMON)
    return None


def temporary_password() -> str:
    """A random password that satisfies the policy, grouped for reading aloud: k7m2-p9x4-q3w8."""
    while True:
        raw = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(12))
        candidate = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
        if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
            return candidate


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@writes
def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    group_name: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an account with a scrypt-hashed password, in the named group (made if new)."""
    username = username.strip()
    fields = {}
    name_problem = username_problem(username)
    if name_problem is None and db.session.scalar(select(User).where(User.username == username)):
        name_problem = _(USERNAME_REFUSED)
    if name_problem:
        fields["username"] = name_problem
    pw_problem = password_problem(password, username)
    if pw_problem:
        fields["password"] = pw_problem
    if fields:
        raise InvalidInput(" ".join(fields.values()), fields)
    group = group_named(group_name) if group_name and role != Role.ADMIN else None
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hash(password),
        role=role,
        group_id=group.id if group else None,
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()  # its id, for a caller in the same unit of work (create_and_assign)
    return user


@cache
def _dummy_hash() -> str:
    """A hash with the same scrypt parameters as every account's, checked when the name is
    unknown so that an unknown name takes as long as a known one."""
    return _hash(secrets.token_urlsafe(16))


def authenticate(username: str, password: str) -> User | None:
    """The enabled user with this name and password, or None; as slow for an unknown or
    disabled name as for a known one (one scrypt check either way)."""
    user: User | None = db.session.scalar(select(User).where(User.username == username.strip()))
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.is_enabled or not matches:
        return None
    return user


@dataclass(frozen=True)
class LoginResult:
    """What a login try gives: the user, or the wait before the next try."""

    user: User | None
    #: Refused before the password was checked: seconds to wait (the account's or client's).
    wait: float = 0.0
    #: After a wrong password: the wait this failure set for the next try.
    next_wait: float = 0.0


def account_key(secret_key: str, username: str) -> str:
    """The throttle key of a typed username, the same whether or not the account exists."""
    return throttle.key(secret_key, "login-account", username.strip().casefold())


def client_key(secret_key: str, client: str) -> str:
    """The throttle key of a client address (slowed only, with a high limit)."""
    return throttle.key(secret_key, "login-client", client)


def log_in(secret_key: str, username: str, password: str, client: str) -> LoginResult:
    """Check a login, slowed per account and per client address in the shared store."""
    keys = [account_key(secret_key, username), client_key(secret_key, client)]
    wait = throttle.check(*keys)
    if wait > 0:
        return LoginResult(None, wait=wait)
    user = authenticate(username, password)
    if user is None:
        return LoginResult(None, next_wait=throttle.fail_all(keys))
    throttle.clear(keys[0])  # not the client's: one good account must not reset guessing
    return LoginResult(user)


def _raise_version(user: User) -> None:
    """Sessions carry the version they began with: a new one ends them all."""
    user.session_version = (user.session_version or 0) + 1


@writes
def end_sessions(user: User) -> None:
    """Log out: every session of this account ends, on every node."""
    _raise_version(user)
    record_event(user, None, "auth.logout")


def change_password(secret_key: str, user: User, current: str, new: str) -> None:
    """A person changes their own password: the current one first (slowed like a login),
    then the policy; every other session of the account ends."""
    counted = account_key(secret_key, user.username)
    wait = throttle.check(counted)
    if wait > 0:
        message = _("输错密码的次数太多，请等 %(wait)s后再试。", wait=throttle.wait_text(wait))
        raise InvalidInput(message, {"current": message})
    if not check_password_hash(user.password_hash, current):
        throttle.fail(counted)
        message = _("现在的密码不对，请重新输入。")
        raise InvalidInput(message, {"current": message})
    _store_password(user, current, new)


@writes
def _store_password(user: User, current: str, new: str) -> None:
    problem = password_problem(new, user.username)
    if problem is None and new == current:
        problem = _("新密码不能和现在的密码相同，请换一个。")
    if problem:
        raise InvalidInput(problem, {"new": problem})
    user.password_hash = _hash(new)
    user.must_change_password = False
    _raise_version(user)
    record_event(user, None, "account.password")


# --- the admin's account pages ---------------------------------------------------------------


@writes
def set_locale(user: User, locale: str) -> None:
    """The language this person reads the staff pages in (web/locale.py lists them)."""
    user.locale = locale


def list_accounts() -> list[User]:
    """Every account: admins, then organizers, then tellers, each by name."""
    order = {Role.ADMIN: 0, Role.ORGANIZER: 1, Role.TELLER: 2}
    found = db.session.scalars(select(User).order_by(User.username))
    return sorted(found, key=lambda u: order[u.role])


def campaign_groups() -> list[Group]:
    """This campaign's inspection groups, by name, for the account form."""
    campaign = current_campaign()
    return list(
        db.session.scalars(
            select(Group).where(Group.campaign_id == campaign.id).order_by(Group.name)
        )
    )


def get_account(user_id: int) -> User:
    """One account, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("没有这个账号，可能已经被删除。请回到账号列表。"))
    return user


def _who(user: User) -> str:
    """An account as the audit log's details name it (a record: always Chinese)."""
    return f"{user.display_name}（{user.username}）"  # official


@writes
def open_account(
    admin: User, username: str, display_name: str, role: Role, group_id: int | None
) -> tuple[User, str]:
    """An admin opens an account with a temporary password, changed at the first login."""
    group = db.session.get(Group, group_id) if group_id else None
    password = temporary_password()
    user = create_user(
        username,
        password,
        role,
        display_name=display_name.strip(),
        group_name=group.name if group else None,
        must_change_password=True,
    )
    record_event(admin, None, "account.create", f"{_who(user)}，{ROLE_LABELS[role]}")  # official
    return user, password


def reset_password(secret_key: str, admin: User, user_id: int) -> tuple[User, str]:
    """An admin gives an account a new temporary password: its sessions end, its failed
    logins are forgotten, and it must choose its own password at the next login."""
    user, password = _reset(admin, user_id)
    throttle.clear(account_key(secret_key, user.username))
    return user, password


@writes
def _reset(admin: User, user_id: int) -> tuple[User, str]:
    user = get_account(user_id)
    password = temporary_password()
    user.password_hash = _hash(password)
    user.must_change_password = True
    _raise_version(user)
    record_event(admin, None, "account.reset", _who(user))
    return user, password


@writes
def set_enabled(admin: User, user_id: int, enabled: bool) -> User:
    """Disable an account (its sessions end at once) or enable it again."""
    user = get_account(user_id)
    if not enabled and user.id == admin.id:
        raise InvalidInput(_("不能停用自己正在使用的账号。需要时请让另一位管理员操作。"))
    if not enabled and user.role == Role.ADMIN and user.is_enabled and _enabled_admins() <= 1:
        raise InvalidInput(_("这是最后一个可用的管理员账号，停用后就没有人能管理账号了。"))
    if user.is_enabled == enabled:
        return user
    user.is_enabled = enabled
    if not enabled:
        _raise_version(user)
    record_event(admin, None, "account.enable" if enabled else "account.disable", _who(user))
    return user


def _enabled_admins() -> int:
    query = select(User.id).where(User.role == Role.ADMIN, User.is_enabled.is_(True))
    return len(list(db.session.scalars(query)))
