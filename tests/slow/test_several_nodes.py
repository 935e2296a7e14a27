"""Several app processes on several "nodes" (gunicorn servers) sharing one database."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ballot_app.extensions import db
from ballot_app.models import Ballot, Receipt

from .. import factories, servers
from ..conftest import SECRET
from .receipts import CODE, assert_cast_once

SUBMITS = 40


@pytest.fixture
def two_nodes(app, database_uri, tmp_path):
    """Two gunicorn servers, two workers each, on different ports, one database."""
    log = tmp_path / "gunicorn.log"
    with (
        servers.gunicorn(database_uri, tmp_path / "node1", SECRET, log=log) as one,
        servers.gunicorn(database_uri, tmp_path / "node2", SECRET, log=log) as two,
    ):
        yield (one, two), log


@pytest.mark.slow
def test_forty_submits_of_one_slip_across_two_nodes_store_one_ballot(app, two_nodes):
    (one, two), log = two_nodes
    m = factories.meeting(app, members=5)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m), "confirm_empty": "0"}
    db.session.remove()
    start = threading.Barrier(SUBMITS, timeout=30)

    def submit(i: int) -> requests.Response:
        base = (one, two)[i % 2]
        with requests.Session() as s:
            start.wait()
            return s.post(f"{base}/v/submit", data=data, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(SUBMITS) as pool:
        answers = list(pool.map(submit, range(SUBMITS)))

    # One cast (a 200 that is the receipt, its address in Content-Location); the rest
    # 码已使用, or the same receipt again marked as a repeat.
    assert_cast_once(answers)
    assert db.session.query(Ballot).count() == 1
    assert db.session.query(Receipt).count() == 0  # derived at certification, not stored now
    assert sum(t.is_used for t in factories.tokens(m)) == 1

    # Both nodes served submits, and their access logs hold no slip and no address.
    logged = log.read_text()
    assert logged.count("POST /v/submit") == SUBMITS
    assert value.split(".")[2] not in logged and value not in logged
    assert "127.0.0.1" not in logged.replace(f"{one}", "").replace(f"{two}", "")


@pytest.mark.slow
def test_a_phone_may_move_between_nodes_mid_ballot(app, two_nodes):
    (one, two), log = two_nodes
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    db.session.remove()
    data = {"slip": value, **factories.form_for(m), "confirm_empty": "0"}
    with requests.Session() as phone:
        assert phone.get(f"{one}/v/{value}", timeout=10).status_code == 200
        assert "请核对您的选择" in phone.post(f"{two}/v/review", data=data, timeout=10).text
        receipt = phone.post(f"{one}/v/submit", data=data, allow_redirects=False, timeout=10)
        assert receipt.status_code == 200 and "投票成功" in receipt.text
        where = receipt.headers["Content-Location"]
        assert where.startswith("/v/receipt/") and "again" not in where
        # The receipt cookie was set by node one; node two shows the same receipt.
        again = phone.get(f"{two}/v/{value}", allow_redirects=False, timeout=10)
        assert again.status_code == 303 and again.headers["Location"] == where
        shown = phone.get(f"{two}{where}", timeout=10)
        assert shown.status_code == 200 and CODE.findall(shown.text) == CODE.findall(receipt.text)
    assert f"GET /v/{value}" not in log.read_text() and "GET /v/…" in log.read_text()


@pytest.mark.slow
def test_a_teller_polling_one_node_sees_votes_cast_on_the_other(app, two_nodes):
    """Live updates come from the database, not from one process's memory: a teller's
    phone polls node one, phones vote on node two, and node one's answer moves."""
    (one, two), _ = two_nodes
    m = factories.meeting(app, a=0, b=6, members=1)
    m.live_step = 3
    teller = factories.teller(m, name="jipiao")
    values = factories.slip_values(app, m)
    meeting_id, username = m.id, teller.username
    data = factories.form_for(m)
    db.session.remove()
    with requests.Session() as watcher, requests.Session() as phone:
        form = watcher.get(f"{one}/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
        assert token, form
        login = {"username": username, "password": factories.PASSWORD, "csrf_token": token[1]}
        assert watcher.post(f"{one}/login", data=login, timeout=10).status_code == 200
        first = watcher.get(f"{one}/meetings/{meeting_id}/live.json", timeout=10)
        assert first.json()["live"]["returned"] == 0
        etag = first.headers["ETag"]
        assert (
            watcher.get(
                f"{one}/meetings/{meeting_id}/live.json",
                headers={"If-None-Match": etag},
                timeout=10,
            ).status_code
            == 304
        )
        for value in values[:3]:
            voted = phone.post(
                f"{two}/v/submit", data={"slip": value, **data, "confirm_empty": "0"}, timeout=10
            )
            assert voted.status_code == 200 and "投票成功" in voted.text
        moved = watcher.get(
            f"{one}/meetings/{meeting_id}/live.json", headers={"If-None-Match": etag}, timeout=10
        )
        assert moved.status_code == 200
        live = moved.json()["live"]
        assert (live["returned"], live["results_ballots"]) == (3, 3)  # a whole step: shown


@pytest.mark.slow
def test_gunicorn_stops_with_the_upgrade_command_on_an_old_schema(tmp_path):
    import os
    import subprocess
    import sys

    from .. import databases

    with databases.empty(tmp_path) as uri:
        env = {
            **os.environ,
            "DATABASE_URL": uri,
            "SECRET_KEY": SECRET,
            "BALLOT_BIND": f"127.0.0.1:{servers.free_port()}",
            "WEB_CONCURRENCY": "1",
            "BALLOT_INSTANCE_PATH": str(tmp_path),
        }
        done = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=servers.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0
    assert "flask --app ballot_app db upgrade" in done.stderr
    assert done.stderr.count("Booting worker") <= 2  # stopped, not restarting forever
