"""Domain exceptions the web layer maps to pages. Each message is a sentence, in the reader's
language, that says what happened and what to do next; each title is a Chinese message id
(`N_`), translated where it is shown (web.error_page)."""

from __future__ import annotations

from ..domain.text import N_, _


class ServiceError(Exception):
    """A refusal a person can meet: its message is shown to them as is."""

    status = 400
    title = N_("无法完成")

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404
    title = N_("找不到")


class Forbidden(ServiceError):
    status = 403
    title = N_("没有权限")


class InvalidInput(ServiceError):
    """Input that cannot be used; fields name the form fields that were wrong."""

    status = 400
    title = N_("请检查填写的内容")

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class DuplicateWarning(InvalidInput):
    """Possibly a typo or a second entry of the same thing: saved only once the person
    confirms (the form's `confirm_duplicate` box), never silently."""

    status = 409
    title = N_("可能重复")
    FIELD = "confirm_duplicate"

    def __init__(self, message: str) -> None:
        super().__init__(message, {self.FIELD: message})


class StateBlocked(ServiceError):
    """A meeting transition that its blockers refuse."""

    status = 409
    title = N_("现在不能进行这一步")

    def __init__(self, blockers: list[str]) -> None:
        super().__init__(" ".join(blockers))
        self.blockers = blockers


# --- what a voter meets (SPEC, "What a voter meets") ---


class SlipRefused(ServiceError):
    """A voter's slip cannot be used now."""


class SlipInvalid(SlipRefused):
    status = 404
    title = N_("码无效")


class SlipUsed(SlipRefused):
    status = 409
    title = N_("码已使用")


class SlipWrongMeeting(SlipRefused):
    status = 403
    title = N_("该码不属于本次会议")


class MeetingNotOpen(SlipRefused):
    status = 403

    def __init__(self, message: str, *, started: bool) -> None:
        super().__init__(message)
        self.started = started
        self.title = N_("本次测评已结束") if started else N_("本次测评尚未开始")


class TooManyTries(SlipRefused):
    status = 429
    title = N_("请稍候再试")


class NeedsConfirmation(ServiceError):
    """A phone ballot with empty rows: the voter must confirm 「n 项未填，确定提交吗？」."""

    status = 409
    title = N_("还有未填的项目")

    def __init__(self, empty: int) -> None:
        super().__init__(_("%(n)s 项未填，确定提交吗？", n=empty))
        self.empty = empty


# --- what a rater meets on a named score sheet (SPEC, "Score sheets") ---


class SheetLinkRefused(ServiceError):
    """A personal score-sheet link that cannot be used: forged, revoked, or its year over."""

    status = 404
    title = N_("评分链接不能使用")


class SheetSealed(ServiceError):
    """A returned sheet: sealed, nobody changes it (the admin may reopen it)."""

    status = 409
    title = N_("评分表已提交")


class SheetChanged(ServiceError):
    """The scores reviewed are not the ones stored now (another tab or device changed them)."""

    status = 409
    title = N_("评分表已在别处修改")
