"""The campaign's rules: group names as the seed writes them, and the dates' checks."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.campaign import (
    CampaignDates,
    chinese_number,
    date_problems,
    default_cutoff,
    group_name,
    month_day,
)


def test_groups_are_named_as_annex_1_names_them():
    assert [group_name(n) for n in (1, 2, 4, 10, 11, 20, 23)] == [
        "第一组",
        "第二组",
        "第四组",
        "第十组",
        "第十一组",
        "第二十组",
        "第二十三组",
    ]


@given(st.integers(1, 99))
def test_every_number_to_99_has_a_distinct_chinese_name(n):
    names = {chinese_number(k) for k in range(1, 100)}
    assert len(names) == 99 and chinese_number(n).isalpha()


def test_the_default_cutoff_is_september_30_said_as_the_seed_says_it():
    assert default_cutoff(2026) == date(2026, 9, 30)
    assert month_day(date(2026, 9, 30)) == "9月30日"


def test_good_dates_have_no_problem():
    d = CampaignDates(
        2026, date(2026, 9, 30), date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 5)
    )
    assert date_problems(d) == {}


def test_each_bad_date_is_told_on_its_field():
    assert "2026" in date_problems(CampaignDates(2026, date(2025, 9, 30)))["cutoff"]
    backwards = CampaignDates(2026, date(2026, 9, 30), date(2026, 12, 20), date(2026, 12, 1))
    assert "早于开始日期" in date_problems(backwards)["meetings_to"]
    late = CampaignDates(2026, date(2026, 9, 30), None, date(2026, 12, 20), date(2026, 12, 25))
    assert "晚于测评会结束日期" in date_problems(late)["roster_due"]
    assert "2000" in date_problems(CampaignDates(1800, date(1800, 9, 30)))["year"]
