"""A page rendered once but for one text, kept as the parts before and after that text, both
as they are and gzip-compressed: a voter's page is then the parts and the text joined, and
its gzip form the compressed parts with the text between them, no compression per request.

The gzip form is one deflate stream: the part before, compressed and flushed to a byte
boundary (not final); the text in a stored (uncompressed) block; the part after, compressed
on its own and final. Back-references never cross a boundary, so the joined stream inflates
to exactly the plain page; the trailer's CRC-32 runs over the page (a few microseconds).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

#: gzip's header: deflate, no flags, no time, no extra flags, unknown OS (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
STORED_MAX = 0xFFFF  #: the most bytes one stored block holds


def _deflated(data: bytes, mode: int) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush(mode)


@dataclass(frozen=True)
class Parts:
    before: bytes
    after: bytes
    _before_packed: bytes = field(init=False, repr=False)
    _after_packed: bytes = field(init=False, repr=False)
    _before_crc: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_before_packed", _deflated(self.before, zlib.Z_SYNC_FLUSH))
        object.__setattr__(self, "_after_packed", _deflated(self.after, zlib.Z_FINISH))
        object.__setattr__(self, "_before_crc", zlib.crc32(self.before))

    @classmethod
    def of(cls, before: str, after: str) -> Parts:
        return cls(before.encode(), after.encode())

    def plain(self, text: bytes) -> bytes:
        return self.before + text + self.after

    def gzipped(self, text: bytes) -> bytes:
        """The page with `text` in it, gzip-compressed (text of at most 64 KiB)."""
        if len(text) > STORED_MAX:
            raise ValueError("a stored block holds at most 65,535 bytes")
        crc = zlib.crc32(self.after, zlib.crc32(text, self._before_crc))
        size = len(self.before) + len(text) + len(self.after)
        stored = b"\x00" + struct.pack("<HH", len(text), len(text) ^ 0xFFFF) + text
        trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
        return GZIP_HEADER + self._before_packed + stored + self._after_packed + trailer
