"""Form 5 per evaluee (A, B, combined), form 6 per item, rates that add up."""

from decimal import Decimal

from ballot_app.domain.ballot_spec import EvalueeLine
from ballot_app.domain.choices import Category
from ballot_app.domain.tally import (
    CountedMarks,
    FormBallots,
    form5_rates,
    form6_as_dict,
    part_as_dict,
    tally,
    tally_from_dict,
)

E = (EvalueeLine(7, "甲一", "书记"),)


def counted(**extra):
    marks = {
        (5, "A", "7", "excellent"): 2,
        (5, "A", "7", "empty"): 1,
        (5, "B", "7", "competent"): 3,
        (5, "B", "7", "over_marked"): 1,
        (5, "B", "7", "incompetent"): 2,
        (6, "A", "duty", "good"): 2,
        (6, "B", "duty", "poor"): 1,
        (6, "B", "duty", "over_marked"): 1,
        (6, "B", "activity", "empty"): 4,
    }
    return CountedMarks(
        E,
        {Category.A: FormBallots(3, 0), Category.B: FormBallots(6, 1)},
        FormBallots(9, 2),
        marks,
        comments=2,
        **extra,
    )


def test_a_and_b_are_tallied_apart_and_combined():
    t = tally(counted())
    a = t.form5["A"].evaluees[0].row.as_dict()
    b = t.form5["B"].evaluees[0].row.as_dict()
    both = t.form5["combined"].evaluees[0].row.as_dict()
    assert a == {
        "excellent": 2,
        "competent": 0,
        "basically_competent": 0,
        "incompetent": 0,
        "abstain": 1,
        "invalid": 0,
    }
    assert b["competent"] == 3 and b["invalid"] == 1 and b["incompetent"] == 2
    assert both == {k: a[k] + b[k] for k in a}
    assert (t.form5["combined"].ballots, t.form5["combined"].void) == (9, 1)


def test_form6_counts_per_item_with_abstain_and_invalid():
    t = tally(counted())
    assert t.form6.items["duty"].as_dict() == {
        "good": 2,
        "fairly_good": 0,
        "average": 0,
        "poor": 1,
        "abstain": 0,
        "invalid": 1,
    }
    assert t.form6.items["activity"]["abstain"] == 4
    assert (t.form6.ballots, t.form6.void, t.form6.comments) == (9, 2, 2)


def test_rates_are_over_valid_rows_only():
    row = tally(counted()).form5["B"].evaluees[0].row  # 3 competent, 2 incompetent, 1 invalid
    rates = form5_rates(row)
    assert rates.excellent == Decimal("0.00")
    assert rates.competent_or_better == Decimal("60.00")
    assert rates.incompetent == Decimal("40.00")


def test_rates_are_none_when_no_valid_row():
    row = tally(CountedMarks(E, {}, FormBallots(), {})).form5["A"].evaluees[0].row
    assert form5_rates(row).excellent is None


def test_shares_of_grades_and_abstentions_add_up_to_exactly_100():
    marks = {
        (5, "A", "7", "excellent"): 1,
        (5, "A", "7", "competent"): 1,
        (5, "A", "7", "empty"): 1,
    }
    row = tally(CountedMarks(E, {}, FormBallots(), marks)).form5["A"].evaluees[0].row
    shares = row.shares()
    assert shares is not None
    assert sum(shares.values()) == Decimal("100.00")
    assert sorted(shares.values())[-1] == Decimal("33.34")


def test_a_part_with_fewer_than_three_ballots_says_so():
    t = tally(CountedMarks(E, {Category.A: FormBallots(2, 0)}, FormBallots(), {}))
    assert t.form5["A"].is_few
    assert not t.form5["B"].is_few  # no ballots at all: nothing to protect


def test_a_stored_tally_reads_back_with_the_same_counts_rates_and_order():
    t = tally(counted())
    form5 = {k: part_as_dict(part) for k, part in t.form5.items()}
    back = tally_from_dict(form5, form6_as_dict(t.form6))
    assert {k: part_as_dict(part) for k, part in back.form5.items()} == form5
    assert form6_as_dict(back.form6) == form6_as_dict(t.form6)
    b = back.form5["B"].evaluees[0]
    assert (b.evaluee.name, b.evaluee.post) == ("甲一", "书记")
    assert b.rates == t.form5["B"].evaluees[0].rates
    assert back.form5["A"].is_few == t.form5["A"].is_few
