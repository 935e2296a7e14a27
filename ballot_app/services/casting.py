"""Writing a ballot: use up the token and store the ballot, its rows and its detached comment,
all or nothing, exactly once per token however many submits race. Nothing a receipt can be
matched to is written here: the bulletin derives the tracker codes at certification.

The statements are written once as SQL: a hall's phones run them hundreds of times a
minute, and building ORM statements per request cost more than the database did.

- PostgreSQL: one statement. The UPDATE that uses up the token and the INSERTs that store the
  ballot are data-modifying parts of one WITH query; every INSERT selects from the UPDATE's
  result, so nothing is stored unless this very statement used the token. A single statement
  is atomic on its own, so it runs without BEGIN/COMMIT: one round trip instead of seven.
- SQLite: the same steps in one write transaction (BEGIN IMMEDIATE, in the writers' queue),
  sent straight to a sqlite3 cursor of the pool's connection, whose statement cache makes
  each step a few microseconds where going through SQLAlchemy cost some sixty; SQLAlchemy's
  connection and transaction objects are left out too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from ..database import end_read, read_connection, sqlite_cursor, writers_queue
from ..domain.ballot_spec import BallotSpec
from ..domain.choices import Category, Source
from ..domain.marks import Packet, is_void
from ..domain.secrecy import ballot_key
from ..extensions import db
from ..models import Ballot, Comment, Form5Mark, Form6Mark

# Enum columns hold the member's name (SQLAlchemy's default), so the text below binds names.
_CAST_POSTGRES = text(
    """
    WITH used AS (
        UPDATE token SET is_used = TRUE
        WHERE secret_hash = :hash AND category = :table AND meeting_id = :meeting
          AND NOT is_used AND NOT is_voided
          AND EXISTS (SELECT 1 FROM meeting WHERE id = :meeting AND state = 'OPEN')
        RETURNING 1
    ), ballot_row AS (
        INSERT INTO ballot (id, meeting_id, category, source, has_form5, has_form6,
                            is_form5_void, is_form6_void)
        SELECT :ballot, :meeting, :table, :source, :has_form5, :has_form6,
               :form5_void, :form6_void
        FROM used
        RETURNING id
    ), form5_rows AS (
        INSERT INTO form5_mark (ballot_id, evaluee_id, category, mark)
        SELECT ballot_row.id, row.evaluee, :table, row.mark
        FROM ballot_row,
             unnest(CAST(:evaluees AS INTEGER[]), CAST(:form5 AS VARCHAR[])) AS row(evaluee, mark)
    ), form6_rows AS (
        INSERT INTO form6_mark (ballot_id, item, meeting_id, category, mark)
        SELECT ballot_row.id, row.item, :meeting, :table, row.mark
        FROM ballot_row,
             unnest(CAST(:items AS VARCHAR[]), CAST(:form6 AS VARCHAR[])) AS row(item, mark)
    ), comment_row AS (
        INSERT INTO comment (id, meeting_id, body)
        SELECT :comment_id, :meeting, :comment FROM used WHERE :comment <> ''
    )
    SELECT count(*) FROM used
    """
)


@dataclass(frozen=True)
class BallotRows:
    """One ballot as rows, written in whichever way the engine does it best."""

    meeting_id: int
    category: Category
    source: Source
    has_form5: bool
    has_form6: bool
    form5: tuple[tuple[int, str], ...]  #: (evaluee id, mark) in meeting order
    form6: tuple[tuple[str, str], ...]  #: (item, mark)
    comment: str

    @classmethod
    def of(
        cls, meeting_id: int, category: Category, spec: BallotSpec, packet: Packet, source: Source
    ) -> BallotRows:
        form5 = tuple((int(r.key), packet.marks[r.field]) for r in spec.form5)
        form6 = tuple((r.key, packet.marks[r.field]) for r in spec.form6)
        return cls(
            meeting_id,
            category,
            source,
            bool(form5),
            bool(form6),
            form5,
            form6,
            packet.comment,
        )

    @property
    def form5_void(self) -> bool:
        return self.has_form5 and is_void([m for _, m in self.form5])

    @property
    def form6_void(self) -> bool:
        return self.has_form6 and is_void([m for _, m in self.form6])


def use_token_and_store(secret_hash: str, rows: BallotRows) -> bool:
    """Use up the token (unused, unvoided, of this meeting and table, meeting open) and store
    the ballot; False, storing nothing, when the token could not be used."""
    if db.engine.dialect.name == "postgresql":
        return _in_one_statement(secret_hash, rows)
    end_read()
    with writers_queue(db.engine), sqlite_cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            stored = _in_sqlite_steps(cursor, secret_hash, rows)
        except BaseException:
            if cursor.connection.in_transaction:  # SQLite may have rolled back already
                cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
        return stored


# SQLite, in the stored forms SQLAlchemy uses: enum member names, booleans as 0/1.
_SQLITE_STEPS = {
    "use": "UPDATE token SET is_used = 1 WHERE secret_hash = ? AND category = ? "
    "AND meeting_id = ? AND NOT is_used AND NOT is_voided "
    "AND EXISTS (SELECT 1 FROM meeting WHERE id = ? AND state = 'OPEN')",
    "ballot": "INSERT INTO ballot (id, meeting_id, category, source, has_form5, has_form6, "
    "is_form5_void, is_form6_void) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "form5": "INSERT INTO form5_mark (ballot_id, evaluee_id, category, mark) VALUES (?, ?, ?, ?)",
    "form6": "INSERT INTO form6_mark (ballot_id, item, meeting_id, category, mark) "
    "VALUES (?, ?, ?, ?, ?)",
    "comment": "INSERT INTO comment (id, meeting_id, body) VALUES (?, ?, ?)",
}


def _in_sqlite_steps(cursor: Any, secret_hash: str, rows: BallotRows) -> bool:
    m, table = rows.meeting_id, rows.category.name
    cursor.execute(_SQLITE_STEPS["use"], (secret_hash, table, m, m))
    if cursor.rowcount != 1:
        return False  # nothing written; the transaction ends without a change
    ballot_id = ballot_key()
    cursor.execute(
        _SQLITE_STEPS["ballot"],
        (
            ballot_id,
            m,
            table,
            rows.source.name,
            rows.has_form5,
            rows.has_form6,
            rows.form5_void,
            rows.form6_void,
        ),
    )
    cursor.executemany(_SQLITE_STEPS["form5"], [(ballot_id, e, table, k) for e, k in rows.form5])
    cursor.executemany(_SQLITE_STEPS["form6"], [(ballot_id, i, m, table, k) for i, k in rows.form6])
    if rows.comment:
        cursor.execute(_SQLITE_STEPS["comment"], (ballot_key(), m, rows.comment))
    return True


def _in_one_statement(secret_hash: str, rows: BallotRows) -> bool:
    with read_connection() as conn:  # autocommit: the statement is its own transaction
        used = conn.execute(
            _CAST_POSTGRES,
            {
                "hash": secret_hash,
                "table": rows.category.name,
                "meeting": rows.meeting_id,
                "ballot": ballot_key(),
                "source": rows.source.name,
                "has_form5": rows.has_form5,
                "has_form6": rows.has_form6,
                "form5_void": rows.form5_void,
                "form6_void": rows.form6_void,
                "evaluees": [e for e, _ in rows.form5],
                "form5": [m for _, m in rows.form5],
                "items": [i for i, _ in rows.form6],
                "form6": [m for _, m in rows.form6],
                "comment_id": ballot_key(),
                "comment": rows.comment,
            },
        ).scalar_one()
    return bool(used == 1)


def store_without_token(rows: BallotRows) -> tuple[str, str | None]:
    """Add a paper ballot to the session's transaction (the caller commits): the same rows as
    a phone ballot, source paper, no token and no receipt. Returns the keys of the ballot and
    of its comment, so that a mistaken entry can be withdrawn before certification."""
    table = rows.category
    ballot = Ballot(
        id=ballot_key(),
        meeting_id=rows.meeting_id,
        category=table,
        source=rows.source,
        has_form5=rows.has_form5,
        has_form6=rows.has_form6,
        is_form5_void=rows.form5_void,
        is_form6_void=rows.form6_void,
    )
    ballot.form5_marks = [Form5Mark(evaluee_id=e, category=table, mark=m) for e, m in rows.form5]
    ballot.form6_marks = [
        Form6Mark(item=i, meeting_id=rows.meeting_id, category=table, mark=m) for i, m in rows.form6
    ]
    db.session.add(ballot)
    comment_id = None
    if rows.comment:
        comment_id = ballot_key()
        db.session.add(Comment(id=comment_id, meeting_id=rows.meeting_id, body=rows.comment))
    return ballot.id, comment_id
