"""Slip 7 (附件7): the meeting's result slip for the secretary's duty item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .choices import FORM6_CODES, Form6Choice
from .rates import percent, read_percent, shares
from .tally import ABSTAIN, INVALID, RowCounts
from .text import N_


class PassRateBase(StrEnum):
    """What the pass rate divides by: a meeting setting, printed beside the rate."""

    VALID = "valid"
    GRADED = "graded"
    RETURNED = "returned"
    PARTICIPANTS = "participants"

    @property
    def label(self) -> str:
        """As slip 7 prints it (Chinese); a staff page shows `_(label)`."""
        return PASS_RATE_BASE_LABELS[self]


PASS_RATE_BASE_LABELS = {
    PassRateBase.VALID: N_("有效票（含弃权）"),
    PassRateBase.GRADED: N_("评定票（不含弃权）"),
    PassRateBase.RETURNED: N_("收回票"),
    PassRateBase.PARTICIPANTS: N_("评议人员"),
}

RETURNED_EXCEEDS_ISSUED = N_(
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
    abstain: int  #: valid ballots whose duty row is empty (弃权)
    pass_rate: Decimal | None
    pass_rate_base: PassRateBase

    @property
    def returned_exceeds_issued(self) -> bool:
        """Returned > issued voids the round in common practice; it blocks certification."""
        return self.returned > self.issued

    @property
    def graded(self) -> int:
        """Valid ballots whose duty row holds a grade: 好 + 较好 + 一般 + 差, no 弃权."""
        return self.good + self.fairly_good + self.average + self.poor

    @property
    def base_count(self) -> int:
        """The pass rate's denominator under the meeting's base."""
        return {
            PassRateBase.VALID: self.valid,
            PassRateBase.GRADED: self.graded,
            PassRateBase.RETURNED: self.returned,
            PassRateBase.PARTICIPANTS: self.participants,
        }[self.pass_rate_base]

    def shares(self) -> dict[str, Decimal] | None:
        """Shares of the four grades and 弃权 among valid ballots, adding up to exactly 100.00%."""
        return shares({**{c: getattr(self, c) for c in FORM6_CODES}, ABSTAIN: self.abstain})

    def as_dict(self) -> dict[str, object]:
        """Slip 7 in the SPEC schema: pass_rate as a number with two decimals, or null."""
        data = asdict(self)
        data["pass_rate"] = None if self.pass_rate is None else float(self.pass_rate)
        data["pass_rate_base"] = self.pass_rate_base.value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Slip7:
        """Slip 7 as `as_dict` stored it (a certified result). Figures certified before 弃权
        had its own line carry no "abstain": blank ballots were void then, so it is 0."""
        counts = {k: int(data[k]) for k in ("participants", "issued", "returned", "valid", "void")}
        return cls(
            **counts,
            **{c: int(data[c]) for c in FORM6_CODES},
            abstain=int(data.get(ABSTAIN, 0)),
            pass_rate=read_percent(data["pass_rate"]),
            pass_rate_base=PassRateBase(data["pass_rate_base"]),
        )


def compute_slip7(facts: SlipFacts) -> Slip7:
    """Fill slip 7's figures by SPEC's rules.

    Void: returned ballots whose duty row is over-marked (a paper ballot the tellers voided
    by decision reaches the box with every row over-marked, so it is among them), and
    ballots with no duty row at all (no form 6 part: slip 7 has nothing of them to count,
    as before the rule change). Valid: returned − void. An empty duty row is 弃权: the
    ballot stays valid, and the four grades plus 弃权 add up to 有效.
    """
    issued = facts.printed - facts.voided + facts.paper_issued
    participants = issued if facts.participants is None else facts.participants
    duty = facts.duty
    with_duty_row = duty.valid + duty[ABSTAIN] + duty[INVALID]
    void = duty[INVALID] + max(facts.returned - with_duty_row, 0)
    slip = Slip7(
        participants=participants,
        issued=issued,
        returned=facts.returned,
        valid=facts.returned - void,
        void=void,
        good=duty[Form6Choice.GOOD],
        fairly_good=duty[Form6Choice.FAIRLY_GOOD],
        average=duty[Form6Choice.AVERAGE],
        poor=duty[Form6Choice.POOR],
        abstain=duty[ABSTAIN],
        pass_rate=None,
        pass_rate_base=facts.base,
    )
    return replace(slip, pass_rate=percent(slip.good + slip.fairly_good, slip.base_count))
