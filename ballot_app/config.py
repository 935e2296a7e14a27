"""Configuration, layered: defaults → instance/config.py → environment → test overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

MIN_SECRET_BYTES = 32


class DefaultConfig:
    """Defaults that need no set-up: SQLite in instance/, a generated secret key."""

    SQLALCHEMY_DATABASE_URI = ""  # filled by load_config with the instance path
    #: SQL errors never carry their parameters into a log line or a traceback: they include
    #: slip nonces and lookup hashes.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"hide_parameters": True}
    SQLITE_BUSY_TIMEOUT_MS = 15000
    #: The address phones use to reach the app: it is what the QR slips encode.
    PUBLIC_BASE_URL = ""
    SESSION_COOKIE_HTTPONLY = True
    #: False: the session cookie is Secure exactly when the request came over HTTPS (a LAN
    #: laptop on plain http keeps working); True: always Secure (web/headers.py).
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # an organizer's form may stay open through a meeting
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: Failed manual-code tries a browser session gets before it must wait.
    CODE_TRIES_PER_SESSION = 8
    CODE_TRIES_WAIT_SECONDS = 60
    #: Proxy hops whose X-Forwarded-For / X-Forwarded-Proto the app trusts (werkzeug's
    #: ProxyFix; web/headers.py). 0: none, as gunicorn already reads X-Forwarded-Proto from
    #: the proxy addresses in FORWARDED_ALLOW_IPS (gunicorn.conf.py), trusting by address.
    #: Set 1 only when the app runs behind one proxy under a server that does not (e.g.
    #: `flask run` or waitress), and the app's port is reachable from that proxy alone.
    PROXY_FIX = 0


ENV_KEYS = ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL")


def _secret_from_instance(instance_path: Path) -> str:
    """Read instance/secret_key, creating it with 64 random bytes on first run."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


def _normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// as psycopg 3 URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every setting, each layer overriding the one before; refuses a weak secret key."""
    cfg: dict[str, Any] = {k: getattr(DefaultConfig, k) for k in dir(DefaultConfig) if k.isupper()}
    cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'ballot.sqlite3'}"
    instance_file = instance_path / "config.py"
    if instance_file.exists():
        scope: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), scope)
        cfg.update({k: v for k, v in scope.items() if k.isupper()})
    for key in ENV_KEYS:
        if os.environ.get(key):
            cfg[key] = os.environ[key]
    cfg.update(overrides or {})
    if cfg.get("DATABASE_URL"):
        cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(cfg["DATABASE_URL"])
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_from_instance(instance_path)
    if len(cfg["SECRET_KEY"].encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes. Unset it to have one generated "
            "into instance/secret_key, or set a long random value."
        )
    return cfg
