"""Form 5 per evaluee (A, B, combined), form 6 per item, rates that add up."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.ballot_spec import EvalueeLine
from ballot_app.domain.choices import FORM5_CODES, FORM6_CODES, Category
from ballot_app.domain.tally import (
    CountedMarks,
    FormBallots,
    RowCounts,
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


ROW_COUNTS = st.fixed_dictionaries(
    {k: st.integers(0, 10_000) for k in (*FORM5_CODES, "abstain", "invalid")}
)


@given(counts=ROW_COUNTS)
def test_shares_over_any_counts_add_up_to_exactly_100_and_stay_within_a_hundredth(counts):
    row = RowCounts(FORM5_CODES, counts)
    shares = row.shares()
    whole = row.valid + counts["abstain"]  # 多选无效 rows have no share
    if whole == 0:
        assert shares is None and row.shares_as_dict() is None
        return
    assert shares is not None
    assert set(shares) == {*FORM5_CODES, "abstain"}
    assert sum(shares.values()) == Decimal("100.00")
    for key, share in shares.items():
        assert share == share.quantize(Decimal("0.01"))
        exact = Decimal(counts[key]) * 100 / Decimal(whole)
        assert abs(share - exact) < Decimal("0.01")
    as_json = row.shares_as_dict()
    assert as_json is not None
    assert {k: Decimal(v) for k, v in as_json.items()} == shares
    assert all(len(v.rsplit(".", 1)[1]) == 2 for v in as_json.values())


def test_the_schema_carries_shares_as_two_decimal_strings_or_null():
    t = tally(counted())
    a = part_as_dict(t.form5["A"])["evaluees"][0]  # 2 excellent, 1 abstain
    assert a["shares"] == {
        "excellent": "66.67",
        "competent": "0.00",
        "basically_competent": "0.00",
        "incompetent": "0.00",
        "abstain": "33.33",
    }
    b = part_as_dict(t.form5["B"])["evaluees"][0]  # 3 competent, 2 incompetent, 1 invalid
    assert (b["shares"]["competent"], b["shares"]["incompetent"]) == ("60.00", "40.00")
    form6 = form6_as_dict(t.form6)
    assert form6["shares"]["duty"] == {  # 2 good, 1 poor, 1 invalid
        "good": "66.67",
        "fairly_good": "0.00",
        "average": "0.00",
        "poor": "33.33",
        "abstain": "0.00",
    }
    assert form6["shares"]["activity"]["abstain"] == "100.00"
    assert set(form6["items"]["duty"]) == {*FORM6_CODES, "abstain", "invalid"}  # counts only
    empty = tally(CountedMarks(E, {}, FormBallots(), {}))
    assert part_as_dict(empty.form5["A"])["evaluees"][0]["shares"] is None
    assert form6_as_dict(empty.form6)["shares"] == {"duty": None, "activity": None}


def test_a_result_stored_before_shares_existed_reads_back_with_shares_from_its_counts():
    t = tally(counted())
    form5 = {k: part_as_dict(part) for k, part in t.form5.items()}
    form6 = form6_as_dict(t.form6)
    for part in form5.values():
        for line in part["evaluees"]:
            del line["shares"]
    del form6["shares"]
    back = tally_from_dict(form5, form6)
    assert part_as_dict(back.form5["A"]) == part_as_dict(t.form5["A"])
    assert form6_as_dict(back.form6) == form6_as_dict(t.form6)


def test_form6_with_fewer_than_three_ballots_says_so():
    few = tally(CountedMarks(E, {}, FormBallots(2, 0), {}))
    assert few.form6.is_few
    assert not tally(CountedMarks(E, {}, FormBallots(3, 0), {})).form6.is_few
    assert not tally(CountedMarks(E, {}, FormBallots(), {})).form6.is_few
