"""The year's assessment (年度考核): its states, its dates and the groups' names.

A campaign is prepared (groups, units, rosters), runs (the meetings), and is closed: a
closed campaign is read only and stays viewable; the next year starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .text import N_, _


class CampaignState(StrEnum):
    PREPARING = "preparing"  #: 准备中: groups, units and rosters are set up
    RUNNING = "running"  #: 进行中: the meetings are held
    CLOSED = "closed"  #: 已结束: read only

    @property
    def label(self) -> str:
        return _(STATE_LABELS[self])


STATE_LABELS = {
    CampaignState.PREPARING: N_("准备中"),
    CampaignState.RUNNING: N_("进行中"),
    CampaignState.CLOSED: N_("已结束"),
}

#: Where each step may start, and where it leads.
STEPS = {
    "start": (CampaignState.PREPARING, CampaignState.RUNNING),
    "close": (CampaignState.RUNNING, CampaignState.CLOSED),
}


def closed_sentence(name: str) -> str:
    """What every write to a closed campaign is told."""
    return _(
        "「%(name)s」已经结束，只能查看，不能再修改。"
        "如要开展新一年的考核，请管理员在「年度考核」页面点「从本年度开始下一年度」。",
        name=name,
    )


def default_cutoff(year: int) -> date:
    """Post changes on or before 9月30日 of the year are assessed in the new post."""
    return date(year, 9, 30)


#: The months as a day in prose names them (9月30日; Sep 30 in English).
MONTHS = (
    N_("1月"),
    N_("2月"),
    N_("3月"),
    N_("4月"),
    N_("5月"),
    N_("6月"),
    N_("7月"),
    N_("8月"),
    N_("9月"),
    N_("10月"),
    N_("11月"),
    N_("12月"),
)


def month_day(day: date) -> str:
    """A date as the seed writes it in prose, in the reader's language: 9月30日 (Sep 30)."""
    return _("%(month)s%(day)s日", month=_(MONTHS[day.month - 1]), day=day.day)


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
        problems["year"] = _("年度请填写 2000 到 2100 之间的年份，例如 2026。")
    elif d.cutoff.year != d.year:
        problems["cutoff"] = _(
            "任职变动截止日期要在 %(year)s 年之内（通常是 %(usual)s）。",
            year=d.year,
            usual=month_day(default_cutoff(d.year)),
        )
    if d.meetings_from and d.meetings_to and d.meetings_to < d.meetings_from:
        problems["meetings_to"] = _("测评会结束日期早于开始日期，请改正其中一个。")
    if d.roster_due and d.meetings_to and d.roster_due > d.meetings_to:
        problems["roster_due"] = _("名单报送日期晚于测评会结束日期，请提前到测评会结束之前。")
    return problems


_DIGITS = "零一二三四五六七八九"  # official (the groups' names: 第一组)


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as a group's name uses them (第一组 … 第十二组)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")  # official


def group_name(position: int) -> str:
    """The seed's name for the n-th inspection group: 第一组."""
    return f"第{chinese_number(position)}组"  # official (a name, printed on annex 1)
