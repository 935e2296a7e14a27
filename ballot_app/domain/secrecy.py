"""Secrecy helpers: random keys and tracker codes, log redaction."""

from __future__ import annotations

import re
import secrets

from .codes import grouped, random_code

TRACKER_DATA_CHARS = 9  #: 45 bits, plus a check character
#: Every /v/ path segment but the three fixed form actions may carry a credential.
_VOTER_PATH = re.compile(r"/v/(?!(?:review|submit|edit)(?=[\s?\"']|$))[^\s?\"']+")


def ballot_key() -> str:
    """A ballot's primary key: 128 random bits, so keys say nothing of insertion order."""
    return secrets.token_hex(16)


def tracker_code() -> str:
    """A receipt's tracker code, printed as XXXX-XXXX-XX: random, shows no choice."""
    return grouped(random_code(TRACKER_DATA_CHARS))


def redact_voter_paths(text: str) -> str:
    """Replace every voter path's credential with an ellipsis, for log lines."""
    return _VOTER_PATH.sub("/v/…", text)
