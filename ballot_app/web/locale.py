"""The staff interface's language (Flask-Babel): Chinese first, English on request.

Who reads what:
- voters' and raters' pages, the public bulletin, the monitor link and the test scan are
  always Chinese: the official forms' wording is Chinese, and a hall's phones must all read
  the same ballot;
- a signed-in staff member reads the language chosen for the account (「English」 in the
  header); before signing in, the choice kept in a cookie, else the browser's
  Accept-Language, else Chinese.

The domain's and services' messages are Chinese message ids; `domain.text` is given this
module's translator, so they reach an English reader in English.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale, gettext, refresh
from flask_login import current_user

from ..domain import text

#: Languages with a catalogue, the default first.
LANGUAGES = ("zh", "en")
DEFAULT = "zh"
#: The cookie that keeps a choice made before signing in (a language, nothing else).
COOKIE = "lang"
#: Blueprints whose pages are always Chinese (see the module's docstring).
CHINESE_ONLY = frozenset({"voter", "rater", "bulletin", "monitor", "health"})

#: Staff pages that are an official form on screen: the admin types a paper score sheet into
#: the rater's own page (annexes 2, 3, 4), in the form's wording.
CHINESE_ENDPOINTS = frozenset(
    {"score_sheets.entry", "score_sheets.entry_review", "score_sheets.entry_submit"}
)

babel = Babel()


#: Where those pages live: an address there that matches no route (a 404, a 405) is
#: answered in Chinese too.
CHINESE_PATHS = ("/v/", "/s/", "/b/", "/m/")


def _chinese_only() -> bool:
    if request.url_rule is None:
        return f"{request.path}/".startswith(CHINESE_PATHS)
    return request.blueprint in CHINESE_ONLY or request.endpoint in CHINESE_ENDPOINTS


def language_fixed() -> bool:
    """This page is Chinese whatever the reader chose: it offers no language switch."""
    return has_request_context() and _chinese_only()


def select_locale() -> str:
    """The language of this request's page (see the module's docstring); Chinese outside a
    request (the command line, a background thread)."""
    if not has_request_context() or _chinese_only():
        return DEFAULT
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return str(current_user.locale)
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def is_english() -> bool:
    return str(get_locale() or DEFAULT) == "en"


def local_date(day: date | datetime | None) -> str:
    """A day as the reader writes it: 2026-12-03 in Chinese, Dec 3, 2026 in English."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "medium", locale="en") if is_english() else day.isoformat()


def local_number(value: int | Decimal | None) -> str:
    """A count or an exact decimal with the locale's digit grouping: 1,234 / 87.75."""
    if value is None:
        return "—"
    return f"{value:,}" if is_english() else str(value)


def configure_locale(app: Flask) -> None:
    """Babel with the catalogues in ballot_app/translations; `domain.text` translates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale in `g`, which lives as long as the app context: one
    # per request in a server, but a test may send many requests in one. Choose afresh.
    app.before_request(refresh)
    text.install(gettext)
    app.jinja_env.globals.update(
        is_english=is_english, language_fixed=language_fixed, LANGUAGES=LANGUAGES
    )
    app.jinja_env.filters.update(local_date=local_date, local_number=local_number)
