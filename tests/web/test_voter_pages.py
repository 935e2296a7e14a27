"""What a voter meets: the ballot page, review, receipt, and every refusal with its status."""

import re

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.extensions import db
from ballot_app.models import Ballot

from .. import factories


def test_ballot_page_has_radio_groups_with_choice_codes_in_meeting_order(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m, "B")[0]
    r = client.get(f"/v/{value}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    names = re.findall(r'type="radio" id="[^"]+" name="([^"]+)"', html)
    fields = list(dict.fromkeys(names))
    assert fields == [f"f5_{i}" for i in factories.evaluee_ids(m)] + ["f6_duty", "f6_activity"]
    assert re.findall(r'name="f6_duty" value="(\w+)"', html) == [
        "good",
        "fairly_good",
        "average",
        "poor",
    ]
    assert "综合测评表（B）" in html and html.index("甲一") < html.index("乙二") < html.index(
        "丙三"
    )
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert 'lang="zh-CN"' in html


def test_review_lists_every_answer_and_asks_about_empty_rows(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m, activity=None)}
    html = client.post("/v/review", data=data).get_data(as_text=True)
    assert "请核对您的选择" in html
    assert html.count("未填（弃权）") == 1
    assert "1 项未填，确定提交吗？" in html
    assert 'name="confirm_empty" value="1"' in html


def test_a_wholly_blank_ballot_is_told_it_stays_valid_with_every_row_an_abstention(app, client):
    m = factories.meeting(app, members=2)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m, form5=None, duty=None, activity=None)}
    html = client.post("/v/review", data=data).get_data(as_text=True)
    assert "4 项未填，确定提交吗？" in html
    assert "这张票仍然是有效票，每一项都计为弃权" in html
    assert "废票" not in html
    partly = client.post("/v/review", data={"slip": value, **factories.form_for(m, duty=None)})
    assert "未填的项目算弃权，票仍然有效" in partly.get_data(as_text=True)


def test_submit_without_confirming_empty_rows_shows_the_question_and_keeps_choices(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m, duty=None)}
    r = client.post("/v/submit", data=data)
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "1 项未填，确定提交吗？" in html
    assert html.count('value="excellent"') == 3  # the three form 5 choices travel on
    assert db.session.query(Ballot).count() == 0


def test_going_back_from_review_keeps_every_choice(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m, form5="basically_competent", comment="好建议")}
    html = client.post("/v/edit", data=data).get_data(as_text=True)
    assert html.count('value="basically_competent" checked') == 3
    assert "好建议</textarea>" in html


def test_a_full_vote_ends_on_a_receipt_with_a_tracker_code(app, client, actions):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    r = actions.vote(m, value)
    # The submit's answer is the receipt itself (no redirect: one round trip less on weak 4G)
    # and names its own address, which the page puts in the address bar.
    assert r.status_code == 200 and "Location" not in r.headers
    html = r.get_data(as_text=True)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", html)
    assert code and "投票成功" in html
    assert "优秀" not in html  # the receipt shows no choice
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    receipt = client.get(r.headers["Content-Location"])
    assert receipt.status_code == 200 and code.group(0) in receipt.get_data(as_text=True)
    assert receipt.headers["Cache-Control"] == "no-store"


def test_a_used_slip_shows_this_browsers_receipt_again(app, client, actions):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    first = actions.vote(m, value)
    receipt_url = first.headers["Content-Location"]
    code = re.search(r'class="receipt-code">([^<]+)<', first.get_data(as_text=True)).group(1)
    # Opened again: to the receipt by redirect, so the slip's value leaves the address bar.
    again = client.get(f"/v/{value}")
    assert again.status_code == 303 and again.headers["Location"] == receipt_url
    resubmit = client.post("/v/submit", data={"slip": value, **factories.form_for(m)})
    for answer in (resubmit, client.get(receipt_url)):
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "投票成功" in html and code in html
    assert resubmit.headers["Content-Location"] == receipt_url
    assert db.session.query(Ballot).count() == 1


def test_a_used_slip_in_another_browser_is_refused_with_409(app, actions):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    actions.vote(m, value)
    other = app.test_client()
    r = other.get(f"/v/{value}")
    assert r.status_code == 409
    assert "码已使用" in r.get_data(as_text=True)
    # A submit of it (say, the first submit's answer never reached this phone) casts
    # nothing and says plainly that the slip had already voted.
    r = other.post("/v/submit", data={"slip": value, **factories.form_for(m)})
    assert r.status_code == 200 and r.headers["Content-Location"].endswith("?again=1")
    for page in (r.get_data(as_text=True), other.get(r.headers["Content-Location"]).text):
        assert "这张测评码已经投过票" in page and "如果您没有投过这张票，请告诉工作人员" in page
    assert db.session.query(Ballot).count() == 1


def test_forged_and_unknown_slips_are_404(app, client):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    for bad in (value[:-3] + "abc", "1.A.nosuchsecret.sig", "x"):
        r = client.get(f"/v/{bad}")
        assert r.status_code == 404
        assert "码无效" in r.get_data(as_text=True)
    r = client.post("/v", data={"code": "0000-0000-000"})
    assert r.status_code == 404
    assert 'value="0000-0000-000"' in r.get_data(as_text=True)  # what was typed stays


def test_not_started_and_ended_are_403_and_a_not_started_post_keeps_choices(app, client):
    draft = factories.meeting(app, state=MeetingState.DRAFT)
    value = factories.slip_values(app, draft)[0]
    r = client.get(f"/v/{value}")
    assert r.status_code == 403 and "尚未开始" in r.get_data(as_text=True)
    r = client.post(
        "/v/submit", data={"slip": value, **factories.form_for(draft, form5="competent")}
    )
    assert r.status_code == 403
    html = r.get_data(as_text=True)
    assert html.count('value="competent"') == 3 and 'action="/v/review"' in html
    closed = factories.meeting(app, state=MeetingState.CLOSED, unit_name="闭镇")
    r = client.get(f"/v/{factories.slip_values(app, closed)[0]}")
    assert r.status_code == 403 and "已结束" in r.get_data(as_text=True)


def test_a_slip_posted_to_another_meetings_form_is_403(app, client):
    m = factories.meeting(app)
    other = factories.meeting(app, unit_name="邻镇")
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m), "meeting": str(other.id)}
    r = client.post("/v/review", data=data)
    assert r.status_code == 403 and "不属于本次会议" in r.get_data(as_text=True)
    code = factories.manual_codes(app, m)[0]
    r = client.post("/v", data={"code": code, "m": str(other.id)})
    assert r.status_code == 403


def test_the_manual_code_opens_the_ballot_without_putting_the_slip_in_the_address(app, client):
    m = factories.meeting(app)
    code = factories.manual_codes(app, m)[0]
    r = client.post("/v", data={"code": code.lower()})
    assert r.status_code == 200
    assert "检查并提交" in r.get_data(as_text=True)


def test_guessing_codes_is_slowed_per_browser_session(app, client):
    app.config["CODE_TRIES_PER_SESSION"] = 3
    statuses = [client.post("/v", data={"code": f"{i}"}).status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert app.test_client().post("/v", data={"code": "1"}).status_code == 404  # other phone


def test_an_invalid_post_reshows_the_ballot_with_errors_and_choices(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m), "comment": "长" * 501}
    r = client.post("/v/review", data=data)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "最多 500 字" in html and html.count('value="excellent" checked') == 3


def test_the_test_qr_page_says_the_connection_works(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.user())
    html = client.get(f"/print/{m.id}/test-qr").get_data(as_text=True)
    url = re.search(r"https://ceping.example.org(/v/check/[^<\"]+)", html).group(1)
    r = app.test_client().get(url)
    assert r.status_code == 200 and "连接正常" in r.get_data(as_text=True)
    assert app.test_client().get("/v/check/forged").status_code == 404


def test_a_used_slip_says_so_before_asking_to_confirm_empty_rows(app, client):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    factories.cast(app, m, value)
    data = {"slip": value, **factories.form_for(m, form5=None)}
    page = client.post("/v/submit", data=data)
    # Not 「n 项未填，确定提交吗？」: the slip has voted, and the page says so.
    assert page.status_code == 200 and page.headers["Content-Location"].endswith("?again=1")
    assert "这张测评码已经投过票" in page.get_data(as_text=True)


def test_ballot_pages_of_one_meeting_and_table_differ_only_in_the_slip(app, client):
    m = factories.meeting(app, a=0, b=3)
    first, second, _ = factories.slip_values(app, m)
    one = client.get(f"/v/{first}").get_data(as_text=True)
    two = client.get(f"/v/{second}").get_data(as_text=True)
    assert one.count(first) == 1 and f'name="slip" value="{first}"' in one
    assert one.replace(first, second) == two


def test_static_files_are_versioned_and_cached_for_a_year(app, client):
    m = factories.meeting(app)
    page = client.get(f"/v/{factories.slip_values(app, m)[0]}").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', page)
    js = re.search(r'src="(/static/js/ballot\.js\?v=[0-9a-f]{10})"', page)
    assert css and js
    for url in (css[1], js[1]):
        answer = client.get(url)
        assert answer.status_code == 200
        cache = answer.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    plain = client.get("/static/css/app.css")
    assert "max-age=31536000" not in plain.headers.get("Cache-Control", "")


def test_stylesheet_and_script_go_out_gzipped_to_a_browser_that_accepts_it(app, client):
    """On weak 4G the ballot's stylesheet and script are a third of their size, also where
    no nginx compresses in front of the app (the LAN set-up)."""
    import gzip

    m = factories.meeting(app)
    page = client.get(f"/v/{factories.slip_values(app, m)[0]}").get_data(as_text=True)
    for url in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=[0-9a-f]{10})"', page):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        again = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert (
            "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
        )
        assert packed.headers["Content-Encoding"] == "gzip" and again.data == packed.data
        assert gzip.decompress(packed.data) == plain.data
        assert len(packed.data) * 2 < len(plain.data), url
        assert packed.headers["Content-Length"] == str(len(packed.data))
        assert packed.headers["ETag"] != plain.headers["ETag"]
        assert "immutable" in packed.headers["Cache-Control"]
    # An address with a made-up version is served as it is: nothing compressed or kept for it.
    made_up = client.get("/static/js/ballot.js?v=0000000000", headers={"Accept-Encoding": "gzip"})
    assert made_up.status_code == 200 and "Content-Encoding" not in made_up.headers
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_edit_from_the_review_lands_on_that_row_with_its_choice_focused(app, client):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    second = f"f5_{factories.evaluee_ids(m)[1]}"
    data = {"slip": value, **factories.form_for(m, activity=None, comment="建议")}
    review = client.post("/v/review", data=data).get_data(as_text=True)
    # Each row's 「修改」 posts to the ballot's anchor of that row and names the row.
    assert f'formaction="/v/edit#{second}" name="row" value="{second}"' in review
    assert 'formaction="/v/edit#comment-field" name="row" value="comment"' in review
    html = client.post("/v/edit", data={**data, "row": second}).get_data(as_text=True)
    assert f'data-focus="{second}"' in html and f'<fieldset class="row" id="{second}">' in html
    assert re.findall(r'id="([^"]+)" name="[^"]+" value="\w+"[^>]*\bautofocus', html) == [
        f"{second}-excellent"
    ]
    # A row left empty: its first choice takes the focus; the comment: its text box.
    html = client.post("/v/edit", data={**data, "row": "f6_activity"}).get_data(as_text=True)
    assert re.findall(r'id="([^"]+)"[^>]*\bautofocus', html) == ["f6_activity-good"]
    html = client.post("/v/edit", data={**data, "row": "comment"}).get_data(as_text=True)
    assert re.findall(r'<(\w+) id="([^"]+)"[^>]*\bautofocus', html) == [("textarea", "comment")]
    # 「返回修改」 or a row the ballot does not hold: the top of the page, nothing focused.
    for row in (None, "f5_999", "slip"):
        posted = {**data, "row": row} if row else data
        html = client.post("/v/edit", data=posted).get_data(as_text=True)
        assert "autofocus" not in html and "data-focus" not in html


def test_the_final_button_says_confirm_submit_whether_or_not_rows_are_empty(app, client):
    m = factories.meeting(app, members=2)
    value = factories.slip_values(app, m)[0]
    full = client.post("/v/review", data={"slip": value, **factories.form_for(m)})
    empty = client.post("/v/review", data={"slip": value, **factories.form_for(m, duty=None)})
    asked = client.post("/v/submit", data={"slip": value, **factories.form_for(m, duty=None)})
    assert asked.status_code == 409
    for page in (full, empty, asked):
        html = page.get_data(as_text=True)
        buttons = re.findall(r"<button[^>]*>([^<]+)</button>", html)
        assert "确认提交" in buttons and "确定提交" not in buttons, buttons
        assert "确认并提交" not in html
        # 「确定提交」 only in SPEC's question about empty rows.
        assert html.count("确定提交") == html.count("项未填，确定提交吗？")
    assert "1 项未填，确定提交吗？" in empty.get_data(as_text=True)
    ballot = client.get(f"/v/{value}").get_data(as_text=True)
    shown, _, blank = ballot.partition('<template id="review-template"')
    assert "确定提交" not in shown and "确认并提交" not in ballot
    # The review it carries blank (filled on the phone) asks SPEC's question only.
    assert blank.count("确定提交") == blank.count("项未填，确定提交吗？") == 1


def test_the_ballot_carries_the_review_page_blank_for_the_phone_to_fill(app, client):
    """With JavaScript on the review happens on the phone: the ballot page carries the very
    review the server shows (one template), blank, so that scan to receipt is two requests."""
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m)[0]
    ballot = client.get(f"/v/{value}").get_data(as_text=True)
    shown, found, rest = ballot.partition(
        '<template id="review-template" data-title="核对后提交 · 民主测评" hidden>'
    )
    blank = rest.partition("</template>")[0]
    assert found and '<div id="review-step" hidden></div>' in shown
    review = client.post("/v/review", data={"slip": value, **factories.form_for(m)}).text
    rows = re.compile(r'data-row="([^"]+)"')
    assert rows.findall(blank) == rows.findall(review) and len(rows.findall(blank)) == 3 + 2 + 1
    for sentence in ("请核对您的选择", "提交后不能再修改", "确认提交", "返回修改", "修改："):
        assert sentence in blank and sentence in review
    # Blank: every answer holds both forms, the empty-rows question is hidden until needed,
    # and the slip is not in it (the ballot form posts its own fields with the submit).
    assert blank.count("<strong data-set hidden></strong>") == 3 + 2
    assert blank.count("data-unset>未填（弃权）") == 3 + 2
    assert '<div class="error-summary" role="alert" id="empty-rows" hidden>' in blank
    assert value not in blank and 'name="slip"' not in blank
    assert 'action="/v/submit" id="review" data-blank' in blank


def test_the_review_shows_the_comment_below_its_label(app, client):
    m = factories.meeting(app, members=1)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m, comment="第一行\n第二行")}
    html = client.post("/v/review", data=data).get_data(as_text=True)
    assert '<div class="answer comment" data-row="comment">' in html
    assert '<dd class="comment-text">第一行\n第二行</dd>' in html
    assert "style=" not in html  # the layout lives in app.css
    none = client.post("/v/review", data={"slip": value, **factories.form_for(m)})
    assert "（没有填写）" in none.get_data(as_text=True)


def test_the_comment_has_a_static_limit_and_a_counter_for_javascript(app, client):
    m = factories.meeting(app, members=1)
    html = client.get(f"/v/{factories.slip_values(app, m)[0]}").get_data(as_text=True)
    assert "最多 500 字" in html and 'maxlength="500"' in html
    # Without JavaScript the counter stays hidden; ballot.js fills it in and shows it.
    assert '<p class="comment-count" id="comment-count" aria-hidden="true" hidden></p>' in html
    assert '<p class="visually-hidden" id="comment-count-live" aria-live="polite"></p>' in html
    assert 'aria-describedby="comment-hint comment-count"' in html


def test_back_from_the_receipt_says_the_ballot_is_in_and_links_its_receipt(app, client, actions):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m)}
    receipt_url = actions.vote(m, value).headers["Content-Location"]
    # Back lands on /v (JavaScript on): not a code to type as if nothing happened.
    entry = client.get("/v")
    html = entry.get_data(as_text=True)
    assert entry.status_code == 200 and "您的票已经提交" in html
    assert f'href="{receipt_url}"' in html and "查看投票凭证号" in html
    assert "还有一张没用过的纸条" in html and 'name="code"' in html
    # Back to a post (JavaScript off), sent again: the receipt, never the ballot.
    review = client.post("/v/review", data=data)
    assert review.status_code == 200 and "投票成功" in review.get_data(as_text=True)
    assert review.headers["Content-Location"] == receipt_url
    edit = client.post("/v/edit", data=data)
    assert edit.status_code == 303 and edit.headers["Location"] == receipt_url
    assert db.session.query(Ballot).count() == 1
    # Another phone, or this one before voting: the plain code entry.
    fresh = app.test_client().get("/v").get_data(as_text=True)
    assert "输入纸条上的手输码" in fresh and "您的票已经提交" not in fresh


def test_the_ballot_and_receipt_go_out_gzipped_and_inflate_to_the_plain_page(app, client):
    """A phone that accepts gzip (every browser) gets the ballot at a fraction of its size,
    the page joined from compressed parts around its slip (web/fragments.py)."""
    import gzip

    m = factories.meeting(app, members=5)
    first, second = factories.slip_values(app, m)[:2]
    for value in (first, second):
        plain = client.get(f"/v/{value}")
        packed = client.get(f"/v/{value}", headers={"Accept-Encoding": "gzip, deflate"})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip"
        assert (
            "Accept-Encoding" in packed.headers["Vary"]
            and "Accept-Encoding" in plain.headers["Vary"]
        )
        assert gzip.decompress(packed.data) == plain.data and value.encode() in plain.data
        assert len(packed.data) * 3 < len(plain.data)
        assert packed.headers["Cache-Control"] == "no-store"
    data = {"slip": first, "confirm_empty": "0", **factories.form_for(m)}
    cast = client.post("/v/submit", data=data, headers={"Accept-Encoding": "gzip"})
    assert cast.headers["Content-Encoding"] == "gzip"
    assert "投票成功" in gzip.decompress(cast.data).decode()
