"""The English staff interface is complete (docs/i18n.md): every message the staff pages
show goes through gettext, and the English catalogue translates every one of them.

- a Chinese word written straight into a staff template, outside `_()` or `{% trans %}`,
  fails here, as does a Chinese string literal in the code outside `_()`, `N_()`,
  `gettext()` or `lazy_gettext()` (the official forms' wording, the voters' pages and the
  demo's invented data are the named exceptions);
- a message extracted from the code or the templates with no English translation fails;
- the compiled catalogue the app reads is the one the .po says.
"""

from __future__ import annotations

import ast
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from jinja2 import Environment

from ballot_app import catalogue

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "ballot_app"
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
GETTEXT = {"_", "N_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}

#: Pages that stay Chinese in both interfaces: the voters' and raters' pages (the official
#: forms' wording), the public bulletin, and the official prints (filed documents; each shows
#: an English caption on screen, from print/_layout.html).
CHINESE_TEMPLATES = ("voter/", "rater/", "print/", "bulletin.html")
CHINESE_TEMPLATE_EXCEPTIONS = ("print/_layout.html", "print/_paper_bar.html")
#: Modules whose Chinese literals are not staff messages: the voters' and raters' views and
#: the voters' path through the services, the public bulletin,
#: the command line (an operator's terminal), the demo's invented district.
CHINESE_MODULES = (
    "web/voter.py",
    "web/rater.py",
    "web/bulletin.py",
    "services/voting.py",
    "services/casting.py",
    "services/bulletin.py",
    "cli.py",
    "services/demo.py",
    "catalogue.py",
    "migrations/",
)
#: A literal on a line carrying this comment is the official forms' wording (or data such as
#: a unit kind's Chinese name matched in an import) and stays Chinese by rule.
OFFICIAL = "# official"


def _staff_templates() -> list[str]:
    names = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(CHINESE_TEMPLATES) and name not in CHINESE_TEMPLATE_EXCEPTIONS:
            continue
        names.append(name)
    return names


def _bare_chinese_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of Chinese outside gettext: template text outside {% trans %} blocks,
    and string literals that are not the first argument of a gettext call."""
    found = []
    tokens = list(Environment(extensions=["jinja2.ext.i18n"]).lex(source))
    in_trans = False
    for i, (line, kind, value) in enumerate(tokens):
        if kind == "name" and value in ("trans", "pluralize"):
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        elif kind == "data" and CJK.search(value) and not in_trans:
            found.append((line, value.strip()[:60]))
        elif kind == "string" and CJK.search(value):
            before = [t for t in tokens[max(0, i - 2) : i] if t[1] != "whitespace"]
            called = (
                len(before) == 2
                and before[1][2] == "("
                and before[0][1] == "name"
                and before[0][2] in GETTEXT
            )
            if not called:
                found.append((line, value[:60]))
    return found


@pytest.mark.parametrize("name", _staff_templates())
def test_a_staff_template_has_no_chinese_outside_the_catalogue(name):
    found = _bare_chinese_in_template((TEMPLATES / name).read_text())
    assert not found, f"{name}: Chinese outside _() / {{% trans %}}: {found[:10]}"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if not name.startswith(CHINESE_MODULES):
            names.append(name)
    return names


def _bare_chinese_in_module(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    lines = source.splitlines()
    inside: set[int] = set()
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in GETTEXT:
                inside.update(id(n) for n in ast.walk(node.args[0]))
                if len(node.args) > 1 and called in ("ngettext", "lazy_ngettext"):
                    inside.update(id(n) for n in ast.walk(node.args[1]))
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
        ):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in inside or id(node) in docstrings or not CJK.search(node.value):
            continue
        span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if any(OFFICIAL in line for line in span):
            continue
        found.append((node.lineno, node.value[:60]))
    return found


@pytest.mark.parametrize("name", _modules())
def test_a_module_has_no_chinese_message_outside_the_catalogue(name):
    found = _bare_chinese_in_module((PACKAGE / name).read_text())
    assert not found, f"ballot_app/{name}: Chinese outside _() / N_(): {found[:10]}"


def test_the_english_catalogue_translates_every_message():
    template = catalogue.extract()
    english = catalogue.read("en")
    missing = [
        str(m.id)
        for m in template
        if m.id and (english.get(m.id) is None or str(m.id) in catalogue.untranslated(english))
    ]
    assert len(template) > 0
    assert not missing, f"{len(missing)} untranslated, run flask catalogue: {missing[:10]}"


def test_the_compiled_catalogue_is_the_one_the_po_says():
    english = catalogue.read("en")
    with catalogue.po_path("en").with_suffix(".mo").open("rb") as f:
        compiled = read_mo(BytesIO(f.read()))
    want = {str(m.id): m.string for m in english if m.id and m.string}
    got = {str(m.id): m.string for m in compiled if m.id}
    assert got == want, "run flask --app ballot_app catalogue to compile the .po"
