"""Erase what the storage engine itself remembers of the order in which ballots arrived.

No column links a ballot to a token, but engines keep traces of their own:

- PostgreSQL stamps every row with the transaction that wrote it (xmin). A ballot, its marks,
  its receipt, its detached comment and its used token are written in one transaction, so
  until they are rewritten they share a stamp. Rows are also stored in the order they were
  written (heap order, visible as ctid), so a receipt's place in its table matches its
  ballot's place in theirs.
- PostgreSQL's write-ahead log holds each casting transaction whole (the token's new row
  beside the ballot's), until its segments are recycled.
- SQLite keeps each commit's pages together in the write-ahead log until a checkpoint, and
  inside a b-tree page it places each new cell below the last one written: the cells'
  offsets give the order in which rows arrived, even where keys are random, and freed cells
  stay readable unless deleted content is zeroed.

When the box closes (and again at certification, after paper ballots and the bulletin):

- PostgreSQL: the meeting's token, ballot, mark, comment and receipt rows are rewritten in
  one transaction (one stamp for all of them), each table is stored anew in key order, which
  is random (CLUSTER on the primary key), then a CHECKPOINT and a switch to a new log segment
  let the server recycle the segments that hold the casting transactions. What only the
  database operator can do (no WAL archiving during a meeting, wal_keep_size 0, no
  replication slot holding old segments) is in docs/threat-model.md.
- SQLite: the whole file is rebuilt in key order (VACUUM: every cell written afresh in key
  order, no free page left; secure_delete zeroes what is freed), then the log is
  checkpointed and truncated to nothing.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from ..database import writers_queue
from ..extensions import db

log = logging.getLogger(__name__)

#: Table → the primary-key index CLUSTER orders it by; random keys, except token's row id,
#: whose order is the order slips were printed in, not the order they were used in.
_TABLES = {
    "token": "pk_token",
    "ballot": "pk_ballot",
    "form5_mark": "pk_form5_mark",
    "form6_mark": "pk_form6_mark",
    "comment": "pk_comment",
    "receipt": "pk_receipt",
}

_REWRITE = (
    "UPDATE token SET is_used = is_used WHERE meeting_id = :m",
    "UPDATE ballot SET category = category WHERE meeting_id = :m",
    "UPDATE form5_mark SET mark = mark WHERE ballot_id IN "
    "(SELECT id FROM ballot WHERE meeting_id = :m)",
    "UPDATE form6_mark SET mark = mark WHERE ballot_id IN "
    "(SELECT id FROM ballot WHERE meeting_id = :m)",
    "UPDATE comment SET body = body WHERE meeting_id = :m",
    "UPDATE receipt SET meeting_id = meeting_id WHERE meeting_id = :m",
)


def erase_casting_order(meeting_id: int) -> None:
    """Call after the transaction that closed the box has committed."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for statement in _REWRITE:
                conn.execute(text(statement), {"m": meeting_id})
        _store_in_key_order(meeting_id)
        _recycle_postgres_log(meeting_id)
    elif engine.dialect.name == "sqlite":
        _rebuild_sqlite_file(meeting_id)


#: How long the close waits for readers to let the SQLite log be truncated.
CHECKPOINT_SECONDS = 10.0


def _rebuild_sqlite_file(meeting_id: int) -> None:
    """VACUUM, then checkpoint and truncate the log, retrying while readers hold it."""
    engine = db.engine
    with (
        writers_queue(engine),
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
    ):
        conn.exec_driver_sql("VACUUM")
        deadline = time.monotonic() + CHECKPOINT_SECONDS
        while True:
            busy, logged, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if not busy and logged == done:
                return
            if time.monotonic() > deadline:
                log.warning(
                    "meeting %s closed and its database file rebuilt, but readers kept the "
                    "write-ahead log from being emptied; it is emptied at the next checkpoint",
                    meeting_id,
                )
                return
            time.sleep(0.05)


def _recycle_postgres_log(meeting_id: int) -> None:
    """CHECKPOINT and a new log segment: the segments holding the casting transactions can
    be recycled. Needs the pg_checkpoint role (or superuser) and the right to call
    pg_switch_wal; without them the close says so in the log and goes on."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in ("CHECKPOINT", "SELECT pg_switch_wal()"):
            try:
                conn.execute(text(statement))
            except DBAPIError:
                log.warning(
                    "meeting %s closed, but the database role may not run `%s`: the server's "
                    "write-ahead log keeps the casting transactions until its segments are "
                    "recycled (see docs/threat-model.md)",
                    meeting_id,
                    statement,
                )


def _store_in_key_order(meeting_id: int) -> None:
    """CLUSTER each table; it locks the table briefly, so it gives up rather than queue."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET lock_timeout = '10s'")
        for table, index in _TABLES.items():
            try:
                conn.execute(text(f"CLUSTER {table} USING {index}"))
            except OperationalError:
                log.warning(
                    "meeting %s closed, but table %s stayed busy and keeps its storage "
                    "order until the next close or `CLUSTER %s`",
                    meeting_id,
                    table,
                    table,
                )
