"""Slip 7 (附件7): the meeting's result slip for the secretary's duty item."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum

from .choices import Form6Choice
from .rates import percent
from .tally import RowCounts


class PassRateBase(StrEnum):
    """What the pass rate divides by: a meeting setting, printed beside the rate."""

    VALID = "valid"
    RETURNED = "returned"
    PARTICIPANTS = "participants"

    @property
    def label(self) -> str:
        return PASS_RATE_BASE_LABELS[self]


PASS_RATE_BASE_LABELS = {
    PassRateBase.VALID: "有效票",
    PassRateBase.RETURNED: "收回票",
    PassRateBase.PARTICIPANTS: "评议人员",
}

RETURNED_EXCEEDS_ISSUED = (
    "收回的票数多于发出的票数，测评无效，应重新进行测评。请作废本轮结果，重新发票测评。"
)


@dataclass(frozen=True)
class SlipFacts:
    """The figures slip 7 is computed from."""

    printed: int  #: tokens printed
    voided: int  #: tokens voided as not handed out
    paper_issued: int  #: paper forms handed out
    participants: int | None  #: attendance entered by the organizer; None: defaults to issued
    returned: int  #: ballots received, phone and paper
    duty: RowCounts  #: the duty row across all returned ballots
    base: PassRateBase = PassRateBase.VALID


@dataclass(frozen=True)
class Slip7:
    participants: int
    issued: int
    returned: int
    valid: int
    void: int
    good: int
    fairly_good: int
    average: int
    poor: int
    pass_rate: Decimal | None
    pass_rate_base: PassRateBase

    @property
    def returned_exceeds_issued(self) -> bool:
        """Returned > issued voids the round in common practice; it blocks certification."""
        return self.returned > self.issued

    def as_dict(self) -> dict[str, object]:
        """Slip 7 in the SPEC schema: pass_rate as a number with two decimals, or null."""
        data = asdict(self)
        data["pass_rate"] = None if self.pass_rate is None else float(self.pass_rate)
        data["pass_rate_base"] = self.pass_rate_base.value
        return data


def compute_slip7(facts: SlipFacts) -> Slip7:
    """Fill slip 7's figures by SPEC's rules."""
    issued = facts.printed - facts.voided + facts.paper_issued
    participants = issued if facts.participants is None else facts.participants
    valid = facts.duty.valid
    good = facts.duty[Form6Choice.GOOD]
    fairly_good = facts.duty[Form6Choice.FAIRLY_GOOD]
    base = {
        PassRateBase.VALID: valid,
        PassRateBase.RETURNED: facts.returned,
        PassRateBase.PARTICIPANTS: participants,
    }[facts.base]
    return Slip7(
        participants=participants,
        issued=issued,
        returned=facts.returned,
        valid=valid,
        void=facts.returned - valid,
        good=good,
        fairly_good=fairly_good,
        average=facts.duty[Form6Choice.AVERAGE],
        poor=facts.duty[Form6Choice.POOR],
        pass_rate=percent(good + fairly_good, base),
        pass_rate_base=facts.base,
    )
