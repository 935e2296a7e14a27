"""gunicorn settings for ballot_app: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed from the environment, so one file serves every node:

    BALLOT_BIND        address to listen on          (default 127.0.0.1:8000; the proxy's side)
    WEB_CONCURRENCY    worker processes              (default 2 × CPU cores + 1)
    BALLOT_WORKER_CLASS  gunicorn worker type        (default sync)
    BALLOT_THREADS     threads per worker            (default 1; more turns sync into gthread)
    BALLOT_ACCESS_LOG  access log file, "-" = stderr (default "-"; "" turns it off)

The app processes hold no state of their own: ballots, tokens, sessions' server side
(none: sessions are signed cookies) and rate-limit counters live in the database or the
client, so any number of workers on any number of nodes can share one database.

The access log never holds a credential: voter paths and monitor links are redacted
(/v/<slip> → /v/…, /m/<link> → /m/…) and the format has no client address and no user
agent, for every request.
"""

from __future__ import annotations

import multiprocessing
import os

from gunicorn.glogging import Logger

from ballot_app.domain.secrecy import redact_credential_paths

bind = os.environ.get("BALLOT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# sync: each worker takes one request off the shared listen queue at a time, so a burst of
# phones is served first come, first served. Measured with bench/ against gthread: more
# ballots per second on both databases (PostgreSQL 379 against 281) and a whole-flow p99
# of 0.6-0.9 s against 1.0-2.2 s. The reverse proxy buffers slow phones, as gunicorn's
# documentation asks for sync workers.
worker_class = os.environ.get("BALLOT_WORKER_CLASS", "sync")
threads = int(os.environ.get("BALLOT_THREADS", "1"))
# A hall's phones on weak 4G are slow to send; the reverse proxy buffers them, so the
# timeouts here only guard against a stuck worker.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Requests behind a reverse proxy on the same machine: trust its X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("BALLOT_ACCESS_LOG", "-") or None
errorlog = "-"
# Time, request line (redacted below), status, bytes, duration: nothing that names a phone.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger, with slip and monitor-link credentials cut out of every access-log
    line."""

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        environ = dict(environ)
        for key in ("RAW_URI", "PATH_INFO", "QUERY_STRING", "HTTP_REFERER"):
            if key in environ:
                environ[key] = redact_credential_paths(environ[key])
        super().access(resp, req, environ, request_time)


logger_class = RedactingLogger
