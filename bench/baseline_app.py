"""The bare stack: Flask + SQLAlchemy + gunicorn on the same database, with nothing but the
essential work, as two apps from one factory.

- The floor (`floor=True`), what the JavaScript flow's two requests cost at the least:
  GET /v/<slip> checks the token row and answers a fixed page; POST /v/submit marks the
  token used and inserts one ballot row with 15 child rows in one transaction, and answers
  200 with a fixed receipt page (409 when the slip is used).
- The baseline, the same four requests as the app's former flow: the ballot as above, a fixed
  review page, the submit as above answering 303 to a fixed receipt page.

No templates, no signing, no sessions, no forms library, no audit.

Served by gunicorn with the same configuration as the app: `bench.baseline_app:create_app()`
(the baseline) or `bench.baseline_app:create_app(floor=True)`, with BASELINE_DATABASE_URL
naming its database.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from typing import Any

from flask import Flask, redirect, request
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)

metadata = MetaData()
token = Table(
    "bl_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("secret_hash", String(64), unique=True, nullable=False),
    Column("is_used", Boolean, nullable=False, default=False),
)
ballot = Table(
    "bl_ballot",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("category", String(1), nullable=False),
)
mark = Table(
    "bl_mark",
    metadata,
    Column("ballot_id", String(32), ForeignKey("bl_ballot.id"), primary_key=True),
    Column("row", String(16), primary_key=True),
    Column("mark", String(16), nullable=False),
)

PAGE = b"<!doctype html><meta charset=utf-8><title>ballot</title><form method=post></form>"
RECEIPT = b'<!doctype html><meta charset=utf-8><title>receipt</title><p class="receipt-code">0</p>'


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def make_engine(url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # The same SQLite set-up as the app: WAL, busy timeout, BEGIN IMMEDIATE for writes.
        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None
            for pragma in ("busy_timeout = 15000", "journal_mode = WAL", "synchronous = NORMAL"):
                dbapi.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_app(url: str | None = None, *, floor: bool = False) -> Flask:
    """The baseline (four requests), or with `floor` the floor (two requests)."""
    app = Flask(__name__)
    engine = make_engine(url or os.environ["BASELINE_DATABASE_URL"])

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.get("/v/<value>")
    def ballot_page(value: str) -> Any:
        with engine.connect() as conn:
            used = conn.scalar(
                select(token.c.is_used).where(token.c.secret_hash == secret_hash(value))
            )
        if used is None:
            return "unknown", 404
        return ("used", 409) if used else PAGE

    @app.post("/v/submit")
    def submit() -> Any:
        form = request.form
        rows = [(k, v) for k, v in form.items() if k.startswith(("f5_", "f6_"))]
        ballot_id = secrets.token_hex(16)
        with engine.begin() as conn:
            claimed = conn.execute(
                update(token)
                .where(token.c.secret_hash == secret_hash(form["slip"]), token.c.is_used.is_(False))
                .values(is_used=True)
            ).rowcount
            if claimed != 1:
                return "used", 409
            conn.execute(insert(ballot).values(id=ballot_id, category="B"))
            conn.execute(
                insert(mark), [{"ballot_id": ballot_id, "row": k, "mark": v} for k, v in rows]
            )
        receipt_path = f"/v/receipt/{ballot_id[:12]}"
        if floor:
            return RECEIPT, 200, {"Content-Location": receipt_path}
        return redirect(receipt_path, 303)

    if not floor:

        @app.post("/v/review")
        def review() -> bytes:
            return PAGE

        @app.get("/v/receipt/<code>")
        def receipt(code: str) -> bytes:
            return RECEIPT

    return app


def prepare(url: str, slips: list[str]) -> None:
    """Create the tables and one token row per slip."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(token), [{"secret_hash": secret_hash(s), "is_used": False} for s in slips]
        )
    engine.dispose()


def count_ballots(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(ballot))
    engine.dispose()
    return int(n or 0)
