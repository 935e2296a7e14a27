"""Paper ballots (纸质票) for tellers and organizers: stacks, sheet entry, the second-teller
check, withdrawing a mistaken entry and voiding a ballot by the tellers' decision."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Form, TextAreaField

from ..domain.ballot_spec import BallotSpec, Choice, Row, form6_titles
from ..domain.choices import COMMENT_MAX_CHARS, Category, Form6Item
from ..domain.marks import Packet, read_packet
from ..domain.meeting_state import MeetingState
from ..domain.paper import PASS_LABELS, PaperPhase, blank_marks, compare_passes, short_marks
from ..domain.text import _
from ..models import Meeting, PaperSheet, PaperStack
from ..services import paper, results
from ..services.errors import InvalidInput
from . import whole_number
from .confirm import Confirmation, confirmation_page, is_confirmed
from .forms import MOST, ActionForm, StackForm, VoidSheetForm, WithdrawForm, show_errors
from .guards import EVERYONE, role_required, with_meeting

bp = Blueprint("paper", __name__, url_prefix="/meetings/<id:meeting_id>/paper")
Page = Response | str | tuple[str, int]
#: The void form shares the page with the withdraw form: its own field names and ids.
VOID_PREFIX = "void"
#: The sheet-entry form's id (and the anchor its redirects land on).
ENTRY = "entry"


class CommentForm(Form):
    """Form 6's comment as the teller copies it, drawn by the field() macro; read_packet
    checks it (this form holds no validator and no CSRF token: the entry form's is posted)."""

    comment = TextAreaField(
        lazy_gettext("评议意见或工作建议（照票面抄录，可不填）"),
        render_kw={"rows": 3, "maxlength": COMMENT_MAX_CHARS},
    )


@dataclass(frozen=True)
class _Label:
    text: str


@dataclass(frozen=True)
class RowError:
    """One refused row of a typed sheet, as the error summary reads a form's field."""

    id: str  #: the row's <fieldset> (templates/voter/_rows.html), or the comment's textarea
    label: _Label
    errors: list[str]
    type: str = "PaperRow"


@dataclass
class EntryErrors:
    """A refused sheet as templates/_macros/forms.html's summary() and open_if() read a form:
    the sheet entry is drawn by templates/voter/_rows.html, not by a WTForms form."""

    fields: list[RowError] = field(default_factory=list)
    form_errors: list[str] = field(default_factory=list)
    anchor: str = ENTRY

    def __iter__(self) -> Iterator[RowError]:
        return iter(self.fields)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {f.id: f.errors for f in self.fields}


def _shown_spec(meeting: Meeting, spec: BallotSpec) -> BallotSpec:
    """The entry rows as the teller reads them: the choices and form 6's items in the
    reader's language (the rows' fields and codes are the spec's; the paper is Chinese)."""
    titles = form6_titles(meeting.secretary_name, translated=True)

    def shown(row: Row) -> Row:
        title = titles[Form6Item(row.key)] if row.form == 6 else row.title
        choices = tuple(Choice(c.code, _(c.label)) for c in row.choices)
        return Row(row.form, row.key, title, row.subtitle, choices)

    return BallotSpec(spec.category, tuple(map(shown, spec.form5)), tuple(map(shown, spec.form6)))


def _entry_errors(spec: BallotSpec, errors: dict[str, str]) -> EntryErrors:
    """The summary's links, in the order of the rows on the page."""
    fields = []
    for i, row in enumerate(spec.form5, 1):
        if row.field in errors:
            label = _("表5 第 %(i)s 行 %(name)s", i=i, name=row.title)
            fields.append(RowError(row.field, _Label(label), [errors[row.field]]))
    for row in spec.form6:
        if row.field in errors:
            label = _("表6 %(item)s", item=row.title)
            fields.append(RowError(row.field, _Label(label), [errors[row.field]]))
    if "comment" in errors:
        fields.append(RowError("comment", _Label(_("评议意见或工作建议")), [errors["comment"]]))
    notes = [_("这一张没有录进去：请改正标出的行，再提交。已选的内容都还在。")] if fields else []
    return EntryErrors(fields, notes)


def _index(meeting: Meeting, status: int = 200, **forms: object) -> tuple[str, int]:
    found = paper.stacks(meeting)
    specs = {c: paper.entry_spec(meeting, c) for c in Category}
    counted = [s for s in found if s.phase == PaperPhase.COUNTED]
    sheets = [
        (stack, sheet, short_marks(specs[stack.category], sheet.marks))
        for stack in counted
        for sheet in stack.pass_sheets(1)
    ]
    return (
        render_template(
            "paper/index.html",
            meeting=meeting,
            stacks=found,
            sheets=sheets,
            in_box=sum(1 for _stack, s, _short in sheets if not s.is_withdrawn),
            voided=sum(1 for _stack, s, _short in sheets if s.voided_reason and not s.is_withdrawn),
            # Certifying deletes the stacks: the count of a certified meeting comes from its box.
            certified_count=results.paper_ballots(meeting.id)
            if meeting.state == MeetingState.CERTIFIED
            else None,
            writable=meeting.state in paper.ENTRY_STATES,
            stack_form=forms.get("stack_form") or StackForm(),
            withdraw_form=forms.get("withdraw_form") or WithdrawForm(),
            void_form=forms.get("void_form") or VoidSheetForm(prefix=VOID_PREFIX),
            action=ActionForm(),
        ),
        status,
    )


@bp.get("")
@role_required(*EVERYONE)
@with_meeting()
def index(meeting: Meeting) -> Page:
    return _index(meeting)


@bp.post("/stacks")
@role_required(*EVERYONE)
@with_meeting()
def open_stack(meeting: Meeting) -> Page:
    form = StackForm()
    if form.validate_on_submit():
        stack = paper.open_stack(current_user, meeting, Category(form.category.data))
        return redirect(url_for("paper.stack", meeting_id=meeting.id, number=stack.number))
    return _index(meeting, 400, stack_form=form)


def _stack_page(
    meeting: Meeting,
    stack: PaperStack,
    *,
    packet: Packet | None = None,
    correcting: tuple[int, int] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    spec = _shown_spec(meeting, paper.entry_spec(meeting, stack.category))
    pass_no = stack.current_pass
    if correcting and packet is None:
        sheet = stack.sheet(*correcting)
        if sheet is not None:
            packet = Packet(sheet.marks, sheet.comment)
    first, second = stack.pass_sheets(1), stack.pass_sheets(2)
    differences = []
    if stack.phase == PaperPhase.SECOND and second and len(second) >= len(first):
        differences = compare_passes(spec, [s.marks for s in first], [s.marks for s in second])
    listed = stack.pass_sheets(pass_no)
    errors = dict(packet.errors) if packet else {}
    comment = CommentForm(data={"comment": packet.comment if packet else ""})
    if "comment" in errors:
        comment.comment.errors = [errors["comment"]]
    return (
        render_template(
            "paper/stack.html",
            meeting=meeting,
            stack=stack,
            spec=spec,
            pass_no=pass_no,
            pass_label=_(PASS_LABELS[pass_no]),
            packet=packet or Packet(blank_marks(spec)),
            errors=errors,
            entry=_entry_errors(spec, errors),
            comment_form=comment,
            correcting=correcting,
            next_number=len(listed) + 1,
            listed=[(s, short_marks(spec, s.marks)) for s in listed],
            first_count=len(first),
            differences=differences,
            writable=meeting.state in paper.ENTRY_STATES and stack.phase != PaperPhase.COUNTED,
            # The first pass's teller cannot type the second: the check needs another person.
            own_first_pass=stack.phase == PaperPhase.SECOND
            and stack.first_by_id == current_user.id
            and not (correcting and correcting[0] == 1),
            action=ActionForm(),
        ),
        status,
    )


def _correcting() -> tuple[int, int] | None:
    """A correction's ?sheet= and ?pass= name a sheet of this stack: anything else is refused."""
    sheet = whole_number(
        1, MOST, _("要改录的张号不对。请回到这一叠的页面，点那一张旁边的「改录」。")
    )
    number = request.values.get("sheet", type=sheet)
    if number is None:
        return None
    pass_ = whole_number(
        1, 2, _("要改录的是第一遍还是第二遍没有写对。请回到这一叠的页面，点「改录」。")
    )
    return (request.values.get("pass", 1, type=pass_), number)


@bp.get("/<id:number>")
@role_required(*EVERYONE)
@with_meeting()
def stack(meeting: Meeting, number: int) -> Page:
    return _stack_page(meeting, paper.get_stack(meeting, number), correcting=_correcting())


@bp.post("/<id:number>")
@role_required(*EVERYONE)
@with_meeting()
def enter(meeting: Meeting, number: int) -> Page:
    found = paper.get_stack(meeting, number)
    spec = paper.entry_spec(meeting, found.category)
    correcting = _correcting()
    # A stale page never gets here: the app's CSRF page posts what was typed again.
    if not ActionForm().validate_on_submit():
        return _stack_page(meeting, found, correcting=correcting, status=400)
    packet = read_packet(spec, request.form.getlist, paper=True)
    if not packet.is_complete:
        return _stack_page(meeting, found, packet=packet, correcting=correcting, status=400)
    pass_no, sheet_no = correcting if correcting else (None, None)
    done = paper.enter_sheet(current_user, meeting, found, packet, number=sheet_no, pass_no=pass_no)
    marks = short_marks(spec, packet.marks)
    if correcting:
        flash(_("已改好第 %(n)s 张：%(marks)s", n=done, marks=marks), "success")
    else:
        flash(_("已录入第 %(n)s 张：%(marks)s", n=done, marks=marks), "success")
    return redirect(url_for("paper.stack", meeting_id=meeting.id, number=number) + "#entry")


@bp.post("/<id:number>/undo")
@role_required(*EVERYONE)
@with_meeting()
def undo(meeting: Meeting, number: int) -> Page:
    if ActionForm().validate_on_submit():
        removed = paper.remove_last_sheet(current_user, meeting, paper.get_stack(meeting, number))
        flash(_("已删除第 %(n)s 张，请重新录入这一张。", n=removed), "success")
    return redirect(url_for("paper.stack", meeting_id=meeting.id, number=number) + "#entry")


@bp.post("/<id:number>/finish")
@role_required(*EVERYONE)
@with_meeting()
def finish(meeting: Meeting, number: int) -> Page:
    found = paper.get_stack(meeting, number)
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            return confirmation_page(_finish_step(meeting, found))
        try:
            differences = paper.finish_pass(current_user, meeting, found)
        except InvalidInput as e:
            flash(e.message, "error")
        else:
            if differences:
                flash(
                    _(
                        "两遍有 %(n)s 处不一致，这一叠还没有计入。"
                        "请对照纸质票，改录录错的那一遍，再点「核对并计入」。",
                        n=len(differences),
                    ),
                    "error",
                )
            elif found.phase == PaperPhase.SECOND:
                flash(_("第一遍录完。请另一位计票人登录，按同样的顺序录第二遍。"), "success")
            else:
                flash(_("第 %(n)s 叠已计入投票结果。", n=number), "success")
                return redirect(url_for("paper.index", meeting_id=meeting.id))
    return redirect(url_for("paper.stack", meeting_id=meeting.id, number=number))


def _finish_step(meeting: Meeting, stack: PaperStack) -> Confirmation:
    """What finishing this pass will do, for the confirmation page."""
    pass_no = stack.current_pass
    sheets = len(stack.pass_sheets(pass_no))
    facts = [
        _(
            "第 %(stack)s 叠，表%(table)s，%(pass_)s共录入 %(n)s 张。",
            stack=stack.number,
            table=stack.category.value,
            pass_=_(PASS_LABELS[pass_no]),
            n=sheets,
        ),
        _("请数一下这一叠纸质票的张数，和上面的张数一致再确认。"),
    ]
    if pass_no == 1 and meeting.paper_double_entry:
        title = _("第 %(stack)s 叠第一遍录完？", stack=stack.number)
        button = _("确认录完，交第二人核录")
        consequence = _("确认后第一遍不能再加张或删张，只能改录；第二遍由另一位计票人录入。")
    else:
        title = _("把第 %(stack)s 叠计入结果？", stack=stack.number)
        button = _("确认计入")
        consequence = _(
            "计入后这一叠不能整叠删除；录错的票只能逐张撤回，并写明原因（记入操作日志）。"
        )
    back = url_for("paper.stack", meeting_id=meeting.id, number=stack.number)
    action = url_for("paper.finish", meeting_id=meeting.id, number=stack.number)
    return Confirmation(title, facts, consequence, action, button, back)


@bp.post("/<id:number>/discard")
@role_required(*EVERYONE)
@with_meeting()
def discard(meeting: Meeting, number: int) -> Page:
    found = paper.get_stack(meeting, number)
    if ActionForm().validate_on_submit():
        if not is_confirmed():
            back = url_for("paper.stack", meeting_id=meeting.id, number=number)
            return confirmation_page(
                Confirmation(
                    _("删除第 %(stack)s 叠？", stack=number),
                    [
                        _(
                            "第 %(stack)s 叠，表%(table)s，已录入 %(n)s 张（还没有计入结果）。",
                            stack=number,
                            table=found.category.value,
                            n=len(found.sheets),
                        )
                    ],
                    _(
                        "删除后这一叠录入的内容全部丢弃，不能恢复；"
                        "纸质票本身不受影响，可以重新开一叠再录。"
                    ),
                    url_for("paper.discard", meeting_id=meeting.id, number=number),
                    _("确认删除这一叠"),
                    back,
                    warning=True,
                )
            )
        paper.discard_stack(current_user, meeting, found)
        flash(_("第 %(stack)s 叠已删除（它没有计入结果）。", stack=number), "success")
    return redirect(url_for("paper.index", meeting_id=meeting.id))


@bp.post("/withdraw")
@role_required(*EVERYONE)
@with_meeting()
def withdraw(meeting: Meeting) -> Page:
    """Withdraw a mistaken entry from the box: the first post shows the sheet and asks to
    confirm, only the confirmation's post (confirmed=y) withdraws it."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _index(meeting, 400, withdraw_form=form)
    stack_no, number, reason = form.stack.data or 0, form.sheet.data or 0, form.reason.data or ""
    try:
        if not is_confirmed():
            sheet = paper.sheet_to_withdraw(meeting, stack_no, number, reason)
            return confirmation_page(_withdraw_step(meeting, sheet, reason))
        paper.withdraw_sheet(current_user, meeting, stack_no, number, reason)
    except InvalidInput as e:
        show_errors(form, e)
        return _index(meeting, 400, withdraw_form=form)
    flash(
        _("已撤回第 %(stack)s 叠第 %(n)s 张，原因已记入操作日志。", stack=stack_no, n=number),
        "success",
    )
    return redirect(url_for("paper.index", meeting_id=meeting.id) + "#counted")


def _withdraw_step(meeting: Meeting, sheet: PaperSheet, reason: str) -> Confirmation:
    """What withdrawing this sheet will do, for the confirmation page."""
    stack = sheet.stack
    short = short_marks(paper.entry_spec(meeting, stack.category), sheet.marks)
    where = {"stack": stack.number, "table": stack.category.value, "n": sheet.number}
    facts = [
        _(
            "第 %(stack)s 叠（表%(table)s）第 %(n)s 张，录入的票面是 %(marks)s，附有意见。"
            "请对照纸质票核对。",
            marks=short,
            **where,
        )
        if sheet.comment
        else _(
            "第 %(stack)s 叠（表%(table)s）第 %(n)s 张，录入的票面是 %(marks)s。请对照纸质票核对。",
            marks=short,
            **where,
        ),
        _("撤回原因：%(reason)s", reason=reason.strip()),
    ]
    if sheet.voided_reason:
        facts.append(
            _(
                "这一张已由计票人决定作废（%(reason)s），撤回后不再算收回。",
                reason=sheet.voided_reason,
            )
        )
    consequence = _(
        "撤回后这张票从结果中去掉（不再算收回），所附意见也一并去掉，原因记入操作日志。"
        "撤回不能恢复；如需要，再新开一叠把它正确地录一遍。"
    )
    return Confirmation(
        _("确认撤回第 %(stack)s 叠第 %(n)s 张？", **where),
        facts,
        consequence,
        url_for("paper.withdraw", meeting_id=meeting.id),
        _("确认撤回"),
        url_for("paper.index", meeting_id=meeting.id) + "#counted",
        hidden={"stack": str(stack.number), "sheet": str(sheet.number), "reason": reason},
        warning=True,
    )


def _void_confirm(meeting: Meeting, form: VoidSheetForm, sheet: PaperSheet) -> str:
    spec = paper.entry_spec(meeting, sheet.stack.category)
    return render_template(
        "paper/void_confirm.html",
        meeting=meeting,
        form=form,
        sheet=sheet,
        short=short_marks(spec, sheet.marks),
    )


@bp.post("/void")
@role_required(*EVERYONE)
@with_meeting()
def void(meeting: Meeting) -> Page:
    """Void a counted paper ballot by the tellers' decision: the first post shows the sheet
    and asks to confirm, the confirmation's post voids it."""
    form = VoidSheetForm(prefix=VOID_PREFIX)
    if not form.validate_on_submit():
        return _index(meeting, 400, void_form=form)
    stack_no, number, reason = form.stack.data or 0, form.sheet.data or 0, form.reason.data or ""
    try:
        if not form.confirmed.data:
            return _void_confirm(
                meeting, form, paper.sheet_to_void(meeting, stack_no, number, reason)
            )
        paper.void_sheet(current_user, meeting, stack_no, number, reason)
    except InvalidInput as e:
        show_errors(form, e)
        return _index(meeting, 400, void_form=form)
    flash(
        _(
            "第 %(stack)s 叠第 %(n)s 张已作废，计为废票；原因已记入操作日志。",
            stack=stack_no,
            n=number,
        ),
        "success",
    )
    return redirect(url_for("paper.index", meeting_id=meeting.id) + "#counted")
