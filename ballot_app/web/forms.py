"""Organizer forms (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..domain.slip7 import PASS_RATE_BASE_LABELS
from ..services.errors import InvalidInput
from ..services.roster import UNIT_KINDS

NEED = "请填写这一项。"
WHOLE = "请填写一个整数。"


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(FlaskForm):
    username = StringField("用户名", [InputRequired(NEED)])
    password = PasswordField("密码", [InputRequired(NEED)])


class UnitForm(FlaskForm):
    name = StringField("单位名称", [InputRequired(NEED), Length(max=120)])
    kind = SelectField("单位类型", choices=[SelectChoice(k, v) for k, v in UNIT_KINDS.items()])
    party_org_name = StringField("党组织名称（表6抬头，可不填）", [Length(max=120)])


class MemberForm(FlaskForm):
    name = StringField("姓名", [InputRequired(NEED), Length(max=64)])
    post = StringField("职务", [InputRequired(NEED), Length(max=120)])
    portfolio = StringField("分管工作", [Length(max=255)])
    is_principal = BooleanField("党政正职")
    is_secretary = BooleanField("党组织书记")


class MeetingForm(FlaskForm):
    title = StringField("会议名称", [InputRequired(NEED), Length(max=200)])
    held_on = DateField("会议日期", [InputRequired("请填写会议日期，例如 2026-12-01。")])
    form5 = BooleanField("表5 领导班子成员履职情况综合测评表（A、B）", default=True)
    form6 = BooleanField("表6 书记履行管党责任情况及创先争优活动群众评议表", default=True)
    count_a = IntegerField(
        "表A（班子成员）测评码张数", [InputRequired(WHOLE), NumberRange(0, 2000)], default=0
    )
    count_b = IntegerField(
        "表B（非班子成员）测评码张数", [InputRequired(WHOLE), NumberRange(0, 2000)], default=0
    )


class SettingsForm(FlaskForm):
    secretary_name = StringField("党组织书记姓名（表6、附件7）", [Length(max=64)])
    participants = IntegerField(
        "评议人员（实到人数，不填则等于发出票数）", [Optional(), NumberRange(min=0)]
    )
    pass_rate_base = SelectField(
        "合格率的分母",
        choices=[SelectChoice(k.value, v) for k, v in PASS_RATE_BASE_LABELS.items()],
    )
    paper_issued = IntegerField("发出的纸质票张数", [InputRequired(WHOLE), NumberRange(min=0)])
    live_step = IntegerField(
        "现场计票的步长（票数，至少 3）",
        [
            InputRequired(WHOLE),
            NumberRange(
                3, 50, message="步长请填 3 到 50 之间的整数：少于 3 票的变化可能看出个人的选择。"
            ),
        ],
        invalid_value_message=WHOLE,
    )
    live_turnout_only = BooleanField("现场计票在投票期间只显示收回情况，结果在关闭投票箱后才显示")
    paper_double_entry = BooleanField("纸质票须由第二位计票人再录一遍，两遍一致才计入")


class SlipsForm(FlaskForm):
    count_a = IntegerField("表A 张数", [InputRequired(WHOLE), NumberRange(0, 2000)], default=0)
    count_b = IntegerField("表B 张数", [InputRequired(WHOLE), NumberRange(0, 2000)], default=0)


class VoidCountForm(FlaskForm):
    count_a = IntegerField(
        "表A 没发出的张数", [InputRequired(WHOLE), NumberRange(min=0)], default=0
    )
    count_b = IntegerField(
        "表B 没发出的张数", [InputRequired(WHOLE), NumberRange(min=0)], default=0
    )


class VoidForm(FlaskForm):
    code = StringField("要作废的纸条上的手输码", [InputRequired(NEED), Length(max=40)])


class EvalueeForm(FlaskForm):
    name = StringField("姓名", [InputRequired(NEED), Length(max=64)])
    post = StringField("职务", [InputRequired(NEED), Length(max=120)])


class ReasonForm(FlaskForm):
    reason = TextAreaField("原因（记入操作日志）", [InputRequired("请填写原因。")])


class CertifyForm(FlaskForm):
    counter_name = StringField(
        "计票人姓名", [InputRequired("请填写计票人的姓名。"), Length(max=64)]
    )
    scrutineer_name = StringField(
        "监票人姓名", [InputRequired("请填写监票人的姓名。"), Length(max=64)]
    )


class StackForm(FlaskForm):
    category = SelectField(
        "这一叠是哪张表",
        choices=[SelectChoice("A", "表A（班子成员）"), SelectChoice("B", "表B（非班子成员）")],
    )


class WithdrawForm(FlaskForm):
    stack = IntegerField("第几叠", [InputRequired(WHOLE), NumberRange(min=1)])
    sheet = IntegerField("第几张", [InputRequired(WHOLE), NumberRange(min=1)])
    reason = TextAreaField("撤回原因（记入操作日志）", [InputRequired("请写明撤回的原因。")])


class VoidSheetForm(FlaskForm):
    """The tellers void a counted paper ballot by decision; a second page asks to confirm."""

    stack = IntegerField("第几叠", [InputRequired(WHOLE), NumberRange(min=1)])
    sheet = IntegerField("第几张", [InputRequired(WHOLE), NumberRange(min=1)])
    reason = TextAreaField("作废原因（记入操作日志）", [InputRequired("请写明作废的原因。")])
    #: Sent only by the confirmation page's 「确认作废」 button.
    confirmed = BooleanField("确认作废")


class AssignTellerForm(FlaskForm):
    teller_id = SelectField("计票人账号", coerce=int, validate_choice=False)


class NewTellerForm(FlaskForm):
    username = StringField("用户名（登录用）", [InputRequired(NEED), Length(max=64)])
    display_name = StringField("姓名", [InputRequired(NEED), Length(max=64)])
    #: Shown as typed: the organizer picks it to tell the teller, and keeps it on an error.
    password = StringField(
        "初始密码（至少 8 位，请当面告诉本人）", [InputRequired(NEED), Length(max=128)]
    )


def show_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's field errors on the form, keeping what was typed."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
    form.form_errors.append(error.message)
