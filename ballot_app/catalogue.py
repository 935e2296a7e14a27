"""The translation catalogues: extract the messages, update each language, compile.

`flask --app ballot_app catalogue` runs the three steps (docs/i18n.md); the tests use
`extract()` to find a message that has no translation yet.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
MAPPING = TRANSLATIONS / "babel.cfg"
#: gettext's names as the code and the templates call them (domain/text.py, Flask-Babel).
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def languages() -> list[str]:
    """The languages with a catalogue besides Chinese, the language of the message ids."""
    return sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def _searched(dirpath: str) -> bool:
    """Every folder but hidden ones and caches (Babel's own filter also skips `_macros`)."""
    name = Path(dirpath).name
    return not name.startswith(".") and name not in ("__pycache__", "node_modules")


def extract() -> Catalog:
    """Every message the code and the templates pass through gettext, with where it is."""
    with MAPPING.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(project="ballot_app", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        strip_comment_tags=True,
        directory_filter=_searched,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as f:
        return read_po(f, locale=language)


def update(language: str, template: Catalog) -> list[str]:
    """Bring a language's catalogue up to the extracted messages (new ones untranslated,
    vanished ones dropped) and compile it; returns the message ids still untranslated."""
    path = po_path(language)
    if path.exists():
        catalog = read(language)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=language, project="ballot_app", charset="utf-8")
    # No new creation date on each run: the catalogue changes only when its messages do.
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header: a fuzzy header would not be compiled
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False)
    compile_mo(language)
    return untranslated(catalog)


def _translated(string: str | tuple[str, ...] | None) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def untranslated(catalog: Catalog) -> list[str]:
    """The message ids with no translation (or only a fuzzy one)."""
    return [str(m.id) for m in catalog if m.id and (m.fuzzy or not _translated(m.string))]


def compile_mo(language: str) -> bytes:
    """Write the language's .mo beside its .po (what the app reads); returns its bytes."""
    buffer = BytesIO()
    write_mo(buffer, read(language), use_fuzzy=False)
    data = buffer.getvalue()
    po_path(language).with_suffix(".mo").write_bytes(data)
    return data
