"""An expired form re-shows what was typed only to a post from our own pages; a post from
another site (a forged form) is refused with a plain page: no form, no token, none of its
values, so one click by the victim cannot apply them."""

from __future__ import annotations

import re

import pytest

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import User
from ballot_app.web.public_url import choose_base_url

from .. import factories

EVIL = "https://evil.example"
#: The test client's own address (request.host_url).
HERE = "http://localhost"
#: What an attacker's form would set: a step below three would show one person's vote.
FORGED = {
    "secretary_name": "攻击者写的名字",
    "pass_rate_base": "returned",
    "paper_issued": "77777",
    "live_step": "1",
    "participants": "66666",
}


@pytest.fixture
def organizer_with_draft(app, client, actions):
    """An organizer logged in (CSRF off for the login), then CSRF on: every later post of
    theirs without the page's token is an expired or forged one."""
    owner = factories.user()
    m = factories.meeting(app, owner=owner, state=MeetingState.DRAFT)
    actions.login_as(owner)
    app.config["WTF_CSRF_ENABLED"] = True
    return m


def _settings_post(client, m, headers: dict[str, str], data=None):
    return client.post(f"/meetings/{m.id}/settings", data=data or FORGED, headers=headers)


def _assert_refused_without_echo(html: str) -> None:
    assert "这次提交没有被接受" in html and "没有做任何改动" in html
    assert "csrf_token" not in html and "<form" not in html and "<input" not in html
    for value in FORGED.values():
        assert f'value="{value}"' not in html
    assert "攻击者写的名字" not in html and "live_step" not in html and "77777" not in html


def _assert_unchanged(m) -> None:
    db.session.expire_all()
    assert (m.live_step, m.paper_issued, m.secretary_name) == (5, 0, m.secretary_name)
    assert m.secretary_name != "攻击者写的名字"


def test_a_cross_site_post_to_the_settings_form_gets_a_refusal_with_no_token_or_value(
    app, client, organizer_with_draft
):
    m = organizer_with_draft
    r = _settings_post(client, m, {"Origin": EVIL, "Referer": f"{EVIL}/prize.html"})
    assert r.status_code == 400
    _assert_refused_without_echo(r.get_data(as_text=True))
    _assert_unchanged(m)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},  # a sandboxed frame or a no-referrer page elsewhere
        {},  # says nothing of where it came from
        {"Referer": f"{EVIL}/prize.html"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "http://localhost:8080"},  # another port is another site
        {"Origin": HERE, "Sec-Fetch-Site": "cross-site"},
        {"Origin": HERE, "Sec-Fetch-Site": "same-site"},
        {"Origin": "not a url"},
    ],
)
def test_a_post_not_shown_to_come_from_here_is_refused_the_same_way(
    app, client, organizer_with_draft, headers
):
    m = organizer_with_draft
    r = _settings_post(client, m, headers)
    assert r.status_code == 400
    _assert_refused_without_echo(r.get_data(as_text=True))
    _assert_unchanged(m)


def _token_and_kept(html: str) -> tuple[str, dict[str, str]]:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    kept.pop("csrf_token", None)
    return token.group(1), kept


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": HERE},
        {"Origin": HERE, "Sec-Fetch-Site": "same-origin"},
        {"Referer": f"{HERE}/meetings/1"},  # a browser that sends no Origin
        {"Origin": "https://ceping.example.org"},  # PUBLIC_BASE_URL, as behind a TLS proxy
        {"Origin": "https://LOCALHOST"},  # the proxy speaks HTTPS, the app plain HTTP
    ],
)
def test_a_same_origin_expired_post_gets_its_values_back_and_can_be_sent_again(
    app, client, organizer_with_draft, headers
):
    m = organizer_with_draft
    typed = dict(FORGED, live_step="7", secretary_name="张书记")
    r = _settings_post(client, m, headers, typed)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "页面已过期" in html and f'action="/meetings/{m.id}/settings"' in html
    token, kept = _token_and_kept(html)
    assert kept == typed
    again = client.post(
        f"/meetings/{m.id}/settings", data={**kept, "csrf_token": token}, headers=headers
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert (m.live_step, m.secretary_name, m.paper_issued) == (7, "张书记", 77777)


def test_the_address_chosen_for_the_slips_counts_as_ours(app, client, organizer_with_draft):
    m = organizer_with_draft
    with app.test_request_context():
        choose_base_url("http://192.168.1.20:5000")
    app.config["PUBLIC_BASE_URL"] = ""
    r = _settings_post(client, m, {"Origin": "http://192.168.1.20:5000"})
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)
    r = _settings_post(client, m, {"Origin": "http://192.168.1.21:5000"})
    assert "这次提交没有被接受" in r.get_data(as_text=True)


def test_the_re_post_keeps_the_query_of_a_correction(app, client, actions):
    """A paper sheet's correction posts to ?sheet=n&pass=p: the re-post goes there too, or it
    would enter a new sheet instead of correcting one."""
    m = factories.meeting(app, state=MeetingState.OPEN)
    actions.login_as(db.session.get(User, m.created_by_id))
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post(
        f"/meetings/{m.id}/paper/1?sheet=2&pass=1",
        data={"f6_duty": "good"},
        headers={"Origin": HERE},
    )
    assert r.status_code == 400
    assert f'action="/meetings/{m.id}/paper/1?sheet=2&amp;pass=1"' in r.get_data(as_text=True)


def test_the_password_is_never_shown_again_even_to_a_same_origin_post(app):
    factories.user(name="zhao")
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    data = {"username": "zhao", "password": factories.PASSWORD}
    r = client.post("/login", data=data, headers={"Origin": HERE})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'name="username" value="zhao"' in html
    assert factories.PASSWORD not in html
    r = client.post("/login", data=data, headers={"Origin": EVIL})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "zhao" not in html and "csrf_token" not in html


# --- voter pages: no CSRF token (the slip is the credential), the same refusal ------------


def _ballot(app, state=MeetingState.OPEN):
    m = factories.meeting(app, state=state)
    value = factories.slip_values(app, m)[0]
    return m, {"slip": value, **factories.form_for(m, form5="competent")}


@pytest.mark.parametrize("path", ["/v/review", "/v/edit", "/v/submit", "/v"])
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Referer": f"{EVIL}/vote-here.html"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_voter_post_is_refused_without_the_slip_or_the_choices(
    app, client, path, headers
):
    m, data = _ballot(app)
    r = client.post(path, data=data, headers=headers)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "这次提交没有被接受" in html and "<form" not in html and "<input" not in html
    assert data["slip"] not in html and "competent" not in html
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert not any(t.is_used for t in factories.tokens(m))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "null"},  # what a voter page's own form sends (Referrer-Policy: no-referrer)
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        {"Origin": HERE},  # the background submit (fetch) sends the real origin
        {"Origin": "https://ceping.example.org", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_the_voters_own_posts_still_review_and_cast(app, client, headers):
    m, data = _ballot(app)
    review = client.post("/v/review", data=data, headers=headers)
    assert review.status_code == 200 and data["slip"] in review.get_data(as_text=True)
    empty = re.search(r'name="confirm_empty" value="(\d+)"', review.get_data(as_text=True))
    data["confirm_empty"] = empty.group(1) if empty else "0"
    r = client.post("/v/submit", data=data, headers=headers)
    assert r.status_code == 200 and "/v/receipt/" in r.headers["Content-Location"]


def test_a_not_started_ballot_keeps_its_choices_for_a_same_origin_post_only(app, client):
    m, data = _ballot(app, MeetingState.DRAFT)
    r = client.post("/v/submit", data=data, headers={"Origin": "null"})
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and html.count('value="competent"') == 3
    assert 'action="/v/review"' in html
    r = client.post("/v/submit", data=data, headers={"Origin": EVIL})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "competent" not in html and data["slip"] not in html


def test_a_huge_confirmed_count_of_empty_rows_is_read_as_not_confirmed(app, client):
    m, data = _ballot(app)
    data.pop("f6_duty")
    for value in ("99999999999999999999", "9" * 5000, "-1", "１"):
        r = client.post("/v/submit", data={**data, "confirm_empty": value})
        assert r.status_code == 409 and "1 项未填" in r.get_data(as_text=True)
    assert not any(t.is_used for t in factories.tokens(m))
