"""Secrecy helpers: random keys, the tracker code's length, log redaction."""

from __future__ import annotations

import re
import secrets

TRACKER_DATA_CHARS = 9  #: 45 bits, plus a check character
#: Every /v/ path segment but the three fixed form actions may carry a credential.
_VOTER_PATH = re.compile(r"/v/(?!(?:review|submit|edit)(?=[\s?\"']|$))[^\s?\"']+")


def ballot_key() -> str:
    """A ballot's primary key: 128 random bits, so keys say nothing of insertion order."""
    return secrets.token_hex(16)


def redact_voter_paths(text: str) -> str:
    """Replace every voter path's credential with an ellipsis, for log lines."""
    return _VOTER_PATH.sub("/v/…", text)
