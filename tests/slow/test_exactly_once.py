"""Exactly once, with real concurrent HTTP requests against a running server."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ballot_app.extensions import db
from ballot_app.models import Ballot, Receipt

from .. import factories
from .receipts import CODE, assert_cast_once

SUBMITS = 20


@pytest.mark.slow
def test_concurrent_submits_of_one_slip_store_exactly_one_ballot(app, live_server, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    m = factories.meeting(app, members=5)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m), "confirm_empty": "0"}
    db.session.remove()  # the server's threads get their own sessions
    start = threading.Barrier(SUBMITS, timeout=20)

    def submit(_: int) -> requests.Response:
        with requests.Session() as s:
            start.wait()
            return s.post(f"{live_server}/v/submit", data=data, allow_redirects=False, timeout=30)

    with ThreadPoolExecutor(SUBMITS) as pool:
        answers = list(pool.map(submit, range(SUBMITS)))

    # One submit casts: a 200 that is the receipt, its address in Content-Location. The
    # others find the slip used: 码已使用, or (once the winner has committed) the slip's own
    # receipt again, marked as a repeat. Never a second receipt.
    assert_cast_once(answers)
    assert db.session.query(Ballot).count() == 1
    assert db.session.query(Receipt).count() == 0  # derived at certification, not stored now
    assert sum(t.is_used for t in factories.tokens(m)) == 1

    # The real server's request log: the slip and the voters' address never appear.
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert sum("POST /v/submit" in line for line in lines) == SUBMITS
    assert not any(value.split(".")[2] in line for line in lines)
    assert not any(line.startswith("127.0.0.1") for line in lines if " /v" in line), lines[:3]


@pytest.mark.slow
def test_a_phone_votes_through_the_real_server(app, live_server):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    db.session.remove()
    with requests.Session() as s:
        page = s.get(f"{live_server}/v/{value}", timeout=10)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        data = {"slip": value, **factories.form_for(m), "confirm_empty": "0"}
        review = s.post(f"{live_server}/v/review", data=data, timeout=10)
        assert "请核对您的选择" in review.text
        receipt = s.post(f"{live_server}/v/submit", data=data, allow_redirects=False, timeout=10)
        assert receipt.status_code == 200 and "投票成功" in receipt.text
        assert 'class="receipt-code"' in receipt.text and "Location" not in receipt.headers
        where = receipt.headers["Content-Location"]
        assert where.startswith("/v/receipt/") and "again" not in where
        shown = s.get(f"{live_server}{where}", timeout=10)
        assert shown.status_code == 200 and "投票成功" in shown.text
        assert CODE.findall(shown.text) == CODE.findall(receipt.text)
        again = s.get(f"{live_server}/v/{value}", allow_redirects=False, timeout=10)
        # The cookie brings the receipt back (by redirect: the slip leaves the address bar).
        assert again.status_code == 303 and again.headers["Location"] == where
