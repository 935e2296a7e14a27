"""The bad-input property test (tests/web/test_bad_input.py) at length: at least 10,000
generated requests over every route, as every kind of visitor, on the suite's database
(SQLite, or PostgreSQL with TEST_DATABASE_URL). Prints how many requests were sent and how
many answered 5xx; any 5xx fails the test, listed with what was sent."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from ..web.test_bad_input import World, check_one, requests, settings_for, world_of

pytestmark = pytest.mark.slow

#: One request per example; the examples a failing store check shrinks come on top.
REQUESTS = 10_000
#: A bound on the whole run, for a slow machine: the count is checked, not the time.
MAX_SECONDS = 1800


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    yield from world_of(app)


def test_ten_thousand_generated_requests_answer_no_5xx(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()

    @settings_for(REQUESTS)
    @given(data=st.data())
    def one_request(data: st.DataObject) -> None:
        if time.monotonic() - started < MAX_SECONDS:
            check_one(world, data.draw(requests(world), label="request"))

    one_request()
    took = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nbad input: {world.requests} generated requests, {len(world.errors)} answered 5xx "
            f"({took:.0f} s, database put back {world.restores} times)"
        )
    assert not world.errors, "\n".join(world.errors[:20])
    assert world.requests >= REQUESTS
