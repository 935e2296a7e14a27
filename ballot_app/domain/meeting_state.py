"""A meeting's life: draft → open → closed → certified, with the blockers of each step."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .text import N_, _


class MeetingState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CERTIFIED = "certified"

    @property
    def label(self) -> str:
        return _(STATE_LABELS[self])


STATE_LABELS = {
    MeetingState.DRAFT: N_("准备中"),
    MeetingState.OPEN: N_("投票中"),
    MeetingState.CLOSED: N_("已关闭投票箱"),
    MeetingState.CERTIFIED: N_("已确认结果"),
}


class Transition(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"
    CERTIFY = "certify"


#: transition → (from state, to state)
TRANSITIONS = {
    Transition.OPEN: (MeetingState.DRAFT, MeetingState.OPEN),
    Transition.CLOSE: (MeetingState.OPEN, MeetingState.CLOSED),
    Transition.REOPEN: (MeetingState.CLOSED, MeetingState.OPEN),
    Transition.CERTIFY: (MeetingState.CLOSED, MeetingState.CERTIFIED),
}

#: States in which slips may be printed or added (SPEC, "Meeting states").
SLIP_STATES = frozenset({MeetingState.DRAFT, MeetingState.OPEN})
#: States in which the meeting's set-up (evaluees, forms) may still change.
SETUP_STATES = frozenset({MeetingState.DRAFT})


@dataclass(frozen=True)
class MeetingFacts:
    """What the blockers look at."""

    state: MeetingState
    form5: bool
    form6: bool
    evaluees: int
    tokens: int
    secretary_name: str = ""
    returned_exceeds_issued: bool = False
    is_admin: bool = False
    reason: str = ""
    counters: tuple[str, str] = ("", "")  #: 计票人, 监票人
    pending_paper_stacks: int = 0  #: paper stacks entered but not yet counted


def blockers(transition: Transition, facts: MeetingFacts) -> list[str]:
    """Why a transition cannot happen now, each a sentence that says what to do; [] if it can."""
    source = TRANSITIONS[transition][0]
    if facts.state != source:
        return [
            _(
                "会议现在的状态是「%(state)s」，不能进行这一步。请刷新页面查看最新状态。",
                state=facts.state.label,
            )
        ]
    found: list[str] = []
    if transition == Transition.OPEN:
        if not (facts.form5 or facts.form6):
            found.append(_("还没有启用任何测评表：请在会议设置中至少选择表5或表6。"))
        if facts.form5 and facts.evaluees == 0:
            found.append(_("表5还没有测评对象：请先在「测评对象」中加入班子成员。"))
        if facts.form6 and not facts.secretary_name.strip():
            found.append(_("表6需要党组织书记的姓名：请在会议设置中填写，或在班子名单中标记书记。"))
        if facts.tokens == 0:
            found.append(_("还没有生成测评码：请先生成并打印测评码，再开启投票。"))
    elif transition == Transition.REOPEN:
        if not facts.is_admin:
            found.append(_("只有区委组织部管理员可以重新开启已关闭的投票箱，请与管理员联系。"))
        if not facts.reason.strip():
            found.append(_("请填写重新开启的原因，它会记入操作日志。"))
    elif transition == Transition.CERTIFY:
        if facts.returned_exceeds_issued:
            found.append(
                _(
                    "收回的票数多于发出的票数，测评无效，应重新进行测评：本轮不能确认，"
                    "请新建一次测评会议重新发票。"
                )
            )
        if facts.pending_paper_stacks:
            found.append(
                _(
                    "还有 %(n)s 叠纸质票没有录完或没有核对一致："
                    "请在「纸质票」页面录完并计入，或删除录错的那一叠，再确认结果。",
                    n=facts.pending_paper_stacks,
                )
            )
        if not all(name.strip() for name in facts.counters):
            found.append(_("请填写计票人和监票人的姓名。"))
    return found
