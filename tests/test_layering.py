"""Import direction (STYLE.md): domain imports nothing of Flask, SQLAlchemy or our other layers;
services never touch request, session or g."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ballot_app"


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)


def test_domain_is_plain_python():
    for path in (PACKAGE / "domain").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(
                ("flask", "sqlalchemy", "werkzeug", "wtforms", "itsdangerous")
            )
            assert not name.startswith(".."), f"{path.name} imports {name}"


def test_services_do_not_touch_the_request():
    for path in (PACKAGE / "services").glob("*.py"):
        for name in _imports(path):
            assert name.split(".")[-1] not in ("request", "session", "g", "current_user"), (
                f"{path.name} imports {name}"
            )
            assert "web" not in name.split("."), f"{path.name} imports {name}"


def test_models_do_not_import_services_or_web():
    for path in (PACKAGE / "models").glob("*.py"):
        for name in _imports(path):
            assert not any(part in ("services", "web", "cli") for part in name.split("."))
