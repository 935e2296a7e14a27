"""Erase what the storage engine itself remembers of the order in which ballots arrived.

No column links a ballot to a token, but engines keep traces of their own:

- PostgreSQL stamps every row with the transaction that wrote it (xmin). A ballot, its marks,
  its receipt, its detached comment and its used token are written in one transaction, so
  until they are rewritten they share a stamp. Rows are also stored in the order they were
  written (heap order, visible as ctid), so a receipt's place in its table matches its
  ballot's place in theirs.
- SQLite keeps each commit's pages together in the write-ahead log until a checkpoint.

When the box closes, this rewrites the meeting's token, ballot, mark, comment and receipt
rows in one transaction (one stamp for all of them) and then stores each table in key order,
which is random (CLUSTER on the primary key); on SQLite it checkpoints and truncates the
log. While the box is open the traces exist on the database server only; SPEC's "Secrecy"
and the README's "Deploying" say who may read it then.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

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
    elif engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


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
