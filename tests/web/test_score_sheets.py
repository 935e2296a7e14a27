"""Named score sheets (附件2、3、4): issued from the rosters, filled from a personal link,
sealed on submit, read by the admin only; reopen, revoke, paper entry, returns, verify."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html import unescape

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from ballot_app.domain.roles import Role
from ballot_app.domain.score_sheets import ALL_EQUAL, SheetKind, SheetState, short_digest
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Leader, ScoreSheet, Unit, User
from ballot_app.services import roster, verify
from ballot_app.services import score_sheets as sheets
from ballot_app.services.campaign import current_campaign

from .. import factories

CONFIRM = {"confirmed": "y"}


@dataclass
class World:
    admin: User
    organizer: User
    other_organizer: User
    unit: Unit
    sheets: list[ScoreSheet]

    def sheet(self, kind: SheetKind) -> ScoreSheet:
        return next(s for s in self.sheets if s.kind == kind)


def build(app: Flask, deputies: int = 13) -> World:
    """A unit of 2 principals and `deputies` deputies, overseen by one district leader; one
    四大家 leader; a second group's organizer; every proposed sheet issued."""
    admin = factories.user(Role.ADMIN, name="admin1")
    organizer = factories.user(name="organizer1")
    other = factories.user(name="organizer2", grp=factories.group("第二考核组"))
    unit = roster.create_unit(organizer, "青松镇", "township")
    for i in range(2 + deputies):
        roster.add_member(
            organizer,
            unit,
            roster.MemberInput(
                f"评测{i + 1:02d}", "党委书记" if i == 0 else f"副镇长{i}", is_principal=i < 2
            ),
        )
    campaign = current_campaign()
    db.session.add(Leader(campaign_id=campaign.id, name="联系领导", post="区委常委", units=[unit]))
    db.session.add(Leader(campaign_id=campaign.id, name="四大家领导", post="区长", is_top=True))
    db.session.commit()
    sheets.issue_sheets(admin, campaign.id)
    return World(admin, organizer, other, unit, sheets.campaign_sheets(campaign))


def link(app: Flask, sheet: ScoreSheet) -> str:
    return "/s/" + sheets.link_value(factories.keys(app), db.session.get(ScoreSheet, sheet.id))


def scores(sheet: ScoreSheet, values: list[str] | None = None) -> dict[str, str]:
    """A filled form: distinct scores unless told."""
    rows = db.session.get(ScoreSheet, sheet.id).rows
    values = values or [f"{90 - i * 0.5:.1f}" for i in range(len(rows))]
    form = {"sheet": str(sheet.id)}
    for row, value in zip(rows, values, strict=True):
        form[f"score-{row.member_id}"] = value
        form[f"remark-{row.member_id}"] = ""
    return form


def reviewed_digest(html: str) -> str:
    """The review page's token: the digest of the scores shown, and the sheet's round."""
    found = re.search(r'name="reviewed" value="([0-9a-f]{64})\.([0-9]+)"', html)
    assert found, html
    return f"{found.group(1)}.{found.group(2)}"


def digest_of(token: str) -> str:
    return token.split(".")[0]


def fill_and_submit(app: Flask, client, sheet: ScoreSheet, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    url = link(app, sheet)
    form = {**scores(sheet), **(extra or {})}
    review = client.post(url + "/review", data=form)
    assert review.status_code == 200, review.get_data(as_text=True)
    digest = reviewed_digest(review.get_data(as_text=True))
    done = client.post(url + "/submit", data={"sheet": str(sheet.id), "reviewed": digest})
    assert done.status_code == 303
    return url, digest


# --- issuing -------------------------------------------------------------------------------


def test_the_rosters_and_the_oversight_list_propose_every_sheet(app):
    w = build(app, deputies=3)
    kinds = sorted(s.kind.value for s in w.sheets)
    # annex 2 by the liaison leader; 2p by the 四大家 leader; annex 3 once; annex 4 per principal
    assert kinds == ["2", "2p", "3", "4", "4"]
    assert len(w.sheet(SheetKind.ANNEX2).rows) == 5  # every member
    assert [r.name for r in w.sheet(SheetKind.ANNEX2_PRINCIPALS).rows] == ["评测01", "评测02"]
    annex4 = [s for s in w.sheets if s.kind == SheetKind.ANNEX4]
    assert {s.rater_name for s in annex4} == {"评测01", "评测02"}
    assert all(len(s.rows) == 3 for s in annex4)  # the deputies, never a principal
    assert sheets.issue_sheets(w.admin, w.unit.campaign_id) == 0  # issuing again adds none


def test_the_admin_issues_after_a_confirmation_listing_what_is_issued(app, client, actions):
    admin = factories.user(Role.ADMIN, name="admin1")
    factories.unit(members=4)
    campaign = current_campaign()
    actions.login_as(admin)
    asked = client.post(f"/campaigns/{campaign.id}/sheets/issue")
    page = asked.get_data(as_text=True)
    assert "按名单发放 3 张评分表？" in page and "附件4" in page
    assert db.session.scalars(select(ScoreSheet)).all() == []
    client.post(f"/campaigns/{campaign.id}/sheets/issue", data=CONFIRM)
    assert len(db.session.scalars(select(ScoreSheet)).all()) == 3


# --- the rater's steps ---------------------------------------------------------------------


def test_a_rater_scores_meets_the_all_equal_refusal_fixes_it_and_gets_a_sealed_receipt(app, client):
    w = build(app)
    sheet = w.sheet(SheetKind.ANNEX2)
    url = link(app, sheet)
    page = client.get(url).get_data(as_text=True)
    assert "评测15" in page and "副镇长14" in page and "综合评价得分" in page
    same = scores(sheet, ["85"] * 15)
    refused = client.post(url + "/review", data=same)
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and ALL_EQUAL in html
    assert html.count('value="85"') == 15  # nothing typed is lost
    review = client.post(url + "/review", data=scores(sheet))
    assert review.status_code == 200 and "请核对分数" in review.get_data(as_text=True)
    digest = reviewed_digest(review.get_data(as_text=True))
    done = client.post(url + "/submit", data={"sheet": str(sheet.id), "reviewed": digest})
    receipt = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已经密封" in receipt and short_digest(digest_of(digest)) in receipt
    assert "90.0" not in receipt  # the receipt shows no score
    stored = db.session.get(ScoreSheet, sheet.id)
    db.session.refresh(stored)
    assert stored.state == SheetState.RETURNED and stored.digest == digest_of(digest)
    assert sheets.stored_digest(stored) == digest_of(digest)


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", "请填写得分（0 到 100 分）。"),
        ("101", "得分要在 0 到 100 分之间。"),
        ("88.55", "得分最多保留一位小数"),
        ("八十", "得分只填数字"),
    ],
)
def test_a_bad_score_is_named_beside_its_row_and_the_rest_is_kept(app, client, typed, sentence):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    form = scores(sheet)
    first = db.session.get(ScoreSheet, sheet.id).rows[0]
    form[f"score-{first.member_id}"] = typed
    r = client.post(link(app, sheet) + "/review", data=form)
    html = unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and sentence in html and "有 1 处需要修改" in html
    assert 'value="89.5"' in html  # the second row as typed


def test_a_submitted_sheet_refuses_every_change(app, client, actions):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    url, digest = fill_and_submit(app, client, sheet)
    again = client.post(url + "/review", data=scores(sheet, ["60", "61", "62"]))
    assert again.status_code == 303  # back to the receipt, nothing stored
    resubmit = client.post(url + "/submit", data={"sheet": str(sheet.id), "reviewed": digest})
    assert resubmit.status_code == 303
    with pytest.raises(Exception, match="已经提交"):
        sheets.save_draft(sheet.id, None, sheets.check(sheet, {}), "")
    actions.login_as(w.admin)
    assert client.get(f"/sheets/{sheet.id}/entry").status_code == 302
    assert client.post(f"/sheets/{sheet.id}/entry/review", data=scores(sheet)).status_code == 303
    assert client.post(f"/sheets/{sheet.id}/delete", data=CONFIRM).status_code == 409
    stored = db.session.get(ScoreSheet, sheet.id)
    db.session.refresh(stored)
    assert stored.digest == digest_of(digest) == sheets.stored_digest(stored)


def test_reopening_needs_a_reason_which_the_log_and_the_rater_see(app, client, actions):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    url, first = fill_and_submit(app, client, sheet)
    actions.login_as(w.admin)
    blank = client.post(f"/sheets/{sheet.id}/reopen", data={"reason": " ", **CONFIRM})
    assert blank.status_code == 400 and "请写明退回修改的理由" in blank.get_data(as_text=True)
    client.post(f"/sheets/{sheet.id}/reopen", data={"reason": "评分人要求更正第二行", **CONFIRM})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sheet.reopen")).one()
    assert "评分人要求更正第二行" in event.detail
    client.post("/logout")
    page = client.get(url).get_data(as_text=True)
    assert "退回修改" in page and "评分人要求更正第二行" in page and 'value="89.5"' in page
    _, second = fill_and_submit(
        app, client, sheet, {"remark-" + page.split('name="remark-')[1].split('"')[0]: "已更正"}
    )
    assert second != first


def test_a_revoked_link_is_refused_in_chinese_and_the_new_one_works(app, client, actions):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX3)
    old = link(app, sheet)
    actions.login_as(w.admin)
    client.post(f"/sheets/{sheet.id}/revoke", data=CONFIRM)
    client.post("/logout")
    refused = client.get(old)
    assert refused.status_code == 404 and "已经作废" in refused.get_data(as_text=True)
    assert client.get(link(app, sheet)).status_code == 200


def test_a_forged_link_and_another_sheets_page_are_refused(app, client):
    w = build(app, deputies=3)
    a, b = [s for s in w.sheets if s.kind == SheetKind.ANNEX4]
    forged = client.get(link(app, a)[:-3] + "xyz")
    assert forged.status_code == 404 and "无法识别" in forged.get_data(as_text=True)
    crossed = client.post(link(app, a) + "/review", data=scores(b))
    assert crossed.status_code == 400 and "另一张评分表" in crossed.get_data(as_text=True)
    assert all(r.score_tenths is None for r in db.session.get(ScoreSheet, a.id).rows)


def test_annex_3_is_confirmed_by_one_of_the_units_principals(app, client):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX3)
    url = link(app, sheet)
    unsigned = client.post(url + "/review", data=scores(sheet))
    assert unsigned.status_code == 400 and "党政正职签名" in unsigned.get_data(as_text=True)
    fill_and_submit(app, client, sheet, {"confirmed_by": "评测02"})
    stored = db.session.get(ScoreSheet, sheet.id)
    db.session.refresh(stored)
    assert stored.confirmed_by == "评测02" and stored.is_sealed


def test_the_admin_types_a_paper_sheet_in_with_the_same_checks(app, client, actions):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    actions.login_as(w.admin)
    assert "评测03" in client.get(f"/sheets/{sheet.id}/paper").get_data(as_text=True)
    same = client.post(f"/sheets/{sheet.id}/entry/review", data=scores(sheet, ["80"] * 3))
    assert same.status_code == 400 and ALL_EQUAL in unescape(same.get_data(as_text=True))
    review = client.post(f"/sheets/{sheet.id}/entry/review", data=scores(sheet))
    digest = reviewed_digest(review.get_data(as_text=True))
    done = client.post(
        f"/sheets/{sheet.id}/entry/submit", data={"sheet": str(sheet.id), "reviewed": digest}
    )
    assert done.headers["Location"].endswith(f"/sheets/{sheet.id}")
    page = client.get(f"/sheets/{sheet.id}").get_data(as_text=True)
    assert "纸质录入" in page and digest_of(digest) in page and "89.5" in page


# --- who sees what -------------------------------------------------------------------------

ADMIN_GETS = [
    "/campaigns/{c}/sheets",
    "/sheets/{s}",
    "/sheets/{s}/entry",
    "/sheets/{s}/notice",
    "/sheets/{s}/paper",
    "/campaigns/{c}/sheets/notices",
    "/campaigns/{c}/sheets/paper",
    "/campaigns/{c}/sheets/blank/3",
    "/campaigns/{c}/sheets.xlsx",
    "/campaigns/{c}/leaders",
    "/leaders/{l}",
]
ADMIN_POSTS = [
    "/campaigns/{c}/sheets/issue",
    "/campaigns/{c}/sheets",
    "/sheets/{s}/reopen",
    "/sheets/{s}/revoke",
    "/sheets/{s}/delete",
    "/sheets/{s}/entry/review",
    "/sheets/{s}/entry/submit",
    "/campaigns/{c}/leaders",
    "/campaigns/{c}/leaders/paste",
    "/leaders/{l}",
    "/leaders/{l}/delete",
]


def _paths(w: World, paths: list[str]) -> list[str]:
    leader = db.session.scalars(select(Leader)).first()
    sheet = w.sheet(SheetKind.ANNEX4)
    return [p.format(c=w.unit.campaign_id, s=sheet.id, l=leader.id) for p in paths]


@pytest.mark.parametrize("who", ["organizer", "other_organizer", "teller", "anonymous", "rater"])
def test_only_the_admin_reaches_the_sheets_their_scores_prints_and_exports(
    app, client, actions, who
):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    fill_and_submit(app, client, sheet)
    if who == "teller":
        actions.login_as(factories.user(Role.TELLER, name="teller1"))
    elif who in ("organizer", "other_organizer"):
        actions.login_as(getattr(w, who))
    elif who == "rater":
        client.get(link(app, sheet))  # holding their own link grants nothing else
    expected = 302 if who in ("anonymous", "rater") else 403
    for path in _paths(w, ADMIN_GETS):
        assert client.get(path).status_code == expected, path
    for path in _paths(w, ADMIN_POSTS):
        assert client.post(path, data=CONFIRM).status_code in (expected, 400), path
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).is_sealed


def test_the_admin_reaches_every_sheet_page(app, client, actions):
    w = build(app, deputies=3)
    actions.login_as(w.admin)
    for path in _paths(w, ADMIN_GETS):
        assert client.get(path).status_code == 200, path
    xlsx = client.get(_paths(w, ["/campaigns/{c}/sheets.xlsx"])[0])
    assert xlsx.data[:2] == b"PK"


def test_organizers_see_their_groups_returns_never_a_score(app, client, actions):
    w = build(app, deputies=3)
    fill_and_submit(app, client, w.sheet(SheetKind.ANNEX4))
    actions.login_as(w.organizer)
    page = client.get(f"/campaigns/{w.unit.campaign_id}/returns").get_data(as_text=True)
    assert "青松镇" in page and "已交回" in page and "未交名单" in page
    assert "90.0" not in page and "89.5" not in page
    assert "各单位党政正职" not in page  # the 四大家 leaders' sheet belongs to no group
    progress = client.get(f"/campaigns/{w.unit.campaign_id}/progress").get_data(as_text=True)
    assert f"交回 1 / {len(w.sheets) - 1}" in progress
    actions.login_as(w.other_organizer)
    page = client.get(f"/campaigns/{w.unit.campaign_id}/returns").get_data(as_text=True)
    assert "青松镇" not in page


def test_a_rater_never_sees_another_raters_sheet(app, client):
    w = build(app, deputies=3)
    a, b = [s for s in w.sheets if s.kind == SheetKind.ANNEX4]
    fill_and_submit(app, client, b)
    page = client.get(link(app, a)).get_data(as_text=True)
    assert b.rater_name not in page.split("评分人")[1][:40]
    assert "90.0" not in page


def test_late_sheets_are_listed_after_the_due_date(app, client, actions):
    w = build(app, deputies=3)
    campaign = current_campaign()
    from datetime import date

    campaign.sheets_due = date(2000, 1, 1)
    db.session.commit()
    actions.login_as(w.admin)
    page = client.get(f"/campaigns/{campaign.id}/returns").get_data(as_text=True)
    assert page.count("逾期") == 2 * len(w.sheets)  # the list, and each sheet under its unit
    campaign.sheets_due = date.today()  # the due day itself is still in time
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}/returns").get_data(as_text=True)
    assert "逾期" not in page and f"未交名单（{len(w.sheets)} 张）" in page


# --- the seal is checked -------------------------------------------------------------------


def test_verify_recomputes_every_sealed_digest_and_finds_an_edited_score(app, client):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    fill_and_submit(app, client, sheet)
    report = verify.verify_database()
    assert report.is_clean and report.sheets_sealed == 1
    db.session.execute(
        text("UPDATE score_row SET score_tenths = 1000 WHERE sheet_id = :s"), {"s": sheet.id}
    )
    db.session.commit()
    report = verify.verify_database()
    assert any(f"评分表第 {sheet.id} 号" in d for d in report.differences)


def test_a_closed_year_refuses_the_link(app, client):
    w = build(app, deputies=3)
    sheet = w.sheet(SheetKind.ANNEX4)
    url = link(app, sheet)
    campaign = current_campaign()
    from ballot_app.domain.campaign import CampaignState

    campaign.state = CampaignState.CLOSED
    db.session.commit()
    r = client.get(url)
    assert r.status_code == 404 and "已经结束" in r.get_data(as_text=True)


# --- bad input on every field --------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    score=st.one_of(st.text(max_size=30), st.sampled_from(["100", "0", "100.0", "-0", "1e2"])),
    remark=st.text(max_size=300),
    confirmed=st.text(max_size=80),
)
def test_any_typed_value_gets_a_sentence_or_the_review_never_an_error(
    app, client, score, remark, confirmed
):
    if not db.session.scalars(select(ScoreSheet)).first():
        build(app, deputies=2)
    sheet = db.session.scalars(select(ScoreSheet).where(ScoreSheet.kind == SheetKind.ANNEX3)).one()
    form = scores(sheet)
    first = sheet.rows[0].member_id
    form[f"score-{first}"], form[f"remark-{first}"] = score, remark
    form["confirmed_by"] = confirmed
    r = client.post(link(app, sheet) + "/review", data=form)
    assert r.status_code in (200, 400), r.status_code
    stored = db.session.get(ScoreSheet, sheet.id)
    db.session.refresh(stored)
    for row in stored.rows:
        assert row.score_tenths is None or 0 <= row.score_tenths <= 1000
        assert len(row.remark) <= 200
    if r.status_code == 200:
        assert Decimal(stored.rows[0].score_tenths) / 10 <= 100


def test_the_personal_link_never_reaches_a_log_line(app, client, caplog):
    import logging

    w = build(app, deputies=2)
    url = link(app, w.sheet(SheetKind.ANNEX4))
    value = url.removeprefix("/s/")
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('10.1.2.3 - - "GET %s HTTP/1.1" 200 -', url)
        logging.getLogger("gunicorn.access").info('"POST %s/submit HTTP/1.1" 303', url)
        client.get(url[:-4] + "AAAA")  # a damaged link: refused, and logged nowhere either
    assert value not in caplog.text and value[:20] not in caplog.text
    assert "/s/…" in caplog.text and "10.1.2.3" not in caplog.text
    r = client.get(url)
    assert (
        r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"
    )


def test_reopening_through_the_confirmation_page_keeps_the_reason(app, client, actions):
    w = build(app, deputies=2)
    sheet = w.sheet(SheetKind.ANNEX4)
    url, before = fill_and_submit(app, client, sheet)
    actions.login_as(w.admin)
    asked = client.post(f"/sheets/{sheet.id}/reopen", data={"reason": "纸质表第二行录错"})
    page = asked.get_data(as_text=True)
    assert "纸质表第二行录错" in page and 'name="reason"' in page  # carried to the confirm
    client.post(f"/sheets/{sheet.id}/reopen", data={"reason": "纸质表第二行录错", **CONFIRM})
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).state == SheetState.REOPENED
    # The review made before the reopen cannot seal the sheet again unchanged.
    client.post("/logout")
    stale = client.post(url + "/submit", data={"sheet": str(sheet.id), "reviewed": before})
    assert stale.status_code == 409 and "改过了" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(ScoreSheet, sheet.id).is_sealed


def test_a_withdrawn_sheets_link_never_opens_the_sheet_made_after_it(app, client, actions):
    w = build(app, deputies=2)
    newest = max(w.sheets, key=lambda s: s.id)
    old = link(app, newest)
    actions.login_as(w.admin)
    client.post(f"/sheets/{newest.id}/delete", data=CONFIRM)
    extra = sheets.add_sheet(
        w.admin, w.unit.campaign_id, sheets.ExtraSheet(SheetKind.ANNEX4, w.unit.id, "新评分人", "")
    )
    assert extra.id != newest.id
    client.post("/logout")
    refused = client.get(old)
    assert refused.status_code == 404 and "已被区委组织部撤销" in refused.get_data(as_text=True)


def test_a_second_click_on_submit_shows_the_receipt(app, client):
    w = build(app, deputies=2)
    sheet = w.sheet(SheetKind.ANNEX4)
    url, token = fill_and_submit(app, client, sheet)
    again = client.post(url + "/submit", data={"sheet": str(sheet.id), "reviewed": token})
    assert again.status_code in (302, 303)
    assert "已经密封" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_unit_with_score_sheets_is_archived_not_deleted(app, client, actions):
    w = build(app, deputies=2)
    actions.login_as(w.admin)
    r = client.post(f"/units/{w.unit.id}/delete", data=CONFIRM)
    assert r.status_code == 409 and "只能归档" in r.get_data(as_text=True)
    assert len(db.session.scalars(select(ScoreSheet)).all()) == len(w.sheets)


# --- the leaders of annex 2 ------------------------------------------------------------------


def test_the_admin_adds_a_leader_with_the_units_they_oversee(app, client, actions):
    admin = factories.user(Role.ADMIN, name="admin1")
    unit = factories.unit(members=3, name="东坡镇")
    campaign_id = unit.campaign_id
    actions.login_as(admin)
    none = client.post(f"/campaigns/{campaign_id}/leaders", data={"name": "江某", "post": "副区长"})
    html = none.get_data(as_text=True)
    assert none.status_code == 400 and "请勾选分管或联系的单位" in html and 'value="江某"' in html
    client.post(
        f"/campaigns/{campaign_id}/leaders",
        data={"name": "江某", "post": "副区长", "unit_ids": str(unit.id)},
    )
    leader = db.session.scalars(select(Leader)).one()
    assert [u.name for u in leader.units] == ["东坡镇"]
    assert sheets.missing_sheets(current_campaign())[0].rater.name == "江某（副区长）"


def test_a_pasted_list_is_imported_whole_or_not_at_all(app, client, actions):
    admin = factories.user(Role.ADMIN, name="admin1")
    unit = factories.unit(members=3, name="东坡镇")
    campaign_id = unit.campaign_id
    actions.login_as(admin)
    bad = "姓名\t职务\t单位\t四大家\n江某\t副区长\t东坡镇\t\n吕某\t区长\t西坡镇\t是\n"
    r = client.post(f"/campaigns/{campaign_id}/leaders/paste", data={"text": bad})
    html = unescape(r.get_data(as_text=True))
    assert (
        r.status_code == 400 and "第 3 行" in html and "西坡镇" in html and "一行也没有导入" in html
    )
    assert db.session.scalars(select(Leader)).all() == []
    good = "江某\t副区长\t东坡镇\t\n吕某\t区长\t\t是\n"
    client.post(f"/campaigns/{campaign_id}/leaders/paste", data={"text": good})
    found = {x.name: x for x in db.session.scalars(select(Leader))}
    assert set(found) == {"江某", "吕某"} and found["吕某"].is_top
    # Pasting again updates, with the name padded as Excel may line it up.
    client.post(
        f"/campaigns/{campaign_id}/leaders/paste", data={"text": "江　某\t区委常委\t东坡镇"}
    )
    db.session.expire_all()
    assert len(db.session.scalars(select(Leader)).all()) == 2
    assert db.session.scalars(select(Leader).where(Leader.name == "江某")).one().post == "区委常委"
