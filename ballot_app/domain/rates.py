"""Percentages as printed: two decimals, half up, and shares that add up to exactly 100.00."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_cent(value: Decimal) -> Decimal:
    """The one rounding step of every printed figure: half up to two decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int, places: Decimal = CENT) -> Decimal | None:
    """part / whole as a percentage, rounded half up to `places` (two decimals unless told);
    None when whole is 0 (printed as —)."""
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def read_percent(value: float | int | str | None) -> Decimal | None:
    """A percentage read back from stored JSON (66.67 → Decimal("66.67")), two decimals."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def shares(counts: Mapping[str, int]) -> dict[str, Decimal] | None:
    """Each count's share in percent, rounded so the shares sum to exactly 100.00.

    Largest remainder method in hundredths of a percent: floor every share, then hand the
    missing hundredths to the largest remainders (ties go to the earlier key).
    """
    whole = sum(counts.values())
    if whole <= 0:
        return None
    scaled = {k: v * 10000 for k, v in counts.items()}
    floors = {k: s // whole for k, s in scaled.items()}
    missing = 10000 - sum(floors.values())
    order = sorted(counts, key=lambda k: -(scaled[k] % whole))
    for k in order[:missing]:
        floors[k] += 1
    return {k: (Decimal(v) / HUNDRED).quantize(CENT) for k, v in floors.items()}


def format_percent(value: Decimal | None) -> str:
    """A percentage for print: 66.67 → "66.67%", None → "—"."""
    return "—" if value is None else f"{value}%"
