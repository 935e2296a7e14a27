"""Logging in: slowed per account and per client in the shared store, as slow for an unknown
name as for a known one, sessions that end, a password policy, and `next=` kept on the site."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from flask import g
from sqlalchemy import select

from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Throttle, User
from ballot_app.services import accounts, throttle
from ballot_app.services.errors import InvalidInput

from .. import factories
from ..conftest import SECRET


class Clock:
    """The throttle's clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "clock", found)
    return found


@pytest.fixture(autouse=True)
def user_per_request(app):  # type: ignore[no-untyped-def]
    """Each request finds its user from its own cookie, as on a server: the tests share one
    app context, where Flask-Login would keep the previous request's user in `g`."""

    def forget() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def fresh(client, path: str = "/"):  # type: ignore[no-untyped-def]
    """A GET in an app context of its own, as every real request has: the test's shared
    context would keep the previous request's user in `g` (Flask-Login caches it there)."""
    with client.application.app_context():
        return client.get(path)


def _login(client, username: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


# --- slowed per account -----------------------------------------------------------------------


def test_five_wrong_passwords_are_free_then_each_try_waits_longer(app, clock):
    factories.user(name="wang")
    # A new client per try (no cookie at all), as a script would send them.
    statuses = [_login(app.test_client(), "wang", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    sixth = _login(app.test_client(), "wang", "guess-5")
    assert sixth.status_code == 401 and "下次请等 2 秒再试" in sixth.get_data(as_text=True)
    # Even the right password is refused until the wait is over, and the page says how long.
    refused = _login(app.test_client(), "wang", factories.PASSWORD)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "请等 2 秒后再试" in html
    assert refused.headers["Retry-After"] == "3"
    clock.now += 2
    assert _login(app.test_client(), "wang", "guess-6").status_code == 401  # waits 4 s now
    clock.now += 3
    assert _login(app.test_client(), "wang", factories.PASSWORD).status_code == 429
    clock.now += 1
    assert _login(app.test_client(), "wang", factories.PASSWORD).status_code == 302
    # A good login forgets the account's failures: five free ones again.
    assert [_login(app.test_client(), "wang", "x" * 10).status_code for _ in range(5)] == [401] * 5


def test_the_probes_three_hundred_guesses_get_ten_looked_at(app, clock):
    """The probe sent 300 wrong passwords at about 430 a minute from one client: now 5 are
    free, then each waits 2, 4, 8, 16 … seconds, and the rest are refused unchecked."""
    factories.user(name="wang")
    statuses = []
    for i in range(300):
        statuses.append(_login(app.test_client(), "wang", f"guess-{i}").status_code)
        clock.now += 60 / 430
    assert statuses.count(401) == 10 and statuses.count(429) == 290


def test_a_day_of_guessing_one_account_gets_about_a_hundred_tries(app):
    """An attacker who tries again the moment each wait ends: after the 15-minute cap is
    reached, one try per 15 minutes, and the count is never forgiven while it goes on."""
    counted = throttle.key(SECRET, "login-account", "wang")
    now, tries = 1_900_000_000.0, 0
    end = now + 24 * 3600
    while now < end:
        now += throttle.check(counted, now=now)
        throttle.fail(counted, now=now)
        tries += 1
    assert 100 <= tries <= 115, tries
    waits = [throttle.RULES["login-account"].delay(n) for n in range(1, 20)]
    assert waits[:5] == [0] * 5 and waits[5:9] == [2, 4, 8, 16] and max(waits) == 900
    # A quiet quarter of an hour after the last wait ends forgives the account.
    quiet = now + throttle.check(counted, now=now) + 900
    assert throttle.fail(counted, now=quiet) == 0


def test_an_unknown_name_is_slowed_exactly_like_a_known_one(app, clock):
    factories.user(name="wang")
    for name in ("wang", "nobody-here"):
        statuses = [_login(app.test_client(), name, "guess-guess").status_code for _ in range(7)]
        assert statuses == [401] * 6 + [429], name


def test_the_wait_is_per_account_and_a_name_is_one_account_whatever_its_case(app, clock):
    factories.user(name="wang")
    other = factories.user(name="zhao")
    for _ in range(6):
        _login(app.test_client(), " WANG ", "guess-guess")
    assert _login(app.test_client(), "wang", factories.PASSWORD).status_code == 429
    assert _login(app.test_client(), other.username, factories.PASSWORD).status_code == 302


def test_counts_from_many_processes_at_once_add_up(app):
    """One conditional INSERT … ON CONFLICT UPDATE per failure: none is lost in a race."""
    counted = throttle.key(SECRET, "login-account", "wang")

    def fail(_: int) -> None:
        with app.app_context():
            throttle.fail(counted)
            db.session.remove()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fail, range(40)))
    db.session.expire_all()
    assert db.session.get(Throttle, counted).tries == 40


# --- slowed per client, never locked out ------------------------------------------------------


def test_one_address_spraying_many_names_is_slowed_but_never_locked_out(app, clock):
    factories.user(name="wang")
    client = throttle.key(SECRET, "login-client", "127.0.0.1")
    for _ in range(100):
        throttle.fail(client)
    assert _login(app.test_client(), "wang", factories.PASSWORD).status_code == 302
    for _ in range(1000):
        wait = throttle.fail(client)
    assert 0 < wait <= 30  # after 1,100 failures: still at most half a minute
    assert throttle.check(client) <= 30
    r = _login(app.test_client(), "wang", factories.PASSWORD)
    assert r.status_code == 429 and "请等 30 秒后再试" in r.get_data(as_text=True)
    clock.now += 30
    assert _login(app.test_client(), "wang", factories.PASSWORD).status_code == 302


def test_the_client_is_the_address_the_proxy_saw(app, clock):
    """Behind the reverse proxy on this machine, X-Forwarded-For's last entry is the client;
    a client that sends its own header does not choose its address."""
    office = throttle.key(SECRET, "login-client", "203.0.113.7")
    for _ in range(140):
        throttle.fail(office)
    factories.user(name="wang")
    via_proxy = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    assert (
        _login(app.test_client(), "wang", factories.PASSWORD, headers=via_proxy).status_code == 429
    )
    elsewhere = {"X-Forwarded-For": "203.0.113.7, 198.51.100.2"}
    assert (
        _login(app.test_client(), "wang", factories.PASSWORD, headers=elsewhere).status_code == 302
    )
    not_a_proxy = {"REMOTE_ADDR": "192.0.2.9"}
    r = app.test_client().post(
        "/login",
        data={"username": "wang", "password": factories.PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base=not_a_proxy,
    )
    assert r.status_code == 302


def test_the_shared_store_holds_no_name_address_or_password_in_clear(app, clock):
    factories.user(name="wangxiaoming")
    for i in range(7):
        _login(app.test_client(), "wangxiaoming", f"secret-guess-{i}")
    rows = [line for line in factories.dump_database().splitlines() if line.startswith("throttle")]
    assert len(rows) == 2
    stored = " ".join(db.session.scalars(select(Throttle.key)))
    for clear in ("wangxiaoming", "127.0.0.1", "secret-guess"):
        assert clear not in " ".join(rows)
    assert {k.split(":")[0] for k in stored.split()} == {"login-account", "login-client"}


# --- the same time for a known and an unknown name --------------------------------------------


def test_a_known_and_an_unknown_name_take_the_same_time(app):
    factories.user(name="wang")
    accounts.authenticate("nobody", "warm-up")  # the dummy hash is made once
    took: dict[str, list[float]] = {"wang": [], "nobody-at-all": []}
    for _ in range(10):  # interleaved, so a busy moment of the machine hits both alike
        for name, times in took.items():
            started = time.perf_counter()
            assert accounts.authenticate(name, "a wrong password") is None
            times.append(time.perf_counter() - started)
    known, unknown = (statistics.median(t) for t in took.values())
    assert abs(known - unknown) / max(known, unknown) < 0.30, (known, unknown)
    disabled = factories.user(name="gone")
    disabled.is_enabled = False
    db.session.commit()
    assert accounts.authenticate("gone", factories.PASSWORD) is None


# --- the password policy -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "sentence"),
    [
        ("short pw1", "密码至少 10 位"),
        ("12345678901", "不能只用一种字符（例如全是数字）"),
        ("abcdefghijkl", "不能只用一种字符"),
        ("password123", "这个密码太常见"),
        ("Woaini1314", "这个密码太常见"),
        ("zhanghua2024", "不能是用户名"),
        ("ZhangHua", "密码至少 10 位"),
    ],
)
def test_weak_passwords_are_refused_with_a_sentence(app, password, sentence):
    with pytest.raises(InvalidInput) as refused:
        accounts.create_user("zhanghua", password, Role.ORGANIZER)
    assert sentence in refused.value.fields["password"]
    assert db.session.scalar(select(User).where(User.username == "zhanghua")) is None


def test_the_test_password_and_temporary_passwords_satisfy_the_policy():
    assert accounts.password_problem(factories.PASSWORD, "organizer1") is None
    for _ in range(50):
        temporary = accounts.temporary_password()
        assert accounts.password_problem(temporary, "someone") is None and len(temporary) == 14


# --- sessions end ------------------------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_no_longer_works_after_it(app, client, actions):
    user = factories.user(name="wang")
    actions.login_as(user)
    copied = client.get_cookie("session").value
    other_device = app.test_client()
    factories.Actions(app, other_device).login_as(user)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert fresh(thief).status_code == 200  # the copy works while the session lasts
    client.post("/logout")
    r = fresh(thief)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    # Logging out ends every session of the account, the other device's too.
    assert fresh(other_device).status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, actions):
    user = factories.user(name="wang")
    other = app.test_client()
    factories.Actions(app, other).login_as(user)
    actions.login_as(user)
    assert fresh(other).status_code == 200
    new = "a new long phrase 7"
    r = client.post("/password", data={"current": factories.PASSWORD, "new": new, "repeat": new})
    assert r.status_code == 302
    assert fresh(client).status_code == 200
    assert fresh(other).status_code == 302
    assert accounts.authenticate("wang", new) is not None


def test_changing_my_password_says_what_is_wrong(app, client, actions):
    actions.login_as(factories.user(name="wang"))
    wrong = client.post("/password", data={"current": "not it", "new": "x", "repeat": "x"})
    assert wrong.status_code == 400 and "现在的密码不对" in wrong.get_data(as_text=True)
    weak = client.post(
        "/password",
        data={"current": factories.PASSWORD, "new": "1234567890", "repeat": "1234567890"},
    )
    assert weak.status_code == 400 and "不能只用一种字符" in weak.get_data(as_text=True)
    differs = client.post(
        "/password",
        data={"current": factories.PASSWORD, "new": "a new long phrase 7", "repeat": "another 7"},
    )
    html = differs.get_data(as_text=True)
    assert differs.status_code == 400 and "两次输入的新密码不一样" in html
    assert factories.PASSWORD not in html and "a new long phrase 7" not in html


# --- next= stays on the site -------------------------------------------------------------------

ELSEWHERE = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%0d%0aLocation:%20https://evil.example",
    "/\r\nLocation: https://evil.example",
    "/\t/evil.example",
    "///evil.example",
    " //evil.example",
    "/%5Cevil.example",
    "http:evil.example",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_next_never_leaves_the_site_and_never_fails(app, target):
    factories.user(name="wang")
    r = app.test_client().post(
        "/login",
        query_string={"next": target},
        data={"username": "wang", "password": factories.PASSWORD},
    )
    assert r.status_code == 302
    assert r.headers["Location"] == "/"


def test_next_to_a_page_of_ours_is_followed(app):
    factories.user(name="wang")
    r = app.test_client().post(
        "/login?next=/audit%3Fmeeting%3D1",
        data={"username": "wang", "password": factories.PASSWORD},
    )
    assert urlsplit(r.headers["Location"]).path == "/audit"
