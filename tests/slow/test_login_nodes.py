"""Logins slowed and sessions ended across two gunicorn nodes sharing one database."""

from __future__ import annotations

import re
import time

import pytest
import requests

from ballot_app.extensions import db

from .. import factories, servers
from ..conftest import SECRET

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def two_nodes(app, database_uri, tmp_path):  # type: ignore[no-untyped-def]
    """Two gunicorn servers, two workers each, on different ports, one database."""
    log = tmp_path / "gunicorn.log"
    with (
        servers.gunicorn(database_uri, tmp_path / "node1", SECRET, log=log) as one,
        servers.gunicorn(database_uri, tmp_path / "node2", SECRET, log=log) as two,
    ):
        yield one, two


def _post(base: str, browser: requests.Session, path: str, data: dict, page: str = "/login"):  # type: ignore[no-untyped-def]
    """A form post as a browser sends it: the page first (its CSRF token), then the post."""
    html = browser.get(f"{base}{page}", timeout=30).text
    token = TOKEN.search(html)
    assert token, html
    headers = {"Origin": base, "Referer": f"{base}{page}"}
    return browser.post(
        f"{base}{path}",
        data={**data, "csrf_token": token[1]},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def _login(base: str, password: str, browser: requests.Session | None = None):  # type: ignore[no-untyped-def]
    data = {"username": "wang", "password": password}
    if browser is not None:
        return _post(base, browser, "/login", data)
    with requests.Session() as fresh:  # a new client each time: no cookie carried over
        return _post(base, fresh, "/login", data)


@pytest.mark.slow
def test_failures_on_one_node_slow_the_next_try_on_the_other(app, two_nodes):
    """After 8 failures, alternating nodes (5 free, then waits of 2 and 4 seconds), the
    right password on the other node is refused for 8 seconds, then accepted."""
    one, two = two_nodes
    factories.user(name="wang")
    db.session.remove()
    nodes = [one, two]
    for i in range(5):
        assert _login(nodes[i % 2], f"guess-{i}").status_code == 401
    for i, wait in ((5, 2), (6, 4), (7, 8)):
        r = _login(nodes[i % 2], f"guess-{i}")
        assert r.status_code == 401 and f"下次请等 {wait} 秒再试" in r.text
        if wait < 8:
            time.sleep(wait + 0.2)
    refused = _login(two, factories.PASSWORD)
    assert refused.status_code == 429 and "秒后再试" in refused.text
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 9, retry
    assert _login(one, factories.PASSWORD).status_code == 429  # the first node agrees
    time.sleep(retry + 0.2)
    assert _login(one, factories.PASSWORD).status_code == 302


@pytest.mark.slow
def test_a_cookie_copied_before_logout_fails_on_both_nodes_after_it(app, two_nodes):
    one, two = two_nodes
    factories.user(name="wang")
    db.session.remove()
    with requests.Session() as browser:
        assert _login(one, factories.PASSWORD, browser).status_code == 302
        copied = browser.cookies.get("session")
        with requests.Session() as thief:
            thief.cookies.set("session", copied)
            assert thief.get(f"{two}/", allow_redirects=False, timeout=30).status_code == 200
            out = _post(two, browser, "/logout", {}, page="/")
            assert out.status_code == 302 and out.headers["Location"].endswith("/login")
            for base in (one, two):
                r = thief.get(f"{base}/", allow_redirects=False, timeout=30)
                assert r.status_code == 302 and "/login" in r.headers["Location"], base
