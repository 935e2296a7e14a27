"""Phones, replayed: each takes a slip and goes through one of the flows (FLOWS):

- "js", the JavaScript page (2 requests): GET the ballot, POST the filled form to the submit;
- "nojs", the page without JavaScript (3 requests): GET the ballot, POST the form to the
  review, POST it to the submit;
- "four", the bare baseline's four requests: as "nojs", the submit answering 303 to the
  receipt, which is fetched.

A submit succeeds when its answer is the receipt page (200, with `class="receipt-code"`), or a
303 whose page, fetched, is (so the flows run against an app that still redirects). asyncio on
raw sockets, so the load generator spends as little of the machine's CPU as it can.

Every run is bounded: a number of slips, a concurrency, and a deadline.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

REQUEST_TIMEOUT = 30.0
#: What every receipt page carries: the app's, the floor's and the baseline's.
RECEIPT_MARK = b'class="receipt-code"'


@dataclass(frozen=True)
class Flow:
    """What a phone posts before the submit, and which answers to the submit it takes."""

    review: bool  #: POST /v/review before the submit
    submit_answers: frozenset[int]  #: 200 (the receipt page) and/or 303 (to the receipt)


FLOWS = {
    "js": Flow(False, frozenset({200, 303})),
    "nojs": Flow(True, frozenset({200, 303})),
    "four": Flow(True, frozenset({303})),
}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


async def http(
    host: str, port: int, method: str, path: str, form: dict[str, str] | None = None
) -> Response:
    """One HTTP/1.1 request on its own connection (as a phone behind a proxy would)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        body = urlencode(form).encode() if form is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        head += "User-Agent: bench-phone\r\nAccept-Encoding: identity\r\n"
        if form is not None:
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
            head += f"Content-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header_blob, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_blob.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, payload)


@dataclass
class Phone:
    """What one phone sends: its slip's ballot path and the form it fills."""

    ballot_path: str
    form: dict[str, str]


@dataclass
class LoadResult:
    ballots: int = 0
    errors: int = 0
    seconds: float = 0.0
    submit_latencies: list[float] = field(default_factory=list)
    flow_latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def merge(self, other: LoadResult) -> None:
        self.ballots += other.ballots
        self.errors += other.errors
        self.seconds += other.seconds
        self.submit_latencies += other.submit_latencies
        self.flow_latencies += other.flow_latencies
        self.error_samples += other.error_samples[: 5 - len(self.error_samples)]

    @property
    def per_second(self) -> float:
        return self.ballots / self.seconds if self.seconds else 0.0

    def percentile(self, which: str, p: float) -> float:
        values = self.submit_latencies if which == "submit" else self.flow_latencies
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def _receipt(host: str, port: int, done: Response, flow: Flow) -> None:
    """The submit's answer is the receipt page, or a 303 to it that is followed."""
    if done.status not in flow.submit_answers:
        raise RuntimeError(f"submit {done.status}: {done.body[:200]!r}")
    if done.status == 303:
        path = done.headers["location"].split("://", 1)[-1].partition("/")[2]
        done = await http(host, port, "GET", "/" + path)
        if done.status != 200:
            raise RuntimeError(f"receipt {done.status}")
    if RECEIPT_MARK not in done.body:
        raise RuntimeError(f"submit answered {done.status} without a receipt: {done.body[:200]!r}")


async def _phone_flow(host: str, port: int, phone: Phone, flow: Flow, result: LoadResult) -> None:
    began = time.perf_counter()
    page = await http(host, port, "GET", phone.ballot_path)
    if page.status != 200:
        raise RuntimeError(f"ballot page {page.status}")
    if flow.review:
        review = await http(host, port, "POST", "/v/review", phone.form)
        if review.status != 200:
            raise RuntimeError(f"review {review.status}: {review.body[:200]!r}")
    submitted = time.perf_counter()
    await _receipt(host, port, await http(host, port, "POST", "/v/submit", phone.form), flow)
    ended = time.perf_counter()
    result.ballots += 1
    result.submit_latencies.append(ended - submitted)
    result.flow_latencies.append(ended - began)


async def _run(
    host: str, port: int, phones: list[Phone], flow: Flow, concurrency: int, deadline: float
) -> LoadResult:
    result = LoadResult()
    queue: asyncio.Queue[Phone] = asyncio.Queue()
    for phone in phones:
        queue.put_nowait(phone)

    async def worker() -> None:
        while not queue.empty() and time.perf_counter() < deadline:
            phone = queue.get_nowait()
            try:
                await asyncio.wait_for(
                    _phone_flow(host, port, phone, flow, result), REQUEST_TIMEOUT
                )
            except (TimeoutError, OSError, RuntimeError, KeyError, ValueError) as e:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{type(e).__name__}: {e}")

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - began
    result.errors += queue.qsize()  # slips never tried before the deadline
    return result


def run_load(
    base_url: str, phones: list[Phone], flow: str, concurrency: int, time_limit: float
) -> LoadResult:
    """Replay the phones through the flow (a key of FLOWS) at the given concurrency, stopping
    at the time limit."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    deadline = time.perf_counter() + time_limit
    return asyncio.run(_run(host, int(port), phones, FLOWS[flow], concurrency, deadline))


async def _race(host: str, port: int, phone: Phone) -> list[int]:
    answers = await asyncio.gather(
        *(http(host, port, "POST", "/v/submit", phone.form) for _ in range(2))
    )
    return [a.status for a in answers]


def race(base_url: str, phones: list[Phone], count_ballots: Callable[[], int]) -> tuple[int, int]:
    """Two browsers submit one slip at the same moment (the JavaScript flow's submit), once
    per phone.

    Returns (double ballots, errors): a double is a slip that stored two ballots; an error
    is an answer pair without a success (200, or 303 to the receipt) or with anything but
    200, 303 and 409 (a submit that finds its slip already used answers 409, or, in
    ballot_app, that slip's own receipt again).
    """
    host, _, port = base_url.removeprefix("http://").partition(":")
    before = count_ballots()
    errors = 0
    for phone in phones:
        statuses = sorted(asyncio.run(_race(host, int(port), phone)))
        errors += not set(statuses) & {200, 303} or not set(statuses) <= {200, 303, 409}
    stored = count_ballots() - before
    return max(0, stored - len(phones)), errors
