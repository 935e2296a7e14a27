"""The meeting page's steps in the order of the work (SPEC, "What staff meet"), and where
a meeting stands among them."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.meeting_state import MeetingState
from ..domain.text import N_, _
from ..models import Meeting
from ..services import paper, results

#: The meeting page's steps in the order of the work (SPEC, "What staff meet"): anchor, name.
STEPS = (
    ("evaluees", N_("名单")),
    ("slips", N_("测评码")),
    ("address", N_("试扫码")),
    ("open", N_("开启")),
    ("close", N_("关闭")),
    ("paper", N_("纸质票")),
    ("check", N_("核对")),
    ("certify", N_("确认")),
)


@dataclass(frozen=True)
class Step:
    """One step of the meeting page: its section's anchor, its name (in the reader's
    language), done, the one to do now."""

    anchor: str
    label: str
    is_done: bool
    is_current: bool


def meeting_steps(meeting: Meeting, stats: results.TokenStats) -> list[Step]:
    """Where the meeting stands: which steps are done and which one comes now."""
    started = meeting.state != MeetingState.DRAFT
    closed = meeting.state in (MeetingState.CLOSED, MeetingState.CERTIFIED)
    certified = meeting.state == MeetingState.CERTIFIED
    has_roster = not meeting.is_form5_enabled or bool(meeting.evaluees)
    has_slips = sum(stats.printed.values()) > sum(stats.voided.values())
    paper_done = certified or (
        closed
        and paper.pending_stacks(meeting.id) == 0
        and (not meeting.paper_issued or results.paper_ballots(meeting.id) > 0)
    )
    done = [has_roster or started, has_slips or started, started, started, closed]
    done += [paper_done, certified, certified]
    if certified:
        now = -1
    elif not started:
        now = 0 if not has_roster else 1 if not has_slips else 2
    else:
        now = 4 if not closed else 6 if paper_done else 5
    return [Step(a, _(name), done[i], i == now) for i, (a, name) in enumerate(STEPS)]
