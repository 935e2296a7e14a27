"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`.

Refuses to start on an out-of-date schema. The exit status is 3, gunicorn's "worker failed
to boot", so that the master stops with the message instead of restarting workers forever.
"""

import sys

from ballot_app import create_app
from ballot_app.database import schema_problem

app = create_app()

_problem = schema_problem(app)
if _problem:
    print(_problem, file=sys.stderr)
    raise SystemExit(3)
