"""Accounts: creating users and checking passwords."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import writes
from ..domain.roles import Role
from ..extensions import db
from ..models import User
from .errors import InvalidInput
from .roster import group_named

MIN_PASSWORD_LENGTH = 8


@writes
def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    group_name: str | None = None,
) -> User:
    """Create an account with a scrypt-hashed password, in the named group (made if new)."""
    username = username.strip()
    if not username:
        raise InvalidInput("请填写用户名。", {"username": "请填写用户名。"})
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"密码至少 {MIN_PASSWORD_LENGTH} 位，请换一个更长的密码。"
        raise InvalidInput(message, {"password": message})
    if db.session.scalar(select(User).where(User.username == username)):
        message = f"用户名「{username}」已经存在，请换一个。"
        raise InvalidInput(message, {"username": message})
    group = group_named(group_name) if group_name else None
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
        group_id=group.id if group else None,
    )
    db.session.add(user)
    db.session.flush()  # its id, for a caller in the same unit of work (create_and_assign)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The enabled user with this name and password, or None."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_enabled:
        return None
    return user if check_password_hash(user.password_hash, password) else None
