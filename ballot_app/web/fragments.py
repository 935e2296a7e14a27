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
from dataclasses import dataclass
from functools import cached_property

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

    @classmethod
    def of(cls, before: str, after: str) -> Parts:
        return cls(before.encode(), after.encode())

    @cached_property
    def _packed(self) -> tuple[bytes, bytes, int]:
        """The parts compressed, and the CRC-32 of the part before: made at the first
        compressed answer, not for a page only ever sent plain."""
        return (
            _deflated(self.before, zlib.Z_SYNC_FLUSH),
            _deflated(self.after, zlib.Z_FINISH),
            zlib.crc32(self.before),
        )

    def plain(self, text: bytes) -> bytes:
        return self.before + text + self.after

    def gzipped(self, text: bytes) -> bytes:
        """The page with `text` in it, gzip-compressed (text of at most 64 KiB)."""
        if len(text) > STORED_MAX:
            raise ValueError("a stored block holds at most 65,535 bytes")
        before_packed, after_packed, before_crc = self._packed
        crc = zlib.crc32(self.after, zlib.crc32(text, before_crc))
        size = len(self.before) + len(text) + len(self.after)
        stored = b"\x00" + struct.pack("<HH", len(text), len(text) ^ 0xFFFF) + text
        trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
        return GZIP_HEADER + before_packed + stored + after_packed + trailer
