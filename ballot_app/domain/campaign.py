"""The year's assessment (年度考核): its states, its dates and the groups' names.

A campaign is prepared (groups, units, rosters), runs (the meetings), and is closed: a
closed campaign is read only and stays viewable; the next year starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CampaignState(StrEnum):
    PREPARING = "preparing"  #: 准备中: groups, units and rosters are set up
    RUNNING = "running"  #: 进行中: the meetings are held
    CLOSED = "closed"  #: 已结束: read only

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CampaignState.PREPARING: "准备中",
    CampaignState.RUNNING: "进行中",
    CampaignState.CLOSED: "已结束",
}

#: Where each step may start, and where it leads.
STEPS = {
    "start": (CampaignState.PREPARING, CampaignState.RUNNING),
    "close": (CampaignState.RUNNING, CampaignState.CLOSED),
}


def closed_sentence(name: str) -> str:
    """What every write to a closed campaign is told."""
    return (
        f"「{name}」已经结束，只能查看，不能再修改。"
        "如要开展新一年的考核，请管理员在「年度考核」页面点「从本年度开始下一年度」。"
    )


def default_cutoff(year: int) -> date:
    """Post changes on or before 9月30日 of the year are assessed in the new post."""
    return date(year, 9, 30)


def month_day(day: date) -> str:
    """A date as the seed writes it in prose: 9月30日."""
    return f"{day.month}月{day.day}日"


@dataclass(frozen=True)
class CampaignDates:
    """The dates of a campaign as typed; None where a date is not set yet."""

    year: int
    cutoff: date
    meetings_from: date | None = None
    meetings_to: date | None = None
    roster_due: date | None = None
    annex8_due: date | None = None
    sheets_due: date | None = None  #: the named score sheets (附件2、3、4)


def date_problems(d: CampaignDates) -> dict[str, str]:
    """Each field's problem as one Chinese sentence (empty: the dates can be used).

    The cut-off lies in the campaign's year; the meetings window runs forwards; the roster
    list is due before the meetings end, so the meetings can use it."""
    problems: dict[str, str] = {}
    if not 2000 <= d.year <= 2100:
        problems["year"] = "年度请填写 2000 到 2100 之间的年份，例如 2026。"
    elif d.cutoff.year != d.year:
        problems["cutoff"] = f"任职变动截止日期要在 {d.year} 年之内（通常是 9月30日）。"
    if d.meetings_from and d.meetings_to and d.meetings_to < d.meetings_from:
        problems["meetings_to"] = "测评会结束日期早于开始日期，请改正其中一个。"
    if d.roster_due and d.meetings_to and d.roster_due > d.meetings_to:
        problems["roster_due"] = "名单报送日期晚于测评会结束日期，请提前到测评会结束之前。"
    return problems


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as a group's name uses them (第一组 … 第十二组)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def group_name(position: int) -> str:
    """The seed's name for the n-th inspection group: 第一组."""
    return f"第{chinese_number(position)}组"
