"""Fixtures: an app on a fresh migrated database per test, a client, and an actions helper.

The suite runs on SQLite by default. With TEST_DATABASE_URL set to a PostgreSQL server
(`.ci/run` starts a throwaway one), every test runs there instead: the migrations build a
template database once and each test gets a clone of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from ballot_app import create_app
from ballot_app.extensions import db

from . import databases, factories

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {databases.describe()}"


def _config(database_uri: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "PUBLIC_BASE_URL": "https://ceping.example.org",
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[databases.Template]:
    """One database built by the migrations; each test gets a copy."""
    instance = tmp_path_factory.mktemp("template")
    template = databases.Template.create(instance)
    app = create_app(_config(template.uri), instance_path=str(instance))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield template
    template.drop()


@pytest.fixture
def database_uri(template_db: databases.Template, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the migrated database, deleted after the test."""
    with template_db.copy(tmp_path) as uri:
        yield uri


@pytest.fixture
def app(database_uri: str, tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app(_config(database_uri), instance_path=str(instance))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on a real threaded server on 127.0.0.1, stopped after the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def actions(app: Flask, client: FlaskClient) -> factories.Actions:
    return factories.Actions(app, client)
