"""Slip 7's arithmetic (SPEC, "Slip 7")."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.slip7 import (
    PASS_RATE_BASE_LABELS,
    PassRateBase,
    Slip7,
    SlipFacts,
    compute_slip7,
)
from ballot_app.domain.tally import RowCounts

CHOICES = ("good", "fairly_good", "average", "poor")


def duty(**counts):
    return RowCounts(CHOICES, counts)


def facts(**kw):
    base = dict(
        printed=50,
        voided=3,
        paper_issued=2,
        participants=None,
        returned=45,
        duty=duty(good=20, fairly_good=10, average=5, poor=5, abstain=3, invalid=2),
    )
    base.update(kw)
    return SlipFacts(**base)


def grades(s):
    return s.good + s.fairly_good + s.average + s.poor


def test_issued_is_printed_minus_voided_plus_paper_and_participants_default_to_it():
    s = compute_slip7(facts())
    assert s.issued == 49
    assert s.participants == 49
    assert compute_slip7(facts(participants=52)).participants == 52


def test_void_is_an_over_marked_duty_row_and_an_empty_one_is_a_valid_abstention():
    s = compute_slip7(facts())
    assert (s.valid, s.void, s.abstain) == (43, 2, 3)
    assert (s.good, s.fairly_good, s.average, s.poor) == (20, 10, 5, 5)
    assert grades(s) + s.abstain == s.valid
    assert s.as_dict()["abstain"] == 3


def test_pass_rate_is_good_plus_fairly_good_over_valid_with_two_decimals():
    s = compute_slip7(facts(duty=duty(good=1, fairly_good=1, poor=1), returned=3))
    assert s.pass_rate == Decimal("66.67")
    assert s.as_dict()["pass_rate"] == 66.67
    assert s.as_dict()["pass_rate_base"] == "valid"


def test_abstentions_count_in_the_default_base_and_not_in_the_graded_one():
    f = dict(duty=duty(good=2, fairly_good=1, poor=1, abstain=2), returned=6)
    valid = compute_slip7(facts(**f))
    graded = compute_slip7(facts(**f, base=PassRateBase.GRADED))
    assert (valid.base_count, valid.pass_rate) == (6, Decimal("50.00"))
    assert (graded.base_count, graded.pass_rate) == (4, Decimal("75.00"))
    assert graded.as_dict()["pass_rate_base"] == "graded"
    assert PASS_RATE_BASE_LABELS[PassRateBase.GRADED] == "评定票（不含弃权）"
    assert PassRateBase.VALID.label == "有效票（含弃权）"


def test_a_box_of_blank_ballots_is_all_valid_and_all_abstentions():
    s = compute_slip7(facts(returned=4, duty=duty(abstain=4)))
    assert (s.valid, s.void, s.abstain) == (4, 0, 4)
    assert s.pass_rate == Decimal("0.00")
    assert (
        compute_slip7(facts(returned=4, duty=duty(abstain=4), base=PassRateBase.GRADED)).pass_rate
        is None
    )


def test_only_over_marked_duty_rows_give_no_valid_ballot_and_no_pass_rate():
    s = compute_slip7(facts(returned=3, duty=duty(invalid=3)))
    assert (s.valid, s.void) == (0, 3)
    assert s.pass_rate is None
    assert s.as_dict()["pass_rate"] is None


def test_ballots_without_a_form6_part_have_no_duty_row_and_are_void_on_slip7():
    # A meeting with form 6 disabled: slip 7 has nothing to count, as before the rule change.
    s = compute_slip7(facts(returned=5, duty=duty()))
    assert (s.returned, s.valid, s.void, s.abstain, s.pass_rate) == (5, 0, 5, 0, None)


def test_no_ballots_at_all():
    s = compute_slip7(facts(returned=0, duty=duty()))
    assert (s.returned, s.valid, s.void, s.abstain, s.pass_rate) == (0, 0, 0, 0, None)


def test_the_denominator_is_a_meeting_setting():
    f = dict(duty=duty(good=30, fairly_good=10, poor=10), returned=60, participants=80)
    # 10 returned ballots have no duty row: void, so valid = graded = 50
    assert compute_slip7(facts(**f)).pass_rate == Decimal("80.00")
    assert compute_slip7(facts(**f, base=PassRateBase.GRADED)).pass_rate == Decimal("80.00")
    assert compute_slip7(facts(**f, base=PassRateBase.RETURNED)).pass_rate == Decimal("66.67")
    assert compute_slip7(facts(**f, base=PassRateBase.PARTICIPANTS)).pass_rate == Decimal("50.00")


def test_returned_greater_than_issued_is_flagged():
    assert compute_slip7(facts(returned=50)).returned_exceeds_issued
    assert not compute_slip7(facts(returned=49)).returned_exceeds_issued


def test_a_stored_slip_reads_back_as_it_was_and_old_ones_have_no_abstentions():
    s = compute_slip7(facts(base=PassRateBase.GRADED))
    assert Slip7.from_dict(s.as_dict()) == s
    old = {k: v for k, v in s.as_dict().items() if k != "abstain"}
    assert Slip7.from_dict(old).abstain == 0
    assert Slip7.from_dict({**old, "pass_rate": 66.67}).pass_rate == Decimal("66.67")


DUTY_MARKS = st.lists(st.sampled_from((*CHOICES, "empty", "over_marked")), max_size=60)


@given(marks=DUTY_MARKS, no_form6=st.integers(0, 5), base=st.sampled_from(list(PassRateBase)))
def test_the_grades_and_abstentions_add_up_to_valid_and_valid_plus_void_to_returned(
    marks, no_form6, base
):
    counts = {}
    for mark in marks:
        key = {"empty": "abstain", "over_marked": "invalid"}.get(mark, mark)
        counts[key] = counts.get(key, 0) + 1
    s = compute_slip7(facts(returned=len(marks) + no_form6, duty=duty(**counts), base=base))
    assert grades(s) + s.abstain == s.valid
    assert s.valid + s.void == s.returned
    assert s.void == marks.count("over_marked") + no_form6
    assert s.abstain == marks.count("empty")
    shares = s.shares()
    if s.valid > 0:
        assert shares is not None and sum(shares.values()) == Decimal("100.00")
        assert set(shares) == {*CHOICES, "abstain"}
    else:
        assert shares is None
    if s.pass_rate is not None:
        assert s.pass_rate == s.pass_rate.quantize(Decimal("0.01"))
