"""SPEC "Secrecy": no link from a ballot to a token, a person, a time or an address."""

from sqlalchemy import inspect, select, text

from ballot_app.extensions import db
from ballot_app.models import Ballot, Comment, Receipt
from ballot_app.services import results

from . import factories

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


def test_ballot_tables_have_no_rowid_so_storage_order_follows_random_keys(app):
    sql = dict(
        db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type='table'")).all()
    )
    for table in BALLOT_TABLES:
        assert "WITHOUT ROWID" in sql[table]


def test_ballot_comment_and_receipt_keys_are_random_not_sequential(app):
    m = factories.meeting(app, a=3, b=6)
    for value in factories.slip_values(app, m):
        factories.cast(app, m, value, comment="意见")
    for _model, key in ((Ballot, Ballot.id), (Comment, Comment.id), (Receipt, Receipt.code)):
        keys = list(db.session.scalars(select(key)))
        assert len(set(keys)) == len(keys) == 9
        assert not all(k.isdigit() for k in keys)
    # Storage order is key order, which is random: unrelated to the order of casting.
    stored = list(db.session.scalars(text("SELECT id FROM ballot")))
    assert stored == sorted(stored)


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
