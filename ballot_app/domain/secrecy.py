"""Secrecy helpers: random keys, the tracker code's length, log redaction."""

from __future__ import annotations

import re
import secrets

TRACKER_DATA_CHARS = 9  #: 45 bits, plus a check character
#: Paths whose segment after the prefix is a credential: a slip (/v/<value>, and its receipt
#: and test-QR pages), a monitor link (/m/<link>) or a rater's score-sheet link (/s/<link>).
#: The voter form's fixed actions are not.
_CREDENTIAL_PATH = re.compile(
    r"/(v|m|s)/(?!(?<=/v/)(?:review|submit|edit)(?=[\s?\"']|$))[^\s?\"']+"
)


def ballot_key() -> str:
    """A ballot's primary key: 128 random bits, so keys say nothing of insertion order."""
    return secrets.token_hex(16)


def redact_credential_paths(text: str) -> str:
    """Replace every slip's, monitor link's and score-sheet link's credential in a path with
    an ellipsis, for log lines."""
    return _CREDENTIAL_PATH.sub(lambda m: f"/{m.group(1)}/…", text)
