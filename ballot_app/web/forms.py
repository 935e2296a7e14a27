"""Staff forms (Flask-WTF: every one carries a CSRF token), every message in the staff
member's language: Chinese, or English for an account that chose it (web/locale.py).

The labels, choices and messages are Chinese message ids, marked `N_` for the catalogue and
translated when a form is made (labels), its choices are read, or a message is shown; a message
whose values a validator fills in is a `Message`, translated before they are filled in.

Three layers keep WTForms' English away from staff who read Chinese (SPEC, "What staff meet"):

1. every validator and every field that converts what was typed is given an explicit Chinese
   message that says what to do (the checks in tests/web/test_staff_messages.py hold it so);
2. `StaffForm.Meta` replaces WTForms' translations with `CHINESE`, a gettext-like object that
   maps each of WTForms' own English messages to Chinese, so a message nobody passed (a new
   validator, a new WTForms release) is still Chinese; an English sentence it does not know
   becomes a general Chinese sentence, never English;
3. after validating, `StaffForm` passes every error through the same object: messages that do
   not go through gettext at all (Flask-WTF's CSRF errors) are caught there.

For a staff member who reads English, the same object answers with the catalogue's English for
our Chinese, and lets WTForms' own English messages through as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.roles import Role
from ..domain.score_sheets import SheetKind
from ..domain.slip7 import PASS_RATE_BASE_LABELS
from ..domain.text import N_, _
from ..services.errors import InvalidInput
from ..services.rehearsal import MAX_SIMULATED
from ..services.roster import UNIT_KINDS
from .locale import is_english

NEED = N_("请填写这一项。")
WHOLE = N_("请填写一个整数（只用数字，例如 5）。")
CHOOSE = N_("请从列表中选择一项。")
CSRF_EXPIRED = N_(
    "页面打开太久或已过期，安全校验没有通过。请刷新页面后再提交一次；"
    "能保留的内容已经保留在表单里（密码需要重新输入）。"
)
#: For an English sentence nobody translated: Chinese that still says what to do.
GENERAL = N_("这一项没有通过检查，请按说明修改后再提交。")

#: WTForms' and Flask-WTF's English messages (wtforms/locale/wtforms.pot, flask_wtf/csrf.py),
#: each as a Chinese sentence saying what to do. Placeholders stay: validators fill them in.
MESSAGES: dict[str, str] = {
    "This field is required.": NEED,
    "Invalid input.": N_("填写的格式不对，请按说明重新填写。"),
    "Not a valid integer value.": WHOLE,
    "Not a valid decimal value.": N_("请填写一个数（只用数字和小数点，例如 92.5）。"),
    "Not a valid float value.": N_("请填写一个数（只用数字和小数点，例如 92.5）。"),
    "Not a valid date value.": N_("请按「年-月-日」填写日期，例如 2026-12-01。"),
    "Not a valid datetime value.": N_("请按「年-月-日 时:分」填写，例如 2026-12-01 09:30。"),
    "Not a valid time value.": N_("请按「时:分」填写时间，例如 09:30。"),
    "Not a valid week value.": N_("请选择一周，例如 2026 年第 48 周。"),
    "Not a valid choice.": CHOOSE,
    "Invalid Choice: could not coerce.": CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": N_("请从列表中选择。"),
    "'%(value)s' is not a valid choice for this field.": N_(
        "「%(value)s」不在可选范围内，请从列表中选择。"
    ),
    "'%(value)s' are not valid choices for this field.": N_(
        "「%(value)s」不在可选范围内，请从列表中选择。"
    ),
    "Choices cannot be None.": N_("这一项现在没有可选的内容，请刷新页面后再试。"),
    "Number must be at least %(min)s.": N_("请填写不小于 %(min)s 的数。"),
    "Number must be at most %(max)s.": N_("请填写不大于 %(max)s 的数。"),
    "Number must be between %(min)s and %(max)s.": N_("请填写 %(min)s 到 %(max)s 之间的数。"),
    "Field must be at least %(min)d character long.": N_("请至少填写 %(min)d 个字。"),
    "Field must be at least %(min)d characters long.": N_("请至少填写 %(min)d 个字。"),
    "Field cannot be longer than %(max)d character.": N_("最多 %(max)d 个字，请删短后再提交。"),
    "Field cannot be longer than %(max)d characters.": N_("最多 %(max)d 个字，请删短后再提交。"),
    "Field must be exactly %(max)d character long.": N_("请填写正好 %(max)d 个字。"),
    "Field must be exactly %(max)d characters long.": N_("请填写正好 %(max)d 个字。"),
    "Field must be between %(min)d and %(max)d characters long.": N_(
        "请填写 %(min)d 到 %(max)d 个字。"
    ),
    "Date must be at least %(min)s.": N_("日期不能早于 %(min)s，请重新填写。"),
    "Date must be at most %(max)s.": N_("日期不能晚于 %(max)s，请重新填写。"),
    "Date must be between %(min)s and %(max)s.": N_("请填写 %(min)s 到 %(max)s 之间的日期。"),
    "Field must be equal to %(other_name)s.": N_("两处填写的内容不一致，请重新填写。"),
    "Invalid field name '%s'.": N_("表单里没有「%s」这一项，请刷新页面后再填写。"),
    "Invalid email address.": N_("请填写正确的电子邮箱地址，例如 name@example.org。"),
    "Invalid IP address.": N_("请填写正确的 IP 地址，例如 192.168.1.20。"),
    "Invalid Mac address.": N_("请填写正确的网卡（MAC）地址，例如 00:1A:2B:3C:4D:5E。"),
    "Invalid URL.": N_("请填写完整的网址，例如 https://ceping.example.org。"),
    "Invalid UUID.": N_("请填写正确的编号（UUID）。"),
    "Invalid value, must be one of: %(values)s.": N_("请填写以下之一：%(values)s。"),
    "Invalid value, can't be any of: %(values)s.": N_("不能填写 %(values)s，请换一个。"),
    "This field cannot be edited.": N_("这一项不能修改。"),
    "This field is disabled and cannot have a value.": N_("这一项现在不能修改，请刷新页面。"),
    "Invalid CSRF Token.": CSRF_EXPIRED,
    "CSRF token missing.": CSRF_EXPIRED,
    "CSRF failed.": CSRF_EXPIRED,
    "CSRF token expired.": CSRF_EXPIRED,
    "The CSRF token is missing.": CSRF_EXPIRED,
    "The CSRF session token is missing.": CSRF_EXPIRED,
    "The CSRF token has expired.": CSRF_EXPIRED,
    "The CSRF token is invalid.": CSRF_EXPIRED,
    "The CSRF tokens do not match.": CSRF_EXPIRED,
}

#: Two Latin words in a row: an English sentence, never shown to staff.
ENGLISH = re.compile(r"[A-Za-z]{3,} [A-Za-z]{2,}")


class ChineseMessages:
    """WTForms' translations object (gettext, ngettext) answering in Chinese, or in English for
    a staff member who reads English (`in_staff_language`)."""

    def gettext(self, string: str) -> str:
        return in_staff_language(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return in_staff_language(singular if n == 1 else plural)


def in_chinese(message: str) -> str:
    """The Chinese for one of WTForms' messages; Chinese text unchanged; other English: GENERAL."""
    if message in MESSAGES:
        return MESSAGES[message]
    return GENERAL if ENGLISH.search(message) else message


def in_staff_language(message: str) -> str:
    """`in_chinese` for a reader of Chinese. For a reader of English: our Chinese (a validator's
    message, or the Chinese for one of WTForms' messages) through the catalogue, and English
    nobody translated as WTForms wrote it."""
    chinese = in_chinese(message)
    if not is_english():
        return chinese
    if message not in MESSAGES and ENGLISH.search(message):
        return message
    return _(chinese)


CHINESE = ChineseMessages()


class Message(str):
    """A validator's message whose values the validator fills in (`%(max)d`): its text is the
    Chinese message id, and filling it in translates it first, so an English reader gets it in
    English with the values in place. Chinese: exactly `str % values`."""

    __slots__ = ()

    def __mod__(self, values: Any) -> str:
        return _(str(self)) % values


def _translated_label(field: Field) -> None:
    text = field.label.text
    if isinstance(text, str) and text:
        field.label.text = _(text)


class StaffForm(FlaskForm):
    """The base of every staff form: messages in the reader's language, unique ids, an anchor
    for its errors."""

    #: Put before every field's id, where two forms on one page share field names.
    id_prefix = ""
    #: The id of the <form> element, linked from the error summary for the form's own errors.
    anchor = ""

    class Meta:
        def get_translations(self, form: Any) -> ChineseMessages:
            return CHINESE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = is_english()
        for field in self:
            if self.id_prefix:
                field.id = self.id_prefix + field.id
            if english:
                _translated_label(field)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            field.errors = [in_staff_language(str(e)) for e in field.errors]
        self.form_errors = [in_staff_language(str(e)) for e in self.form_errors]
        return bool(ok)


def _required(message: str = NEED) -> InputRequired:
    return InputRequired(message)


def _most(n: int) -> Length:
    return Length(max=n, message=Message(N_("最多 %(max)d 个字，请删短后再提交。")))


#: The most any count may be: far above a hall's needs, far below what the database stores.
MOST = 100_000


def _count(low: int, high: int, message: str) -> NumberRange:
    """`message` names the count and has the range as %(min)s and %(max)s."""
    return NumberRange(low, high, message=Message(message))


def _integer(label: str, *validators: Any, **kwargs: Any) -> IntegerField:
    """An integer field whose every message (empty, not a number, out of range) is Chinese."""
    return IntegerField(label, list(validators), invalid_value_message=WHOLE, **kwargs)


Choices = list[SelectChoice] | Callable[[], list[SelectChoice]]


def _select(label: str, choices: Choices, **kwargs: Any) -> SelectField:
    """A select; fixed choices are given as a function, so their labels are read in the
    reader's language."""
    return SelectField(
        label,
        choices=choices,
        invalid_choice_message=CHOOSE,
        invalid_value_message=CHOOSE,
        **kwargs,
    )


class ActionForm(StaffForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(StaffForm):
    anchor = "login-form"
    username = StringField(N_("用户名"), [_required(N_("请填写用户名。")), _most(64)])
    password = PasswordField(N_("密码"), [_required(N_("请填写密码。")), _most(128)])


class UnitForm(StaffForm):
    anchor = "unit-form"
    name = StringField(N_("单位名称"), [_required(N_("请填写单位名称。")), _most(120)])
    kind = _select(N_("单位类型"), lambda: [SelectChoice(k, _(v)) for k, v in UNIT_KINDS.items()])
    party_org_name = StringField(N_("党组织名称（表6抬头，可不填）"), [_most(120)])


class NewUnitForm(UnitForm):
    """Adding a unit: its group (the admin's choice) and, for a grassroots party
    organisation, its parent committee. Their choices are set by the view; "" is none."""

    group_id = _select(N_("考核组"), [], default="")
    parent_id = _select(N_("上级党委所在单位（只有基层党组织要选）"), [], default="")


class MemberForm(StaffForm):
    anchor = "member-form"
    name = StringField(N_("姓名"), [_required(N_("请填写姓名。")), _most(64)])
    post = StringField(N_("职务"), [_required(N_("请填写职务。")), _most(120)])
    portfolio = StringField(N_("分管工作"), [_most(255)])
    is_principal = BooleanField(N_("党政正职"))
    is_secretary = BooleanField(N_("党组织书记"))
    #: Shown once the service warns of a second member of the same name.
    confirm_duplicate = BooleanField(N_("确认同名，仍然保存"))


class MeetingForm(StaffForm):
    anchor = "meeting-form"
    title = StringField(N_("会议名称"), [_required(N_("请填写会议名称。")), _most(200)])
    held_on = DateField(
        N_("会议日期"),
        [_required(N_("请填写会议日期，例如 2026-12-01。"))],
        invalid_value_message=N_("请按「年-月-日」填写会议日期，例如 2026-12-01。"),
    )
    form5 = BooleanField(N_("表5 领导班子成员履职情况综合测评表（A、B）"), default=True)
    form6 = BooleanField(N_("表6 书记履行管党责任情况及创先争优活动群众评议表"), default=True)
    count_a = _integer(
        N_("表A（班子成员）测评码张数"),
        _required(WHOLE),
        _count(0, 2000, N_("表A张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )
    count_b = _integer(
        N_("表B（非班子成员）测评码张数"),
        _required(WHOLE),
        _count(0, 2000, N_("表B张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )
    #: Shown once the service warns of a second meeting with the same title and date.
    confirm_duplicate = BooleanField(N_("确认同名，仍然建立"))


class MeetingEditForm(StaffForm):
    """Correct a draft meeting's title and date."""

    anchor = "meeting-edit-form"
    title = StringField(N_("会议名称"), [_required(N_("请填写会议名称。")), _most(200)])
    held_on = DateField(
        N_("会议日期"),
        [_required(N_("请填写会议日期，例如 2026-12-01。"))],
        invalid_value_message=N_("请按「年-月-日」填写会议日期，例如 2026-12-01。"),
    )


class SettingsForm(StaffForm):
    anchor = "settings-form"
    secretary_name = StringField(N_("党组织书记姓名（表6、附件7）"), [_most(64)])
    participants = _integer(
        N_("评议人员（实到人数，不填则等于发出票数）"),
        Optional(),
        _count(0, MOST, N_("实到人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    # 参加人员 per category (domain/attendance.py): the template shows the unit kind's own.
    att_staff = _integer(
        N_("机关工作人员（含政府雇员）"),
        Optional(),
        _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    att_heads = _integer(
        N_("二级机构负责人"),
        Optional(),
        _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    att_clients = _integer(
        N_("服务对象代表"),
        Optional(),
        _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    att_local_heads = _integer(
        N_("企事业单位和村（社区）主要负责人"),
        Optional(),
        _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    att_deputies = _integer(
        N_("党代表、人大代表、政协委员"),
        Optional(),
        _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    att_others = _integer(
        N_("其他人员"), Optional(), _count(0, MOST, N_("人数请填 %(min)s 到 %(max)s 之间的整数。"))
    )
    pass_rate_base = _select(
        N_("合格率的分母"),
        lambda: [SelectChoice(k.value, _(v)) for k, v in PASS_RATE_BASE_LABELS.items()],
    )
    paper_issued = _integer(
        N_("发出的纸质票张数"),
        _required(WHOLE),
        _count(0, MOST, N_("纸质票张数请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    live_step = _integer(
        N_("现场计票的步长（票数，至少 3）"),
        _required(WHOLE),
        NumberRange(
            3, 50, message=N_("步长请填 3 到 50 之间的整数：少于 3 票的变化可能看出个人的选择。")
        ),
    )
    live_turnout_only = BooleanField(
        N_("现场计票在投票期间只显示收回情况，结果在关闭投票箱后才显示")
    )
    paper_double_entry = BooleanField(N_("纸质票须由第二位计票人再录一遍，两遍一致才计入"))


class SlipsForm(StaffForm):
    anchor = "slips-form"
    count_a = _integer(
        N_("表A 张数"),
        _required(WHOLE),
        _count(0, 2000, N_("表A张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )
    count_b = _integer(
        N_("表B 张数"),
        _required(WHOLE),
        _count(0, 2000, N_("表B张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )


class SimulateForm(StaffForm):
    """A rehearsal's simulated phones (services/rehearsal.py)."""

    anchor = "simulate-form"
    count = _integer(
        N_("模拟手机数"),
        _required(WHOLE),
        _count(1, MAX_SIMULATED, N_("请填写 1 到 %(max)s 之间的整数。")),
        default=30,
    )


class VoidCountForm(StaffForm):
    #: Shares the meeting page with SlipsForm, whose fields have the same names.
    id_prefix = "void-"
    anchor = "void-count-form"
    count_a = _integer(
        N_("表A 没发出的张数"),
        _required(WHOLE),
        _count(0, MOST, N_("表A张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )
    count_b = _integer(
        N_("表B 没发出的张数"),
        _required(WHOLE),
        _count(0, MOST, N_("表B张数请填 %(min)s 到 %(max)s 之间的整数。")),
        default=0,
    )


class VoidForm(StaffForm):
    anchor = "void-form"
    code = StringField(
        N_("要作废的纸条上的手输码"), [_required(N_("请输入纸条上的手输码。")), _most(40)]
    )


class EvalueeForm(StaffForm):
    anchor = "evaluee-form"
    name = StringField(N_("姓名"), [_required(N_("请填写姓名。")), _most(64)])
    post = StringField(N_("职务"), [_required(N_("请填写职务。")), _most(120)])


class ReasonForm(StaffForm):
    anchor = "reopen-form"
    reason = TextAreaField(N_("原因（记入操作日志）"), [_required(N_("请填写原因。")), _most(2000)])


class CertifyForm(StaffForm):
    anchor = "certify-form"
    counter_name = StringField(N_("计票人姓名"), [_required(N_("请填写计票人的姓名。")), _most(64)])
    scrutineer_name = StringField(
        N_("监票人姓名"), [_required(N_("请填写监票人的姓名。")), _most(64)]
    )


class StackForm(StaffForm):
    anchor = "stack-form"
    category = _select(
        N_("这一叠是哪张表"),
        lambda: [
            SelectChoice("A", _("表A（班子成员）")),
            SelectChoice("B", _("表B（非班子成员）")),
        ],
    )


class WithdrawForm(StaffForm):
    anchor = "withdraw-form"
    stack = _integer(
        N_("第几叠"),
        _required(WHOLE),
        _count(1, MOST, N_("叠号请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    sheet = _integer(
        N_("第几张"),
        _required(WHOLE),
        _count(1, MOST, N_("张号请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    reason = TextAreaField(
        N_("撤回原因（记入操作日志）"), [_required(N_("请写明撤回的原因。")), _most(2000)]
    )


class VoidSheetForm(StaffForm):
    """The tellers void a counted paper ballot by decision; a second page asks to confirm."""

    anchor = "void-sheet-form"
    stack = _integer(
        N_("第几叠"),
        _required(WHOLE),
        _count(1, MOST, N_("叠号请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    sheet = _integer(
        N_("第几张"),
        _required(WHOLE),
        _count(1, MOST, N_("张号请填 %(min)s 到 %(max)s 之间的整数。")),
    )
    reason = TextAreaField(
        N_("作废原因（记入操作日志）"), [_required(N_("请写明作废的原因。")), _most(2000)]
    )
    #: Sent only by the confirmation page's 「确认作废」 button.
    confirmed = BooleanField(N_("确认作废"))


class AssignTellerForm(StaffForm):
    anchor = "assign-teller-form"
    #: Its choices are the accounts that may be assigned, set by the view.
    teller_id = SelectField(
        N_("计票人账号"),
        coerce=int,
        invalid_choice_message=N_("请从列表中选择一个计票人账号。"),
        invalid_value_message=N_("请从列表中选择一个计票人账号。"),
    )


class NewTellerForm(StaffForm):
    anchor = "new-teller-form"
    username = StringField(
        N_("用户名（登录用）"), [_required(N_("请填写登录用的用户名。")), _most(64)]
    )
    display_name = StringField(N_("姓名"), [_required(N_("请填写计票人的姓名。")), _most(64)])
    #: Shown as typed: the organizer picks it to tell the teller, and keeps it on an error.
    password = StringField(
        N_("初始密码（至少 10 位，请当面告诉本人）"),
        [_required(N_("请填写初始密码（至少 10 位）。")), _most(128)],
    )


class AddressForm(StaffForm):
    """The organizer picks which of this machine's addresses the slips encode."""

    #: The meeting page's section is #address already.
    id_prefix = "chosen-"
    anchor = "address-form"
    #: Its choices are this machine's addresses, read when the page is made.
    address = RadioField(
        N_("会场手机能访问的地址"),
        [_required(N_("请选择一个地址。"))],
        choices=[],
        invalid_choice_message=N_("这个地址已经不是本机的地址了：请从列表中重新选择。"),
    )


def show_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's field errors on the form, keeping what was typed."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, message]
    form.form_errors.append(error.message)


class AccountForm(StaffForm):
    """The admin opens an account; the app makes its temporary password."""

    anchor = "account-form"
    username = StringField(
        N_("用户名（登录用）"), [_required(N_("请填写登录用的用户名。")), _most(64)]
    )
    display_name = StringField(N_("姓名"), [_required(N_("请填写本人的姓名。")), _most(64)])
    role = _select(N_("角色"), lambda: [SelectChoice(r.value, r.label) for r in Role])
    #: Its choices are this campaign's groups, set by the view; "" is none.
    group_id = _select(N_("考核组（管理员不用选）"), [], default="")


class PasswordForm(StaffForm):
    """A person changes their own password (and must, after an admin set it)."""

    anchor = "password-form"
    current = PasswordField(
        N_("现在的密码（第一次登录时是管理员给的临时密码）"),
        [_required(N_("请填写现在的密码。")), _most(128)],
    )
    new = PasswordField(N_("新密码"), [_required(N_("请填写新密码。")), _most(128)])
    repeat = PasswordField(
        N_("再输入一次新密码"), [_required(N_("请再输入一次新密码。")), _most(128)]
    )

    def validate_repeat(self, field: Field) -> None:
        if field.data != self.new.data:
            raise ValidationError(N_("两次输入的新密码不一样，请重新输入。"))


def _unit_id(value: Any) -> int:
    """A checked unit's id; anything that is not one counts as no unit (0)."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _day(label: str, invalid: str, *, required: str = "") -> DateField:
    """A date typed as 年-月-日, `invalid` saying how; optional unless a `required` message is
    given."""
    first = _required(required) if required else Optional()
    return DateField(label, [first], invalid_value_message=invalid)


class CampaignForm(StaffForm):
    """The year's name and dates (年度考核)."""

    anchor = "campaign-form"
    name = StringField(
        N_("名称"), [_required(N_("请填写名称，例如「2026年度考核」。")), _most(120)]
    )
    cutoff = _day(
        N_("任职变动截止日期（在此日期前异动的按新职务考核）"),
        N_("请按「年-月-日」填写截止日期，例如 2026-12-05。"),
        required=N_("请填写截止日期，例如 2026-09-30。"),
    )
    meetings_from = _day(
        N_("测评会开始日期"), N_("请按「年-月-日」填写开始日期，例如 2026-12-05。")
    )
    meetings_to = _day(N_("测评会结束日期"), N_("请按「年-月-日」填写结束日期，例如 2026-12-05。"))
    roster_due = _day(
        N_("考核对象名单报送日期"), N_("请按「年-月-日」填写报送日期，例如 2026-12-05。")
    )
    annex8_due = _day(N_("附件8报送日期"), N_("请按「年-月-日」填写报送日期，例如 2026-12-05。"))
    sheets_due = _day(
        N_("评分表（附件2、3、4）交回日期"), N_("请按「年-月-日」填写交回日期，例如 2026-12-05。")
    )


class GroupForm(StaffForm):
    """An inspection group (附件1)."""

    anchor = "group-form"
    name = StringField(N_("组别"), [_required(N_("请填写组别，例如「第一组」。")), _most(64)])
    leader_name = StringField(N_("组长"), [_most(64)])
    liaison_name = StringField(N_("联络员"), [_most(64)])
    liaison_phone = StringField(N_("联络员电话"), [_most(32)])


class LeaderForm(StaffForm):
    """A district leader who scores on annex 2, and the units they oversee or liaise with."""

    anchor = "leader-form"
    name = StringField(N_("姓名"), [_required(N_("请填写区领导的姓名。")), _most(64)])
    post = StringField(N_("职务（例如 区委常委、副区长）"), [_most(120)])
    is_top = BooleanField(N_("四大家领导（为各单位党政正职评分）"))
    #: Its choices are the year's scored units, set by the view.
    unit_ids = SelectMultipleField(
        N_("分管或联系的单位"),
        choices=[],
        coerce=_unit_id,
        validate_choice=False,
        invalid_choice_message=N_("勾选的单位已不在本年度名单上：请刷新页面后重新勾选。"),
        invalid_value_message=N_("勾选的单位无法识别：请刷新页面后重新勾选。"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class LeaderPasteForm(StaffForm):
    anchor = "paste-form"
    text = TextAreaField(
        N_("从表格复制的名单（每行：姓名、职务、分管或联系单位、是否四大家领导）"),
        [_required(N_("请粘贴名单：每行一位区领导。")), _most(100_000)],
    )


class ExtraSheetForm(StaffForm):
    """A sheet for a rater the lists do not name."""

    anchor = "extra-sheet-form"
    kind = _select(N_("评分表"), lambda: [SelectChoice(k.value, _(k.label)) for k in SheetKind])
    #: Its choices are the year's scored units, set by the view; "" is none (附件2 正职表).
    unit_id = _select(N_("被考核单位（四大家领导评正职的表不用选）"), [], default="")
    rater_name = StringField(
        N_("评分人（姓名和职务）"), [_required(N_("请填写评分人。")), _most(120)]
    )
    rater_role = StringField(N_("评分人身份（例如 区领导、党政正职）"), [_most(32)])


class SheetReasonForm(StaffForm):
    anchor = "reason-form"
    reason = TextAreaField(
        N_("退回修改的理由（记入操作记录，评分人也能看到）"),
        [_required(N_("请写明退回修改的理由。")), _most(200)],
    )
