"""SPEC "Secrecy", tested as an attacker would try it: with a copy of the database files (the
file, its write-ahead log and free pages, or a dump on PostgreSQL), the logs, every printed
slip and every receipt, but not SECRET_KEY."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ballot_app import create_app
from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Ballot, Comment, Receipt, Token, User
from ballot_app.services import meetings, monitor

from . import databases, factories, servers
from .conftest import SECRET, _config
from .sqlite_pages import Image, written_order

sqlite_only = pytest.mark.skipif(databases.is_postgres(), reason="reads SQLite's own files")
ROW_TABLES = ("ballot", "form5_mark", "form6_mark", "comment")


def _path(app) -> Path:  # type: ignore[no-untyped-def]
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def _roots() -> dict[str, int]:
    rows = db.session.execute(text("SELECT name, rootpage FROM sqlite_master WHERE type='table'"))
    return dict(rows.all())


def _cast_in_order(app, m, values):  # type: ignore[no-untyped-def]
    """Cast each slip in turn; the test (not the attacker) notes the order ballots arrived."""
    order: dict[str, list[str]] = {"ballot": [], "comment": []}
    for i, value in enumerate(values):
        seen = {t: set(db.session.scalars(select(k))) for t, k in _KEYS.items()}
        factories.cast(app, m, value, comment=f"第{i}条意见")
        for table, key in _KEYS.items():
            (new,) = set(db.session.scalars(select(key))) - seen[table]
            order[table].append(new)
    db.session.commit()
    return order


_KEYS = {"ballot": Ballot.id, "comment": Comment.id}


def _arrivals(image: Image, roots: dict[str, int], table: str) -> list[object]:
    """The attacker's order of arrival of a table's rows (each ballot once, for the marks)."""
    guessed: list[object] = []
    for key in written_order(image.cells(roots[table])):
        if key not in guessed:
            guessed.append(key)
    return guessed


@sqlite_only
def test_after_the_close_no_page_of_the_file_gives_the_order_of_casting(app):
    m = factories.meeting(app, a=4, b=8, members=3)
    arrived = _cast_in_order(app, m, factories.slip_values(app, m))
    roots = _roots()
    open_box = Image(_path(app))
    # While the box is open, the cells' offsets do give the order (why the close must act).
    assert _arrivals(open_box, roots, "ballot") == arrived["ballot"]
    assert _arrivals(open_box, roots, "comment") == arrived["comment"]
    assert _arrivals(open_box, roots, "form5_mark") == arrived["ballot"]

    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    db.session.commit()
    closed, roots = Image(_path(app)), _roots()  # the rebuild moved the tables' pages
    assert closed.wal_bytes == b"" and closed.freelist_pages == 0
    for table in ROW_TABLES:
        guessed = _arrivals(closed, roots, table)
        # Offsets now follow the keys, which are random: no order beyond the keys' own.
        assert len(guessed) == 12 and guessed == sorted(guessed), table
    assert _arrivals(closed, roots, "ballot") != arrived["ballot"]
    assert sorted(_arrivals(closed, roots, "ballot")) == sorted(arrived["ballot"])


@sqlite_only
def test_rows_deleted_at_certification_leave_nothing_readable_in_the_file(app, client, actions):
    m = factories.meeting(app, a=2, b=2, members=2)
    owner = db.session.get(User, m.created_by_id)
    actions.login_as(owner)
    client.post(f"/meetings/{m.id}/paper/stacks", data={"category": "B"})
    sheet = {f"f5_{e}": "competent" for e in factories.evaluee_ids(m)}
    client.post(f"/meetings/{m.id}/paper/1", data={**sheet, "f6_duty": "good"})
    client.post(f"/meetings/{m.id}/paper/1/finish", data={"confirmed": "y"})
    meetings.transition(owner, m, Transition.CLOSE)
    db.session.commit()
    # The entered sheet (it names the ballot it made) is in the file until certification.
    assert b'"f6_duty"' in Image(_path(app)).raw()
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    db.session.commit()
    image = Image(_path(app))
    assert b'"f6_duty"' not in image.raw() and image.freelist_pages == 0


def _needles(app, values: list[str], codes: list[str]) -> dict[bytes, str]:  # type: ignore[no-untyped-def]
    """Everything an attacker can compute from what people hold, without SECRET_KEY."""
    keys = factories.keys(app)
    found: dict[bytes, str] = {}
    for value in values:
        secret = keys.read_voter_value(value).secret
        for text_ in (value, secret):
            found[text_.encode()] = "slip"
            for algorithm in ("sha256", "sha1", "md5", "sha512", "blake2b"):
                digest = hashlib.new(algorithm, text_.encode())
                found[digest.hexdigest().encode()] = "slip"
                found[digest.digest()] = "slip"
    for code in codes:
        plain = code.replace("-", "")
        for variant in (code, plain, plain.lower()):
            found[variant.encode()] = "slip"
            found[hashlib.sha256(variant.encode()).hexdigest().encode()] = "slip"
    return found


def _haystack(app) -> bytes:  # type: ignore[no-untyped-def]
    """A copy of the database: SQLite's files byte for byte, or a dump of every row."""
    if databases.is_postgres():
        return factories.dump_database().encode()
    shm = Path(str(_path(app)) + "-shm")
    return Image(_path(app)).raw() + (shm.read_bytes() if shm.exists() else b"")


def test_a_copy_of_the_database_and_the_logs_tie_no_slip_or_receipt_to_anything(
    app, client, actions, caplog
):
    caplog.set_level(logging.DEBUG)
    m = factories.meeting(app, a=3, b=3, members=2)
    values = factories.slip_values(app, m)
    needles = _needles(app, values, factories.manual_codes(app, m))
    receipts = []
    for value in values[:4]:
        answer = actions.vote(m, value, duty="good")
        receipt = client.get(answer.headers["Content-Location"]).get_data(as_text=True)
        receipts.append(next(c for c in _tracker_codes(app, values) if c in receipt))
    for code in receipts:
        needles[code.encode()] = needles[code.replace("-", "").encode()] = "receipt"

    def hits(*, allow_receipts: bool = False) -> list[str]:
        hay = _haystack(app) + "\n".join(r.getMessage() for r in caplog.records).encode()
        return [
            kind
            for needle, kind in needles.items()
            if needle in hay and not (allow_receipts and kind == "receipt")
        ]

    db.session.commit()
    assert hits() == []  # the box is open
    owner = db.session.get(User, m.created_by_id)
    meetings.transition(owner, m, Transition.CLOSE)
    db.session.commit()
    assert hits() == []  # closed
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    db.session.commit()
    # Certified: the bulletin publishes the codes, written at once in code order, and they
    # are all anyone can find; no slip's value or hash is stored.
    assert hits(allow_receipts=True) == []
    published = list(db.session.scalars(select(Receipt.code).where(Receipt.meeting_id == m.id)))
    assert sorted(published) == sorted(receipts)


def _tracker_codes(app, values: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    keys = factories.keys(app)
    return [keys.tracker_code(keys.read_voter_value(v).secret) for v in values]


def test_the_token_row_cannot_be_found_from_a_slip_without_the_key(app):
    m = factories.meeting(app, a=1, b=0)
    (value,) = factories.slip_values(app, m)
    secret = factories.keys(app).read_voter_value(value).secret
    (token,) = factories.tokens(m)
    assert token.secret_hash != hashlib.sha256(secret.encode()).hexdigest()
    other = factories.keys(app).__class__("another-secret-key-of-the-same-length-0123456789")
    assert token.secret_hash != other.hash_secret(secret)
    assert token.secret_hash == factories.keys(app).hash_secret(secret)


@sqlite_only
def test_the_database_and_its_log_are_readable_by_their_owner_only(tmp_path):
    with databases.empty(tmp_path) as uri:
        app = create_app(_config(uri), instance_path=str(tmp_path / "instance"))
        with app.app_context():
            upgrade()
            m = factories.meeting(app)
            factories.cast(app, m, factories.slip_values(app, m)[0])
            path = _path(app)
            for suffix in ("", "-wal", "-shm", "-writers"):
                mode = stat.S_IMODE(os.stat(str(path) + suffix).st_mode)
                assert mode == 0o600, (suffix, oct(mode))
            db.session.remove()
            db.engine.dispose()


@sqlite_only
def test_an_old_world_readable_database_is_made_private_on_start(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    create_app(_config(f"sqlite:///{path}"), instance_path=str(tmp_path / "instance"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_sql_errors_never_carry_their_parameters(app, caplog):
    m = factories.meeting(app, a=1, b=0)
    (token,) = factories.tokens(m)
    db.session.add(
        Token(
            meeting_id=m.id,
            category=token.category,
            nonce=token.nonce,
            secret_hash=token.secret_hash,
            code_hash=token.code_hash,
        )
    )
    with pytest.raises(IntegrityError) as failed:
        db.session.commit()
    db.session.rollback()
    message = str(failed.value)
    assert token.nonce not in message and token.secret_hash not in message
    assert "hidden" in message


def _credential_paths(app, m, value: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every path that carries a credential, each with the credential it carries."""
    keys = factories.keys(app)
    link = monitor.monitor_value(m, keys)
    receipt = keys.sign("receipt", f"{m.id}:{_tracker_codes(app, [value])[0]}")
    check = keys.sign("check", str(m.id))
    return {
        f"/v/{value}": value.split(".")[2],
        f"/v/receipt/{receipt}": receipt.split(":")[1],
        f"/v/check/{check}": check,
        f"/m/{link}": link,
        f"/m/{link}?board=1": link,
        f"/m/{link[:-3]}xyz": link[:-3],  # a damaged link: refused, still not logged
        f"/v/{value[:-3]}xyz": value.split(".")[2],  # a damaged slip
    }


@pytest.mark.slow
def test_no_credential_reaches_the_real_servers_log_on_any_path(app, tmp_path, database_uri):
    m = factories.meeting(app, a=2, b=0)
    values = factories.slip_values(app, m)
    owner = db.session.get(User, m.created_by_id)
    assert owner.role == Role.ORGANIZER
    paths = _credential_paths(app, m, values[0])
    form = factories.form_for(m)
    db.session.commit()
    db.session.remove()
    log = tmp_path / "gunicorn.log"
    with (
        servers.gunicorn(database_uri, tmp_path / "node", SECRET, log=log) as base,
        requests.Session() as s,
    ):
        for path in paths:
            s.get(base + path, timeout=30)
        data = {"slip": values[1], **form, "confirm_empty": "0"}
        s.post(f"{base}/v/submit", data=data, timeout=30)
        s.post(f"{base}/v/submit", data=data, timeout=30)  # a repeat
        s.post(f"{base}/v/submit", data={**data, "slip": values[1][:-2]}, timeout=30)
    logged = log.read_text()
    assert logged.count("GET /v/…") >= 4 and logged.count("GET /m/…") == 3, logged
    for credential in [*paths.values(), values[1].split(".")[2]]:
        assert credential not in logged


@pytest.mark.skipif(not databases.is_postgres(), reason="PostgreSQL's write-ahead log")
def test_on_postgresql_the_close_checkpoints_and_starts_a_new_log_segment(app):
    m = factories.meeting(app, a=2, b=0)
    for value in factories.slip_values(app, m):
        factories.cast(app, m, value)
    query = text(
        "SELECT checkpoint_lsn::text, pg_current_wal_lsn() - '0/0'::pg_lsn, "
        "(SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') "
        "FROM pg_control_checkpoint()"
    )
    checkpoint, position, segment = db.session.execute(query).one()
    db.session.commit()
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    db.session.commit()
    later, now, _ = db.session.execute(query).one()
    assert later != checkpoint  # a checkpoint ran
    assert now >= (position // segment + 1) * segment  # the log moved on to a new segment
