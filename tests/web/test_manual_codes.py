"""Typed manual codes: guessing is slowed per browser session, per meeting and per bucket of
codes in the shared store, never per address; only failures are counted, never a success."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from ballot_app.domain import codes
from ballot_app.extensions import db
from ballot_app.models import Throttle
from ballot_app.services import throttle

from .. import factories
from ..conftest import SECRET
from .test_login import Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The throttle's clock, moved by the test instead of waited for."""
    found = Clock()
    monkeypatch.setattr(throttle, "clock", found)
    return found


def _unknown(prefix: str = "") -> str:
    """A well-formed code (its check character right) that no slip has."""
    data = prefix + "".join(secrets.choice(codes.ALPHABET) for _ in range(10 - len(prefix)))
    return codes.grouped(data + codes.check_char(data))


def _post(app, code: str, meeting_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    """One try from a phone that keeps no cookie (a script drops it)."""
    data = {"code": code, **({"m": str(meeting_id)} if meeting_id else {})}
    return app.test_client(use_cookies=False).post("/v", data=data).status_code


def _rows() -> list[Throttle]:
    return list(db.session.scalars(select(Throttle)))


def test_dropping_the_cookie_no_longer_gives_unlimited_guesses(app, clock):
    """The probe got 38,000 guesses a minute by dropping the cookie. Now 30 unknown codes
    are looked up, then each further try waits: a burst of 200 gets 31 looked at."""
    m = factories.meeting(app)
    real = factories.manual_codes(app, m)[0]
    statuses = [_post(app, _unknown()) for _ in range(200)]
    assert statuses.count(404) == 31 and statuses.count(429) == 169
    page = app.test_client().post("/v", data={"code": real}).get_data(as_text=True)
    assert "请等 2 秒后再试" in page and "扫码不用等" in page
    # The QR does not wait, and the wait is short: 2 seconds later a try is looked at.
    value = factories.slip_values(app, m)[0]
    assert app.test_client().get(f"/v/{value}").status_code == 200
    clock.now += 2
    assert _post(app, real) == 200


def test_an_hour_of_guessing_one_meeting_gets_under_five_hundred_codes_looked_at(app):
    """An attacker who tries the moment each wait ends, from any number of phones: per
    meeting (or per short address) 30 free, then one every 8 seconds."""
    counted = throttle.code_keys(SECRET, _unknown().replace("-", ""), None)[0]
    now, looked_at = 1_900_000_000.0, 0
    while now < 1_900_000_000.0 + 3600:
        now += throttle.check(counted, now=now)
        throttle.fail(counted, now=now)
        looked_at += 1
    assert 475 <= looked_at <= 490, looked_at  # 483: 30 free, 2 + 4 s, then one per 8 s


def test_each_meeting_counts_apart_and_an_unknown_meeting_counts_with_the_short_address(app, clock):
    one = factories.meeting(app, unit_name="甲镇")
    two = factories.meeting(app, unit_name="乙镇")
    for _ in range(31):
        _post(app, _unknown(), one.id)
    assert _post(app, _unknown(), one.id) == 429
    assert _post(app, _unknown(), two.id) == 404
    assert _post(app, _unknown()) == 404  # the short address /v has its own counter
    for _ in range(31):
        _post(app, _unknown(), 999_999)  # no such meeting: counted as naming none
    assert _post(app, _unknown()) == 429
    assert _post(app, factories.manual_codes(app, two)[0], two.id) == 200


def test_hammering_the_rest_of_one_slips_code_is_slowed_by_its_bucket(app, clock):
    """Someone who read the first six characters off a slip tries the rest: after 10
    failures in that bucket every code starting so waits, up to a minute each."""
    m = factories.meeting(app)
    real = factories.manual_codes(app, m)[0].replace("-", "")
    prefix = real[:6]
    statuses = [_post(app, _unknown(prefix)) for _ in range(12)]
    assert statuses == [404] * 11 + [429]
    assert _post(app, real) == 429  # its own code waits too: the bucket cannot tell
    bucket = throttle.code_keys(SECRET, real, None)[1]
    other = next(
        c
        for c in (_unknown() for _ in range(100))
        if throttle.code_keys(SECRET, c.replace("-", ""), None)[1] != bucket
    )
    assert _post(app, other) == 404  # other buckets are looked at
    clock.now += 60
    assert _post(app, real) == 200


def test_typos_and_successes_write_nothing_to_the_shared_store(app, clock):
    m = factories.meeting(app)
    real = factories.manual_codes(app, m)
    typo = real[0][:-1] + ("0" if real[0][-1] != "0" else "1")  # the check character is off
    assert [_post(app, typo) for _ in range(40)] == [404] * 40
    assert _post(app, real[0]) == 200
    other = factories.meeting(app, unit_name="乙镇")
    assert _post(app, real[1], other.id) == 403  # a real code of another meeting
    factories.cast(app, m, factories.slip_values(app, m)[0])
    assert _rows() == []


def test_stored_keys_name_no_code_and_no_slip(app, clock):
    """Failures are kept under a meeting's key and one of 64 buckets, each holding about a
    64th of every meeting's codes: no stored row points to one slip or holds a code."""
    m = factories.meeting(app, a=40, b=40)
    for _ in range(20):
        _post(app, _unknown(), m.id)
    rows = _rows()
    buckets = {throttle.key(SECRET, "code-part", f"bucket-{n}") for n in range(64)}
    meeting = throttle.key(SECRET, "code-meeting", str(m.id))
    assert {r.key for r in rows} <= buckets | {meeting}
    real = [c.replace("-", "") for c in factories.manual_codes(app, m)]
    per_bucket = {}
    for code in real:
        per_bucket.setdefault(throttle.code_keys(SECRET, code, m.id)[1], []).append(code)
    assert len(per_bucket) > 30  # 80 slips spread over the buckets …
    dump = factories.dump_database()
    assert not any(code in dump or code[:6] in dump for code in real)
