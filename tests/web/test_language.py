"""The staff interface in English (docs/i18n.md): chosen per account, by a cookie or
Accept-Language before signing in; voters' pages and the official prints stay Chinese."""

import io
import re
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import String, Text, select

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import User

from .. import factories
from .test_bad_input import build_world

CJK = re.compile(r"[\u3400-\u9fff]")
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)
_ATTRS = re.compile(r'\s(?:title|aria-label|placeholder|alt)="([^"]*)"')
#: Official wording shown as such on an English page is marked lang="zh-CN"; a value the
#: reader must type in Chinese (a roster file's column head, 是/否) is quoted “like this”.
_MARKED = re.compile(r'<(\w+)[^>]*\blang="zh-CN"[^>]*>.*?</\1>', re.S)
_QUOTED = re.compile(r"“[^”]*”")
#: Pages that are not staff pages or not HTML: voters, raters, prints, downloads.
NOT_STAFF = ("/v", "/s/", "/m/", "/b/", "/print/", "/static", "/logout", "/healthz")
DOWNLOADS = (".json", ".csv", ".xlsx")


def _data_strings() -> list[str]:
    """Every Chinese text the database holds (names, titles, posts, log details…): data,
    shown as typed in either language."""
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for column in columns:
            for value in db.session.execute(select(column).distinct()).scalars():
                if isinstance(value, str) and CJK.search(value):
                    found.update(v for v in value.splitlines() if CJK.search(v))
                    found.add(value)
    return sorted(found, key=len, reverse=True)


def _chinese_left(html: str, data: list[str]) -> list[str]:
    """The Chinese words a reader sees (text and labelled attributes), data taken out."""
    html = _MARKED.sub(" ", html.split("<body", 1)[-1])
    text = _TAGS.sub(" ", html) + " " + " ".join(_ATTRS.findall(html))
    text = _QUOTED.sub(" ", unescape(text))
    for value in data:
        text = text.replace(value, " ")
    return sorted({m.group(0) for m in re.finditer(r"[\u3400-\u9fff]+", text)})


def _english(app, username):
    client = app.test_client()
    user = db.session.scalar(select(User).where(User.username == username))
    user.locale = "en"
    db.session.commit()
    r = client.post("/login", data={"username": username, "password": factories.PASSWORD})
    assert r.status_code == 302
    return client


def test_before_signing_in_the_browsers_language_then_the_cookie_decide(client):
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    r = client.post("/language", data={"lang": "zh"}, headers={"Referer": "http://localhost/login"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    back = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in back  # the choice made on the page wins
    client.post("/language", data={"lang": "en"})
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    assert "中文" in client.get("/login").get_data(as_text=True)  # the switch back


def test_the_account_keeps_its_language_on_every_device(app):
    owner = factories.user(name="yingwen")
    m = factories.meeting(app, owner=owner)
    first = app.test_client()
    first.post("/login", data={"username": "yingwen", "password": factories.PASSWORD})
    first.post("/language", data={"lang": "en"})
    assert db.session.get(User, owner.id).locale == "en"
    other = app.test_client()  # another phone: no cookie, a Chinese browser
    other.post("/login", data={"username": "yingwen", "password": factories.PASSWORD})
    page = other.get(f"/meetings/{m.id}", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_a_language_chosen_on_the_login_page_is_kept_by_the_account(app):
    owner = factories.user(name="yingwen")
    client = app.test_client()
    client.post("/language", data={"lang": "en"})
    client.post("/login", data={"username": "yingwen", "password": factories.PASSWORD})
    assert db.session.get(User, owner.id).locale == "en"


def test_voters_pages_and_the_official_prints_stay_chinese_for_an_english_reader(app):
    owner = factories.user(name="yingwen")
    m = factories.meeting(app, owner=owner)
    client = _english(app, "yingwen")
    value = factories.slip_values(app, m)[0]
    ballot = client.get(f"/v/{value}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in ballot and "民主测评 · 无记名投票" in ballot
    assert "English" not in ballot  # no language switch on a voter's page
    factories.cast(app, m, factories.slip_values(app, m)[0])
    from ballot_app.domain.meeting_state import Transition
    from ballot_app.services import meetings

    meetings.transition(owner, m, Transition.CLOSE)
    printed = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert "民主测评结果报告单" in printed  # the filed document's own wording
    assert "official form" in printed  # the English caption, on screen only


def test_every_staff_page_reads_in_english_but_for_the_data(app):
    world = build_world(app)
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    client = _english(app, admin.username)
    data = _data_strings()
    seen: set[str] = set()
    queue = ["/", "/campaign", "/accounts", "/audit", "/auth/password"]
    queue += [f"/meetings/{i}" for i in world.ids["meeting_id"]]
    problems = []
    while queue and len(seen) < 120:
        path = queue.pop(0)
        if path in seen or path.startswith(NOT_STAFF) or path.endswith(DOWNLOADS):
            continue
        seen.add(path)
        r = client.get(path)
        if r.status_code != 200 or "text/html" not in r.content_type:
            continue
        html = r.get_data(as_text=True)
        if '<html lang="zh-CN">' in html:
            continue  # an official form or print: Chinese in both interfaces
        left = _chinese_left(html, data)
        if left:
            problems.append(f"{path}: {left[:8]}")
        for href in re.findall(r'href="(/[^"#]*)"', html):
            if href not in seen:
                queue.append(unescape(href))
    assert len(seen) > 40
    assert not problems, "\n".join(problems)


def test_staff_exports_have_english_heads_for_an_english_reader(app):
    build_world(app)
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    client = _english(app, admin.username)
    from ballot_app.models import Campaign

    campaign = db.session.scalars(select(Campaign)).first()
    for path in (f"/campaigns/{campaign.id}/sheets.xlsx", "/audit.xlsx"):
        r = client.get(path)
        assert r.status_code == 200, path
        book = load_workbook(io.BytesIO(r.data))
        heads = [str(c.value) for ws in book.worksheets for c in next(ws.iter_rows(max_row=1))]
        heads += book.sheetnames
        assert heads and not [h for h in heads if CJK.search(h)], (path, heads)


def test_a_meeting_in_draft_reads_in_english(app):
    owner = factories.user(name="yingwen")
    m = factories.meeting(app, owner=owner, state=MeetingState.DRAFT)
    client = _english(app, "yingwen")
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert '<html lang="en">' in page and "中文" in page  # the switch back
    assert _chinese_left(page, _data_strings()) == []  # 「中文」 is marked lang="zh-CN"


def test_a_voters_address_that_matches_nothing_is_answered_in_chinese(client):
    for path in ("/v/submit", "/s/whatever/review", "/m/", "/b/x"):
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert '<html lang="zh-CN">' in page, path
        assert 'name="lang"' not in page, path  # no language switch where it changes nothing


def test_dates_and_numbers_follow_the_readers_language(app):
    from datetime import date
    from decimal import Decimal

    from flask_babel import refresh

    from ballot_app.web.locale import local_date, local_number

    day = date(2026, 12, 3)
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        refresh()
        assert (local_date(day), local_number(12345), local_number(Decimal("87.75"))) == (
            "2026-12-03",
            "12345",
            "87.75",
        )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        assert (local_date(day), local_number(12345), local_number(Decimal("1087.75"))) == (
            "Dec 3, 2026",
            "12,345",
            "1,087.75",
        )
