"""Printed order of roster lines and evaluees: one place moves and renumbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Positioned(Protocol):
    position: int


def move_one_place(items: Sequence[Positioned], index: int, step: int) -> bool:
    """Swap items[index] with its neighbour (step -1 up, +1 down) and renumber from 1.

    Returns False, changing nothing, when the item is already first or last.
    """
    target = index + step
    if not 0 <= target < len(items):
        return False
    ordered = list(items)
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    return True
