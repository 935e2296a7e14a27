"""An attacker's reader of a SQLite database file and its write-ahead log, byte by byte.

It reads what a copy of the files gives, without SQLite: the page images (the log's newest
frame of a page over the file's), each b-tree page's cells with their offsets, the freelist
count. SQLite writes a page's cells from its end towards its start, each new cell below the
last, so sorting a page's cells by offset (highest first) gives the order in which they were
written: that is the attack the close must defeat.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass(frozen=True)
class Cell:
    page: int
    offset: int
    key: object  #: the record's first column


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def _first_column(buf: bytes, at: int) -> object:
    header_size, p = _varint(buf, at)
    serial, _ = _varint(buf, p)
    body = at + header_size
    if serial == 0:
        return None
    if 1 <= serial <= 6:
        size = (1, 2, 3, 4, 6, 8)[serial - 1]
        return int.from_bytes(buf[body : body + size], "big", signed=True)
    if serial in (8, 9):
        return serial - 8
    if serial >= 13 and serial % 2:
        return buf[body : body + (serial - 13) // 2].decode("utf-8", "replace")
    if serial >= 12:
        return bytes(buf[body : body + (serial - 12) // 2])
    raise AssertionError(f"serial type {serial}")


class Image:
    """The database as a reader of its files sees it."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        self.page_size = struct.unpack(">H", data[16:18])[0] or 65536
        self.freelist_pages = struct.unpack(">I", data[36:40])[0]
        count = len(data) // self.page_size
        self.pages = {
            n + 1: data[n * self.page_size : (n + 1) * self.page_size] for n in range(count)
        }
        wal = Path(str(path) + "-wal")
        self.wal_bytes = wal.read_bytes() if wal.exists() else b""
        frame = FRAME_HEADER + self.page_size
        for at in range(WAL_HEADER, len(self.wal_bytes) - frame + 1, frame):
            number = struct.unpack(">I", self.wal_bytes[at : at + 4])[0]
            self.pages[number] = self.wal_bytes[at + FRAME_HEADER : at + frame]

    def cells(self, root: int) -> list[Cell]:
        """Every row cell of the b-tree rooted at this page, with its page and offset (an
        index b-tree, as WITHOUT ROWID tables are, keeps rows in its interior cells too)."""
        found: list[Cell] = []
        todo = [root]
        while todo:
            number = todo.pop()
            page = self.pages[number]
            start = 100 if number == 1 else 0
            kind = page[start]
            n_cells = struct.unpack(">H", page[start + 3 : start + 5])[0]
            interior = kind in (0x02, 0x05)
            pointers = start + (12 if interior else 8)
            offsets = [
                struct.unpack(">H", page[pointers + 2 * i : pointers + 2 * i + 2])[0]
                for i in range(n_cells)
            ]
            if interior:
                todo.append(struct.unpack(">I", page[start + 8 : start + 12])[0])
                todo.extend(struct.unpack(">I", page[o : o + 4])[0] for o in offsets)
                if kind == 0x02:
                    for offset in offsets:
                        _, at = _varint(page, offset + 4)
                        found.append(Cell(number, offset, _first_column(page, at)))
                continue
            for offset in offsets:
                _, at = _varint(page, offset)  # payload size
                if kind == 0x0D:
                    _, at = _varint(page, at)  # rowid
                found.append(Cell(number, offset, _first_column(page, at)))
        return found

    def raw(self) -> bytes:
        """Every byte of the files, pages and log together."""
        return b"".join(self.pages.values()) + self.wal_bytes


def written_order(cells: list[Cell]) -> list[object]:
    """The attacker's guess at the order rows arrived: by page, then by offset downwards."""
    return [c.key for c in sorted(cells, key=lambda c: (c.page, -c.offset))]
