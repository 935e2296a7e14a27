"""Named score sheets (计分表, 附件2, 3, 4): the kinds, who rates whom, reading and checking
a rater's scores, and the digest that seals a returned sheet.

Scores are exact decimals on a 100-point scale with at most one decimal (no float ever
holds one). A sheet is checked whole: every row scored, each score 0–100 with one decimal
at most, and on annexes 2 and 4 not every score the same (「评分应根据履职情况适当拉开档次，
不能完全相同」). The digest is SHA-256 over the sheet's canonical content, so anyone holding
the rows can recompute it (`flask verify`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from .rates import round_cent
from .text import N_, _


class SheetKind(StrEnum):
    ANNEX2 = "2"  #: 分管或联系区领导 → the unit's members
    ANNEX2_PRINCIPALS = "2p"  #: 四大家 leaders → every unit's 党政正职
    ANNEX3 = "3"  #: the unit's 绩效考核领导小组 → its deputies' work targets
    ANNEX4 = "4"  #: each 党政正职 of the unit → its deputies

    @property
    def label(self) -> str:
        """The official title, always Chinese: printed on the filed sheets and the raters' pages."""
        return KIND_LABELS[self]

    @property
    def staff_title(self) -> str:
        """The title in the reader's language, for staff screens and exports."""
        return _(KIND_LABELS[self])

    @property
    def short_title(self) -> str:
        """附件2, 附件3, 附件4 in the reader's language (both annex 2 kinds read 附件2)."""
        return _(SHORT_TITLES[self])

    @property
    def must_differ(self) -> bool:
        """Annexes 2 and 4 ask for scores spread by performance, never all equal."""
        return self in (SheetKind.ANNEX2, SheetKind.ANNEX2_PRINCIPALS, SheetKind.ANNEX4)

    @property
    def score_head(self) -> str:
        """The score column's official head, always Chinese (the prints split it in two)."""
        return N_("工作目标考核得分") if self == SheetKind.ANNEX3 else N_("综合评价得分")

    @property
    def score_title(self) -> str:
        """The score column's head in the reader's language, for staff screens."""
        return _(self.score_head)


class SheetState(StrEnum):
    ISSUED = "issued"  #: 已发放: the rater may fill it in
    RETURNED = "returned"  #: 已交回: sealed, nobody changes it
    REOPENED = "reopened"  #: 已退回修改: the admin reopened it, with a reason

    @property
    def label(self) -> str:
        return _(STATE_LABELS[self])

    @property
    def is_open(self) -> bool:
        """The rater (or the admin typing a paper sheet) may still change the scores."""
        return self != SheetState.RETURNED


STATE_LABELS = {
    SheetState.ISSUED: N_("未交"),
    SheetState.RETURNED: N_("已交回"),
    SheetState.REOPENED: N_("已退回修改"),
}

#: The official titles: `label` gives them as printed (Chinese, the filed forms' wording);
#: `staff_title` translates them for staff screens, hence in the catalogue too.
KIND_LABELS = {
    SheetKind.ANNEX2: N_(
        "附件2 区管领导班子成员履职情况计分表（分管或联系区领导）"  # official
    ),
    SheetKind.ANNEX2_PRINCIPALS: N_(
        "附件2 区管领导班子党政正职履职情况计分表（四大家领导）"  # official
    ),
    SheetKind.ANNEX3: N_(
        "附件3 区管领导班子副职分管工作目标考核得分表（单位绩效考核领导小组）"  # official
    ),
    SheetKind.ANNEX4: N_(
        "附件4 区管领导班子副职履职情况计分表（党政正职）"  # official
    ),
}
SHORT_TITLES = {
    SheetKind.ANNEX2: N_("附件2"),
    SheetKind.ANNEX2_PRINCIPALS: N_("附件2"),
    SheetKind.ANNEX3: N_("附件3"),
    SheetKind.ANNEX4: N_("附件4"),
}

#: A principal's role as a sheet keeps it (Chinese, stored); translated where shown.
PRINCIPAL_ROLE = N_("党政正职")

#: The rule as the notice words it; shown through `_` (sheet_problem begins with it).
ALL_EQUAL = N_("评分应根据履职情况适当拉开档次，不能完全相同")
HIGHEST = Decimal(100)
_SCORE = re.compile(r"(?:100(?:\.0)?|[0-9]{1,2}(?:\.[0-9])?)")
_NUMBER = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,12})?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")  # official: typed input


# --- who rates whom ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A roster line as the sheets need it."""

    member_id: int
    unit_id: int
    name: str
    post: str
    portfolio: str = ""
    is_principal: bool = False  #: 党政正职
    is_concurrent: bool = False  #: 兼任: assessed in another unit, not here


@dataclass(frozen=True)
class Rater:
    """Who fills a sheet: a district leader, a unit's principal, a unit's leading group."""

    key: str  #: stable within a campaign, e.g. "leader:3", "principal:17", "group:5"
    name: str
    role: str  #: 区领导, 四大家领导, 党政正职, 绩效考核领导小组


@dataclass(frozen=True)
class ProposedSheet:
    kind: SheetKind
    rater: Rater
    unit_id: int | None  #: None for the principals' sheet, which spans every unit
    member_ids: tuple[int, ...]


def propose_sheets(
    people: Sequence[Person],
    oversight: Mapping[int, Sequence[Rater]],
    top_leaders: Sequence[Rater],
    group_raters: Mapping[int, Rater],
) -> list[ProposedSheet]:
    """The sheets the rosters call for, as the admin would start from (SPEC "Score sheets"):

    - annex 2: each district leader overseeing or liaising with a unit scores its members;
    - annex 2 (principals): each 四大家 leader scores every unit's 党政正职;
    - annex 4: each 党政正职 of a unit scores the unit's deputies (never themselves);
    - annex 3: the unit's leading group (one sheet per unit) scores its deputies.

    兼任 lines are assessed in their main unit and rated there only. Empty sheets are left
    out. The order is stable: by kind, then unit, then rater."""
    assessed = [p for p in people if not p.is_concurrent]
    by_unit: dict[int, list[Person]] = {}
    for p in assessed:
        by_unit.setdefault(p.unit_id, []).append(p)
    sheets: list[ProposedSheet] = []
    for unit_id in sorted(by_unit):
        members = by_unit[unit_id]
        for rater in oversight.get(unit_id, ()):
            sheets.append(
                ProposedSheet(SheetKind.ANNEX2, rater, unit_id, tuple(m.member_id for m in members))
            )
    principals = tuple(p.member_id for p in assessed if p.is_principal)
    if principals:
        for rater in top_leaders:
            sheets.append(ProposedSheet(SheetKind.ANNEX2_PRINCIPALS, rater, None, principals))
    for unit_id in sorted(by_unit):
        members = by_unit[unit_id]
        deputies = tuple(m.member_id for m in members if not m.is_principal)
        if not deputies:
            continue
        if unit_id in group_raters:
            sheets.append(ProposedSheet(SheetKind.ANNEX3, group_raters[unit_id], unit_id, deputies))
        for principal in (m for m in members if m.is_principal):
            rater = Rater(f"principal:{principal.member_id}", principal.name, PRINCIPAL_ROLE)
            sheets.append(ProposedSheet(SheetKind.ANNEX4, rater, unit_id, deputies))
    return sheets


# --- reading and checking a sheet ----------------------------------------------------------


def parse_score(text: str) -> Decimal | None:
    """A typed score as an exact decimal, or None if it is not one: 0 to 100, at most one
    decimal; full-width digits (from a Chinese keyboard) and surrounding spaces are fine."""
    clean = text.strip().translate(_FULL_WIDTH)
    if not _SCORE.fullmatch(clean):
        return None
    try:
        value = Decimal(clean)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    return value if 0 <= value <= HIGHEST else None


def score_problem(text: str) -> str | None:
    """Why a typed score cannot be used, as a sentence that says what to type; None if fine."""
    clean = text.strip().translate(_FULL_WIDTH)
    if not clean:
        return _("请填写得分（0 到 100 分）。")
    if parse_score(clean) is not None:
        return None
    if not _NUMBER.fullmatch(clean):
        return _("得分只填数字，例如 92 或 88.5。")
    value = Decimal(clean)
    if clean.startswith("-") or value > HIGHEST:
        return _("得分要在 0 到 100 分之间。")
    return _("得分最多保留一位小数，例如 88.5。")


@dataclass(frozen=True)
class ScoreRow:
    member_id: int
    score: Decimal
    remark: str = ""


REMARK_MOST = 200


@dataclass(frozen=True)
class SheetCheck:
    rows: tuple[ScoreRow, ...]  #: the scores read (only complete when `problems` is empty)
    problems: dict[int, str]  #: member id → the sentence beside that row
    sheet_problem: str | None  #: a sentence about the sheet as a whole (all equal)

    @property
    def is_valid(self) -> bool:
        return not self.problems and self.sheet_problem is None


def check_sheet(
    kind: SheetKind, member_ids: Sequence[int], typed: dict[int, tuple[str, str]]
) -> SheetCheck:
    """Read a rater's scores: `typed` maps each row's member id to (score text, remark).

    Every row must be scored; a row not on the sheet is ignored. On annexes 2 and 4 a sheet
    of two or more rows whose scores are all equal is refused with ALL_EQUAL."""
    rows, problems = [], {}
    for member_id in member_ids:
        score_text, remark = typed.get(member_id, ("", ""))
        problem = score_problem(score_text)
        if problem is None and len(remark) > REMARK_MOST:
            problem = _("备注最多 %(most)s 个字。", most=REMARK_MOST)
        if problem:
            problems[member_id] = problem
            continue
        score = parse_score(score_text)
        assert score is not None  # score_problem said it is one
        rows.append(ScoreRow(member_id, normalize(score), remark.strip()))
    sheet_problem = None
    all_equal = len(rows) >= 2 and len({r.score for r in rows}) == 1
    if not problems and kind.must_differ and all_equal:
        sheet_problem = _("%(rule)s：请按每个人的履职情况分别打分后再提交。", rule=_(ALL_EQUAL))
    return SheetCheck(tuple(rows), problems, sheet_problem)


def normalize(score: Decimal) -> Decimal:
    """One decimal place, always: 92 → 92.0, so equal scores compare and print alike."""
    return score.quantize(Decimal("0.1"))


# --- the seal ------------------------------------------------------------------------------


def sheet_digest(
    sheet_id: int,
    kind: SheetKind,
    rater_name: str,
    rows: Iterable[ScoreRow],
    confirmed_by: str = "",
) -> str:
    """SHA-256 over the sheet's canonical content: its id, kind, rater, the principal who
    confirmed it (annex 3's 党政正职签名, "" on the others) and each row's member, score (one
    decimal, as text) and remark, rows in member order. Printed on the receipt and the
    admin's summary; `verify` recomputes it from the stored rows."""
    content = {
        "sheet": sheet_id,
        "kind": kind.value,
        "rater": rater_name,
        "confirmed_by": confirmed_by,
        "rows": [
            [r.member_id, str(normalize(r.score)), r.remark]
            for r in sorted(rows, key=lambda r: r.member_id)
        ],
    }
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def short_digest(digest: str) -> str:
    """The digest as a person reads it off a receipt: 4 groups of 4 hex digits (the first
    16 of 64); the full value is kept and printed for the admin."""
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4)).upper()


# --- the summary ---------------------------------------------------------------------------


def mean(scores: Sequence[Decimal]) -> Decimal | None:
    """The mean of exact scores, rounded half up to two decimals; None for no score."""
    if not scores:
        return None
    return round_cent(sum(scores, Decimal(0)) / len(scores))


def to_tenths(score: Decimal) -> int:
    """A score as the whole number of tenths the database keeps (88.5 → 885): exact on
    every engine, where SQLite would keep a NUMERIC as a float."""
    return int(normalize(score) * 10)


def from_tenths(tenths: int) -> Decimal:
    """The stored tenths as the exact score (885 → 88.5)."""
    return normalize(Decimal(tenths) / 10)
