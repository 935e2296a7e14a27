"""The ballot as data: which rows a slip's packet holds, built from annexes 5 and 6."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .choices import (
    FORM5_CODES,
    FORM5_LABELS,
    FORM6_CODES,
    FORM6_LABELS,
    Category,
    Form5Choice,
    Form6Choice,
    Form6Item,
)
from .text import N_, _


@dataclass(frozen=True)
class Choice:
    """One option of a row: the code stored in data, the label shown."""

    code: str
    label: str


@dataclass(frozen=True)
class Row:
    """One line of a form that takes exactly one choice."""

    form: int  #: 5 or 6
    key: str  #: evaluee id for form 5, item code for form 6
    title: str
    subtitle: str
    choices: tuple[Choice, ...]

    @property
    def field(self) -> str:
        """The HTML form field name of this row."""
        return f"f{self.form}_{self.key}"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True)
class EvalueeLine:
    """An evaluee as form 5 prints them: id, name, post."""

    id: int
    name: str
    post: str


@dataclass(frozen=True)
class BallotSpec:
    """Every row of one slip's packet: form 5 (table A or B), then form 6."""

    category: Category
    form5: tuple[Row, ...]
    form6: tuple[Row, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.form5 + self.form6


FORM5_CHOICES = tuple(Choice(c, FORM5_LABELS[Form5Choice(c)]) for c in FORM5_CODES)
FORM6_CHOICES = tuple(Choice(c, FORM6_LABELS[Form6Choice(c)]) for c in FORM6_CODES)


#: Form 6's item titles as annex 6 prints them: the duty item names the secretary where the
#: meeting gives the name.
DUTY_NAMED = N_("%(name)s同志履行管党责任情况")
DUTY_UNNAMED = N_("党组织书记履行管党责任情况")
ACTIVITY = N_("党组织开展创先争优活动情况")


def _as_printed(message: str, **params: Any) -> str:
    """The annex's own (Chinese) wording, filled in."""
    return message % params if params else message


def form6_titles(secretary_name: str, *, translated: bool = False) -> dict[Form6Item, str]:
    """Form 6's two item titles, with the secretary's name filled in as annex 6 prints it;
    `translated`: in the reader's language instead, for a staff page (never for the voters'
    ballot or a print, which keep the annex's wording)."""
    word = _ if translated else _as_printed
    duty = word(DUTY_NAMED, name=secretary_name) if secretary_name else word(DUTY_UNNAMED)
    return {Form6Item.DUTY: duty, Form6Item.ACTIVITY: word(ACTIVITY)}


def build_spec(
    category: Category,
    evaluees: list[EvalueeLine],
    *,
    form5: bool,
    form6: bool,
    secretary_name: str = "",
) -> BallotSpec:
    """The rows a slip of this category gets, evaluees in meeting order, then form 6's items."""
    rows5 = (
        tuple(Row(5, str(e.id), e.name, e.post, FORM5_CHOICES) for e in evaluees) if form5 else ()
    )
    titles = form6_titles(secretary_name)
    rows6 = (
        tuple(Row(6, item.value, titles[item], "", FORM6_CHOICES) for item in Form6Item)
        if form6
        else ()
    )
    return BallotSpec(category, rows5, rows6)
