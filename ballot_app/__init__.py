"""ballot_app: anonymous rating ballots (民主测评) on phones.

create_app() only assembles the app: no migrations, prompts or network calls happen here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext

from .config import load_config
from .database import configure_database
from .domain.text import N_
from .extensions import csrf, db, login, migrate
from .logs import configure_logging

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(overrides: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: config, database, extensions, blueprints, security headers, templates,
    commands."""
    instance = Path(instance_path or os.environ.get("BALLOT_INSTANCE_PATH") or ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance.resolve()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path), overrides))
    configure_extensions(app)
    configure_locale(app)
    configure_database(app)
    configure_blueprints(app)
    configure_headers(app)
    configure_templates(app)
    configure_logging(app)
    configure_commands(app)
    return app


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = N_("请先登录。")  # Flask-Login passes it through gettext
    login.login_message_category = "info"
    login.localize_callback = gettext


def configure_locale(app: Flask) -> None:
    from .web.locale import configure_locale as configure

    configure(app)


def configure_blueprints(app: Flask) -> None:
    from .web import register_blueprints

    register_blueprints(app)


def configure_headers(app: Flask) -> None:
    from .web.headers import configure_headers as configure

    configure(app)


def configure_templates(app: Flask) -> None:
    from .web.templating import register_template_helpers

    register_template_helpers(app)


def configure_commands(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
