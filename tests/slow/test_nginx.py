"""The README's nginx configuration, run: the fenced ```nginx block under "Deploying" in
README.md, with only its addresses, name, certificate and log path replaced, in front of two
gunicorn nodes on 127.0.0.1 sharing one database. What the README promises of the proxy is
checked through it: TLS with HSTS, gzip, the app's headers and caching passed through, no
credential in its log, slow phones buffered, and X-Forwarded-Proto reaching the app.

Needs Debian's nginx (`.ci/run` installs it) and openssl; skipped with the reason otherwise.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ballot_app.domain.roles import Role
from ballot_app.extensions import db

from .. import factories, servers
from ..conftest import SECRET

NGINX = Path("/usr/sbin/nginx")
OPENSSL = shutil.which("openssl")
START_SECONDS = 30  #: nginx starts in well under a second; generous for a loaded machine
TRICKLE_SECONDS = 3.0  #: how long a slow phone takes to send its POST body
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not NGINX.exists(), reason="/usr/sbin/nginx is missing (.ci/run installs Debian's nginx)"
    ),
    pytest.mark.skipif(
        OPENSSL is None, reason="openssl is missing: no certificate for the TLS listener"
    ),
]


def readme_nginx_block() -> str:
    """The fenced ```nginx block of README.md's "Deploying" section, dedented."""
    readme = (servers.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Deploying\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"^( *)```nginx\n(.*?)^\1```$", section, re.S | re.M)
    assert found, "README.md's Deploying section has no ```nginx block"
    return textwrap.dedent(found[2])


def _replace(text: str, pattern: str, new: str | Callable[[re.Match[str]], str], n: int) -> str:
    """`pattern` replaced; it must occur `n` times, so a reshaped README block fails here
    instead of being tested with an address of the example left in."""
    result, found = re.subn(pattern, new, text)
    assert found == n, f"README nginx block: {pattern!r} found {found} times, expected {n}"
    return result


def site_config(block: str, nodes: tuple[str, ...], port: int, d: Path) -> str:
    """The README block with the test's nodes, port, name, certificate and log."""
    addresses = iter(node.removeprefix("http://") for node in nodes)
    text = _replace(block, r"(?<=\bserver )[\w.-]+:\d+(?=;)", lambda _: next(addresses), 2)
    text = _replace(text, r"\blisten 443 ssl\b", f"listen 127.0.0.1:{port} ssl", 1)
    text = _replace(text, r"\bserver_name [^;]+;", "server_name localhost;", 1)
    text = _replace(text, r"\baccess_log \S+ ballot;", f"access_log {d}/access.log ballot;", 1)
    text = _replace(text, r"\berror_log \S+ crit;", f"error_log {d}/site-error.log crit;", 1)
    text = _replace(text, r"\bssl_certificate \S+;", f"ssl_certificate {d}/cert.pem;", 1)
    text = _replace(text, r"\bssl_certificate_key \S+;", f"ssl_certificate_key {d}/key.pem;", 1)
    assert "/var/" not in text and "/etc/" not in text, text
    return text


def main_config(d: Path) -> str:
    """A minimal nginx.conf around the site: one process, every path under `d`, so it runs
    as root or not without touching /var. `daemon off;` comes from the command line."""
    temps = "\n".join(
        f"  {kind}_temp_path {d}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""\
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log error;
events {{ worker_connections 256; }}
http {{
  access_log {d}/other-access.log;
{temps}
  include {d}/ballot.conf;
}}
"""


def self_signed_certificate(d: Path) -> None:
    """cert.pem and key.pem for 127.0.0.1 and localhost, valid for two days."""
    subprocess.run(
        [
            str(OPENSSL),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(d / "key.pem"),
            "-out",
            str(d / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _session(cert: Path | None = None) -> requests.Session:
    """Straight to 127.0.0.1: no proxy from the environment, and REQUESTS_CA_BUNDLE (which
    would override `verify`) ignored; https trusts only `cert`."""
    s = requests.Session()
    s.trust_env = False
    if cert:
        s.verify = str(cert)
    return s


@contextmanager
def nginx(nodes: tuple[str, ...], d: Path) -> Iterator[str]:
    """nginx with the README's block in front of `nodes`; yields its https base URL."""
    d.mkdir()
    self_signed_certificate(d)
    port = servers.free_port()
    (d / "ballot.conf").write_text(site_config(readme_nginx_block(), nodes, port, d))
    (d / "nginx.conf").write_text(main_config(d))
    out = d / "nginx.out"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [str(NGINX), "-p", str(d), "-e", str(d / "error.log"), "-c", str(d / "nginx.conf")]
            + ["-g", "daemon off;"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {proc.returncode}:\n{out.read_text()}")
            try:
                with _session(d / "cert.pem") as s:
                    if s.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
            except requests.RequestException:  # not listening yet: try again
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer within {START_SECONDS} s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@dataclass
class Proxy:
    base: str  #: https://127.0.0.1:<port>, nginx
    nodes: tuple[str, ...]  #: http://127.0.0.1:<port> of each gunicorn node
    dir: Path  #: nginx's prefix: its config, certificate and logs

    def session(self) -> requests.Session:
        """A phone: https to nginx, trusting the test's certificate."""
        return _session(self.dir / "cert.pem")

    def logs(self, *expected: str, within: float = 30.0) -> str:
        """The access and error logs, once they hold every `expected` piece: nginx writes a
        request's line after the response has left, so the last one can trail the client.
        Bounded: after `within` seconds the logs are returned as they are."""
        deadline = time.monotonic() + within
        while True:
            text = "".join(
                (self.dir / name).read_text() if (self.dir / name).exists() else ""
                for name in ("access.log", "error.log", "site-error.log")
            )
            if all(piece in text for piece in expected) or time.monotonic() > deadline:
                return text
            time.sleep(0.1)


@pytest.fixture
def proxy(app, database_uri, tmp_path) -> Iterator[Proxy]:
    """nginx on a free loopback port in front of two gunicorn nodes, one sync worker each
    (so a phone holding a worker would show), one database; all stopped afterwards."""
    log = tmp_path / "gunicorn.log"
    with (
        servers.gunicorn(database_uri, tmp_path / "node1", SECRET, workers=1, log=log) as one,
        servers.gunicorn(database_uri, tmp_path / "node2", SECRET, workers=1, log=log) as two,
        nginx((one, two), tmp_path / "nginx") as base,
    ):
        yield Proxy(base, (one, two), tmp_path / "nginx")


GZIP = {"Accept-Encoding": "gzip"}
HSTS = "Strict-Transport-Security"


def test_pages_styles_and_scripts_come_gzipped_over_tls_with_the_apps_headers(app, proxy):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    db.session.remove()
    with proxy.session() as phone, _session() as direct:
        page = phone.get(f"{proxy.base}/v/{value}", headers=GZIP, timeout=10)
        assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
        assert page.headers[HSTS] == "max-age=31536000"
        # The app's own headers pass through: whichever it sends directly, nginx keeps.
        node = direct.get(f"{proxy.nodes[0]}/v/{value}", timeout=10)
        for name in SECURITY_HEADERS:
            if name in node.headers:
                assert page.headers.get(name) == node.headers[name], name
        assert page.headers["Cache-Control"] == node.headers["Cache-Control"] == "no-store"

        login = phone.get(f"{proxy.base}/login", headers=GZIP, timeout=10)
        assert login.status_code == 200 and login.headers["Content-Encoding"] == "gzip"
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=\w+)"', login.text)
        assert any(".css?" in a for a in assets) and any(".js?" in a for a in assets), assets
        for asset in assets:
            got = phone.get(f"{proxy.base}{asset}", headers=GZIP, timeout=10)
            assert got.status_code == 200, asset
            assert got.headers.get("Content-Encoding") == "gzip", (asset, got.headers)
            # The app's year of immutable caching passes through unchanged.
            assert "immutable" in got.headers["Cache-Control"]
            assert (
                got.headers["Cache-Control"]
                == direct.get(f"{proxy.nodes[0]}{asset}", timeout=10).headers["Cache-Control"]
            )
            assert got.headers[HSTS] == "max-age=31536000"

        health = phone.get(f"{proxy.base}/healthz", timeout=10)
        assert (health.status_code, health.text) == (200, "ok\n")
        assert health.headers[HSTS] == "max-age=31536000"
        missing = phone.get(f"{proxy.base}/no-such-page", timeout=10)
        assert missing.status_code == 404 and missing.headers[HSTS] == "max-age=31536000"


def test_a_vote_and_a_monitor_link_through_the_proxy_leave_no_credential_in_its_log(
    app, client, actions, proxy
):
    m = factories.meeting(app, a=0, b=4, members=1)
    actions.login_as(factories.user(Role.ORGANIZER, name="zuzhi", grp=factories.group()))
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    link = re.search(r"https://ceping\.example\.org(/m/[^<\s\"]+)", page)
    assert link, "the meeting page shows no monitor link"
    monitor = link[1]
    values = factories.slip_values(app, m)
    data = factories.form_for(m)
    db.session.remove()

    with proxy.session() as phone, _session() as direct:
        assert phone.get(f"{proxy.base}/v/{values[0]}", timeout=10).status_code == 200
        voted = phone.post(
            f"{proxy.base}/v/submit",
            data={"slip": values[0], **data, "confirm_empty": "0"},
            allow_redirects=False,
            timeout=10,
        )
        # The answer is the receipt itself, its own address in Content-Location.
        assert voted.status_code == 200, voted.text
        assert "投票成功" in voted.text and 'class="receipt-code"' in voted.text
        assert "Location" not in voted.headers
        where = voted.headers["Content-Location"]
        assert where.startswith("/v/receipt/") and "again" not in where
        # X-Forwarded-Proto: https reached the app: it marks the receipt cookie Secure,
        # as it does for https requests only (the same submit straight to a node is http).
        assert re.search(r";\s*Secure\b", voted.headers["Set-Cookie"], re.I), voted.headers
        receipt = phone.get(f"{proxy.base}{where}", timeout=10)
        assert receipt.status_code == 200 and "投票成功" in receipt.text
        plain = direct.post(
            f"{proxy.nodes[1]}/v/submit",
            data={"slip": values[1], **data, "confirm_empty": "0"},
            allow_redirects=False,
            timeout=10,
        )
        assert plain.status_code == 200 and "投票成功" in plain.text
        assert plain.headers["Content-Location"].startswith("/v/receipt/")
        assert not re.search(r";\s*Secure\b", plain.headers["Set-Cookie"], re.I)

        watched = phone.get(f"{proxy.base}{monitor}", timeout=10)
        assert watched.status_code == 200 and "合计收回</span><strong>2 / 4" in watched.text
        assert watched.headers["Referrer-Policy"] == "no-referrer"

    logged = proxy.logs("GET /v/...", "POST /v/...", "GET /m/...")
    assert "GET /v/..." in logged and "POST /v/..." in logged and "GET /m/..." in logged
    credential = monitor.removeprefix("/m/").split("?")[0]
    for secret in (values[0], values[0].split(".")[2], credential):
        assert secret not in logged
    assert "/receipt/" not in logged and "127.0.0.1" not in (proxy.dir / "access.log").read_text()


def _trickle(connect: Callable[[], socket.socket], started: threading.Event) -> tuple[str, float]:
    """A phone on weak 4G: a POST whose body takes TRICKLE_SECONDS to arrive. Returns the
    answer's status line and when the last byte was sent."""
    body = b"slip=" + b"x" * 25
    head = (
        "POST /v/submit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with connect() as s:
        s.settimeout(30)
        s.sendall(head)
        started.set()
        for i in range(len(body)):
            time.sleep(TRICKLE_SECONDS / len(body))
            s.sendall(body[i : i + 1])
        sent = time.monotonic()
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.partition(b"\r\n")[0].decode(), sent


def _latency_while_trickling(
    connect: Callable[[], socket.socket], phones: int, ask: Callable[[], requests.Response]
) -> tuple[float, float, list[str]]:
    """`phones` slow POSTs under way, then `ask()`: its latency, how long before the first
    slow body was complete it was answered, and the slow POSTs' status lines."""
    results: list[tuple[str, float]] = []
    threads = []
    for _ in range(phones):
        started = threading.Event()
        t = threading.Thread(target=lambda e=started: results.append(_trickle(connect, e)))
        t.start()
        threads.append(t)
        assert started.wait(10), "a slow POST could not connect"
    time.sleep(0.5)  # the slow bodies are arriving
    t0 = time.monotonic()
    answer = ask()
    answered = time.monotonic()
    assert answer.status_code == 200
    for t in threads:
        t.join(timeout=TRICKLE_SECONDS + 40)
        assert not t.is_alive(), "a slow POST got no answer"
    return answered - t0, min(sent for _, sent in results) - answered, [s for s, _ in results]


def test_a_slow_phone_does_not_hold_a_sync_worker_behind_the_proxy(proxy):
    one = proxy.nodes[0].removeprefix("http://").split(":")
    port = int(proxy.base.rsplit(":", 1)[1])
    context = ssl.create_default_context(cafile=str(proxy.dir / "cert.pem"))

    def straight() -> socket.socket:
        return socket.create_connection((one[0], int(one[1])), timeout=10)

    def through_nginx() -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        return context.wrap_socket(raw, server_hostname="localhost")

    with proxy.session() as phone, _session() as direct:
        # Without the proxy a slow phone holds node one's only worker until its body is in.
        held, _, statuses = _latency_while_trickling(
            straight, 1, lambda: direct.get(f"{proxy.nodes[0]}/healthz", timeout=30)
        )
        assert held > 1.0, f"the direct request waited only {held:.2f} s"
        assert all(s.startswith("HTTP/1.1 4") for s in statuses), statuses  # a bad slip
        # Through nginx, as many slow phones as there are workers hold none of them.
        latency, ahead, statuses = _latency_while_trickling(
            through_nginx, 2, lambda: phone.get(f"{proxy.base}/healthz", timeout=30)
        )
        assert latency < 1.0, f"through nginx the request waited {latency:.2f} s"
        assert ahead > 0, "the slow bodies were complete before the answer: nothing shown"
        assert all(s.startswith("HTTP/1.1 4") for s in statuses), statuses
    print(f"direct: {held:.2f} s behind one slow phone; nginx: {latency:.3f} s behind two")
