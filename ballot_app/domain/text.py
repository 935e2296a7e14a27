"""The words of the rules, in the reader's language.

Domain and service messages are written in Chinese, the language of the forms, and passed
through `_` where a person reads them: the web layer installs its translator here
(web/locale.py), so a staff member who chose English reads them in English, and a voter page,
always Chinese, gets them back unchanged. Outside a request (tests, the command line) `_`
leaves them Chinese. Nothing here imports Flask.

`in_chinese()` keeps them Chinese where they are stored rather than read (the audit log's
details, a grade record's reasons). `N_` marks a message kept in a table at import time (a label, a constant) for the catalogue;
whoever shows it passes it through `_` then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


def _unchanged(message: str) -> str:
    return message


_translate: Callable[[str], str] = _unchanged
#: Set while a record is being written (an audit log detail, a stored reason): records are
#: kept in Chinese, the language of the forms, whoever writes them.
_for_the_record: ContextVar[bool] = ContextVar("for_the_record", default=False)


def install(translate: Callable[[str], str]) -> None:
    """Let `_` translate with `translate` (message id → text in the reader's language)."""
    global _translate
    _translate = translate


@contextmanager
def in_chinese() -> Iterator[None]:
    """Inside this block `_` leaves every message Chinese: for text that is stored."""
    token = _for_the_record.set(True)
    try:
        yield
    finally:
        _for_the_record.reset(token)


def _(message: str, **params: Any) -> str:
    """`message` in the reader's language, with `%(name)s` filled from `params`."""
    text = message if _for_the_record.get() else _translate(message)
    return text % params if params else text


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for a marker)
    """Marks `message` for the catalogue and returns it unchanged: translated where shown."""
    return message
