"""What the dashboard says of a unit and a group, from plain figures."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.progress import (
    STAGES,
    UnitFigures,
    campaign_progress,
    missing_for,
    percent,
)


def _unit(uid=1, group=1, members=3, kind="township", issued=10, returned=7, **stages):
    meetings = {s: stages.get(s, 0) for s in STAGES}
    return UnitFigures(
        uid,
        f"单位{uid}",
        kind,
        group,
        f"第{group}组" if group else "",
        group or 0,
        members,
        meetings,
        issued,
        returned,
    )


def test_a_unit_is_done_once_it_has_a_group_a_roster_and_every_meeting_certified():
    assert missing_for(_unit(certified=1)) == ()
    assert missing_for(_unit(group=None, members=0)) == ("未分考核组", "名单为空", "还没有测评会")
    assert missing_for(_unit(certified=1, closed=1, open=1)) == ("2 次会议未确认结果",)


def test_a_party_organisation_needs_no_roster():
    assert missing_for(_unit(kind="party_org", members=0, certified=1)) == ()


def test_turnout_is_a_percentage_with_one_decimal_rounded_half_up():
    assert percent(1, 3) == Decimal("33.3") and percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5") and percent(1, 16) == Decimal("6.3")
    assert percent(0, 0) is None


def test_groups_come_in_annex_1_order_and_units_of_no_group_last():
    found = campaign_progress([_unit(1, group=None), _unit(2, group=2), _unit(3, group=1)])
    assert [g.name for g in found] == ["第1组", "第2组", "未分组"]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 9),
            st.integers(0, 9),
            *(st.integers(0, 3) for _ in STAGES),
        ),
        max_size=30,
    )
)
def test_group_totals_are_the_sums_of_their_units(rows):
    units = [
        _unit(
            i,
            group=g or None,
            issued=issued,
            returned=min(returned, issued),
            **dict(zip(STAGES, stages, strict=True)),
        )
        for i, (g, issued, returned, *stages) in enumerate(rows)
    ]
    found = campaign_progress(units)
    assert sum(len(g.units) for g in found) == len(units)
    for s in STAGES:
        assert sum(g.meetings[s] for g in found) == sum(u.meetings[s] for u in units)
    assert sum(g.issued for g in found) == sum(u.issued for u in units)
    assert sum(g.done for g in found) == sum(1 for u in units if not missing_for(u))
