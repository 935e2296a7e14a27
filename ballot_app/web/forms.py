"""Staff forms (Flask-WTF: every one carries a CSRF token), every message in Chinese.

Three layers keep WTForms' English away from staff (SPEC, "What staff meet"):

1. every validator and every field that converts what was typed is given an explicit Chinese
   message that says what to do (the checks in tests/web/test_staff_messages.py hold it so);
2. `StaffForm.Meta` replaces WTForms' translations with `CHINESE`, a gettext-like object that
   maps each of WTForms' own English messages to Chinese, so a message nobody passed (a new
   validator, a new WTForms release) is still Chinese; an English sentence it does not know
   becomes a general Chinese sentence, never English;
3. after validating, `StaffForm` passes every error through the same object: messages that do
   not go through gettext at all (Flask-WTF's CSRF errors) are caught there.
"""

from __future__ import annotations

import re
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
from ..services.errors import InvalidInput
from ..services.roster import UNIT_KINDS

NEED = "请填写这一项。"
WHOLE = "请填写一个整数（只用数字，例如 5）。"
CHOOSE = "请从列表中选择一项。"
CSRF_EXPIRED = (
    "页面打开太久或已过期，安全校验没有通过。请刷新页面后再提交一次；"
    "能保留的内容已经保留在表单里（密码需要重新输入）。"
)
#: For an English sentence nobody translated: Chinese that still says what to do.
GENERAL = "这一项没有通过检查，请按说明修改后再提交。"

#: WTForms' and Flask-WTF's English messages (wtforms/locale/wtforms.pot, flask_wtf/csrf.py),
#: each as a Chinese sentence saying what to do. Placeholders stay: validators fill them in.
MESSAGES: dict[str, str] = {
    "This field is required.": NEED,
    "Invalid input.": "填写的格式不对，请按说明重新填写。",
    "Not a valid integer value.": WHOLE,
    "Not a valid decimal value.": "请填写一个数（只用数字和小数点，例如 92.5）。",
    "Not a valid float value.": "请填写一个数（只用数字和小数点，例如 92.5）。",
    "Not a valid date value.": "请按「年-月-日」填写日期，例如 2026-12-01。",
    "Not a valid datetime value.": "请按「年-月-日 时:分」填写，例如 2026-12-01 09:30。",
    "Not a valid time value.": "请按「时:分」填写时间，例如 09:30。",
    "Not a valid week value.": "请选择一周，例如 2026 年第 48 周。",
    "Not a valid choice.": CHOOSE,
    "Invalid Choice: could not coerce.": CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": "请从列表中选择。",
    "'%(value)s' is not a valid choice for this field.": "「%(value)s」不在可选范围内，请从列表中选择。",
    "'%(value)s' are not valid choices for this field.": "「%(value)s」不在可选范围内，请从列表中选择。",
    "Choices cannot be None.": "这一项现在没有可选的内容，请刷新页面后再试。",
    "Number must be at least %(min)s.": "请填写不小于 %(min)s 的数。",
    "Number must be at most %(max)s.": "请填写不大于 %(max)s 的数。",
    "Number must be between %(min)s and %(max)s.": "请填写 %(min)s 到 %(max)s 之间的数。",
    "Field must be at least %(min)d character long.": "请至少填写 %(min)d 个字。",
    "Field must be at least %(min)d characters long.": "请至少填写 %(min)d 个字。",
    "Field cannot be longer than %(max)d character.": "最多 %(max)d 个字，请删短后再提交。",
    "Field cannot be longer than %(max)d characters.": "最多 %(max)d 个字，请删短后再提交。",
    "Field must be exactly %(max)d character long.": "请填写正好 %(max)d 个字。",
    "Field must be exactly %(max)d characters long.": "请填写正好 %(max)d 个字。",
    "Field must be between %(min)d and %(max)d characters long.": "请填写 %(min)d 到 %(max)d 个字。",
    "Date must be at least %(min)s.": "日期不能早于 %(min)s，请重新填写。",
    "Date must be at most %(max)s.": "日期不能晚于 %(max)s，请重新填写。",
    "Date must be between %(min)s and %(max)s.": "请填写 %(min)s 到 %(max)s 之间的日期。",
    "Field must be equal to %(other_name)s.": "两处填写的内容不一致，请重新填写。",
    "Invalid field name '%s'.": "表单里没有「%s」这一项，请刷新页面后再填写。",
    "Invalid email address.": "请填写正确的电子邮箱地址，例如 name@example.org。",
    "Invalid IP address.": "请填写正确的 IP 地址，例如 192.168.1.20。",
    "Invalid Mac address.": "请填写正确的网卡（MAC）地址，例如 00:1A:2B:3C:4D:5E。",
    "Invalid URL.": "请填写完整的网址，例如 https://ceping.example.org。",
    "Invalid UUID.": "请填写正确的编号（UUID）。",
    "Invalid value, must be one of: %(values)s.": "请填写以下之一：%(values)s。",
    "Invalid value, can't be any of: %(values)s.": "不能填写 %(values)s，请换一个。",
    "This field cannot be edited.": "这一项不能修改。",
    "This field is disabled and cannot have a value.": "这一项现在不能修改，请刷新页面。",
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
    """WTForms' translations object (gettext, ngettext) answering in Chinese."""

    def gettext(self, string: str) -> str:
        return in_chinese(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return in_chinese(singular if n == 1 else plural)


def in_chinese(message: str) -> str:
    """The Chinese for one of WTForms' messages; Chinese text unchanged; other English: GENERAL."""
    if message in MESSAGES:
        return MESSAGES[message]
    return GENERAL if ENGLISH.search(message) else message


CHINESE = ChineseMessages()


class StaffForm(FlaskForm):
    """The base of every staff form: Chinese messages, unique ids, an anchor for its errors."""

    #: Put before every field's id, where two forms on one page share field names.
    id_prefix = ""
    #: The id of the <form> element, linked from the error summary for the form's own errors.
    anchor = ""

    class Meta:
        def get_translations(self, form: Any) -> ChineseMessages:
            return CHINESE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for field in self:
                field.id = self.id_prefix + field.id

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            field.errors = [in_chinese(str(e)) for e in field.errors]
        self.form_errors = [in_chinese(str(e)) for e in self.form_errors]
        return bool(ok)


def _required(message: str = NEED) -> InputRequired:
    return InputRequired(message)


def _most(n: int) -> Length:
    return Length(max=n, message=f"最多 {n} 个字，请删短后再提交。")


#: The most any count may be: far above a hall's needs, far below what the database stores.
MOST = 100_000


def _count(low: int = 0, high: int = MOST, what: str = "张数") -> NumberRange:
    return NumberRange(low, high, message=f"{what}请填 {low} 到 {high} 之间的整数。")


def _integer(label: str, *validators: Any, **kwargs: Any) -> IntegerField:
    """An integer field whose every message (empty, not a number, out of range) is Chinese."""
    return IntegerField(label, list(validators), invalid_value_message=WHOLE, **kwargs)


def _select(label: str, choices: list[SelectChoice], **kwargs: Any) -> SelectField:
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
    username = StringField("用户名", [_required("请填写用户名。"), _most(64)])
    password = PasswordField("密码", [_required("请填写密码。"), _most(128)])


class UnitForm(StaffForm):
    anchor = "unit-form"
    name = StringField("单位名称", [_required("请填写单位名称。"), _most(120)])
    kind = _select("单位类型", [SelectChoice(k, v) for k, v in UNIT_KINDS.items()])
    party_org_name = StringField("党组织名称（表6抬头，可不填）", [_most(120)])


class NewUnitForm(UnitForm):
    """Adding a unit: its group (the admin's choice) and, for a grassroots party
    organisation, its parent committee. Their choices are set by the view; "" is none."""

    group_id = _select("考核组", [], default="")
    parent_id = _select("上级党委所在单位（只有基层党组织要选）", [], default="")


class MemberForm(StaffForm):
    anchor = "member-form"
    name = StringField("姓名", [_required("请填写姓名。"), _most(64)])
    post = StringField("职务", [_required("请填写职务。"), _most(120)])
    portfolio = StringField("分管工作", [_most(255)])
    is_principal = BooleanField("党政正职")
    is_secretary = BooleanField("党组织书记")
    #: Shown once the service warns of a second member of the same name.
    confirm_duplicate = BooleanField("确认同名，仍然保存")


class MeetingForm(StaffForm):
    anchor = "meeting-form"
    title = StringField("会议名称", [_required("请填写会议名称。"), _most(200)])
    held_on = DateField(
        "会议日期",
        [_required("请填写会议日期，例如 2026-12-01。")],
        invalid_value_message="请按「年-月-日」填写会议日期，例如 2026-12-01。",
    )
    form5 = BooleanField("表5 领导班子成员履职情况综合测评表（A、B）", default=True)
    form6 = BooleanField("表6 书记履行管党责任情况及创先争优活动群众评议表", default=True)
    count_a = _integer(
        "表A（班子成员）测评码张数", _required(WHOLE), _count(0, 2000, "表A张数"), default=0
    )
    count_b = _integer(
        "表B（非班子成员）测评码张数", _required(WHOLE), _count(0, 2000, "表B张数"), default=0
    )
    #: Shown once the service warns of a second meeting with the same title and date.
    confirm_duplicate = BooleanField("确认同名，仍然建立")


class MeetingEditForm(StaffForm):
    """Correct a draft meeting's title and date."""

    anchor = "meeting-edit-form"
    title = StringField("会议名称", [_required("请填写会议名称。"), _most(200)])
    held_on = DateField(
        "会议日期",
        [_required("请填写会议日期，例如 2026-12-01。")],
        invalid_value_message="请按「年-月-日」填写会议日期，例如 2026-12-01。",
    )


class SettingsForm(StaffForm):
    anchor = "settings-form"
    secretary_name = StringField("党组织书记姓名（表6、附件7）", [_most(64)])
    participants = _integer(
        "评议人员（实到人数，不填则等于发出票数）",
        Optional(),
        _count(0, MOST, "实到人数"),
    )
    # 参加人员 per category (domain/attendance.py): the template shows the unit kind's own.
    att_staff = _integer("机关工作人员（含政府雇员）", Optional(), _count(0, MOST, "人数"))
    att_heads = _integer("二级机构负责人", Optional(), _count(0, MOST, "人数"))
    att_clients = _integer("服务对象代表", Optional(), _count(0, MOST, "人数"))
    att_local_heads = _integer(
        "企事业单位和村（社区）主要负责人", Optional(), _count(0, MOST, "人数")
    )
    att_deputies = _integer("党代表、人大代表、政协委员", Optional(), _count(0, MOST, "人数"))
    att_others = _integer("其他人员", Optional(), _count(0, MOST, "人数"))
    pass_rate_base = _select(
        "合格率的分母", [SelectChoice(k.value, v) for k, v in PASS_RATE_BASE_LABELS.items()]
    )
    paper_issued = _integer("发出的纸质票张数", _required(WHOLE), _count(0, MOST, "纸质票张数"))
    live_step = _integer(
        "现场计票的步长（票数，至少 3）",
        _required(WHOLE),
        NumberRange(
            3, 50, message="步长请填 3 到 50 之间的整数：少于 3 票的变化可能看出个人的选择。"
        ),
    )
    live_turnout_only = BooleanField("现场计票在投票期间只显示收回情况，结果在关闭投票箱后才显示")
    paper_double_entry = BooleanField("纸质票须由第二位计票人再录一遍，两遍一致才计入")


class SlipsForm(StaffForm):
    anchor = "slips-form"
    count_a = _integer("表A 张数", _required(WHOLE), _count(0, 2000, "表A张数"), default=0)
    count_b = _integer("表B 张数", _required(WHOLE), _count(0, 2000, "表B张数"), default=0)


class VoidCountForm(StaffForm):
    #: Shares the meeting page with SlipsForm, whose fields have the same names.
    id_prefix = "void-"
    anchor = "void-count-form"
    count_a = _integer("表A 没发出的张数", _required(WHOLE), _count(0, MOST, "表A张数"), default=0)
    count_b = _integer("表B 没发出的张数", _required(WHOLE), _count(0, MOST, "表B张数"), default=0)


class VoidForm(StaffForm):
    anchor = "void-form"
    code = StringField("要作废的纸条上的手输码", [_required("请输入纸条上的手输码。"), _most(40)])


class EvalueeForm(StaffForm):
    anchor = "evaluee-form"
    name = StringField("姓名", [_required("请填写姓名。"), _most(64)])
    post = StringField("职务", [_required("请填写职务。"), _most(120)])


class ReasonForm(StaffForm):
    anchor = "reopen-form"
    reason = TextAreaField("原因（记入操作日志）", [_required("请填写原因。"), _most(2000)])


class CertifyForm(StaffForm):
    anchor = "certify-form"
    counter_name = StringField("计票人姓名", [_required("请填写计票人的姓名。"), _most(64)])
    scrutineer_name = StringField("监票人姓名", [_required("请填写监票人的姓名。"), _most(64)])


class StackForm(StaffForm):
    anchor = "stack-form"
    category = _select(
        "这一叠是哪张表",
        [SelectChoice("A", "表A（班子成员）"), SelectChoice("B", "表B（非班子成员）")],
    )


class WithdrawForm(StaffForm):
    anchor = "withdraw-form"
    stack = _integer("第几叠", _required(WHOLE), _count(1, MOST, "叠号"))
    sheet = _integer("第几张", _required(WHOLE), _count(1, MOST, "张号"))
    reason = TextAreaField(
        "撤回原因（记入操作日志）", [_required("请写明撤回的原因。"), _most(2000)]
    )


class VoidSheetForm(StaffForm):
    """The tellers void a counted paper ballot by decision; a second page asks to confirm."""

    anchor = "void-sheet-form"
    stack = _integer("第几叠", _required(WHOLE), _count(1, MOST, "叠号"))
    sheet = _integer("第几张", _required(WHOLE), _count(1, MOST, "张号"))
    reason = TextAreaField(
        "作废原因（记入操作日志）", [_required("请写明作废的原因。"), _most(2000)]
    )
    #: Sent only by the confirmation page's 「确认作废」 button.
    confirmed = BooleanField("确认作废")


class AssignTellerForm(StaffForm):
    anchor = "assign-teller-form"
    #: Its choices are the accounts that may be assigned, set by the view.
    teller_id = SelectField(
        "计票人账号",
        coerce=int,
        invalid_choice_message="请从列表中选择一个计票人账号。",
        invalid_value_message="请从列表中选择一个计票人账号。",
    )


class NewTellerForm(StaffForm):
    anchor = "new-teller-form"
    username = StringField("用户名（登录用）", [_required("请填写登录用的用户名。"), _most(64)])
    display_name = StringField("姓名", [_required("请填写计票人的姓名。"), _most(64)])
    #: Shown as typed: the organizer picks it to tell the teller, and keeps it on an error.
    password = StringField(
        "初始密码（至少 10 位，请当面告诉本人）",
        [_required("请填写初始密码（至少 10 位）。"), _most(128)],
    )


class AddressForm(StaffForm):
    """The organizer picks which of this machine's addresses the slips encode."""

    #: The meeting page's section is #address already.
    id_prefix = "chosen-"
    anchor = "address-form"
    #: Its choices are this machine's addresses, read when the page is made.
    address = RadioField(
        "会场手机能访问的地址",
        [_required("请选择一个地址。")],
        choices=[],
        invalid_choice_message="这个地址已经不是本机的地址了：请从列表中重新选择。",
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
    username = StringField("用户名（登录用）", [_required("请填写登录用的用户名。"), _most(64)])
    display_name = StringField("姓名", [_required("请填写本人的姓名。"), _most(64)])
    role = _select("角色", [SelectChoice(r.value, r.label) for r in Role])
    #: Its choices are this campaign's groups, set by the view; "" is none.
    group_id = _select("考核组（管理员不用选）", [], default="")


class PasswordForm(StaffForm):
    """A person changes their own password (and must, after an admin set it)."""

    anchor = "password-form"
    current = PasswordField(
        "现在的密码（第一次登录时是管理员给的临时密码）",
        [_required("请填写现在的密码。"), _most(128)],
    )
    new = PasswordField("新密码", [_required("请填写新密码。"), _most(128)])
    repeat = PasswordField("再输入一次新密码", [_required("请再输入一次新密码。"), _most(128)])

    def validate_repeat(self, field: Field) -> None:
        if field.data != self.new.data:
            raise ValidationError("两次输入的新密码不一样，请重新输入。")


def _unit_id(value: Any) -> int:
    """A checked unit's id; anything that is not one counts as no unit (0)."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _day(label: str, what: str, *, required: bool = False) -> DateField:
    """A date typed as 年-月-日; optional unless `required`."""
    first = _required(f"请填写{what}，例如 2026-09-30。") if required else Optional()
    return DateField(
        label, [first], invalid_value_message=f"请按「年-月-日」填写{what}，例如 2026-12-05。"
    )


class CampaignForm(StaffForm):
    """The year's name and dates (年度考核)."""

    anchor = "campaign-form"
    name = StringField("名称", [_required("请填写名称，例如「2026年度考核」。"), _most(120)])
    cutoff = _day("任职变动截止日期（在此日期前异动的按新职务考核）", "截止日期", required=True)
    meetings_from = _day("测评会开始日期", "开始日期")
    meetings_to = _day("测评会结束日期", "结束日期")
    roster_due = _day("考核对象名单报送日期", "报送日期")
    annex8_due = _day("附件8报送日期", "报送日期")
    sheets_due = _day("评分表（附件2、3、4）交回日期", "交回日期")


class GroupForm(StaffForm):
    """An inspection group (附件1)."""

    anchor = "group-form"
    name = StringField("组别", [_required("请填写组别，例如「第一组」。"), _most(64)])
    leader_name = StringField("组长", [_most(64)])
    liaison_name = StringField("联络员", [_most(64)])
    liaison_phone = StringField("联络员电话", [_most(32)])


class LeaderForm(StaffForm):
    """A district leader who scores on annex 2, and the units they oversee or liaise with."""

    anchor = "leader-form"
    name = StringField("姓名", [_required("请填写区领导的姓名。"), _most(64)])
    post = StringField("职务（例如 区委常委、副区长）", [_most(120)])
    is_top = BooleanField("四大家领导（为各单位党政正职评分）")
    #: Its choices are the year's scored units, set by the view.
    unit_ids = SelectMultipleField(
        "分管或联系的单位",
        choices=[],
        coerce=_unit_id,
        validate_choice=False,
        invalid_choice_message="勾选的单位已不在本年度名单上：请刷新页面后重新勾选。",
        invalid_value_message="勾选的单位无法识别：请刷新页面后重新勾选。",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class LeaderPasteForm(StaffForm):
    anchor = "paste-form"
    text = TextAreaField(
        "从表格复制的名单（每行：姓名、职务、分管或联系单位、是否四大家领导）",
        [_required("请粘贴名单：每行一位区领导。"), _most(100_000)],
    )


class ExtraSheetForm(StaffForm):
    """A sheet for a rater the lists do not name."""

    anchor = "extra-sheet-form"
    kind = _select("评分表", [SelectChoice(k.value, k.label) for k in SheetKind])
    #: Its choices are the year's scored units, set by the view; "" is none (附件2 正职表).
    unit_id = _select("被考核单位（四大家领导评正职的表不用选）", [], default="")
    rater_name = StringField("评分人（姓名和职务）", [_required("请填写评分人。"), _most(120)])
    rater_role = StringField("评分人身份（例如 区领导、党政正职）", [_most(32)])


class SheetReasonForm(StaffForm):
    anchor = "reason-form"
    reason = TextAreaField(
        "退回修改的理由（记入操作记录，评分人也能看到）",
        [_required("请写明退回修改的理由。"), _most(200)],
    )
