"""The test databases: a SQLite file per test, or a PostgreSQL database per test.

TEST_DATABASE_URL (a postgresql:// URL of a server the tests may create databases on)
switches the whole suite to PostgreSQL. Each test's database is a clone of a template the
migrations built once, so every test starts from the same schema on either engine.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from ballot_app.config import _normalise_database_url

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")


def is_postgres() -> bool:
    return bool(SERVER_URL)


def describe() -> str:
    if not SERVER_URL:
        return "SQLite (set TEST_DATABASE_URL to run on PostgreSQL)"
    return "PostgreSQL at " + make_url(_normalise_database_url(SERVER_URL)).render_as_string()


def _admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(_normalise_database_url(SERVER_URL))
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)


def _url_for(name: str) -> str:
    url = make_url(_normalise_database_url(SERVER_URL)).set(database=name)
    return url.render_as_string(hide_password=False)


@dataclass
class Template:
    uri: str
    name: str = ""
    path: Path | None = None

    @classmethod
    def create(cls, folder: Path) -> Template:
        if not SERVER_URL:
            path = folder / "ballot.sqlite3"
            return cls(uri=f"sqlite:///{path}", path=path)
        name = f"ballot_test_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return cls(uri=_url_for(name), name=name)

    @contextmanager
    def copy(self, folder: Path) -> Iterator[str]:
        if self.path is not None:
            target = folder / "instance" / "ballot.sqlite3"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.path, target)
            yield f"sqlite:///{target}"
            return
        with _server_database("ballot_test", template=self.name) as uri:
            yield uri

    def drop(self) -> None:
        if self.name:
            _drop(self.name)


@contextmanager
def empty(folder: Path) -> Iterator[str]:
    """A new database with no tables at all, for tests of the migrations themselves."""
    if not SERVER_URL:
        yield f"sqlite:///{folder / 'empty.sqlite3'}"
        return
    with _server_database("ballot_test_empty") as uri:
        yield uri


@contextmanager
def _server_database(prefix: str, template: str = "") -> Iterator[str]:
    """A database on the test server, created (from a template) and dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        )
    engine.dispose()
    try:
        yield _url_for(name)
    finally:
        _drop(name)


def _drop(name: str) -> None:
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
