"""Roster import (SPEC "Units and rosters"): the admin's whole-district workbook and an
organizer's one unit, uploaded or pasted, previewed line by line with the rule that placed
each person, saved only once confirmed, and refused in Chinese when the file is bad, the
preview is stale or forged, or the campaign is closed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ballot_app.domain.campaign import CampaignState, closed_sentence
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Campaign, Evaluee, Member, Unit
from ballot_app.services import meetings, roster
from ballot_app.services.roster_file import MAX_BYTES, MAX_ROWS, read_pasted, read_roster
from ballot_app.services.roster_import import CHANGED
from ballot_app.web.roster_import import BOTH, FORGED, NOTHING, POST_LIMIT

from .. import factories

HEAD = ("姓名", "单位", "职务", "分管工作", "党政正职", "党组织书记", "原单位", "原职务")
HEAD += ("任职变动日期", "主要职务")
AFTER = "9月30日后异动，在原单位按原职务考核"
BEFORE = "9月30日前异动，按新任职务考核"
CONCURRENT = "兼任，按主要职务考核"
CURRENT = "按现任职务考核"


def xlsx(*rows, head=HEAD):
    book = Workbook()
    ws = book.active
    ws.append(list(head))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(name, unit, post, portfolio="", principal="", secretary="", old_unit="", old_post=""):
    return [name, unit, post, portfolio, principal, secretary, old_unit, old_post, None, None]


def upload(client, url, data, name="名册.xlsx"):
    return client.post(
        url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def paste(client, url, text):
    return client.post(url, data={"pasted": text}, content_type="multipart/form-data")


def token_of(response):
    found = re.search(r'name="upload" value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def confirm(client, url, token):
    return client.post(url, data={"upload": token, "confirmed": "y"})


def text(response):
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))


def rosters():
    """Every stored member as (unit, name, post, portfolio, 兼任, placed_by), in order."""
    query = select(Member).join(Unit).order_by(Unit.name, Member.position, Member.id)
    return [
        (m.unit.name, m.name, m.post, m.portfolio, m.is_concurrent, m.placed_by)
        for m in db.session.scalars(query)
    ]


def imports():
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "roster.import")
    return db.session.scalar(query)


@pytest.fixture
def organizer():
    return factories.user(name="zuzhang")


@pytest.fixture
def units(organizer):
    """Two units of the organizer's group, empty."""
    return factories.unit(organizer, 0, "东风镇"), factories.unit(organizer, 0, "红旗局")


@pytest.fixture
def admin(actions, units):
    account = factories.user(Role.ADMIN, name="ganbu")
    actions.login_as(account)
    return account


def _campaign_url(units):
    return f"/campaigns/{units[0].campaign_id}/roster/import"


def _unit_url(unit):
    return f"/units/{unit.id}/roster/import"


DISTRICT = xlsx(
    row("王小明", "东风镇", "党委书记", "主持党委全面工作", "是", "是"),
    [*row("李晓红", "东风镇", "镇长", "", "是", "", "红旗局", "副局长")[:8], "2026-10-15", None],
    [*row("赵建国", "红旗局", "局长", "主持全面工作", "是")[:9], "是"],
    [*row("赵建国", "东风镇", "党委委员")[:9], "否"],
    [*row("陈静", "红旗局", "副局长")[:8], "2026-06-01", None],
)


def test_an_upload_previews_each_line_with_its_rule_and_saves_nothing_until_confirmed(
    client, admin, units
):
    url = _campaign_url(units)
    preview = upload(client, url, DISTRICT)
    assert preview.status_code == 200
    page = text(preview)
    assert "共 5 行；错误 0 处；提醒 0 处" in page
    for phrase in (CURRENT, AFTER, CONCURRENT, BEFORE, "主要职务见第 4 行", "新增 5 人"):
        assert phrase in page, phrase
    assert '<span class="tag">兼任</span>' in preview.get_data(as_text=True)
    assert rosters() == [] and imports() == 0

    done = confirm(client, url, token_of(preview))
    assert done.status_code == 302 and "新增 5 人" in text(client.get("/"))
    assert rosters() == [
        ("东风镇", "王小明", "党委书记", "主持党委全面工作", False, CURRENT),
        ("东风镇", "赵建国", "党委委员", "", True, CONCURRENT),
        ("红旗局", "李晓红", "副局长", "", False, AFTER),
        ("红旗局", "赵建国", "局长", "主持全面工作", False, CURRENT),
        ("红旗局", "陈静", "副局长", "", False, BEFORE),
    ]
    assert imports() == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster.import"))
    assert "5 行" in event.detail and "新增 5 人" in event.detail
    page = client.get(f"/units/{units[0].id}").get_data(as_text=True)
    assert '<span class="tag">兼任</span>' in page and CONCURRENT in page


def test_a_concurrent_post_is_no_evaluee_and_a_re_import_leaves_existing_meetings_alone(
    app, client, admin, units, organizer
):
    url = _campaign_url(units)
    confirm(client, url, token_of(upload(client, url, DISTRICT)))
    town = db.session.get(Unit, units[0].id)
    data = meetings.MeetingInput("述职测评大会", date(2026, 12, 1), True, True, 0, 0)
    m = meetings.create_meeting(organizer, town, data, factories.keys(app))
    assert [e.name for e in m.evaluees] == ["王小明"]  # 赵建国 is 兼任 here
    again = xlsx(row("孙丽", "东风镇", "党委书记", secretary="是"))
    preview = upload(client, url, again)
    assert "确认导入" in preview.get_data(as_text=True)
    assert confirm(client, url, token_of(preview)).status_code == 302
    evaluees = db.session.scalars(select(Evaluee).where(Evaluee.meeting_id == m.id))
    assert [(e.name, e.post) for e in evaluees] == [("王小明", "党委书记")]


def test_a_re_import_of_the_export_previews_no_change(client, admin, units):
    url = _campaign_url(units)
    confirm(client, url, token_of(upload(client, url, DISTRICT)))
    before = rosters()
    for export, target in (
        (f"/campaigns/{units[0].campaign_id}/roster.xlsx", url),
        (f"/units/{units[0].id}/roster.xlsx", _unit_url(units[0])),
        (f"/units/{units[1].id}/roster.xlsx", _unit_url(units[1])),
    ):
        workbook = client.get(export)
        assert workbook.status_code == 200 and workbook.mimetype.endswith("sheet")
        preview = upload(client, target, workbook.data, "导出.xlsx")
        page = text(preview)
        assert preview.status_code == 200 and "错误 0 处" in page, page
        assert "与现有名单完全相同，没有变化" in page and token_of(preview) is None
    assert "沿用名单中原有的依据：" + AFTER in page
    assert rosters() == before and imports() == 1


def _stored(organizer, units):
    town, bureau = units
    for unit, people in (
        (town, [("王小明", "党委书记"), ("李晓红", "镇长"), ("张伟", "副镇长")]),
        (bureau, [("刘洋", "局长"), ("周敏", "副局长")]),
    ):
        for name, post in people:
            roster.add_member(organizer, unit, roster.MemberInput(name, post))


def test_a_re_import_lists_exactly_what_moved_was_added_removed_or_changed(
    client, admin, units, organizer
):
    _stored(organizer, units)
    kept = db.session.scalar(select(Member.id).where(Member.name == "王小明"))
    new = xlsx(
        row("王小明", "东风镇", "党委书记"),
        row("李晓红", "东风镇", "党委副书记、镇长"),
        row("孙丽", "东风镇", "副镇长"),
        row("刘洋", "红旗局", "局长"),
        row("张伟", "红旗局", "副局长"),
    )
    url = _campaign_url(units)
    preview = upload(client, url, new)
    page = text(preview)
    assert "新增 1 人，移除 1 人，调动单位 1 人，职务等信息变化 1 人。" in page
    assert "新增（1 人） 孙丽（东风镇，副镇长）" in page
    assert "移除（1 人） 周敏（红旗局，副局长）" in page
    assert "调动单位（1 人） 张伟：东风镇（副镇长）→ 红旗局（副局长）" in page
    assert "职务等信息变化（1 人） 李晓红（东风镇）：职务：镇长 → 党委副书记、镇长" in page
    assert "其他变化" not in page
    assert confirm(client, url, token_of(preview)).status_code == 302
    assert [(u, n, p) for u, n, p, *_ in rosters()] == [
        ("东风镇", "王小明", "党委书记"),
        ("东风镇", "李晓红", "党委副书记、镇长"),
        ("东风镇", "孙丽", "副镇长"),
        ("红旗局", "刘洋", "局长"),
        ("红旗局", "张伟", "副局长"),
    ]
    assert db.session.scalar(select(Member.id).where(Member.name == "王小明")) == kept


def test_an_organizer_imports_their_unit_and_a_line_of_another_unit_is_an_error(
    client, actions, units, organizer
):
    actions.login_as(organizer)
    town = units[0]
    url = _unit_url(town)
    moved_in = [*row("李晓红", "红旗局", "局长", "", "", "", "东风镇", "镇长")[:8], "2026-11-01"]
    good = xlsx(row("王小明", "东风镇", "党委书记"), [*moved_in, None])
    preview = upload(client, url, good)
    assert "错误 0 处" in text(preview) and AFTER in text(preview)
    assert confirm(client, url, token_of(preview)).status_code == 302
    assert [(n, p) for _, n, p, *_ in rosters()] == [("王小明", "党委书记"), ("李晓红", "镇长")]
    bad = upload(client, url, xlsx(row("陈静", "红旗局", "副局长")))
    page = text(bad)
    assert "单位填的是「红旗局」，这里只导入「东风镇」的名册" in page
    assert token_of(bad) is None and "改正文件" in page


def test_an_error_line_blocks_the_confirm(client, admin, units):
    url = _campaign_url(units)
    data = xlsx(row("王小明", "东风镇", "党委书记"), row("李晓红", "前进乡", "乡长"))
    preview = upload(client, url, data)
    page = text(preview)
    assert preview.status_code == 200 and "错误 1 处" in page
    assert "第 3 行：本年度还没有单位「前进乡」：请先在首页添加这个单位" in page
    assert "有 1 处错误，名单没有保存：请按下面每一行旁边的说明改正文件，然后 重新上传" in page
    assert token_of(preview) is None and "确认导入" not in page
    assert rosters() == []


BAD_FILES = [
    ("not a sheet", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "照片.xlsx"),
    ("old xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "名册.xls"),
    ("empty", b"", "名册.csv"),
    ("no head", xlsx(("王小明", "东风镇", "党委书记"), head=("序号",)), "名册.xlsx"),
    ("unknown column", xlsx(("王小明", "东风镇", "镇长"), head=("姓名", "部门", "职务")), "a.xlsx"),
    ("formula", xlsx(("王小明", "=B1", "镇长"), head=HEAD[:3]), "名册.xlsx"),
    ("no people", xlsx(head=HEAD), "名册.xlsx"),
    (
        "too many rows",
        (
            "姓名,单位,职务\n" + "".join(f"李{i},东风镇,镇长\n" for i in range(MAX_ROWS + 1))
        ).encode(),
        "名册.csv",
    ),
    ("over 5 MB", b"\xef\xbb\xbf" + "姓名,单位,职务\n".encode() + b" " * MAX_BYTES, "名册.csv"),
]


@pytest.mark.parametrize(("kind", "data", "name"), BAD_FILES, ids=[k for k, *_ in BAD_FILES])
def test_each_bad_file_is_refused_with_its_sentence_and_nothing_changes(
    client, admin, units, kind, data, name
):
    sentence = read_roster(data, name).refusal
    assert sentence
    r = upload(client, _campaign_url(units), data, name)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary and sentence in summary.group(0).replace("&#34;", '"')
    assert rosters() == [] and imports() == 0


@pytest.mark.parametrize(
    "pasted", ["姓名\t部门\t职务\n王小明\t东风镇\t镇长", "   \n  ", "姓名\t单位\t职务\n"]
)
def test_a_bad_paste_is_refused_and_the_page_keeps_it(client, admin, units, pasted):
    r = paste(client, _campaign_url(units), pasted)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    expected = read_pasted(pasted).refusal if pasted.strip() else NOTHING
    assert expected in html
    if pasted.strip():
        assert pasted.replace("\n", "\r\n") in html or pasted in html
    assert rosters() == []


def test_a_paste_from_excel_previews_like_a_file(client, admin, units):
    pasted = "王小明\t东风镇\t党委书记\n李晓红\t红旗局\t局长"
    r = paste(client, _campaign_url(units), pasted)
    assert r.status_code == 200 and "粘贴的内容：共 2 行；错误 0 处" in text(r)


def test_a_file_and_a_paste_together_or_neither_are_refused(client, admin, units):
    url = _campaign_url(units)
    both = client.post(
        url,
        data={"file": (io.BytesIO(DISTRICT), "名册.xlsx"), "pasted": "王小明\t东风镇\t镇长"},
        content_type="multipart/form-data",
    )
    assert both.status_code == 400 and BOTH in both.get_data(as_text=True)
    neither = client.post(url, data={}, content_type="multipart/form-data")
    assert neither.status_code == 400 and NOTHING in neither.get_data(as_text=True)


def test_a_post_past_the_limit_gets_the_5_mb_sentence_on_a_chinese_page(app, client, admin, units):
    sentence = read_roster(bytes(MAX_BYTES + 1), "名册.xlsx").refusal
    r = upload(client, _campaign_url(units), b"x" * (POST_LIMIT + 1))
    assert r.status_code == 413
    assert "文件太大" in r.get_data(as_text=True) and sentence in r.get_data(as_text=True)
    # The room is made before the CSRF check reads the body: a 6 MB post reaches that check.
    app.config["WTF_CSRF_ENABLED"] = True
    six = upload(client, _campaign_url(units), b"x" * (6 * 1024 * 1024), "a.csv")
    assert six.status_code == 400 and "这次提交没有被接受" in six.get_data(as_text=True)
    huge = upload(client, _campaign_url(units), b"x" * (POST_LIMIT + 1))
    assert huge.status_code == 413 and sentence in huge.get_data(as_text=True)
    assert rosters() == []


def test_a_closed_campaign_refuses_the_confirm_with_its_sentence(client, admin, units):
    url = _campaign_url(units)
    token = token_of(upload(client, url, DISTRICT))
    campaign = db.session.get(Campaign, units[0].campaign_id)
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    refused = confirm(client, url, token)
    assert refused.status_code == 409
    assert closed_sentence(campaign.name) in refused.get_data(as_text=True)
    preview = upload(client, url, DISTRICT)
    assert token_of(preview) is None and closed_sentence(campaign.name) in text(preview)
    assert rosters() == [] and imports() == 0


def test_a_tampered_or_borrowed_confirm_is_refused(client, actions, admin, units, organizer):
    url = _campaign_url(units)
    token = token_of(upload(client, url, DISTRICT))
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for forged in (flipped, "", "x" * 500, token + "x"):
        r = confirm(client, url, forged)
        assert r.status_code == 400 and FORGED in r.get_data(as_text=True)
    # A preview of one unit does not confirm another; one account's not another's.
    one = xlsx(row("王小明", "东风镇", "党委书记"))
    unit_token = token_of(upload(client, _unit_url(units[0]), one))
    assert confirm(client, _unit_url(units[1]), unit_token).status_code == 400
    assert confirm(client, url, unit_token).status_code == 400
    actions.login_as(organizer)
    assert confirm(client, _unit_url(units[0]), unit_token).status_code == 400
    assert rosters() == [] and imports() == 0


def test_a_roster_changed_since_the_preview_is_refused_with_the_new_preview(
    client, admin, units, organizer
):
    url = _campaign_url(units)
    token = token_of(upload(client, url, DISTRICT))
    roster.add_member(organizer, units[1], roster.MemberInput("周敏", "副局长"))
    refused = confirm(client, url, token)
    page = text(refused)
    assert refused.status_code == 409 and CHANGED in page
    assert "移除（1 人） 周敏（红旗局，副局长）" in page
    assert [n for _, n, *_ in rosters()] == ["周敏"]
    assert confirm(client, url, token_of(refused)).status_code == 302
    assert "周敏" not in [n for _, n, *_ in rosters()]


def test_the_template_downloads_with_the_campaign_s_cut_off(client, admin, units):
    from openpyxl import load_workbook

    for url in (
        f"/campaigns/{units[0].campaign_id}/roster/template.xlsx",
        f"/units/{units[0].id}/roster/template.xlsx",
    ):
        r = client.get(url)
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(r.data))
        notes = " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)
        assert "9月30日" in notes


# --- who may open what ----------------------------------------------------------------------


def _routes(units):
    c, u = units[0].campaign_id, units[0].id
    campaign = [
        ("GET", "/roster/import"),
        ("GET", f"/campaigns/{c}/roster/import"),
        ("POST", f"/campaigns/{c}/roster/import"),
        ("GET", f"/campaigns/{c}/roster/template.xlsx"),
        ("GET", f"/campaigns/{c}/roster.xlsx"),
    ]
    unit = [
        ("GET", f"/units/{u}/roster/import"),
        ("POST", f"/units/{u}/roster/import"),
        ("GET", f"/units/{u}/roster/template.xlsx"),
        ("GET", f"/units/{u}/roster.xlsx"),
    ]
    return campaign, unit


def _allowed(method, path):
    if path == "/roster/import":
        return 302
    return 400 if method == "POST" else 200


@pytest.mark.parametrize("role", ["admin", "organizer", "other organizer", "teller", "anonymous"])
def test_the_access_matrix_over_every_route(app, client, actions, units, organizer, role):
    other_group = factories.group("第二考核组")
    accounts = {
        "admin": lambda: factories.user(Role.ADMIN, name="ganbu"),
        "organizer": lambda: organizer,
        "other organizer": lambda: factories.user(name="qita", grp=other_group),
        "teller": lambda: factories.user(Role.TELLER, name="jipiao"),
    }
    if role in accounts:
        actions.login_as(accounts[role]())
    campaign, unit = _routes(units)
    for method, path in campaign + unit:
        r = client.open(path, method=method, data={}, content_type="multipart/form-data")
        if role == "anonymous":
            expected = 302
        elif role == "teller" or (role != "admin" and (method, path) in campaign):
            expected = 403
        elif role == "other organizer":
            expected = 404
        else:
            expected = _allowed(method, path)
        assert r.status_code == expected, (role, method, path)
        if role == "anonymous":
            assert "/login" in r.headers["Location"]
        if expected == 404:
            assert "找不到这个单位" in r.get_data(as_text=True)
    if role == "admin":
        assert client.get("/units/99999/roster/import").status_code == 404
        assert client.get("/campaigns/99999/roster/import").status_code == 404
