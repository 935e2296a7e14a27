"""Who attended a rating meeting (参加人员), per category as the seed lists them: their sum is
slip 7's 评议人员.

The seed: 全体机关工作人员（含政府雇员）、二级机构负责人、服务对象代表等；乡镇还包括企事业单位和
村（社区）主要负责人，党代表和人大代表、政协委员。"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .text import N_, _

#: A count per category is at most this (a district's hall, with room to spare).
MOST = 100_000


@dataclass(frozen=True)
class Category:
    key: str
    label: str  #: marked for the catalogue: a page shows `_(label)`
    kinds: tuple[str, ...]  #: the unit kinds whose meetings have it


CATEGORIES = (
    Category("staff", N_("机关工作人员（含政府雇员）"), ("township", "department")),
    Category("heads", N_("二级机构负责人"), ("township", "department")),
    Category("clients", N_("服务对象代表"), ("township", "department")),
    Category("local_heads", N_("企事业单位和村（社区）主要负责人"), ("township",)),
    Category("deputies", N_("党代表、人大代表、政协委员"), ("township",)),
    Category("others", N_("其他人员"), ("township", "department", "party_org")),
)


def categories_for(kind: str) -> tuple[Category, ...]:
    """The categories a meeting of a unit of this kind records, in the seed's order. A
    grassroots party organisation's meeting records only its total (其他人员)."""
    return tuple(c for c in CATEGORIES if kind in c.kinds)


def problems(kind: str, counts: dict[str, int]) -> dict[str, str]:
    """Each category's problem as a Chinese sentence; empty when the counts can be used."""
    allowed = {c.key: c for c in categories_for(kind)}
    found: dict[str, str] = {}
    for key, n in counts.items():
        if key not in allowed:
            found[key] = _("这类人员不属于这种单位的测评大会，请清空这一项。")
        elif not 0 <= n <= MOST:
            found[key] = _(
                "「%(label)s」请填 0 到 %(most)s 之间的整数。",
                label=_(allowed[key].label),
                most=MOST,
            )
    return found


def total(counts: dict[str, int]) -> int | None:
    """The 评议人员 of slip 7: the sum of the categories; None when none is filled."""
    return sum(counts.values()) if counts else None


def dumps(counts: dict[str, int]) -> str:
    """Stored form: JSON, keys in the categories' order."""
    order = [c.key for c in CATEGORIES]
    return json.dumps({k: counts[k] for k in order if k in counts}, separators=(",", ":"))


def loads(text: str | None) -> dict[str, int]:
    if not text:
        return {}
    data = json.loads(text)
    return {str(k): int(v) for k, v in data.items()}
