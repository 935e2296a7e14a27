"""The voter's pages: no login, no cookie needed; the slip's signed value travels in the form.

GET /v/<value> shows the ballot, which carries the review blank: with JavaScript on, the phone
fills it in and shows it itself, so that scan to receipt takes two requests. POST /v/review
shows every answer (without JavaScript); POST /v/submit casts and answers with the receipt
itself, its own address in Content-Location (the page puts it in the address bar, so a reload
asks for the receipt, not for the submit again). GET /v/receipt/<signed> shows the tracker
code. Every refusal is a Chinese page with its HTTP status, and a refused or failed post
re-shows the choices it carried.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session
from markupsafe import escape
from werkzeug.wrappers import Response

from ..domain import codes
from ..domain.choices import Category
from ..domain.marks import Packet, count_empty, read_packet
from ..services import throttle, voting
from ..services.errors import (
    InvalidInput,
    MeetingNotOpen,
    NeedsConfirmation,
    SlipInvalid,
    SlipRefused,
    SlipUsed,
    TooManyTries,
)
from . import MAX_ID, fragments, whole_number
from .guards import keys

bp = Blueprint("voter", __name__, url_prefix="/v")
RECEIPT_COOKIE = "ballot_receipts"
RECEIPT_MAX_AGE = 3 * 24 * 3600
_EMPTY = whole_number(0, MAX_ID)  # the confirmed count of empty rows; else not confirmed


#: Stands in for the one per-slip text of a page rendered once per meeting face.
_BLANK = "\x1fBALLOT-APP-BLANK\x1f"


@lru_cache(maxsize=256)
def _rendered_once(
    template: str, face: voting.MeetingFace | None, category: Category | None
) -> fragments.Parts:
    """A voter page that is the same for every slip of a meeting (and table) but for one
    text, rendered once per meeting face: the parts before and after that text, kept plain
    and gzip-compressed (web/fragments.py)."""
    if category is not None and face is not None:
        slip = voting.OpenSlip(_BLANK, "", None, face, category)
        html = render_template(f"voter/{template}", slip=slip, packet=None, errors={})
    else:
        html = render_template(f"voter/{template}", meeting=face, code=_BLANK)
    before, found, after = html.partition(_BLANK)
    assert found and _BLANK not in after, f"{template}: the blank must appear exactly once"
    return fragments.Parts.of(before, after)


def _filled(
    template: str, text: str, face: voting.MeetingFace | None, category: Category | None = None
) -> Response:
    """That page with this slip's text in it; gzip-compressed for a browser that takes it
    (a phone on weak 4G: the ballot's 11 KB go out as about 3), with no compression work."""
    # A rehearsal's face is made afresh for every request (voting.meeting_face): rendered
    # without the cache, so that it never pushes real meetings' pages out of it.
    once = _rendered_once.__wrapped__ if face and face.is_rehearsal else _rendered_once
    parts = once(template, face, category)
    value = str(escape(text)).encode()
    response = current_app.response_class(mimetype="text/html")
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] > 0:
        response.set_data(parts.gzipped(value))
        response.content_encoding = "gzip"
    else:
        response.set_data(parts.plain(value))
    return response


@bp.after_request
def _private(response: Response) -> Response:
    """Voter pages are never cached (WeChat caches hard) and never leak their address."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"voter/{template}", **context), status


def _refusal(e: SlipRefused) -> tuple[str, int]:
    """The refusal page; a refused post keeps its choices, to send again when that can work."""
    kept = [
        (k, v)
        for k, v in request.form.items(multi=True)
        if k in ("slip", "meeting", "comment") or k.startswith(("f5_", "f6_"))
    ]
    retry = isinstance(e, MeetingNotOpen) and not e.started and bool(kept)
    return _page("refusal.html", e.status, error=e, kept=kept, retry=retry)


# --- the receipt cookie: lets a lost response on weak 4G be shown again -------------------


def _fingerprint(value: str) -> str:
    read = keys().read_voter_value(value)
    return _fingerprint_of(keys().hash_secret(read.secret)) if read else ""


def _fingerprint_of(secret_hash: str) -> str:
    """What the receipt cookie keeps of a slip it cast: a prefix of its keyed hash."""
    return secret_hash[:24]


def _receipts() -> list[list[str]]:
    raw = request.cookies.get(RECEIPT_COOKIE, "")
    found = keys().loads("receipt-cookie", raw, RECEIPT_MAX_AGE) if raw else None
    return found if isinstance(found, list) else []


def _receipt_url(meeting: voting.MeetingFace, code: str) -> str:
    """The receipt's address: signed, naming the meeting (marked `r` for a rehearsal's, so
    that once the rehearsal is wiped and its id taken by another meeting, it says so)."""
    mark = "r" if meeting.is_rehearsal else ""
    return "/v/receipt/" + keys().sign("receipt", f"{meeting.id}{mark}:{code}")


def _face_of(signed_id: str) -> voting.MeetingFace:
    """The meeting a signed receipt or test-scan value names; a wiped rehearsal's is
    refused (SPEC: a rehearsal slip used afterwards says so)."""
    rehearsal = signed_id.endswith("r")
    face = voting.meeting_face(int(signed_id.removesuffix("r")))
    if rehearsal and (face is None or not face.is_rehearsal):
        raise SlipInvalid(voting.REHEARSAL_OVER)
    if face is None or face.is_rehearsal != rehearsal:
        raise SlipInvalid(voting.FORGED)
    return face


def _remembered(value: str) -> str | None:
    """The receipt URL of this slip if this browser cast it, else None."""
    fingerprint = _fingerprint(value)
    for fp, url in _receipts():
        if fp == fingerprint:
            return url
    return None


def _last_receipt() -> str | None:
    """The receipt URL of the latest ballot this browser cast (back from the receipt lands
    on /v: the page says the ballot is in, and links to its receipt)."""
    found = _receipts()
    return found[-1][1] if found else None


# --- pages ---------------------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
def entry() -> Response | tuple[str, int]:
    """Type the slip's manual code (for phones that cannot scan)."""
    meeting_id = request.values.get("m", type=int)
    if request.method == "GET":
        return _page("entry.html", meeting_id=meeting_id, code="", done=_last_receipt())
    typed = request.form.get("code", "")
    try:
        shared = _count_try(typed, meeting_id)
        try:
            value = voting.value_for_code(keys(), typed, meeting_id=meeting_id)
        except SlipInvalid:
            throttle.fail_all(shared)  # an unknown code: never a found one, never a success
            raise
        slip = voting.open_slip(keys(), value)
    except SlipUsed as e:
        return _used(e, voting.value_for_code(keys(), typed))
    except SlipRefused as e:
        return _page("entry.html", e.status, meeting_id=meeting_id, code=typed, error=e)
    session.pop("code_tries", None)
    return _page("ballot.html", slip=slip, packet=None, errors={})


def _count_try(typed: str, meeting_id: int | None) -> list[str]:
    """Slow down guessing per browser session and, in the shared store, per meeting and per
    bucket of codes (never per IP: a hall shares one address). Returns the shared keys a
    failure of this try counts against: none for a code whose check character is wrong,
    which is a typo and can never open a ballot."""
    limit = current_app.config["CODE_TRIES_PER_SESSION"]
    wait = current_app.config["CODE_TRIES_WAIT_SECONDS"]
    count, since = session.get("code_tries", (0, time.time()))
    if time.time() - since > wait:
        count, since = 0, time.time()
    if count >= limit:
        raise TooManyTries(f"输入错误的次数太多。请等 {wait} 秒后再试，并仔细核对纸条上的码。")
    session["code_tries"] = (count + 1, since)
    code = codes.normalize(typed)
    if not (codes.is_well_formed(code) or codes.is_rehearsal_code(code)):
        return []
    shared = throttle.code_keys(current_app.config["SECRET_KEY"], code, meeting_id)
    shared_wait = throttle.check(*shared)
    if shared_wait > 0:
        raise TooManyTries(
            f"最近输错的手输码太多，为了防止有人猜码，请等 {throttle.wait_text(shared_wait)}后再试，"
            "并仔细核对纸条上的码。能扫二维码的话，扫码不用等。"
        )
    return shared


def _used(e: SlipUsed, value: str) -> Response | tuple[str, int]:
    """A used slip opened again: its receipt when this browser cast it (by redirect, so that
    the slip's value leaves the address bar), else the refusal."""
    url = _remembered(value)
    return redirect(url, 303) if url else _refusal(e)


@bp.get("/<value>")
def ballot(value: str) -> Response | tuple[str, int]:
    """The ballot of the slip in the QR."""
    try:
        slip = voting.open_slip(keys(), value)
    except SlipUsed as e:
        return _used(e, value)
    except SlipRefused as e:
        return _refusal(e)
    # The same page for every slip of this meeting and table, but for the slip's value.
    return _filled("ballot.html", slip.value, slip.meeting, slip.category)


def _posted() -> tuple[str, int | None]:
    return request.form.get("slip", ""), request.form.get("meeting", type=int)


def _read(slip: voting.OpenSlip) -> Packet:
    return read_packet(slip.spec, request.form.getlist)


Page = Response | tuple[str, int]


def _open_posted(*, check_token: bool = True) -> voting.OpenSlip | Page:
    """The slip a voter's post carries, or the page that refuses it."""
    value, meeting_id = _posted()
    opener = voting.open_slip if check_token else voting.signed_slip
    try:
        return opener(keys(), value, meeting_id=meeting_id)
    except SlipUsed as e:
        return _used(e, value)
    except SlipRefused as e:
        return _refusal(e)


@bp.post("/edit")
def edit() -> Page:
    """Back from the review (or a reload): the ballot with the posted choices filled in."""
    slip = _open_posted()
    if not isinstance(slip, voting.OpenSlip):
        return slip
    row = request.form.get("row")  # the review's 「修改」 of one row: the page lands on it
    rows = {r.field for r in slip.spec.rows} | ({"comment"} if slip.spec.form6 else set())
    focus = row if row in rows else None
    return _page("ballot.html", slip=slip, packet=_read(slip), errors={}, focus=focus)


@bp.post("/review")
def review() -> Page:
    """Every answer on one page before the final submit (SPEC rule 5).

    Checks the slip's signature only: the token was checked when the ballot opened and is
    checked again by the cast, so a slip used meanwhile is told so at the submit. A review
    posted again by a browser that cast this slip (back from the receipt, then resend) shows
    that receipt."""
    slip = _open_posted(check_token=False)
    if not isinstance(slip, voting.OpenSlip):
        return slip
    if request.cookies.get(RECEIPT_COOKIE) and _remembered(slip.value):
        return _receipt_page(slip.meeting, slip.tracker)
    packet = _read(slip)
    if packet.errors:
        return _page("ballot.html", 400, slip=slip, packet=packet, errors=packet.errors)
    return _page("review.html", slip=slip, packet=packet, empty=count_empty(slip.spec, packet))


@bp.post("/submit")
def submit() -> Response | tuple[str, int]:
    """Cast the ballot; the answer is the receipt itself (no redirect: one round trip less
    on weak 4G), with its own address in Content-Location."""
    value, meeting_id = _posted()
    packet: Packet | None = None
    try:
        slip = voting.signed_slip(keys(), value, meeting_id=meeting_id)
        packet = _read(slip)
        try:
            if packet.errors:
                raise InvalidInput("有几项需要重新选择。", dict(packet.errors))
            code = voting.cast_ballot(
                slip, packet, confirmed_empty=request.form.get("confirm_empty", type=_EMPTY)
            )
        except (NeedsConfirmation, InvalidInput):
            # The cast checked nothing of the token yet: a used or closed slip says so first.
            voting.open_slip(keys(), value, meeting_id=meeting_id)
            raise
    except SlipUsed:
        return _repeated_submit(value)
    except SlipRefused as e:
        return _refusal(e)
    except NeedsConfirmation as e:
        return _page("review.html", 409, slip=slip, packet=packet, empty=e.empty)
    except InvalidInput as e:
        return _page("ballot.html", 400, slip=slip, packet=packet, errors=e.fields)
    response = _receipt_page(slip.meeting, code)
    fingerprint = _fingerprint_of(slip.secret_hash)  # the slip is read already
    kept = [r for r in _receipts() if r[0] != fingerprint][-4:]
    kept.append([fingerprint, response.headers["Content-Location"]])
    response.set_cookie(
        RECEIPT_COOKIE,
        keys().serializer("receipt-cookie").dumps(kept),
        max_age=RECEIPT_MAX_AGE,
        path="/v",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def _repeated_submit(value: str) -> Response:
    """A submit of a slip already used: when it was this slip's own earlier submit, whose
    answer was lost on the way (weak 4G, a double tap that outran the first, a reload of the
    receipt's answer), show its receipt again. Only a phone cast uses a slip, so whoever holds
    a used slip's value holds the slip that cast it: its receipt (derived from the slip, never
    stored) is shown again, saying so unless this browser remembers casting it."""
    slip = voting.signed_slip(keys(), value)  # it was signed, or SlipUsed could not arise
    return _receipt_page(slip.meeting, slip.tracker, again=not _remembered(value))


def _receipt_page(meeting: voting.MeetingFace, code: str, *, again: bool = False) -> Response:
    """The receipt as the answer to this request, naming its own address."""
    url = _receipt_url(meeting, code) + ("?again=1" if again else "")
    template = ("receipt.html", "receipt_again.html")[again]
    response = _filled(template, code, meeting)
    response.headers["Content-Location"] = url
    return response


@bp.get("/receipt/<signed>")
def receipt(signed: str) -> Response | tuple[str, int]:
    """The tracker code: proves the ballot was counted, shows no choice."""
    payload = keys().unsign("receipt", signed)
    if payload is None:
        return _refusal(SlipInvalid(voting.FORGED))
    meeting_id, code = payload.split(":", 1)
    try:
        face = _face_of(meeting_id)
    except SlipInvalid as e:
        return _refusal(e)
    template = "receipt_again.html" if request.args.get("again") else "receipt.html"
    return _filled(template, code, face)


@bp.get("/check/<signed>")
def check(signed: str) -> tuple[str, int]:
    """The test QR's harmless page: the phone reached the app at this address."""
    payload = keys().unsign("check", signed)
    if payload is None:
        return _refusal(SlipInvalid(voting.FORGED))
    try:
        face = _face_of(payload)
    except SlipInvalid as e:
        return _refusal(e)
    return _page("check.html", meeting=face)
