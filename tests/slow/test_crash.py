"""A crash in the middle of a hall's burst: `kill -9` to gunicorn's master and workers.

Every submit that was acknowledged (a 200 that is the receipt, its address in
Content-Location) must be in the box afterwards, the
slips used must equal the ballots stored (one transaction stores both), no ballot may be
half stored, and the database must check clean. Runs on the suite's engine: the SQLite half
on a file database, the PostgreSQL half when TEST_DATABASE_URL is set (CI runs both).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text

from ballot_app.extensions import db
from ballot_app.models import Ballot, Form5Mark, Form6Mark, Meeting, Token

from .. import databases, factories, servers
from ..conftest import SECRET

PHONES = 200
CONCURRENT = 40
KILL_AFTER = 60  #: acknowledged submits before the kill: the middle of the burst
BURST_SECONDS = 150  #: the whole burst, bounded; each request has its own timeout too
REQUEST_SECONDS = 30
FORM5 = ("excellent", "competent", "basically_competent", "incompetent")
FORM6 = ("good", "fairly_good", "average", "poor")


def _pattern(i: int, evaluees: int) -> tuple[str, ...]:
    """Phone i's choices, different for every phone (4^5 = 1024 ≥ PHONES): in a test, a
    ballot can then be told apart from the others by its contents alone."""
    digits = [(i // 4**n) % 4 for n in range(evaluees + 2)]
    return (*(FORM5[d] for d in digits[:evaluees]), *(FORM6[d] for d in digits[evaluees:]))


def _form(m_id: int, value: str, evaluees: list[int], pattern: tuple[str, ...]) -> dict:  # type: ignore[type-arg]
    data = {"slip": value, "meeting": str(m_id), "confirm_empty": "0"}
    data.update({f"f5_{e}": mark for e, mark in zip(evaluees, pattern, strict=False)})
    data["f6_duty"], data["f6_activity"] = pattern[-2], pattern[-1]
    return data


def _receipt(r: requests.Response, *, again: bool = False) -> bool:
    """The submit's answer is the receipt itself (a first cast's, or with `again` a repeated
    submit's), its own address in Content-Location and no redirect."""
    where = r.headers.get("Content-Location", "")
    return (
        r.status_code == 200
        and "Location" not in r.headers
        and where.startswith("/v/receipt/")
        and where.endswith("?again=1") == again
        and 'class="receipt-code"' in r.text
        and ("这张测评码已经投过票" if again else "投票成功") in r.text
    )


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _gunicorn_master() -> int:
    for pid in _children(os.getpid()):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise AssertionError("no gunicorn started by this test")


def _is_gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] in "ZX"
    except OSError:
        return True


def _kill_9(master: int) -> list[int]:
    """SIGKILL to the master first (so it cannot start new workers), then every worker."""
    workers = _children(master)
    for pid in (master, *workers):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not all(_is_gone(p) for p in (master, *workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_is_gone(p) for p in (master, *workers)), "gunicorn survived kill -9"
    return workers


def _stored_patterns(meeting_id: int) -> Counter[tuple[str, ...]]:
    """Each stored ballot's choices, in the test's order (evaluees, then duty, activity)."""
    rows: dict[str, dict[object, str]] = {}
    five = select(Form5Mark.ballot_id, Form5Mark.evaluee_id, Form5Mark.mark).join(
        Ballot, Ballot.id == Form5Mark.ballot_id
    )
    for ballot_id, evaluee, mark in db.session.execute(five.where(Ballot.meeting_id == meeting_id)):
        rows.setdefault(ballot_id, {})[evaluee] = mark
    six = select(Form6Mark.ballot_id, Form6Mark.item, Form6Mark.mark)
    for ballot_id, item, mark in db.session.execute(six.where(Form6Mark.meeting_id == meeting_id)):
        rows.setdefault(ballot_id, {})[item] = mark
    evaluees = factories.evaluee_ids(db.session.get(Meeting, meeting_id))
    keys = (*evaluees, "duty", "activity")
    return Counter(tuple(marks.get(k, "?") for k in keys) for marks in rows.values())


def _integrity() -> None:
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        return
    for table in db.metadata.sorted_tables:  # every row of every table reads back
        db.session.execute(select(table)).all()
        db.session.scalar(select(func.count()).select_from(table))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_kill_9_mid_burst_keeps_every_acknowledged_ballot_and_no_half_ballot(
    engine, app, database_uri, tmp_path, runner
):
    if (engine == "postgresql") != databases.is_postgres():
        pytest.skip(f"the suite runs on {databases.describe()}; CI runs it on both engines")
    m = factories.meeting(app, a=0, b=PHONES, members=3)
    meeting_id, evaluees = m.id, factories.evaluee_ids(m)
    values = factories.slip_values(app, m)
    patterns = [_pattern(i, len(evaluees)) for i in range(PHONES)]
    forms = [_form(meeting_id, v, evaluees, p) for v, p in zip(values, patterns, strict=True)]
    db.session.remove()
    log = tmp_path / "gunicorn.log"
    acked: list[int] = []
    answers: Counter[str] = Counter()
    enough = threading.Event()
    lock = threading.Lock()

    with servers.gunicorn(database_uri, tmp_path / "node", SECRET, workers=3, log=log) as base:
        master = _gunicorn_master()
        deadline = time.monotonic() + BURST_SECONDS

        def phone(i: int) -> None:
            if time.monotonic() > deadline:
                return
            try:
                r = requests.post(
                    f"{base}/v/submit",
                    data=forms[i],
                    allow_redirects=False,
                    timeout=REQUEST_SECONDS,
                )
            except requests.RequestException:
                with lock:
                    answers["no answer"] += 1
                return
            with lock:
                if _receipt(r):
                    acked.append(i)
                    if len(acked) >= KILL_AFTER:
                        enough.set()
                answers[str(r.status_code)] += 1

        def killer() -> None:
            enough.wait(timeout=BURST_SECONDS / 2)
            _kill_9(master)

        kill = threading.Thread(target=killer)
        kill.start()
        with ThreadPoolExecutor(CONCURRENT) as pool:
            list(pool.map(phone, range(PHONES)))
        kill.join(timeout=60)
        assert not kill.is_alive()

    stored_patterns = _stored_patterns(meeting_id)
    stored = db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.meeting_id == meeting_id)
    )
    used = db.session.scalar(
        select(func.count()).select_from(Token).where(Token.meeting_id == meeting_id, Token.is_used)
    )
    print(
        f"\ncrash ({engine}): {PHONES} phones, {CONCURRENT} at once, kill -9 after "
        f"{KILL_AFTER} acknowledged: acknowledged {len(acked)}, stored {stored}, "
        f"tokens used {used}, answers {dict(answers)}"
    )
    assert KILL_AFTER <= len(acked) < PHONES, "the kill did not land in the middle"
    assert answers["no answer"] > 0
    assert used == stored >= len(acked)
    # Every acknowledged ballot is in the box, each ballot once, none half stored.
    assert all(n == 1 for n in stored_patterns.values())
    assert {patterns[i] for i in acked} <= set(stored_patterns)
    assert set(stored_patterns) <= set(patterns)
    marks5 = db.session.scalar(select(func.count()).select_from(Form5Mark))
    marks6 = db.session.scalar(select(func.count()).select_from(Form6Mark))
    assert (marks5, marks6) == (len(evaluees) * stored, 2 * stored)
    _integrity()
    checked = runner.invoke(args=["verify"])
    assert checked.exit_code == 0, checked.output
    db.session.remove()

    # The app comes back on the same database: an acknowledged slip stays used, a slip
    # never sent still votes.
    unsent = next(i for i in range(PHONES) if patterns[i] not in stored_patterns)
    with servers.gunicorn(database_uri, tmp_path / "node", SECRET, workers=1, log=log) as base:
        again = requests.post(
            f"{base}/v/submit", data=forms[acked[0]], allow_redirects=False, timeout=30
        )
        assert again.status_code in (200, 409)
        assert again.status_code == 409 or _receipt(again, again=True), again.text
        fresh = requests.post(
            f"{base}/v/submit", data=forms[unsent], allow_redirects=False, timeout=30
        )
        assert _receipt(fresh), fresh.text
    after = db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.meeting_id == meeting_id)
    )
    assert after == stored + 1
