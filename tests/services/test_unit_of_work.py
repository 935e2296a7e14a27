"""One use case, one transaction: a service commits or rolls back by construction, and a
refused one frees the database for the next writer at once."""

import fcntl
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ballot_app.database import unit_of_work
from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Evaluee, User
from ballot_app.services import meetings, tellers
from ballot_app.services.errors import InvalidInput

from .. import databases, factories


def _sqlite_path(app) -> Path:  # type: ignore[no-untyped-def]
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


@pytest.mark.skipif(databases.is_postgres(), reason="SQLite's write lock")
def test_a_refused_service_frees_the_write_lock_and_the_writers_queue_at_once(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner = db.session.get(User, m.created_by_id)
    with pytest.raises(InvalidInput):
        meetings.add_evaluee(owner, m, "", "")  # refused: no name
    # Another process's writer gets the lock straight away, without waiting at all.
    other = sqlite3.connect(_sqlite_path(app), timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    with open(str(_sqlite_path(app)) + "-writers", "a") as queue:
        fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held
        fcntl.flock(queue, fcntl.LOCK_UN)


def test_a_refused_service_leaves_nothing_behind_and_the_session_usable(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    owner = db.session.get(User, m.created_by_id)
    before = db.session.scalar(select(func.count()).select_from(Evaluee))
    with pytest.raises(InvalidInput):
        meetings.add_evaluee(owner, m, "", "")
    assert db.session.scalar(select(func.count()).select_from(Evaluee)) == before
    meetings.add_evaluee(owner, m, "新成员", "副镇长")  # the next use case works as usual
    assert db.session.scalar(select(func.count()).select_from(Evaluee)) == before + 1


def test_a_use_case_made_of_two_is_one_transaction(app):
    m = factories.meeting(app)
    owner = db.session.get(User, m.created_by_id)
    with pytest.raises(InvalidInput):  # the account is refused (short password) …
        tellers.create_and_assign(owner, m, "jipiao9", "计票九", "short")
    # … so nothing of it stays: no account, no assignment.
    assert db.session.scalar(select(User).where(User.username == "jipiao9")) is None
    teller = tellers.create_and_assign(owner, m, "jipiao9", "计票九", "a long password 1")
    assert teller.role == Role.TELLER and teller in m.tellers


def test_an_error_inside_a_unit_of_work_rolls_everything_back(app):
    m = factories.meeting(app, state=MeetingState.DRAFT)
    with pytest.raises(RuntimeError), unit_of_work():
        m.title = "改了一半"
        raise RuntimeError("断电")
    db.session.expire_all()
    assert m.title != "改了一半"


@pytest.mark.skipif(databases.is_postgres(), reason="SQLite's writers' queue")
def test_the_writers_lock_stays_open_per_thread_and_closes_with_its_thread(app):
    """Each ballot no longer opens and closes the lock file, yet a thread per request (the
    development server, the rehearsal's phones) leaves no open descriptor behind."""
    import gc
    import os
    import threading

    from ballot_app.database import writers_queue

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    with app.app_context():
        engine = db.engine
    with writers_queue(engine):
        pass
    kept = open_fds()
    with writers_queue(engine):
        pass
    assert open_fds() == kept  # the same descriptor, not a new one

    def write_once() -> None:
        with writers_queue(engine):
            pass

    before = open_fds()
    for _ in range(40):
        thread = threading.Thread(target=write_once)
        thread.start()
        thread.join(timeout=30)
    gc.collect()
    assert open_fds() <= before + 1
    # Two threads still exclude each other: each holds its own descriptor.
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writers_queue(engine):
            entered.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(timeout=30)
    lock = os.open(str(_sqlite_path(app)) + "-writers", os.O_WRONLY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        release.set()
        holder.join(timeout=30)
        os.close(lock)
