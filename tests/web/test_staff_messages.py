"""Every message staff meet is Chinese, the validators' own included; a refused form shows a
summary at the top linking each field in error, opens the <details> holding it, and keeps
what was typed (SPEC, "What staff meet")."""

from __future__ import annotations

import re
from pathlib import Path

import flask_wtf
import pytest
import wtforms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Meeting, Unit
from ballot_app.web import forms, public_url

from .. import factories

ENGLISH = re.compile(r"[A-Za-z]{3,} [A-Za-z]{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: What a hurried or careless hand types, each put in every field of a form at once.
BAD = {
    "empty": "",
    "too long": "长" * 3000,
    "letters": "abc",
    "negative": "-7",
    "huge": "9" * 30,
    "bad date": "2026-02-30",
    "bad choice": "nonexistent",
    "decimal": "2.5",
}


def main_text(html: str) -> str:
    """The text of the page's content, tags removed."""
    return re.sub(r"<[^>]+>", " ", html[html.index("<main") : html.index("</main>")])


def error_text(html: str) -> str:
    """The text of the page's error summary and of every field's error, tags removed."""
    parts = re.findall(r'<div class="error-summary".*?</div>', html, re.S)
    parts += re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", " ", "\n".join(parts))


def assert_links_reach_fields(html: str) -> None:
    """Each link of the summary points to exactly one element of the page."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    for target in re.findall(r'href="#([^"]+)"', summary.group(0)):
        assert len(re.findall(rf'\bid="{re.escape(target)}"', html)) == 1, target


# --- the messages themselves ---------------------------------------------------------------


def _form_classes() -> list[type[forms.StaffForm]]:
    return [
        c
        for c in vars(forms).values()
        if isinstance(c, type) and issubclass(c, forms.StaffForm) and c is not forms.StaffForm
    ]


def _is_chinese(message: object) -> bool:
    return (
        isinstance(message, str) and bool(CHINESE.search(message)) and not ENGLISH.search(message)
    )


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__name__)
def test_every_validator_and_conversion_has_its_own_chinese_message(app, form_class):
    with app.test_request_context("/"):
        form = form_class(formdata=None)
    assert isinstance(form.meta.get_translations(form), forms.ChineseMessages)
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        assert _is_chinese(field.label.text), field.name
        for v in field.validators:
            if isinstance(v, Optional):
                continue
            assert isinstance(v, InputRequired | DataRequired | Length | NumberRange), v
            assert _is_chinese(v.message), (field.name, v)
        if isinstance(field, wtforms.IntegerField | wtforms.DateField | wtforms.DecimalField):
            assert _is_chinese(field.invalid_value_message), field.name
        if isinstance(field, wtforms.SelectField):
            assert _is_chinese(field.invalid_choice_message), field.name
            if field.coerce is not str:
                assert _is_chinese(field.invalid_value_message), field.name


def _english_messages() -> list[str]:
    """Every message WTForms can translate (its .pot file) and Flask-WTF's CSRF errors."""
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    found = re.findall(r'^msgid(?:_plural)? "(.+)"$', pot.read_text(encoding="utf-8"), re.M)
    csrf = (Path(flask_wtf.__file__).parent / "csrf.py").read_text(encoding="utf-8")
    found += re.findall(r'ValidationError\("([^"]+)"\)', csrf)
    return found


@pytest.mark.parametrize("english", _english_messages())
def test_every_message_wtforms_knows_is_translated_to_an_instruction(english):
    assert english in forms.MESSAGES, "add it to forms.MESSAGES"
    chinese = forms.CHINESE.gettext(english)
    assert _is_chinese(chinese)
    # The validators fill in the placeholders: the Chinese uses no other, and keeps a bare %s.
    placeholders = re.compile(r"%\(\w+\)[sd]|%s")
    assert set(placeholders.findall(chinese)) <= set(placeholders.findall(english))
    assert chinese.count("%s") == english.count("%s")


def test_an_english_sentence_nobody_translated_still_reaches_staff_in_chinese():
    assert forms.in_chinese("Some future WTForms message.") == forms.GENERAL
    assert forms.CHINESE.ngettext("One thing wrong.", "Many things wrong.", 2) == forms.GENERAL
    assert forms.in_chinese("请填写姓名。") == "请填写姓名。"


# --- every staff form, posted with bad values ------------------------------------------------


def _places(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An admin logged in elsewhere, and one meeting in each state the forms need."""
    draft = factories.meeting(app, state=MeetingState.DRAFT, unit_name="草稿镇")
    owner = db.session.get(factories.User, draft.created_by_id)
    opened = factories.meeting(app, owner=owner, unit_name="投票镇")
    closed = factories.meeting(app, owner=owner, state=MeetingState.CLOSED, unit_name="关闭镇")
    db.session.add_all([draft, opened, closed])
    unit = db.session.get(Unit, draft.unit_id)
    return {
        "draft": draft.id,
        "open": opened.id,
        "closed": closed.id,
        "unit": unit.id,
        "member": unit.members[0].id,
    }


#: (name, address, fields): every staff form that takes input.
FORMS = [
    ("login", "/login", ["username", "password"]),
    ("unit", "/units", ["name", "kind", "party_org_name"]),
    ("member", "/units/{unit}/members", ["name", "post", "portfolio", "is_principal"]),
    ("member edit", "/members/{member}/edit", ["name", "post", "portfolio", "is_secretary"]),
    ("new meeting", "/meetings/new/{unit}", ["title", "held_on", "form5", "count_a", "count_b"]),
    (
        "settings",
        "/meetings/{draft}/settings",
        ["secretary_name", "participants", "pass_rate_base", "paper_issued", "live_step"],
    ),
    ("evaluee", "/meetings/{draft}/evaluees", ["name", "post"]),
    ("slips", "/meetings/{draft}/slips", ["count_a", "count_b"]),
    ("void slip", "/meetings/{open}/slips/void", ["code"]),
    ("void count", "/meetings/{closed}/slips/void-count", ["count_a", "count_b"]),
    ("reopen", "/meetings/{closed}/reopen", ["reason"]),
    ("certify", "/meetings/{closed}/certify", ["counter_name", "scrutineer_name"]),
    ("assign teller", "/meetings/{open}/tellers", ["teller_id"]),
    ("new teller", "/meetings/{open}/tellers/new", ["username", "display_name", "password"]),
    ("address", "/meetings/{draft}/public-address", ["address"]),
    ("paper stack", "/meetings/{open}/paper/stacks", ["category"]),
    ("paper withdraw", "/meetings/{open}/paper/withdraw", ["stack", "sheet", "reason"]),
    ("paper void", "/meetings/{open}/paper/void", ["void-stack", "void-sheet", "void-reason"]),
]


@pytest.mark.parametrize(("name", "address", "fields"), FORMS, ids=[f[0] for f in FORMS])
def test_bad_values_in_every_staff_form_are_refused_in_chinese(
    app, client, actions, monkeypatch, name, address, fields
):
    places = _places(app)
    app.config["PUBLIC_BASE_URL"] = ""
    monkeypatch.setattr(public_url, "SOURCES", [lambda: ["192.168.1.20"]])
    if name != "login":
        actions.login_as(factories.user(Role.ADMIN, name="guanli"))
    if name.startswith("paper"):
        _count_one_paper_sheet(client, places["open"])
    refused = 0
    for kind, value in BAD.items():
        r = client.post(address.format(**places), data=dict.fromkeys(fields, value))
        if r.status_code in (302, 303):
            continue  # the value happened to be fine for every field of this form
        html = r.get_data(as_text=True)
        if r.status_code == 200 and 'name="confirmed" value="y"' in html:
            continue  # the values were fine: the irreversible step asks to confirm first
        if r.status_code == 409:  # an earlier value was fine and moved the meeting on
            assert CHINESE.search(main_text(html)) and not ENGLISH.search(main_text(html))
            continue
        assert r.status_code in (400, 401), (kind, r.status_code)
        text = error_text(html)
        assert CHINESE.search(text), (kind, text)
        assert not ENGLISH.search(text), (kind, ENGLISH.search(text))
        assert_links_reach_fields(html)
        refused += 1
    assert refused >= 2


def _count_one_paper_sheet(client, meeting_id: int) -> None:  # type: ignore[no-untyped-def]
    """The paper page shows its withdraw and void forms once a sheet is counted."""
    meeting = db.session.get(Meeting, meeting_id)
    assert (
        client.post(f"/meetings/{meeting_id}/paper/stacks", data={"category": "B"}).status_code
        == 302
    )
    sheet = {f"f5_{e}": "competent" for e in factories.evaluee_ids(meeting)}
    sheet |= {"f6_duty": "good", "f6_activity": "good"}
    assert client.post(f"/meetings/{meeting_id}/paper/1", data=sheet).status_code == 302
    client.post(f"/meetings/{meeting_id}/paper/1/finish", data={"confirmed": "y"})


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    held_on=st.text(max_size=20),
    count_a=st.text(max_size=12),
    count_b=st.one_of(st.integers(), st.text(alphabet="0123456789-+.e ", max_size=25)),
)
def test_whatever_is_typed_into_the_new_meeting_form_is_answered_in_chinese(
    app, client, actions, held_on, count_a, count_b
):
    owner = factories.user() if not db.session.query(Unit).count() else None
    if owner:
        factories.unit(owner)
        actions.login_as(owner)
    unit = db.session.query(Unit).first()
    data = {"title": "述职测评大会", "held_on": held_on, "count_a": count_a, "count_b": count_b}
    r = client.post(f"/meetings/new/{unit.id}", data=data)
    if r.status_code == 302:
        return
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    text = error_text(html)
    assert CHINESE.search(text) and not ENGLISH.search(text), text
    assert 'value="述职测评大会"' in html


def test_the_new_meeting_form_says_what_to_do_for_each_field(app, client, actions):
    owner = factories.user()
    unit = factories.unit(owner)
    actions.login_as(owner)
    data = {"title": "", "held_on": "2026-02-30", "count_a": "abc", "count_b": "5000"}
    html = client.post(f"/meetings/new/{unit.id}", data=data).get_data(as_text=True)
    assert "请填写会议名称。" in html
    assert "请按「年-月-日」填写会议日期，例如 2026-12-01。" in html
    assert "请填写一个整数（只用数字，例如 5）。" in html
    assert "表B张数请填 0 到 2000 之间的整数。" in html
    assert "Not a valid" not in html and "Number must be" not in html
    # The summary comes first in the content, counts the fields and links each one.
    content = html[html.index('<main class="" id="main">') :]
    assert content.index('class="error-summary"') < content.index("<h1>")
    assert "有 4 处需要修改" in html
    for target in ("title", "held_on", "count_a", "count_b"):
        assert f'href="#{target}"' in html and f'id="{target}"' in html
    assert 'role="alert" tabindex="-1"' in html
    assert 'value="2026-02-30"' in html and 'value="abc"' in html and 'value="5000"' in html


def test_a_unit_with_a_bad_kind_gets_a_chinese_choice_message(app, client, actions):
    actions.login_as(factories.user())
    r = client.post("/units", data={"name": "白鹭乡", "kind": "city", "party_org_name": "白鹭"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and forms.CHOOSE in html and "Not a valid choice" not in html
    assert 'value="白鹭乡"' in html and 'value="白鹭"' in html


def test_form_level_csrf_errors_say_to_reload_and_that_input_is_kept(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/", method="POST", data={"username": "zhao"}):
        form = forms.LoginForm()
        assert not form.validate()
        assert form.csrf_token.errors == [forms.CSRF_EXPIRED]
        assert "刷新页面" in forms.CSRF_EXPIRED and "保留" in forms.CSRF_EXPIRED


# --- where the errors are shown -------------------------------------------------------------


def test_the_admins_empty_reopen_reason_opens_its_details_and_is_summarised(app, client, actions):
    m = factories.meeting(app, state=MeetingState.CLOSED)
    actions.login_as(factories.user(Role.ADMIN, name="guanli"))
    html = client.post(f"/meetings/{m.id}/reopen", data={"reason": ""}).get_data(as_text=True)
    assert "<details open><summary>重新开启投票箱（管理员）</summary>" in html
    assert '<a href="#reason">原因（记入操作日志）：请填写原因。</a>' in html
    assert_links_reach_fields(html)
    assert html.index('class="error-summary"') < html.index("<h1>")
    # The other forms of the page stay closed and empty.
    assert "<details open><summary>作废没有发出的测评码" not in html


def test_two_forms_with_the_same_fields_on_one_page_keep_their_ids_apart(app, client, actions):
    m = factories.meeting(app, a=3, b=5, state=MeetingState.CLOSED)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    r = client.post(f"/meetings/{m.id}/slips/void-count", data={"count_a": "x", "count_b": "9"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'href="#void-count_a"' in html and 'id="void-count_a"' in html
    assert_links_reach_fields(html)
    assert "<details open><summary>作废没有发出的测评码（按张数）" in html
    assert not re.search(r'id="csrf_token"', html)


def test_a_service_refusal_on_a_details_form_keeps_what_was_typed(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    data = {"username": "jipiao", "display_name": "计票员甲", "password": "short"}
    html = client.post(f"/meetings/{m.id}/tellers/new", data=data).get_data(as_text=True)
    assert "<details open><summary>新建计票人账号</summary>" in html
    assert 'value="jipiao"' in html and 'value="计票员甲"' in html and 'value="short"' in html
    assert "密码至少 10 位" in html
    assert_links_reach_fields(html)


def test_a_meeting_page_without_errors_has_no_summary(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(db.session.get(factories.User, m.created_by_id))
    html = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "error-summary" not in html and "<details open" not in html
    assert db.session.get(Meeting, m.id).state == MeetingState.OPEN
