"""The WSGI entry point: `gunicorn wsgi:app`. Refuses to start on an out-of-date schema."""

from ballot_app import create_app
from ballot_app.database import schema_problem

app = create_app()

_problem = schema_problem(app)
if _problem:
    raise SystemExit(_problem)
