"""Domain exceptions the web layer maps to pages. Each message is a Chinese sentence that says
what happened and what to do next."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal a person can meet: its message is shown to them as is."""

    status = 400
    title = "无法完成"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404
    title = "找不到"


class Forbidden(ServiceError):
    status = 403
    title = "没有权限"


class InvalidInput(ServiceError):
    """Input that cannot be used; fields name the form fields that were wrong."""

    status = 400
    title = "请检查填写的内容"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class DuplicateWarning(InvalidInput):
    """Possibly a typo or a second entry of the same thing: saved only once the person
    confirms (the form's `confirm_duplicate` box), never silently."""

    status = 409
    title = "可能重复"
    FIELD = "confirm_duplicate"

    def __init__(self, message: str) -> None:
        super().__init__(message, {self.FIELD: message})


class StateBlocked(ServiceError):
    """A meeting transition that its blockers refuse."""

    status = 409
    title = "现在不能进行这一步"

    def __init__(self, blockers: list[str]) -> None:
        super().__init__(" ".join(blockers))
        self.blockers = blockers


# --- what a voter meets (SPEC, "What a voter meets") ---


class SlipRefused(ServiceError):
    """A voter's slip cannot be used now."""


class SlipInvalid(SlipRefused):
    status = 404
    title = "码无效"


class SlipUsed(SlipRefused):
    status = 409
    title = "码已使用"


class SlipWrongMeeting(SlipRefused):
    status = 403
    title = "该码不属于本次会议"


class MeetingNotOpen(SlipRefused):
    status = 403

    def __init__(self, message: str, *, started: bool) -> None:
        super().__init__(message)
        self.started = started
        self.title = "本次测评已结束" if started else "本次测评尚未开始"


class TooManyTries(SlipRefused):
    status = 429
    title = "请稍候再试"


class NeedsConfirmation(ServiceError):
    """A phone ballot with empty rows: the voter must confirm 「n 项未填，确定提交吗？」."""

    status = 409
    title = "还有未填的项目"

    def __init__(self, empty: int) -> None:
        super().__init__(f"{empty} 项未填，确定提交吗？")
        self.empty = empty


# --- what a rater meets on a named score sheet (SPEC, "Score sheets") ---


class SheetLinkRefused(ServiceError):
    """A personal score-sheet link that cannot be used: forged, revoked, or its year over."""

    status = 404
    title = "评分链接不能使用"


class SheetSealed(ServiceError):
    """A returned sheet: sealed, nobody changes it (the admin may reopen it)."""

    status = 409
    title = "评分表已提交"


class SheetChanged(ServiceError):
    """The scores reviewed are not the ones stored now (another tab or device changed them)."""

    status = 409
    title = "评分表已在别处修改"
