"""Reading one packet's marks, and the rules that make a row or a form valid, empty or void."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .ballot_spec import BallotSpec, Row
from .choices import COMMENT_MAX_CHARS, Special
from .text import _


@dataclass(frozen=True)
class Packet:
    """What one voter put in the box: a mark per row (by field name) and an optional comment."""

    marks: Mapping[str, str]
    comment: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        """True when every row was read without error."""
        return not self.errors


def is_choice(mark: str) -> bool:
    """A row counts for an evaluee or item only when it holds exactly one choice."""
    return mark not in (Special.EMPTY, Special.OVER_MARKED)


def is_void(marks: Iterable[str]) -> bool:
    """A form is void (废票) only when it holds at least one row and every row is over-marked.

    An empty row is an abstention (弃权) and keeps the form valid, so a wholly blank form is
    a valid one whose rows are all 弃权 (SPEC, "Ballot rules" 3 and 4). The tellers' void by
    decision reaches the box as a form whose rows were all rewritten to over_marked.
    """
    rows = list(marks)
    return bool(rows) and all(m == Special.OVER_MARKED for m in rows)


def count_empty(spec: BallotSpec, packet: Packet) -> int:
    """How many rows the voter left empty: the n of 「n 项未填，确定提交吗？」."""
    return sum(1 for r in spec.rows if packet.marks.get(r.field, Special.EMPTY) == Special.EMPTY)


def _read_row(row: Row, values: list[str], *, paper: bool) -> tuple[str, str | None]:
    values = [v for v in values if v != ""]
    if not values:
        return Special.EMPTY, None
    if len(values) > 1:
        return Special.EMPTY, _("每项只能选一个等次，请重新选择。")
    allowed = row.codes + ((Special.EMPTY, Special.OVER_MARKED) if paper else ())
    if values[0] not in allowed:
        return Special.EMPTY, _("这一项的选择无法识别，请重新选择。")
    return values[0], None


def clean_comment(text: str) -> tuple[str, str | None]:
    """Form 6's comment as plain text: control characters dropped, at most 500 characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C").strip()
    if len(kept) > COMMENT_MAX_CHARS:
        return kept, _(
            "评议意见最多 %(most)s 字，现在是 %(n)s 字，请删减后再提交。",
            most=COMMENT_MAX_CHARS,
            n=len(kept),
        )
    return kept, None


def read_packet(
    spec: BallotSpec, getlist: Callable[[str], list[str]], *, paper: bool = False
) -> Packet:
    """Read a posted form against the spec; keeps every readable answer beside the errors.

    A phone cannot put two choices on one row, so two values for one field mean a forged post
    and are refused; a teller entering paper may use the special marks empty and over_marked.
    """
    marks: dict[str, str] = {}
    errors: dict[str, str] = {}
    for row in spec.rows:
        mark, error = _read_row(row, getlist(row.field), paper=paper)
        marks[row.field] = mark
        if error:
            errors[row.field] = error
    comment = ""
    if spec.form6:
        comment, error = clean_comment("".join(getlist("comment")[:1]))
        if error:
            errors["comment"] = error
    return Packet(marks, comment, errors)
