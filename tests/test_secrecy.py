"""SPEC "Secrecy": no link from a ballot to a token, a person, a time or an address."""

from pathlib import Path

from sqlalchemy import inspect, select, text

from ballot_app.domain.meeting_state import Transition
from ballot_app.extensions import db
from ballot_app.models import Ballot, Comment, Receipt, User
from ballot_app.services import meetings, results

from . import databases, factories

BALLOT_TABLES = ("ballot", "form5_mark", "form6_mark", "comment", "receipt")


def test_ballot_tables_hold_no_token_person_time_or_client_column(app):
    insp = inspect(db.engine)
    for table in BALLOT_TABLES:
        columns = {c["name"]: c for c in insp.get_columns(table)}
        for name, column in columns.items():
            assert not any(
                w in name
                for w in ("token", "user", "ip", "agent", "_at", "time", "created", "seq", "voter")
            )
            assert "DATE" not in str(column["type"]).upper()
        targets = {fk["referred_table"] for fk in insp.get_foreign_keys(table)}
        assert "token" not in targets and "user" not in targets
    assert {fk["referred_table"] for fk in insp.get_foreign_keys("comment")} == {"meeting"}
    assert {fk["referred_table"] for fk in insp.get_foreign_keys("receipt")} == {"meeting"}


def _storage_order(table: str, key: str) -> list[str]:
    """Keys in the order the engine stores the rows (SQLite: key order of WITHOUT ROWID)."""
    order = " ORDER BY ctid" if databases.is_postgres() else ""
    return [str(k) for k in db.session.scalars(text(f"SELECT {key} FROM {table}{order}"))]


def _write_stamps(table: str, where: str = "") -> set[str]:
    """PostgreSQL: the transactions that wrote the rows (xmin). SQLite keeps none per row."""
    if not databases.is_postgres():
        return set()
    return {str(x) for x in db.session.scalars(text(f"SELECT xmin::text FROM {table} {where}"))}


def _cast_nine(app):  # type: ignore[no-untyped-def]
    m = factories.meeting(app, a=3, b=6)
    for value in factories.slip_values(app, m):
        factories.cast(app, m, value, comment="意见")
    return m


def test_ballot_and_comment_keys_are_random_and_no_receipt_is_written_at_casting(app):
    _cast_nine(app)
    for _model, key in ((Ballot, Ballot.id), (Comment, Comment.id)):
        keys = list(db.session.scalars(select(key)))
        assert len(set(keys)) == len(keys) == 9
        assert not all(k.isdigit() for k in keys)
    assert db.session.scalars(select(Receipt.code)).all() == []


def test_once_the_box_closes_storage_order_follows_random_keys(app):
    m = _cast_nine(app)
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    db.session.commit()
    for table, key in (("ballot", "id"), ("comment", "id")):
        stored = _storage_order(table, key)
        assert len(stored) == 9 and stored == sorted(stored), table
    if not databases.is_postgres():
        sql = dict(
            db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type='table'")).all()
        )
        assert all("WITHOUT ROWID" in sql[table] for table in BALLOT_TABLES)


def test_once_the_box_closes_no_write_stamp_links_a_ballot_to_its_token(app):
    m = _cast_nine(app)
    meeting_rows = f"WHERE meeting_id = {m.id}"
    if databases.is_postgres():
        # While the box is open each ballot shares its transaction with its used token.
        assert _write_stamps("ballot") & _write_stamps("token", meeting_rows)
    meetings.transition(db.session.get(User, m.created_by_id), m, Transition.CLOSE)
    db.session.commit()
    if databases.is_postgres():
        stamps = {t: _write_stamps(t) for t in ("ballot", "comment", "form5_mark")}
        stamps["token"] = _write_stamps("token", meeting_rows)
        # One rewrite stamped them all alike: no stamp tells one ballot from another.
        assert all(len(s) == 1 for s in stamps.values())
        assert len(set.union(*stamps.values())) == 1
    else:
        # SQLite: the log that grouped each ballot's pages with its token's is emptied.
        wal = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///") + "-wal"
        assert Path(wal).stat().st_size == 0


def test_a_token_row_records_use_but_no_time_of_use(app):
    columns = {c["name"] for c in inspect(db.engine).get_columns("token")}
    assert "is_used" in columns
    assert not {c for c in columns if "_at" in c or "time" in c or "ballot" in c}


def test_comments_cannot_be_joined_to_choices(app):
    m = factories.meeting(app)
    values = factories.slip_values(app, m)
    factories.cast(app, m, values[0], duty="poor", comment="批评意见")
    factories.cast(app, m, values[1], duty="good")
    comment = db.session.scalars(select(Comment)).one()
    assert set(Comment.__table__.columns.keys()) == {"id", "meeting_id", "body"}
    assert comment.id not in {b.id for b in db.session.scalars(select(Ballot))}
    assert results.comments(m) == ["批评意见"]


def test_tokens_and_voter_addresses_never_reach_the_logs(app, client, actions, caplog):
    import logging

    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    caplog.set_level(logging.DEBUG)
    werkzeug = logging.getLogger("werkzeug")
    # The lines werkzeug's server writes for these requests, through our filter.
    for path, status in ((f"/v/{value}", 200), ("/v/review", 200)):
        werkzeug.info(
            '%s - - [24/Nov/2026 10:00:00] "%s" %s -', "10.1.2.3", f"GET {path} HTTP/1.1", status
        )
    client.get(f"/v/{value}")
    actions.vote(m, value)
    text_logged = "\n".join(r.getMessage() for r in caplog.records)
    secret = value.split(".")[2]
    assert secret not in text_logged and value not in text_logged
    assert "10.1.2.3" not in text_logged
    assert "/v/…" in text_logged
