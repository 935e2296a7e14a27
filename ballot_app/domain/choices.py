"""The codes of SPEC.md's glossary: categories, choices, form 6 items, special marks."""

from __future__ import annotations

from enum import StrEnum

from .text import N_


class Category(StrEnum):
    """Which table of form 5 a slip gets: A for the leadership team, B for everyone else."""

    A = "A"
    B = "B"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


class Form5Choice(StrEnum):
    """One evaluee's row on form 5 (附件5)."""

    EXCELLENT = "excellent"
    COMPETENT = "competent"
    BASICALLY_COMPETENT = "basically_competent"
    INCOMPETENT = "incompetent"

    @property
    def label(self) -> str:
        return FORM5_LABELS[self]


class Form6Choice(StrEnum):
    """One item's row on form 6 (附件6)."""

    GOOD = "good"
    FAIRLY_GOOD = "fairly_good"
    AVERAGE = "average"
    POOR = "poor"

    @property
    def label(self) -> str:
        return FORM6_LABELS[self]


class Form6Item(StrEnum):
    """The two items of form 6."""

    DUTY = "duty"
    ACTIVITY = "activity"


class Special(StrEnum):
    """Marks that are not choices: an empty row (弃权) and an over-marked paper row (多选)."""

    EMPTY = "empty"
    OVER_MARKED = "over_marked"


class Source(StrEnum):
    """How a ballot reached the box."""

    PHONE = "phone"
    PAPER = "paper"


#: The labels below (and the enums' `label`) are the forms' wording: the voters' pages and
#: the prints show them as they are, in Chinese; a staff page passes them through `_`.
CATEGORY_LABELS = {Category.A: N_("表A（班子成员）"), Category.B: N_("表B（非班子成员）")}
FORM5_LABELS = {
    Form5Choice.EXCELLENT: N_("优秀"),
    Form5Choice.COMPETENT: N_("称职"),
    Form5Choice.BASICALLY_COMPETENT: N_("基本称职"),
    Form5Choice.INCOMPETENT: N_("不称职"),
}
FORM6_LABELS = {
    Form6Choice.GOOD: N_("好"),
    Form6Choice.FAIRLY_GOOD: N_("较好"),
    Form6Choice.AVERAGE: N_("一般"),
    Form6Choice.POOR: N_("差"),
}
#: Table 8's wording for the duty counts (SPEC, "Table 8").
TABLE8_LABELS = {
    Form6Choice.GOOD: N_("满意"),
    Form6Choice.FAIRLY_GOOD: N_("较满意"),
    Form6Choice.AVERAGE: N_("一般"),
    Form6Choice.POOR: N_("不满意"),
}
SPECIAL_LABELS = {Special.EMPTY: N_("未填"), Special.OVER_MARKED: N_("多选")}

FORM5_CODES = tuple(c.value for c in Form5Choice)
FORM6_CODES = tuple(c.value for c in Form6Choice)
MARK_CODES = frozenset(FORM5_CODES + FORM6_CODES + tuple(s.value for s in Special))
COMMENT_MAX_CHARS = 500
