"""Slip 7's arithmetic (SPEC, "Slip 7")."""

from decimal import Decimal

from ballot_app.domain.slip7 import PassRateBase, SlipFacts, compute_slip7
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


def test_issued_is_printed_minus_voided_plus_paper_and_participants_default_to_it():
    s = compute_slip7(facts())
    assert s.issued == 49
    assert s.participants == 49
    assert compute_slip7(facts(participants=52)).participants == 52


def test_valid_counts_ballots_whose_duty_row_holds_exactly_one_choice():
    s = compute_slip7(facts())
    assert (s.valid, s.void) == (40, 5)
    assert (s.good, s.fairly_good, s.average, s.poor) == (20, 10, 5, 5)


def test_pass_rate_is_good_plus_fairly_good_over_valid_with_two_decimals():
    s = compute_slip7(facts(duty=duty(good=1, fairly_good=1, poor=1), returned=3))
    assert s.pass_rate == Decimal("66.67")
    assert s.as_dict()["pass_rate"] == 66.67
    assert s.as_dict()["pass_rate_base"] == "valid"


def test_zero_valid_ballots_give_no_pass_rate():
    s = compute_slip7(facts(returned=4, duty=duty(abstain=3, invalid=1)))
    assert (s.valid, s.void) == (0, 4)
    assert s.pass_rate is None
    assert s.as_dict()["pass_rate"] is None


def test_no_ballots_at_all():
    s = compute_slip7(facts(returned=0, duty=duty()))
    assert (s.returned, s.valid, s.void, s.pass_rate) == (0, 0, 0, None)


def test_the_denominator_is_a_meeting_setting():
    f = dict(duty=duty(good=30, fairly_good=10, poor=10), returned=60, participants=80)
    assert compute_slip7(facts(**f)).pass_rate == Decimal("80.00")
    assert compute_slip7(facts(**f, base=PassRateBase.RETURNED)).pass_rate == Decimal("66.67")
    assert compute_slip7(facts(**f, base=PassRateBase.PARTICIPANTS)).pass_rate == Decimal("50.00")


def test_returned_greater_than_issued_is_flagged():
    assert compute_slip7(facts(returned=50)).returned_exceeds_issued
    assert not compute_slip7(facts(returned=49)).returned_exceeds_issued
