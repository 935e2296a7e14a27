"""Annex 8's rules: the duty codes' columns, a row per certified form 6 meeting, the rest
listed as 未完成, and the due date.

Worked example, counted by hand (the figures of `test_worked_example_by_hand`):

东山镇党委 files annex 8 for three grassroots organisations on 2026-12-20, due 2026-12-31.

- 甲村党支部, secretary 张三, one certified meeting: 12 评议人员, and the duty item was
  marked 好 5, 较好 3, 一般 2, 差 1, and left empty on 1 ballot. Annex 8 renames the
  grades, so its row reads 甲村党支部 | 张三 | 12 | 满意 5 | 较满意 3 | 一般 2 | 不满意 1 |
  弃权 1; the five results add up to 12 = 5 + 3 + 2 + 1 + 1 valid ballots.
- 乙社区党总支 has a meeting still open: it has no row and is 未完成 with
  「测评会未确认结果（投票中）」.
- 丙村党支部 has no meeting at all: 未完成, 「还没有测评会」.

So the table has one row, two organisations are missing, and with 11 days left nothing is
late yet; on 2027-01-02 (2 days past) it is.
"""

from __future__ import annotations

from datetime import date

from ballot_app.domain.annex8 import (
    COLUMNS,
    HEADS,
    NO_FORM6,
    NO_MEETING,
    RESULT_HEADS,
    HeldMeeting,
    Organisation,
    build_annex8,
    lacks,
    results_of,
)
from ballot_app.domain.meeting_state import MeetingState

CERTIFIED = MeetingState.CERTIFIED
DUE = date(2026, 12, 31)


def _duty(good: int, fairly: int, average: int, poor: int, abstain: int) -> dict[str, int]:
    return {
        "good": good,
        "fairly_good": fairly,
        "average": average,
        "poor": poor,
        "abstain": abstain,
    }


def _certified(meeting_id: int, held_on: date, secretary: str = "", **figures: int) -> HeldMeeting:
    participants = figures.pop("participants", 0)
    return HeldMeeting(
        meeting_id, held_on, CERTIFIED, True, secretary, participants, _duty(**figures)
    )


def test_duty_codes_map_to_the_annexs_five_columns_in_order():
    assert COLUMNS == (
        ("good", "满意"),
        ("fairly_good", "较满意"),
        ("average", "一般"),
        ("poor", "不满意"),
        ("abstain", "弃权"),
    )
    assert RESULT_HEADS == ("满意", "较满意", "一般", "不满意", "弃权")
    assert HEADS[:3] == ("评议单位（基层党组织）", "评议对象姓名", "参加民主测评人数")


def test_results_take_each_code_and_count_a_missing_one_as_zero():
    assert results_of(_duty(5, 3, 2, 1, 1)) == (5, 3, 2, 1, 1)
    assert results_of({"poor": 4}) == (0, 0, 0, 4, 0)
    # over-marked rows (invalid) are void ballots on slip 7: no column of annex 8
    assert results_of({"good": 1, "invalid": 7}) == (1, 0, 0, 0, 0)


def test_worked_example_by_hand():
    orgs = [
        Organisation(
            3,
            "丙村党支部",
            "王五",
        ),
        Organisation(
            2,
            "乙社区党总支",
            "李四",
            (HeldMeeting(21, date(2026, 12, 10), MeetingState.OPEN),),
        ),
        Organisation(
            1,
            "甲村党支部",
            "张三",
            (
                _certified(
                    11,
                    date(2026, 12, 8),
                    "张三",
                    participants=12,
                    good=5,
                    fairly=3,
                    average=2,
                    poor=1,
                    abstain=1,
                ),
            ),
        ),
    ]
    annex = build_annex8("东山镇党委", orgs, due=DUE, today=date(2026, 12, 20))
    assert [r.cells for r in annex.rows] == [("甲村党支部", "张三", 12, 5, 3, 2, 1, 1)]
    assert [(g.organisation, g.lacks) for g in annex.gaps] == [
        ("丙村党支部", "还没有测评会"),
        ("乙社区党总支", "测评会未确认结果（投票中）"),
    ]
    assert annex.committee == "东山镇党委"
    assert not annex.is_complete
    assert annex.days_left == 11 and not annex.is_late
    later = build_annex8("东山镇党委", orgs, due=DUE, today=date(2027, 1, 2))
    assert later.days_left == -2 and later.is_late


def test_each_certified_meeting_is_a_row_in_date_order_and_others_do_not_count():
    org = Organisation(
        1,
        "甲村党支部",
        "张三",
        (
            _certified(
                12,
                date(2026, 12, 20),
                participants=9,
                good=9,
                fairly=0,
                average=0,
                poor=0,
                abstain=0,
            ),  # fmt: skip
            HeldMeeting(13, date(2026, 12, 25), MeetingState.CLOSED),
            _certified(
                11,
                date(2026, 12, 1),
                "赵六",
                participants=7,
                good=1,
                fairly=2,
                average=3,
                poor=1,
                abstain=0,
            ),  # fmt: skip
        ),
    )
    annex = build_annex8("东山镇党委", [org], due=None, today=date(2026, 12, 30))
    assert [r.meeting_id for r in annex.rows] == [11, 12]
    # the name form 6 printed wins; a meeting that named none falls back to the roster's
    assert [r.secretary for r in annex.rows] == ["赵六", "张三"]
    assert annex.is_complete and not annex.is_late and annex.days_left is None


def test_a_certified_meeting_without_form6_is_no_row():
    form5_only = HeldMeeting(1, date(2026, 12, 1), CERTIFIED, has_form6=False)
    annex = build_annex8(
        "区教育局党组",
        [Organisation(1, "局机关党支部", "", (form5_only,))],
        due=DUE,
        today=DUE,
    )
    assert annex.rows == () and annex.gaps[0].lacks == NO_FORM6
    assert annex.days_left == 0 and not annex.is_late  # the due day itself is not late


def test_what_an_organisation_lacks():
    assert lacks(()) == NO_MEETING
    assert lacks(iter([HeldMeeting(1, DUE, MeetingState.DRAFT)])) == "测评会未确认结果（准备中）"
    two = [HeldMeeting(2, DUE, MeetingState.CLOSED), HeldMeeting(1, DUE, MeetingState.DRAFT)]
    assert lacks(two) == "2 次测评会均未确认结果（准备中、已关闭投票箱）"


def test_few_ballots_are_flagged():
    one = _certified(1, DUE, participants=3, good=1, fairly=0, average=0, poor=0, abstain=1)
    annex = build_annex8("x", [Organisation(1, "o", "s", (one,))], due=None, today=DUE)
    assert annex.rows[0].is_few
    none = _certified(2, DUE, participants=3, good=0, fairly=0, average=0, poor=0, abstain=0)
    annex = build_annex8("x", [Organisation(1, "o", "s", (none,))], due=None, today=DUE)
    assert not annex.rows[0].is_few
