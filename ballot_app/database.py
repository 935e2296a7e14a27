"""Engine set-up: SQLite pragmas and write-locking transactions; schema version check."""

from __future__ import annotations

import fcntl
import functools
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, ParamSpec, TypeVar

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .domain.text import _
from .extensions import db

UPGRADE_COMMAND = "flask --app ballot_app db upgrade"


WRITE_OPTION = "ballot_write"


def configure_database(app: Flask) -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for writing transactions.

    Readers begin deferred and never block anyone (WAL). A writing use case calls
    begin_write(), which begins with BEGIN IMMEDIATE: the write lock is taken up front, so a
    writer waits its turn (busy timeout) instead of failing when it upgrades a stale read.
    The database file is readable by its owner only, and so are the log and shared-memory
    files SQLite creates beside it (SQLite gives them the database file's mode).
    """
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            keep_private(path)
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


#: Files of a SQLite database: the database itself, its write-ahead log, its shared memory
#: index, and our writers' lock file.
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-writers")


def keep_private(path: str) -> None:
    """Create the database file readable and writable by its owner only (0600) before SQLite
    opens it, and take group and world access off the files of one made before."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in SQLITE_SUFFIXES:
        with suppress(FileNotFoundError):
            os.chmod(path + suffix, 0o600)


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, not left readable in free space.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # read_connection(): one statement, no transaction
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")


def begin_write() -> None:
    """Start the session's next transaction as a writer (SQLite: BEGIN IMMEDIATE).

    Ends the read-only transaction a request may have open, so nothing read before is
    trusted: the write's own conditions (WHERE clauses, constraints) decide.
    """
    end_read()
    db.session.connection(execution_options={WRITE_OPTION: True})


def end_read() -> None:
    """End the read-only transaction a request may have open before a write begins. A request
    that made no session (the voter's path) has none, and none is made to find that out."""
    if not db.session.registry.has():
        return
    session = db.session()
    if session.in_transaction():
        session.commit()


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A Core connection for a single SELECT, outside any transaction: no BEGIN and no
    ROLLBACK round trips around it. For hot read paths."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


@contextmanager
def sqlite_cursor() -> Iterator[Any]:
    """SQLite: a cursor of the driver itself, outside any transaction (the connection runs
    in autocommit; BEGIN is ours to send), for the voter's hot statements. sqlite3's own
    statement cache makes a statement a few microseconds where SQLAlchemy's execution
    context cost some sixty."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool


P = ParamSpec("P")
R = TypeVar("R")
_UNIT = "ballot_unit_of_work"


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One use case's writes, as one transaction: it begins as a writer (SQLite: in the
    writers' queue, then BEGIN IMMEDIATE), commits when the block ends and rolls back if it
    raises, so a refused use case frees SQLite's write lock at once. A unit of work inside
    another joins it: the outer one commits or rolls back the whole."""
    session = db.session()
    if session.info.get(_UNIT):
        yield
        return
    # A read transaction left open while waiting in the queue would hold back the writer
    # ahead: the close's VACUUM and checkpoint wait for every reader to finish.
    end_read()
    with writers_queue(db.engine):
        begin_write()
        session.info[_UNIT] = True
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(_UNIT, None)


def writes(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a service function as one unit of work (see unit_of_work)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper


@contextmanager
def write_transaction() -> Iterator[Connection]:
    """A Core connection in a writing transaction (SQLite: BEGIN IMMEDIATE), committed when
    the block ends and rolled back if it raises. For hot paths that need no ORM session."""
    end_read()
    with (
        writers_queue(db.engine),
        db.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn,
        conn.begin(),
    ):
        yield conn


_held = threading.local()


@contextmanager
def writers_queue(engine: Engine) -> Iterator[None]:
    """SQLite: writers of every process wait their turn on a file lock, woken the moment it
    frees, instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries
    and so left the write lock idle under a hall's burst. Every writer takes it: the hot
    casting path and every unit of work alike. PostgreSQL queues on its own. A thread that
    holds the lock already goes straight on."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or getattr(_held, "path", None) == path:
        yield
        return
    fd = _lock_file(path)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _held.path = path
    try:
        yield
    finally:
        _held.path = None
        fcntl.flock(fd, fcntl.LOCK_UN)


class _LockFile:
    """A thread's open descriptor of the writers' lock file; closed when the thread's storage
    goes (a thread per request, as the development server and the rehearsal's phones run,
    must not leave one open descriptor per thread behind)."""

    def __init__(self, path: str) -> None:
        self.pid, self.path = os.getpid(), path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        weakref.finalize(self, _close_quietly, self.fd)


def _close_quietly(fd: int) -> None:
    with suppress(OSError):
        os.close(fd)


def _lock_file(path: str) -> int:
    """This thread's descriptor of the writers' lock file, kept open between writes (flock
    excludes between descriptors, so each thread has its own; a forked worker opens its own):
    a hall's every ballot no longer opens and closes the file. One is kept per thread, for
    the last database written."""
    lock_path = path + "-writers"
    held: _LockFile | None = getattr(_held, "file", None)
    if (
        held
        and (held.pid, held.path) == (os.getpid(), lock_path)
        and _same_file(held.fd, lock_path)
    ):
        return held.fd
    _held.file = _LockFile(lock_path)  # the one it replaces is closed as it goes
    return int(_held.file.fd)


def _same_file(fd: int, path: str) -> bool:
    """Whether fd still names the file at path (a test's fresh database reuses the name)."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def schema_problem(app: Flask) -> str | None:
    """None when the database is at the newest migration, else what to run, in a sentence."""
    from . import MIGRATIONS

    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    with app.app_context(), db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return None
    return (
        _("数据库结构不是最新版本，请先运行 `%(command)s` 再启动。", command=UPGRADE_COMMAND)
        + f" (Database schema is out of date: at {sorted(current) or 'none'}, "
        + f"needs {sorted(heads)}. Run `{UPGRADE_COMMAND}`.)"
    )
