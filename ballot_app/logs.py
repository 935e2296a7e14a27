"""Logging that keeps voters secret: no slip, monitor-link or score-sheet-link credential and
no client address of a voter, a monitor-link holder or a rater."""

from __future__ import annotations

import logging
import re

from flask import Flask

from .domain.secrecy import redact_credential_paths

_VOTER_REQUEST = re.compile(r"(?:GET|POST|HEAD|PUT) /[vms](?:[/?\s]|$)")
_LEADING_ADDRESS = re.compile(r"^\S+ - - ")


class VoterPrivacyFilter(logging.Filter):
    """Rewrites request log lines: voter paths lose their credential and the client address."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = redact_credential_paths(text)
        if _VOTER_REQUEST.search(text):
            redacted = _LEADING_ADDRESS.sub("- - - ", redacted)
        if redacted != text:
            record.msg, record.args = redacted, None
        return True


_FILTER = VoterPrivacyFilter()


def configure_logging(app: Flask) -> None:
    """Put the privacy filter on the loggers that see request lines."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    if _FILTER not in app.logger.filters:
        app.logger.addFilter(_FILTER)
