"""Fixtures: an app on a fresh migrated database per test, a client, and an actions helper."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ballot_app import create_app
from ballot_app.extensions import db

from . import factories

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _config(instance: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'ballot.sqlite3'}",
        "PUBLIC_BASE_URL": "https://ceping.example.org",
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database built by the migrations; each test gets a copy."""
    instance = tmp_path_factory.mktemp("template")
    app = create_app(_config(instance), instance_path=str(instance))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()
    return instance / "ballot.sqlite3"


@pytest.fixture
def app(template_db: Path, tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(template_db, instance / "ballot.sqlite3")
    app = create_app(_config(instance), instance_path=str(instance))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def actions(app: Flask, client: FlaskClient) -> factories.Actions:
    return factories.Actions(app, client)
