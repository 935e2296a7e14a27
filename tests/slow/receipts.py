"""What racing submits of one slip must answer: one cast, the rest 码已使用 or that slip's
receipt again; one receipt, one tracker code, however many answers."""

from __future__ import annotations

import re
from typing import Any

CODE = re.compile(r'class="receipt-code">([^<]+)<')


def assert_cast_once(answers: list[Any]) -> None:
    """The answers (requests' responses) of racing submits of one slip: exactly one cast (a
    200 that is the receipt, its address in Content-Location); the others 码已使用, or the
    same receipt again marked as a repeat. Never a second receipt."""
    assert {r.status_code for r in answers} <= {200, 409}
    assert any(r.status_code == 200 for r in answers)
    assert all("码已使用" in r.text for r in answers if r.status_code == 409)
    shown = [r for r in answers if r.status_code == 200]
    assert all("Location" not in r.headers for r in shown)
    where = [r.headers["Content-Location"] for r in shown]
    assert all(w.startswith("/v/receipt/") for w in where), where
    assert len({w.partition("?")[0] for w in where}) == 1
    assert len({CODE.findall(r.text)[0] for r in shown}) == 1  # one tracker code, every time
    cast = [r for r in shown if not r.headers["Content-Location"].endswith("?again=1")]
    assert len(cast) == 1 and "投票成功" in cast[0].text
    assert all("这张测评码已经投过票" in r.text for r in shown if r is not cast[0])
