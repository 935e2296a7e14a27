"""Typeable codes: an unambiguous alphabet, a check character, and forgiving normalisation."""

from __future__ import annotations

import secrets

#: Crockford's base 32: no I, L, O or U, so nothing reads as another character.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
#: Data characters of a slip's manual code: 10 × 5 = 50 bits, then one check character.
MANUAL_CODE_DATA_CHARS = 10


#: A rehearsal slip's code (演练) has its check character moved half the alphabet round: it is
#: as typeable as a real one, and still known for a rehearsal's once the rehearsal's rows
#: are gone ("这是演练用的纸条，演练已结束").
REHEARSAL_SHIFT = 16


def check_char(data: str, shift: int = 0) -> str:
    """Luhn mod 32 check character: catches any single typo and most swapped neighbours."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for ch in reversed(data):
        addend = factor * _INDEX[ch]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[((n - total % n) + shift) % n]


def normalize(typed: str) -> str:
    """Upper-case, drop spaces and dashes, read O as 0 and I/L as 1, as people type them."""
    raw = "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in "-_—－")  # official
    return raw.translate(_CONFUSABLE)


def _shape(code: str, data_chars: int) -> bool:
    return len(code) == data_chars + 1 and all(ch in _INDEX for ch in code)


def is_well_formed(code: str, data_chars: int = MANUAL_CODE_DATA_CHARS) -> bool:
    """True when a normalised code has the right length, alphabet and check character."""
    return _shape(code, data_chars) and check_char(code[:-1]) == code[-1]


def is_rehearsal_code(code: str) -> bool:
    """A normalised code with a rehearsal slip's check character. (A typo in a real code
    has one chance in 32 to look like one: its refusal says both.)"""
    return _shape(code, MANUAL_CODE_DATA_CHARS) and code[-1] == check_char(
        code[:-1], REHEARSAL_SHIFT
    )


def from_bytes(raw: bytes, data_chars: int = MANUAL_CODE_DATA_CHARS, shift: int = 0) -> str:
    """A code with its check character, taken from the leading bits of raw bytes."""
    bits = int.from_bytes(raw, "big")
    width = len(raw) * 8
    if width < data_chars * 5:
        raise ValueError("not enough bytes for the code")
    value = bits >> (width - data_chars * 5)
    data = "".join(ALPHABET[(value >> (5 * (data_chars - 1 - i))) & 31] for i in range(data_chars))
    return data + check_char(data, shift)


def random_code(data_chars: int) -> str:
    """A fresh random code with its check character."""
    return from_bytes(secrets.token_bytes((data_chars * 5 + 7) // 8), data_chars)


def grouped(code: str, size: int = 4) -> str:
    """The code as printed: groups of four joined by dashes (ABCD-EFGH-JKM)."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
