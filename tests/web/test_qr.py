"""The slip QR: the same symbol qrcode itself makes (same mask choice), drawn as one path."""

import random
import re
import string

import qrcode
from qrcode import util

from ballot_app.web.qr import QUIET_ZONE, penalty, qr_modules, qr_svg


def _reference(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    return [[bool(m) for m in row] for row in qr.modules]


def test_symbols_and_mask_scores_equal_qrcodes_own():
    rng = random.Random(5)
    for length in (3, 40, 109, 180, 260):  # versions 1 to 10, below and above version 7
        data = "https://ceping.example.org/v/" + "".join(
            rng.choice(string.ascii_letters + string.digits + ".-_") for _ in range(length)
        )
        assert qr_modules(data) == _reference(data), length
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        qr.add_data(data)
        qr.make(fit=True)
        for mask in range(8):
            qr.makeImpl(True, mask)
            assert penalty(qr.modules) == util.lost_point(qr.modules)


def test_the_svg_draws_every_dark_module_and_a_quiet_zone():
    data = "https://ceping.example.org/v/1.B.abc.def"
    modules = qr_modules(data)
    svg = str(qr_svg(data, label="投票二维码"))
    side = len(modules) + 2 * QUIET_ZONE
    assert f'viewBox="0 0 {side} {side}"' in svg and 'aria-label="投票二维码"' in svg
    drawn = sum(int(w) for w in re.findall(r"h(\d+)v1", svg))
    assert drawn == sum(map(sum, modules))
