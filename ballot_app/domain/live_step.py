"""SPEC "Secrecy": live results change only in steps of at least k ballots until the box
closes, so nobody watching can tell how one person voted. Turnout stays live."""

from __future__ import annotations

DEFAULT_STEP = 5


def shows_new_results(shown_ballots: int | None, returned: int, step: int) -> bool:
    """Whether the results shown (computed when shown_ballots ballots were in) may be
    replaced by results over `returned` ballots: only once at least `step` more are in.

    None means nothing has been shown yet: the first view is computed at once (it holds
    whatever has come in, as a paper box's first count would, and is held from then on).
    """
    if shown_ballots is None:
        return True
    return returned - shown_ballots >= max(step, 1)
