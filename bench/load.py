"""Phones, replayed: each takes a slip, GETs the ballot, POSTs the filled form to the review,
POSTs the submit and follows the redirect to the receipt. asyncio on raw sockets, so the
load generator spends as little of the machine's CPU as it can.

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


async def _phone_flow(host: str, port: int, phone: Phone, result: LoadResult) -> None:
    began = time.perf_counter()
    page = await http(host, port, "GET", phone.ballot_path)
    if page.status != 200:
        raise RuntimeError(f"ballot page {page.status}")
    review = await http(host, port, "POST", "/v/review", phone.form)
    if review.status != 200:
        raise RuntimeError(f"review {review.status}: {review.body[:200]!r}")
    submitted = time.perf_counter()
    done = await http(host, port, "POST", "/v/submit", phone.form)
    if done.status != 303:
        raise RuntimeError(f"submit {done.status}: {done.body[:200]!r}")
    location = done.headers["location"]
    path = location.split("://", 1)[-1].partition("/")[2]
    receipt = await http(host, port, "GET", "/" + path)
    if receipt.status != 200:
        raise RuntimeError(f"receipt {receipt.status}")
    ended = time.perf_counter()
    result.ballots += 1
    result.submit_latencies.append(ended - submitted)
    result.flow_latencies.append(ended - began)


async def _run(
    host: str, port: int, phones: list[Phone], concurrency: int, deadline: float
) -> LoadResult:
    result = LoadResult()
    queue: asyncio.Queue[Phone] = asyncio.Queue()
    for phone in phones:
        queue.put_nowait(phone)

    async def worker() -> None:
        while not queue.empty() and time.perf_counter() < deadline:
            phone = queue.get_nowait()
            try:
                await asyncio.wait_for(_phone_flow(host, port, phone, result), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, RuntimeError, KeyError, ValueError) as e:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{type(e).__name__}: {e}")

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - began
    result.errors += queue.qsize()  # slips never tried before the deadline
    return result


def run_load(base_url: str, phones: list[Phone], concurrency: int, time_limit: float) -> LoadResult:
    """Replay the phones at the given concurrency, stopping at the time limit."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    deadline = time.perf_counter() + time_limit
    return asyncio.run(_run(host, int(port), phones, concurrency, deadline))


async def _race(host: str, port: int, phone: Phone) -> list[int]:
    answers = await asyncio.gather(
        *(http(host, port, "POST", "/v/submit", phone.form) for _ in range(2))
    )
    return [a.status for a in answers]


def race(base_url: str, phones: list[Phone], count_ballots: Callable[[], int]) -> tuple[int, int]:
    """Two browsers submit one slip at the same moment, once per phone.

    Returns (double ballots, errors): a double is a slip that stored two ballots; an error
    is an answer pair without a 303 or with anything but 303 and 409 (a submit that finds its
    slip already used answers 409, or, in ballot_app, 303 to that slip's own receipt).
    """
    host, _, port = base_url.removeprefix("http://").partition(":")
    before = count_ballots()
    errors = 0
    for phone in phones:
        statuses = sorted(asyncio.run(_race(host, int(port), phone)))
        errors += 303 not in statuses or not set(statuses) <= {303, 409}
    stored = count_ballots() - before
    return max(0, stored - len(phones)), errors
