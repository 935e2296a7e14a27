"""The app's side of the benchmark: a migrated database with a meeting and its slips, built
through the app's own services, and the measures taken in-process (tally, slip sheet)."""

from __future__ import annotations

import random
import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert

from ballot_app import create_app
from ballot_app.domain.choices import FORM5_CODES, FORM6_CODES, Special
from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Ballot, Comment, Form5Mark, Form6Mark, Meeting, Receipt, Token
from ballot_app.services import accounts, meetings, results, roster, slips
from ballot_app.signing import keys_for

from .load import Phone

SECRET = "bench-secret-key-" + "x" * 40
PUBLIC = "https://ceping.example.org"
ORGANIZER = ("bench", "bench-password-1")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def make_app(database_url: str, instance: Path) -> Flask:
    instance.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": PUBLIC,
            # Only the in-process measures log in; the served app keeps CSRF on.
            "WTF_CSRF_ENABLED": False,
        },
        instance_path=str(instance),
    )


def env(database_url: str, instance: Path) -> dict[str, str]:
    """What gunicorn's workers need to serve this database."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": PUBLIC,
        "BALLOT_INSTANCE_PATH": str(instance),
    }


def _meeting(app: Flask, evaluees: int, slip_count: int, unit_name: str) -> Meeting:
    owner = db.session.query(accounts.User).filter_by(username=ORGANIZER[0]).one_or_none()
    if owner is None:
        owner = accounts.create_user(*ORGANIZER, Role.ORGANIZER, group_name="测评组")
    unit = roster.create_unit(owner, unit_name, "township")
    for i in range(evaluees):
        name = SURNAMES[i % len(SURNAMES)] + "测" + "甲乙丙丁戊己庚辛"[i % 8]
        post = "党委书记" if i == 0 else "副镇长"
        roster.add_member(owner, unit, roster.MemberInput(name, post, "", is_secretary=i == 0))
    keys = keys_for(app.config["SECRET_KEY"])
    first = min(slip_count, slips.MAX_SLIPS_PER_RUN)
    data = meetings.MeetingInput("基准测评会", date(2026, 12, 1), True, True, 0, first)
    m = meetings.create_meeting(owner, unit, data, keys)
    meetings.transition(owner, m, Transition.OPEN)
    for left in range(slip_count - first, 0, -slips.MAX_SLIPS_PER_RUN):
        slips.issue_slips(owner, m, keys, 0, min(left, slips.MAX_SLIPS_PER_RUN))
    return m


def prepare_phones(app: Flask, count: int, evaluees: int = 13) -> tuple[list[Phone], int]:
    """A meeting with `evaluees` on form 5 (13 + 2 form-6 rows = 15 marks) and `count`
    slips; one phone per slip with a filled form. Returns the phones and the meeting id."""
    with app.app_context():
        upgrade()
        m = _meeting(app, evaluees, count, "基准镇")
        rows = slips.slip_rows(m, keys_for(app.config["SECRET_KEY"]), PUBLIC)
        ids = [e.id for e in m.evaluees]
        rng = random.Random(7)
        phones = []
        for row in rows:
            form = {"slip": row.url.rsplit("/", 1)[1], "meeting": str(m.id), "confirm_empty": "0"}
            form.update({f"f5_{i}": rng.choice(("excellent", "competent")) for i in ids})
            form.update({"f6_duty": "good", "f6_activity": "fairly_good"})
            phones.append(Phone("/v/" + form["slip"], form))
        meeting_id = m.id
        db.session.remove()
        db.engine.dispose()
    return phones, meeting_id


def count_ballots(app: Flask) -> int:
    with app.app_context():
        n = db.session.query(Ballot).count()
        db.session.remove()
        db.engine.dispose()
    return n


def tally_seconds(app: Flask, ballots: int, evaluees: int, repeats: int = 5) -> float:
    """Fill a meeting with `ballots` phone ballots (bulk insert), then time its tally."""
    with app.app_context():
        m = _meeting(app, evaluees, 1, "计票镇")
        rng = random.Random(11)
        ids = [e.id for e in m.evaluees]
        choices = (*FORM5_CODES, Special.EMPTY.value)
        batch = 1000
        for start in range(0, ballots, batch):
            rows = [secrets.token_hex(16) for _ in range(min(batch, ballots - start))]
            categories = [rng.choice("AB") for _ in rows]
            db.session.execute(
                insert(Ballot),
                [
                    {
                        "id": b,
                        "meeting_id": m.id,
                        "category": cat,
                        "source": "phone",
                        "has_form5": True,
                        "has_form6": True,
                    }
                    for b, cat in zip(rows, categories, strict=True)
                ],
            )
            db.session.execute(
                insert(Form5Mark),
                [
                    {"ballot_id": b, "evaluee_id": i, "category": cat, "mark": rng.choice(choices)}
                    for b, cat in zip(rows, categories, strict=True)
                    for i in ids
                ],
            )
            db.session.execute(
                insert(Form6Mark),
                [
                    {
                        "ballot_id": b,
                        "item": item,
                        "meeting_id": m.id,
                        "category": cat,
                        "mark": rng.choice(FORM6_CODES),
                    }
                    for b, cat in zip(rows, categories, strict=True)
                    for item in ("duty", "activity")
                ],
            )
            db.session.execute(
                insert(Receipt), [{"code": b[:12], "meeting_id": m.id} for b in rows]
            )
            db.session.execute(
                insert(Comment), [{"id": b, "meeting_id": m.id, "body": "建议"} for b in rows[:20]]
            )
        db.session.execute(
            insert(Token),
            [
                {
                    "meeting_id": m.id,
                    "category": "B",
                    "nonce": secrets.token_hex(16),
                    "secret_hash": secrets.token_hex(32),
                    "code_hash": secrets.token_hex(32),
                    "is_used": True,
                }
                for _ in range(ballots)
            ],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum leaves a table after a bulk of inserts: statistics, visibility map.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        best = float("inf")
        for _ in range(repeats):
            db.session.expire_all()
            meeting = db.session.get(Meeting, m.id)
            began = time.perf_counter()
            figures: Any = results.meeting_results(meeting).as_dict()
            best = min(best, time.perf_counter() - began)
        assert figures["tokens"]["used"] == ballots
        db.session.remove()
        db.engine.dispose()
    return best


def slip_sheet_seconds(app: Flask, count: int) -> tuple[float, int]:
    """Time the organizer's printable sheet of `count` slips, QR codes included."""
    with app.app_context():
        m = _meeting(app, 3, count, "印码镇")
        meeting_id = m.id
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"username": ORGANIZER[0], "password": ORGANIZER[1]})
    began = time.perf_counter()
    page = client.get(f"/print/{meeting_id}/slips")
    seconds = time.perf_counter() - began
    if page.status_code != 200:
        raise RuntimeError(f"slip sheet answered {page.status_code}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return seconds, page.data.count(b"<svg")
