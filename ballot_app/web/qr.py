"""The one QR recipe: crisp SVG, inline in the page, fast enough for a sheet of 1,000 slips.

qrcode builds the symbol. Two of its steps are slow in pure Python, and a slip sheet pays
them per slip: scoring the eight mask patterns (ISO/IEC 18004 penalty rules N1–N4, done
here on bit strings and integers, choosing the same mask qrcode would) and drawing the SVG
(done here as one path of horizontal runs). Together they took 10 ms of the 11 ms a slip
cost.
"""

from __future__ import annotations

import re
from functools import lru_cache

import qrcode
import qrcode.main
import qrcode.util
from markupsafe import Markup

from ..domain.text import _

QUIET_ZONE = 2  # modules; the printed slip's white margin adds to it
_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
_DARK_RUN = re.compile(r"1+")


def qr_modules(data: str) -> list[list[bool]]:
    """The QR symbol of data (error correction M), with the lowest-penalty mask."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.best_fit()
    qr.makeImpl(True, 0)  # as qrcode scores masks: format bits blank
    size = qr.modules_count
    on_data = _data_modules(qr.version)
    unmasked = [
        _bits(row) ^ (m & d) for row, m, d in zip(qr.modules, _mask(size, 0), on_data, strict=True)
    ]
    scores = [
        penalty_of_rows(
            [u ^ (m & d) for u, m, d in zip(unmasked, _mask(size, k), on_data, strict=True)], size
        )
        for k in range(8)
    ]
    qr.makeImpl(False, scores.index(min(scores)))
    return [[bool(m) for m in row] for row in qr.modules]


def _bits(row: list[bool | None]) -> int:
    return int("".join("1" if m else "0" for m in row), 2)


@lru_cache(maxsize=64)
def _data_modules(version: int) -> tuple[int, ...]:
    """Per row, the modules that carry data (and so take the mask) as bits."""
    qr = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.makeImpl(True, 0)
    blank = qrcode.main.precomputed_qr_blanks[version]
    qr.modules = [list(row) for row in blank]
    qr.setup_type_info(True, 0)
    if version >= 7:
        qr.setup_type_number(True)
    return tuple(int("".join("1" if m is None else "0" for m in row), 2) for row in qr.modules)


@lru_cache(maxsize=512)
def _mask(size: int, pattern: int) -> tuple[int, ...]:
    """Per row, the modules mask pattern inverts, as bits."""
    flips = qrcode.util.mask_func(pattern)
    return tuple(
        int("".join("1" if flips(r, c) else "0" for c in range(size)), 2) for r in range(size)
    )


def penalty(modules: list[list[bool | None]]) -> int:
    """ISO/IEC 18004 mask penalty, equal to qrcode.util.lost_point."""
    return penalty_of_rows([_bits(row) for row in modules], len(modules))


def penalty_of_rows(bits: list[int], size: int) -> int:
    """The penalty of a symbol given as one integer per row (leftmost module highest)."""
    rows = [format(row, f"0{size}b") for row in bits]
    cols = ["".join(col) for col in zip(*rows, strict=True)]
    lines = "|".join(rows + cols)  # one string: the separator ends every run and pattern
    # N1: runs of five or more modules of one colour.
    score = sum(len(run) - 2 for run in _RUNS.findall(lines))
    # N2: 2×2 blocks of one colour.
    pairs = (1 << (size - 1)) - 1
    for upper, lower in zip(bits, bits[1:], strict=False):
        dark = upper & lower
        light = ~(upper | lower)
        score += 3 * ((dark & (dark >> 1) & pairs).bit_count())
        score += 3 * ((light & (light >> 1) & pairs).bit_count())
    # N3: finder-like patterns with four light modules on one side.
    score += 40 * len(_FINDER_LIKE.findall(lines))
    # N4: how far the share of dark modules is from half.
    dark_share = sum(row.bit_count() for row in bits) / (size * size)
    return score + int(abs(dark_share * 100 - 50) / 5) * 10


def qr_svg(data: str, *, label: str | None = None) -> Markup:
    """An inline <svg> of data as a QR code (error correction M, 2-module quiet zone); `label`
    is its accessible name, by default 「二维码」 in the reader's language."""
    if label is None:
        label = _("二维码")
    modules = qr_modules(data)
    side = len(modules) + 2 * QUIET_ZONE
    path = []
    for y, row in enumerate(modules):
        line = "".join("1" if m else "0" for m in row)
        for run in _DARK_RUN.finditer(line):
            x, width = run.start() + QUIET_ZONE, run.end() - run.start()
            path.append(f"M{x} {y + QUIET_ZONE}h{width}v1h-{width}z")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{Markup.escape(label)}" '
        f'class="qr" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path d="{"".join(path)}" fill="#000"/></svg>'
    )
