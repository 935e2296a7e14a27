"""Races between people acting at the same moment, each decided by one conditional
statement: real concurrent HTTP requests, lined up by a barrier, against two gunicorn nodes
(two processes each) sharing one database, TRIES times per race, on SQLite and (with
TEST_DATABASE_URL) on PostgreSQL.

Every race asserts no server error (no 5xx, no traceback in the nodes' log), exactly one
winner where the rules allow only one, a Chinese refusal for the other, and stored counts
that agree with what was answered: slips used == phone ballots, a voided slip never used,
certified figures equal to a recount of the box. Each prints its figures (run with -s).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from ballot_app.domain.choices import Category, Source
from ballot_app.domain.marks import Packet
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Meeting, PaperStack, Token, Unit, User
from ballot_app.services import meetings, paper, results, slips, tellers
from ballot_app.services.unlinking import erase_casting_order

from .. import databases, factories, servers
from ..conftest import SECRET

TRIES = 30
TIMEOUT = 60  #: seconds for one request: generous for a slow, loaded machine
ENGINE = "PostgreSQL" if databases.is_postgres() else "SQLite"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CONFIRMED = {"confirmed": "y"}


# --- the people and the servers --------------------------------------------------------------


@pytest.fixture
def nodes(app: Flask, database_uri: str, tmp_path: Path) -> Iterator[tuple[tuple[str, str], Path]]:
    """Two gunicorn servers on one database, three sync workers each (room for every
    request of a race at once)."""
    log = tmp_path / "gunicorn.log"
    with (
        servers.gunicorn(database_uri, tmp_path / "node1", SECRET, workers=3, log=log) as one,
        servers.gunicorn(database_uri, tmp_path / "node2", SECRET, workers=3, log=log) as two,
    ):
        yield (one, two), log
    text = log.read_text()
    assert "Traceback" not in text and "Exception on" not in text, text[-3000:]


class Person:
    """A staff member's browser, logged in, its CSRF token kept for its posts. The session
    cookie is signed with the nodes' common key, so it works on either node."""

    def __init__(self, base: str, user: User) -> None:
        self.http = requests.Session()
        self.token = self._token(base, "/login")
        login = {"username": user.username, "password": factories.PASSWORD}
        answer = self.post(base, "/login", login)
        assert answer.status_code == 302, answer.text
        self.token = self._token(base, "/")

    def _token(self, base: str, path: str) -> str:
        """The page's CSRF token ("" where CSRF is off: the live server's test config)."""
        page = self.http.get(base + path, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:2000]
        found = CSRF.search(page.text)
        return found[1] if found else ""

    def post(self, base: str, path: str, data: dict[str, str]) -> requests.Response:
        posted = {**data, "csrf_token": self.token} if self.token else data
        return self.http.post(base + path, data=posted, allow_redirects=False, timeout=TIMEOUT)


def phone_submit(base: str, ballot: dict[str, str], value: str) -> Callable[[], requests.Response]:
    """A phone submitting this filled ballot (factories.form_for) with this slip."""
    data = {"slip": value, **ballot, "confirm_empty": "0"}

    def submit() -> requests.Response:
        return requests.post(f"{base}/v/submit", data=data, allow_redirects=False, timeout=TIMEOUT)

    return submit


def cast(answer: requests.Response) -> bool:
    """A phone's submit that cast: the answer is the receipt itself (200, no redirect), its
    own address in Content-Location."""
    where = answer.headers.get("Content-Location", "")
    return (
        answer.status_code == 200
        and "Location" not in answer.headers
        and where.startswith("/v/receipt/")
        and "again" not in where
        and 'class="receipt-code"' in answer.text
        and "投票成功" in answer.text
    )


def staff_post(
    who: Person, base: str, path: str, data: dict[str, str]
) -> Callable[[], requests.Response]:
    """A staff member's confirmed post, to be run by race()."""
    return lambda: who.post(base, path, {**data, **CONFIRMED})


def race(*calls: Callable[[], requests.Response], later: float = 0.0) -> list[requests.Response]:
    """Run the calls in threads released together by a barrier, the last one `later`
    seconds after the others (the others after it when negative: to sweep the moment the
    requests meet); their answers in order."""
    settle()
    start = threading.Barrier(len(calls), timeout=30)

    def run(call: Callable[[], requests.Response], wait: float) -> requests.Response:
        start.wait()
        time.sleep(wait)
        return call()

    waits = [max(-later, 0.0)] * (len(calls) - 1) + [max(later, 0.0)]
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call, wait) for call, wait in zip(calls, waits, strict=True)]
        return [f.result(timeout=TIMEOUT * 2) for f in futures]


def sweep(i: int, step: float = 0.004) -> float:
    """The last request's delay in try i (see race): from -4 to +5 steps, over and over. The requests' own work differs (a staff page reads more before it writes than a
    phone), so a range of offsets lands some tries inside the few milliseconds where their
    writes overlap."""
    return ((i % 10) - 4) * step


@dataclass
class Figures:
    """What one race measured, printed at its end."""

    name: str
    tries: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    def count(self, answers: list[requests.Response], outcome: str) -> None:
        self.tries += 1
        self.outcomes[outcome] += 1
        self.statuses.update(a.status_code for a in answers)

    def failed(self, answers: list[requests.Response]) -> bool:
        """Count a try that met a server error (the race is lost for the code, not for a
        person), so that the figures show how often; report() then fails the test."""
        if all(a.status_code < 500 for a in answers):
            return False
        self.count(answers, "server error")
        return True

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def report(self) -> None:
        print(
            f"\nRACE {self.name} [{ENGINE}]: {self.tries} tries, "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
            + f"; statuses {dict(sorted(self.statuses.items()))}; 5xx {self.server_errors}"
        )
        assert self.server_errors == 0


def said(answer: requests.Response, *sentences: str) -> bool:
    """A 4xx page saying one of these sentences."""
    return 400 <= answer.status_code < 500 and any(s in answer.text for s in sentences)


# --- building meetings in the test process ---------------------------------------------------


@dataclass
class Staff:
    organizer: User
    second: User  #: another organizer of the same group
    admin: User
    teller: User
    unit: Unit


@pytest.fixture
def staff(app: Flask) -> Staff:
    organizer = factories.user(name="kaohe1")
    unit = factories.unit(organizer, members=1)
    return Staff(
        organizer,
        factories.user(name="kaohe2"),
        factories.user(Role.ADMIN, name="admin1"),
        factories.user(Role.TELLER, name="jipiao1"),
        unit,
    )


def new_meeting(app: Flask, staff: Staff, i: int, *, b: int, votes: int = 0) -> Meeting:
    """An open meeting of table B only (one evaluee), `votes` phone ballots cast, the
    teller assigned, five paper forms handed out."""
    m = meetings.create_meeting(
        staff.organizer,
        staff.unit,
        meetings.MeetingInput(f"第{i}次测评", date(2026, 12, 1), True, True, 0, b),
        factories.keys(app),
    )
    tellers.assign(staff.organizer, m, staff.teller.id)
    m.paper_issued = 5
    meetings.transition(staff.organizer, m, Transition.OPEN)
    for value in factories.slip_values(app, m)[:votes]:
        factories.cast(app, m, value)
    return m


def close(staff: Staff, m: Meeting) -> None:
    meetings.transition(staff.organizer, m, Transition.CLOSE)


def counted_stack(app: Flask, staff: Staff, m: Meeting, sheets: int) -> int:
    """A paper stack of table B entered and counted by the teller; returns its number."""
    stack = paper.open_stack(staff.teller, m, Category.B)
    data = factories.form_for(m)
    marks = {k: v for k, v in data.items() if k.startswith(("f5_", "f6_"))}
    for _ in range(sheets):
        paper.enter_sheet(staff.teller, m, stack, Packet(marks))
    assert paper.finish_pass(staff.teller, m, stack) == []
    return int(stack.number)


def settle() -> None:
    """Let the servers have the database: no transaction left open in the test process (on
    SQLite an open reader would hold up the close's rebuild of the file)."""
    db.session.commit()


def fresh(meeting_id: int) -> Meeting:
    db.session.expire_all()
    found = db.session.get(Meeting, meeting_id)
    assert found is not None
    return found


def consistent_box(meeting_id: int) -> tuple[int, int]:
    """Slips used == phone ballots and no slip both used and voided; (used, voided)."""
    slips = list(db.session.scalars(select(Token).where(Token.meeting_id == meeting_id)))
    assert not any(t.is_used and t.is_voided for t in slips)
    used = sum(t.is_used for t in slips)
    phone = db.session.scalar(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.meeting_id == meeting_id, Ballot.source == Source.PHONE)
    )
    assert used == phone
    return used, sum(t.is_voided for t in slips)


def certified_equals_recount(meeting_id: int) -> None:
    """The figures stored at certification are what the box holds now, counted afresh."""
    m = fresh(meeting_id)
    assert m.state == MeetingState.CERTIFIED and m.certified_result
    stored = json.loads(m.certified_result)
    with db.session.no_autoflush:
        m.certified_result = None  # in memory only: meeting_results counts the box again
        recount = results.meeting_results(m).as_dict()
    db.session.rollback()
    assert stored == json.loads(json.dumps(recount))
    assert db.session.scalar(select(func.count()).where(PaperStack.meeting_id == meeting_id)) == 0


def events(meeting_id: int, action: str) -> int:
    query = select(func.count()).where(
        AuditEvent.meeting_id == meeting_id, AuditEvent.action == action
    )
    return int(db.session.scalar(query) or 0)


# --- 1. voiding a slip while its voter submits -----------------------------------------------


@pytest.mark.slow
def test_void_and_submit_of_one_slip_at_once_one_wins(app, nodes, staff):
    (one, two), _ = nodes
    m = new_meeting(app, staff, 1, b=TRIES)
    pairs = [
        (r.code, r.url.removeprefix("/v/")) for r in slips.slip_rows(m, factories.keys(app), "")
    ]
    meeting_id, ballot = m.id, factories.form_for(m)
    organizer = Person(one, staff.organizer)
    figures = Figures("void-versus-submit")
    for i, (code, value) in enumerate(pairs):
        here, there = (one, two) if i % 2 else (two, one)
        void, vote = race(
            staff_post(organizer, here, f"/meetings/{meeting_id}/slips/void", {"code": code}),
            phone_submit(there, ballot, value),
            later=sweep(i),
        )
        if figures.failed([void, vote]):
            continue
        voided, voted = void.status_code == 302, cast(vote)
        assert voided != voted, (void.status_code, vote.status_code)
        if voided:
            assert said(vote, "已被工作人员作废"), vote.text
            figures.count([void, vote], "void won")
        else:
            assert said(void, "已经投过票，不能作废"), void.text
            late = "刚刚" in void.text  # refused by the UPDATE itself, not the read before it
            figures.count(
                [void, vote], "submit won (UPDATE refused the void)" if late else "submit won"
            )
    figures.report()
    used, voided = consistent_box(meeting_id)
    assert used == sum(v for k, v in figures.outcomes.items() if k.startswith("submit"))
    assert voided == figures.outcomes["void won"]
    assert events(meeting_id, "slips.void") == voided


@pytest.mark.slow
def test_two_voids_by_count_at_once_void_each_slip_once_and_say_how_many(app, nodes, staff):
    (one, two), _ = nodes
    m = new_meeting(app, staff, 1, b=4 * TRIES + 10, votes=4)
    close(staff, m)
    meeting_id = m.id
    first, second = Person(one, staff.organizer), Person(two, staff.second)
    figures = Figures("void-by-count twice")
    reported = 0
    for i in range(TRIES):
        path = f"/meetings/{meeting_id}/slips/void-count"
        answers = race(
            staff_post(first, one, path, {"count_a": "0", "count_b": "2"}),
            staff_post(second, two, path, {"count_a": "0", "count_b": "2"}),
            later=sweep(i),
        )
        if figures.failed(answers):
            continue
        assert all(a.status_code in (302, 400) for a in answers), [a.status_code for a in answers]
        for a in answers:
            if a.status_code == 400:
                assert said(a, "刚刚已经被作废或用掉了", "没有用过的测评码"), a.text
        done = []
        for who, base, a in zip((first, second), (one, two), answers, strict=True):
            if a.status_code == 302:
                page = urljoin(base, a.headers["Location"])
                flashed = who.http.get(page, timeout=TIMEOUT).text
                n = re.search(r"已作废 (\d+) 张没有发出的测评码", flashed)
                assert n, flashed[:2000]
                done.append(int(n[1]))
        reported += sum(done)
        figures.count(answers, "both voided 2" if done == [2, 2] else f"voided {done}")
    figures.report()
    used, voided = consistent_box(meeting_id)
    assert used == 4 and voided == reported


# --- 2. closing the box while phones submit, and two closes at once --------------------------

VOTERS = 3
CLOSED_SENTENCE = "本次测评已结束"
CLOSED_ALREADY = "投票箱刚刚已经关闭了"


@pytest.mark.slow
def test_close_while_phones_submit_and_a_second_close_one_close_wins(app, nodes, staff):
    (one, two), _ = nodes
    organizer, second = Person(one, staff.organizer), Person(two, staff.second)
    figures = Figures("close-versus-submit (two closes, three phones)")
    accepted = refused = 0
    for i in range(TRIES):
        m = new_meeting(app, staff, i, b=VOTERS + 1)
        values = factories.slip_values(app, m)
        meeting_id, ballot = m.id, factories.form_for(m)
        path = f"/meetings/{meeting_id}/close"
        answers = race(
            staff_post(organizer, one, path, {}),
            staff_post(second, two, path, {}),
            *(phone_submit((one, two)[k % 2], ballot, values[k]) for k in range(VOTERS)),
            later=sweep(i),
        )
        if figures.failed(answers):
            continue
        closes, votes = answers[:2], answers[2:]
        assert sorted(a.status_code for a in closes) == [302, 409], [a.status_code for a in closes]
        assert all(said(a, CLOSED_ALREADY) for a in closes if a.status_code == 409)
        assert all(cast(a) or said(a, CLOSED_SENTENCE) for a in votes)
        voted = sum(cast(a) for a in votes)
        accepted, refused = accepted + voted, refused + VOTERS - voted
        # After the close has answered, a phone is refused: the box is closed.
        late = phone_submit(two, ballot, values[VOTERS])()
        assert said(late, CLOSED_SENTENCE), late.text
        assert fresh(meeting_id).state == MeetingState.CLOSED
        assert consistent_box(meeting_id)[0] == voted
        assert events(meeting_id, "meeting.close") == 1
        figures.count(answers, f"{voted} of {VOTERS} phones in before the close")
    figures.report()
    print(f"  phones accepted {accepted}, refused 本次测评已结束 {refused}")


@pytest.mark.slow
def test_two_closes_at_once_rebuild_the_storage_once(app, live_server, staff, monkeypatch):
    """In one process (the live server's threads), so that the rebuild can be counted."""
    rebuilt: list[int] = []

    def counting(meeting_id: int) -> None:
        rebuilt.append(meeting_id)
        erase_casting_order(meeting_id)

    monkeypatch.setattr(meetings, "erase_casting_order", counting)
    organizer, second = Person(live_server, staff.organizer), Person(live_server, staff.second)
    figures = Figures("close-versus-close (storage rebuilds counted)")
    for i in range(TRIES):
        m = new_meeting(app, staff, i, b=3, votes=2)
        meeting_id = m.id
        rebuilt.clear()
        path = f"/meetings/{meeting_id}/close"
        answers = race(
            staff_post(organizer, live_server, path, {}),
            staff_post(second, live_server, path, {}),
            later=sweep(i),
        )
        if figures.failed(answers):
            continue
        assert sorted(a.status_code for a in answers) == [302, 409]
        assert all(said(a, CLOSED_ALREADY) for a in answers if a.status_code == 409)
        assert rebuilt == [meeting_id]
        assert events(meeting_id, "meeting.close") == 1
        figures.count(answers, "one close, one rebuild")
    figures.report()


# --- 3. certifying while tellers enter paper ballots -----------------------------------------

CERTIFY = {"counter_name": "计票人甲", "scrutineer_name": "监票人乙"}
CERTIFIED_ALREADY = ("结果已经确认，会议只读", "会议现在是「已确认结果」")


@pytest.mark.slow
def test_certify_and_a_new_paper_stack_at_once_one_wins(app, nodes, staff):
    (one, two), _ = nodes
    organizer, teller = Person(one, staff.organizer), Person(two, staff.teller)
    figures = Figures("certify-versus-paper-entry (a new stack)")
    for i in range(TRIES):
        m = new_meeting(app, staff, i, b=4, votes=2)
        close(staff, m)
        counted_stack(app, staff, m, sheets=2)
        meeting_id = m.id
        certify, stack = race(
            staff_post(organizer, one, f"/meetings/{meeting_id}/certify", CERTIFY),
            staff_post(teller, two, f"/meetings/{meeting_id}/paper/stacks", {"category": "B"}),
            later=sweep(i),
        )
        if figures.failed([certify, stack]):
            continue
        certified, opened = certify.status_code == 302, stack.status_code == 302
        assert certified != opened, (certify.status_code, stack.status_code)
        if certified:
            assert said(stack, *CERTIFIED_ALREADY), stack.text
            certified_equals_recount(meeting_id)
            figures.count([certify, stack], "certify won")
        else:
            assert said(certify, "叠纸质票没有录完"), certify.text
            assert fresh(meeting_id).state == MeetingState.CLOSED
            figures.count([certify, stack], "new stack won (certify waits for it)")
        consistent_box(meeting_id)
    figures.report()


@pytest.mark.slow
def test_certify_and_a_paper_withdrawal_at_once_certify_counts_what_is_in_the_box(
    app, nodes, staff
):
    (one, two), _ = nodes
    organizer, teller = Person(one, staff.organizer), Person(two, staff.teller)
    figures = Figures("certify-versus-paper-withdrawal")
    for i in range(TRIES):
        m = new_meeting(app, staff, i, b=4, votes=2)
        close(staff, m)
        number = counted_stack(app, staff, m, sheets=3)
        meeting_id = m.id
        withdraw = {"stack": str(number), "sheet": "2", "reason": "录重了"}
        certify, taken = race(
            staff_post(organizer, one, f"/meetings/{meeting_id}/certify", CERTIFY),
            staff_post(teller, two, f"/meetings/{meeting_id}/paper/withdraw", withdraw),
            later=sweep(i),
        )
        if figures.failed([certify, taken]):
            continue
        # A withdrawal either comes first (and the certification counts without it) or
        # finds the meeting certified; the certification itself always goes through.
        assert certify.status_code == 302, certify.text
        certified_equals_recount(meeting_id)
        in_box = results.paper_ballots(meeting_id)
        if taken.status_code == 302:
            assert in_box == 2
            figures.count([certify, taken], "withdrawal first, certified without it")
        else:
            assert said(taken, *CERTIFIED_ALREADY), taken.text
            assert in_box == 3
            figures.count([certify, taken], "certify first, withdrawal refused")
        assert events(meeting_id, "paper.withdraw") == 3 - in_box
    figures.report()


# --- 4. an admin's reopen and an organizer's certification at once ---------------------------


@pytest.mark.slow
def test_reopen_and_certify_at_once_one_wins(app, nodes, staff):
    (one, two), _ = nodes
    admin, organizer = Person(one, staff.admin), Person(two, staff.organizer)
    figures = Figures("reopen-versus-certify")
    for i in range(TRIES):
        m = new_meeting(app, staff, i, b=4, votes=2)
        close(staff, m)
        meeting_id = m.id
        reopen, certify = race(
            staff_post(admin, one, f"/meetings/{meeting_id}/reopen", {"reason": "有人没投上"}),
            staff_post(organizer, two, f"/meetings/{meeting_id}/certify", CERTIFY),
            later=sweep(i),
        )
        if figures.failed([reopen, certify]):
            continue
        reopened, certified = reopen.status_code == 302, certify.status_code == 302
        assert reopened != certified, (reopen.status_code, certify.status_code)
        if certified:
            assert said(reopen, "结果刚刚已经确认", "会议现在是「已确认结果」"), reopen.text
            certified_equals_recount(meeting_id)
            figures.count([reopen, certify], "certify won")
        else:
            assert said(certify, "投票箱刚刚被管理员重新开启了", "会议现在是「投票中」"), (
                certify.text
            )
            assert fresh(meeting_id).state == MeetingState.OPEN
            assert fresh(meeting_id).certified_result is None
            figures.count([reopen, certify], "reopen won")
        consistent_box(meeting_id)
    figures.report()
