"""The migrations build the models' schema; configuration layers and fails closed."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ballot_app.config import load_config
from ballot_app.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_a_secret_key_is_generated_into_the_instance_folder_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 64 and (tmp_path / "secret_key").read_text().strip() == first
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"].endswith("ballot.sqlite3")


def test_layers_override_in_order_and_short_secrets_are_refused(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'PUBLIC_BASE_URL = "https://a.example"\nSECRET_KEY = "k" * 40\n'
    )
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://b.example")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
    cfg = load_config(tmp_path)
    assert cfg["PUBLIC_BASE_URL"] == "https://b.example"
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"
    assert load_config(tmp_path, {"PUBLIC_BASE_URL": "c"})["PUBLIC_BASE_URL"] == "c"
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config(tmp_path)
