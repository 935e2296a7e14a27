"""Real servers for the slow tests: gunicorn with the shipped configuration, on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120  #: bounded, and generous for a slow, loaded machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    database_uri: str, instance: Path, secret: str, *, workers: int = 2, log: Path
) -> Iterator[str]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on a free loopback port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "BALLOT_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "DATABASE_URL": database_uri,
        "SECRET_KEY": secret,
        "PUBLIC_BASE_URL": "https://ceping.example.org",
        "BALLOT_INSTANCE_PATH": str(instance),
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # refused, or accepted and answered late: try again
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s:\n{log.read_text()}")
