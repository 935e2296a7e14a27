"""Bad input never answers 500: every route, as every kind of visitor, with generated path
values, query arguments and form bodies, answers a 4xx (a Chinese page, JSON for .json
addresses) and changes nothing when it refuses.

The property test enumerates `app.url_map` itself, so a new route is covered the day it is
added; its form fields come from the staff forms of ballot_app/web/forms.py and the voter's
and paper ballot's own field names. tests/slow/test_bad_input_many.py runs it at length.
"""

from __future__ import annotations

import re
import shutil
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin

import pytest
from flask import Flask, got_request_exception
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, make_url, or_, select, text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from ballot_app.domain.choices import Category
from ballot_app.domain.marks import Packet
from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.paper import blank_marks
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import (
    AuditEvent,
    Ballot,
    Evaluee,
    Leader,
    Meeting,
    Member,
    PaperSheet,
    ScoreSheet,
    Token,
    Unit,
)
from ballot_app.services import monitor, paper, score_sheets
from ballot_app.web import MAX_ID, forms
from ballot_app.web.paper import VOID_PREFIX
from ballot_app.web.public_url import CHOICE_FILE

from .. import databases, factories

#: Hypothesis tries a strategy's first choice most: the roles that reach the views first.
ROLES = ("organizer", "admin", "teller", "anonymous")

# --- what a visitor may send --------------------------------------------------------------

#: Numbers a database or a Python dict cannot take, and their neighbours.
HUGE = [
    "100000000000000000000",
    "99999999999999999999",
    str(2**31),
    str(2**31 - 1),
    str(2**53),
    str(2**53 + 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    "9" * 5000,  # past Python's 4,300-digit limit for int()
]
NEGATIVE = ["-1", "-0", "-2", "-99999999999999999999", str(-(2**63) - 1)]
ODD_NUMBERS = ["0", "00", "007", "1.5", "1e3", "+1", " 1", "1 ", "0x10", "１", "١", "½", "NaN"]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "..",
    ".",
    "/",
    "\\",
    "<script>",
    "' OR 1=1 --",
    "%",
    "测" * 3000,
    "x" * 20_000,
    "\ud7ff\ue000\U0010ffff",
    "\u202e",
    "\r\n",
]
#: Path segments sent as they are (already escaped, or meant to be read by the router).
RAW_SEGMENTS = ["%00", "..", ".", "%2e%2e", "%2F", "%ff", "%", "%%", "%E6%B5%8B", ";", "~"]

BAD_VALUES = st.one_of(
    st.sampled_from(HUGE + NEGATIVE + ODD_NUMBERS + ODD_TEXT),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
)

#: For a field or a path part that takes a number. Hypothesis favours small integers, so
#: the huge ones are listed as well.
BAD_NUMBERS = st.one_of(
    st.sampled_from(HUGE + NEGATIVE),
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
#: Converters of path parts that hold numbers.
NUMERIC = ("id", "step", "int")

#: Values that pass a field's own checks, so that refusals further in are reached too.
GOOD_VALUES: dict[str, list[str]] = {
    "category": ["A", "B"],
    "kind": ["township", "department"],
    "pass_rate_base": ["valid", "graded", "returned", "participants"],
    "live_step": ["3", "5", "50"],
    "confirmed": ["y"],
    "held_on": ["2026-12-01"],
    "f6_duty": ["good", "poor", "over_marked"],
    "f6_activity": ["fairly_good", "average", "over_marked"],
    "row": ["f6_duty", "comment"],
    "code": ["0000-0000-000"],
    "password": [factories.PASSWORD],
    # query arguments
    "sheet": ["1", "2"],
    "pass": ["1", "2"],
    "batch": ["1"],
    "copies": ["2"],
    "board": ["1"],
    "projector": ["1"],
    "before": ["5"],
    "next": ["/", "//evil.example"],
    "again": ["1"],
}
QUERY_NAMES = ["pass", "sheet", "batch", "copies", "board", "projector", "meeting", "user"]
QUERY_NAMES += ["before", "next", "m", "again", "v"]


def form_field_names() -> list[str]:
    """Every field name a staff form, the voter's ballot or the paper entry posts."""
    names: set[str] = {"csrf_token", "confirmed", "slip", "meeting", "comment", "row", "code"}
    names |= {"confirm_empty", "sheet", "pass", "f6_duty", "f6_activity", "next", "m"}
    for form in vars(forms).values():
        if isinstance(form, type) and issubclass(form, forms.StaffForm):
            fields = [n for n, v in vars(form).items() if hasattr(v, "field_class")]
            names |= set(fields)
            if form is forms.VoidSheetForm:
                names |= {f"{VOID_PREFIX}-{n}" for n in fields}
    return sorted(names)


# --- the world the requests land in -------------------------------------------------------


@dataclass(frozen=True)
class FormSeen:
    """A form one of the app's pages shows: where it posts, and each field's values (the one
    the page filled in or checked first)."""

    action: str
    fields: dict[str, list[str]]


@dataclass
class Snapshot:
    """The built world's database, put back whenever a request changed it: each example then
    starts from the same state (a request that deleted the draft or finished a stack would
    close those paths to every later one), and a failing example replays as it ran."""

    app: Flask
    cookies: dict[str, str | None]
    copy: str = ""

    def take(self) -> None:
        self._let_go()
        if databases.is_postgres():
            self.copy = self._database() + "_snap"
            self._admin(f'CREATE DATABASE "{self.copy}" TEMPLATE "{self._database()}"')
        else:
            self.copy = self._database() + ".snap"
            shutil.copy(self._database(), self.copy)

    def restore(self) -> None:
        self._let_go()
        (Path(self.app.instance_path) / CHOICE_FILE).unlink(missing_ok=True)
        if databases.is_postgres():
            self._admin(f'DROP DATABASE "{self._database()}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self._database()}" TEMPLATE "{self.copy}"')
        else:
            for suffix in ("-wal", "-shm"):
                Path(self._database() + suffix).unlink(missing_ok=True)
            shutil.copy(self.copy, self._database())

    def drop(self) -> None:
        if databases.is_postgres() and self.copy:
            self._admin(f'DROP DATABASE IF EXISTS "{self.copy}" WITH (FORCE)')
        elif self.copy:
            Path(self.copy).unlink(missing_ok=True)

    def _let_go(self) -> None:
        """Close every connection: the test's own session (its app context is the current
        one between requests) and the engine's pool."""
        db.session.remove()
        db.engine.dispose()

    def _database(self) -> str:
        """The SQLite file, or the PostgreSQL database's name."""
        return str(make_url(self.app.config["SQLALCHEMY_DATABASE_URI"]).database)

    def _admin(self, statement: str) -> None:
        engine = databases._admin_engine()
        with engine.connect() as conn:
            conn.execute(text(statement))
        engine.dispose()


@dataclass
class World:
    """Meetings in every state, a roster, paper stacks, one ballot cast, a login per role,
    the forms the pages show; and the tally of what was sent."""

    app: Flask
    cookies: dict[str, str | None]
    ids: dict[str, list[str]]
    fields: list[str]
    forms: dict[str, list[FormSeen]] = field(default_factory=dict)
    urls: dict[str, list[str]] = field(default_factory=dict)
    counts: tuple[int, ...] = ()
    snapshot: Snapshot | None = None
    restores: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    exceptions: list[BaseException] = field(default_factory=list)


USERNAMES = {"organizer": "organizer1", "admin": "admin1", "teller": "teller1"}


def build_world(app: Flask) -> World:
    organizer = factories.user(name=USERNAMES["organizer"])
    admin = factories.user(Role.ADMIN, name=USERNAMES["admin"])
    draft = factories.meeting(app, owner=organizer, state=MeetingState.DRAFT)
    box = factories.meeting(app, owner=organizer, unit_name="开镇")
    closed = factories.meeting(app, owner=organizer, state=MeetingState.CLOSED, unit_name="闭镇")
    certified = factories.meeting(
        app, owner=organizer, state=MeetingState.CERTIFIED, unit_name="定镇"
    )
    teller = factories.teller(box, name=USERNAMES["teller"])
    values = factories.slip_values(app, box)
    factories.cast(app, box, values.pop())
    stack = paper.open_stack(teller, box, Category.A)
    spec = paper.entry_spec(box, Category.A)
    paper.enter_sheet(teller, box, stack, Packet(blank_marks(spec)))
    paper.open_stack(teller, box, Category.B)
    keys = factories.keys(app)
    campaign = db.session.get(Unit, box.unit_id).campaign
    db.session.add(Leader(campaign_id=campaign.id, name="联系领导", units=[box.unit]))
    db.session.commit()
    score_sheets.issue_sheets(admin, campaign.id)
    issued = score_sheets.campaign_sheets(campaign)
    sheet_links = [score_sheets.link_value(keys, s) for s in issued]
    meetings = [str(m.id) for m in (draft, box, closed, certified)]
    evaluees = [str(i) for i in db.session.scalars(select(Evaluee.id))]
    ids = {
        "meeting_id": meetings,
        "unit_id": [str(m.unit_id) for m in (draft, box)],
        "member_id": [str(i) for i in db.session.scalars(select(Member.id))],
        "evaluee_id": evaluees,
        "teller_id": [str(teller.id), str(admin.id)],
        "number": ["1", "2"],
        "step": ["-1", "1"],
        "value": values[:3] + [monitor.monitor_value(box, keys)] + sheet_links[:2],
        "sheet_id": [str(x.id) for x in issued],
        "leader_id": [str(i) for i in db.session.scalars(select(Leader.id))],
        "campaign_id": [str(campaign.id)],
        "signed": [keys.sign("receipt", f"{box.id}:ABCD"), keys.sign("check", str(box.id))],
        "fmt": ["csv", "json"],
        "filename": ["css/app.css", "js/ballot.js"],
        "meeting": meetings,
        "m": meetings,
        "user": [str(organizer.id), str(teller.id)],
    }
    names = form_field_names() + [f"f5_{i}" for i in evaluees]
    rows = {r.member_id for x in issued for r in x.rows}
    names += [f"{part}-{i}" for i in rows for part in ("score", "remark")]
    names += ["reviewed", "confirmed_by", "unit_ids", "text", "reason"]
    db.session.commit()
    world = World(app, {role: _login(app, USERNAMES.get(role)) for role in ROLES}, ids, names)
    ballot = {"slip": values[0], **factories.form_for(box, form5="competent", duty=None)}
    seeds = [f"/v/{values[0]}", "/v", f"/meetings/{box.id}/paper/1?sheet=1&pass=1"]
    seeds += [f"/s/{v}" for v in sheet_links[:2]] + [f"/sheets/{issued[0].id}/entry"]
    crawl(world, seeds, ballot)
    world.snapshot = Snapshot(app, dict(world.cookies))
    world.snapshot.take()
    world.counts = stored_counts(app)
    return world


def _login(app: Flask, username: str | None) -> str | None:
    """The session cookie of this account, logged in through the login page."""
    if username is None:
        return None
    csrf, app.config["WTF_CSRF_ENABLED"] = app.config["WTF_CSRF_ENABLED"], False
    with app.app_context():
        client = app.test_client()
        data = {"username": username, "password": factories.PASSWORD}
        assert client.post("/login", data=data).status_code == 302, username
        app.config["WTF_CSRF_ENABLED"] = csrf
        cookie = client.get_cookie("session")
        assert cookie is not None
        return cookie.value


_HREF = re.compile(r'href="(/[^"#]*)')
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_INPUT = re.compile(r"<(?:input|textarea)\b([^>]*)>")
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"')


#: Pages without a form to post: not crawled (printing a slip sheet draws every QR).
NO_FORMS = ("/static", "/logout", "/print/", "/m/", "/b/", "/healthz")
DOWNLOADS = (".json", ".csv", ".xlsx")


def crawl(world: World, seeds: list[str], ballot: dict[str, str], limit: int = 40) -> None:
    """Follow each role's links from the home page (and the seeds), keeping every form seen:
    the generated posts start from what the pages really send."""
    adapter = world.app.url_map.bind("localhost")
    for role in ROLES:
        queue, seen = ["/", *seeds], set()
        while queue and len(seen) < limit:
            path = queue.pop(0)
            if path in seen or path.startswith(NO_FORMS) or path.endswith(DOWNLOADS):
                continue
            seen.add(path)
            html = _get(world, role, path, "GET", {})
            links = [unescape(h) for h in _HREF.findall(html)]
            queue += links
            for link in links:
                _keep_url(world, adapter, link, "GET")
            _keep_forms(world, adapter, path, html)
        review = _get(world, role, "/v/review", "POST", ballot)
        _keep_forms(world, adapter, "/v/review", review)
    for seen in world.forms.values():
        # Also every field any of the route's forms has: a correction's sheet and pass, say.
        union: dict[str, list[str]] = {}
        for form in seen:
            for name, values in form.fields.items():
                union[name] = list(dict.fromkeys(union.get(name, []) + values))
        seen.append(FormSeen(seen[0].action, union))


def _get(world: World, role: str, path: str, method: str, data: dict[str, str]) -> str:
    with world.app.app_context():
        client = world.app.test_client()
        if world.cookies[role]:
            client.set_cookie("session", world.cookies[role] or "")
        response = client.open(path, method=method, data=data)
        return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


def _keep_forms(world: World, adapter: Any, page: str, html: str) -> None:
    for attributes, inner in _FORM.findall(html):
        attrs = dict(_ATTR.findall(attributes))
        if attrs.get("method", "get").lower() != "post":
            continue
        action = urljoin(page, unescape(attrs.get("action", "")) or page)
        try:
            endpoint, _ = adapter.match(action.split("?")[0], method="POST")
        except HTTPException:
            continue
        fields: dict[str, list[str]] = {}
        for control in _INPUT.findall(inner):
            attrs = {k: unescape(v) for k, v in _ATTR.findall(control)}
            if "name" in attrs:
                value = attrs.get("value", "y" if attrs.get("type") == "checkbox" else "")
                known = fields.setdefault(attrs["name"], [])
                known.insert(0, value) if re.search(r"\bchecked\b", control) else known.append(
                    value
                )
        for control, options in _SELECT.findall(inner):
            name = dict(_ATTR.findall(control)).get("name")
            if name:
                fields.setdefault(name, []).extend(unescape(o) for o in _OPTION.findall(options))
        _keep_url(world, adapter, action, "POST")
        forms = world.forms.setdefault(endpoint, [])
        if FormSeen(action, fields) not in forms and len(forms) < 12:
            forms.append(FormSeen(action, fields))


def _keep_url(world: World, adapter: Any, url: str, method: str) -> None:
    """A real address of a route, as a page links or posts to it."""
    try:
        endpoint, _ = adapter.match(url.split("?")[0], method=method)
    except HTTPException:
        return
    urls = world.urls.setdefault(endpoint, [])
    if url not in urls and len(urls) < 20:
        urls.append(url)


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    yield from world_of(app)


def world_of(app: Flask) -> Iterator[World]:
    """The world, with unhandled errors answered 500 as in production (and recorded)."""
    built = build_world(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        built.exceptions.append(exception)

    got_request_exception.connect(record, app)
    yield built
    got_request_exception.disconnect(record, app)
    if built.snapshot:
        built.snapshot.drop()


def stored_counts(app: Flask) -> tuple[int, ...]:
    """What a refused request must leave as it was (audit events of logins aside)."""
    with app.app_context():
        audit = select(func.count()).select_from(AuditEvent)
        audit = audit.where(
            ~or_(AuditEvent.action.like("auth.%"), AuditEvent.action.like("%login%"))
        )
        found = (
            db.session.scalar(select(func.count()).select_from(Ballot)),
            db.session.scalar(select(func.count()).select_from(Token).where(Token.is_used)),
            db.session.scalar(select(func.count()).select_from(Meeting)),
            db.session.scalar(audit),
            db.session.scalar(select(func.count()).select_from(PaperSheet)),
            db.session.scalar(select(func.count()).select_from(ScoreSheet)),
            db.session.scalar(
                select(func.count()).select_from(ScoreSheet).where(ScoreSheet.digest != "")
            ),
        )
        return tuple(int(n or 0) for n in found)


# --- one generated request ----------------------------------------------------------------

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\((.*?)\))?:)?(\w+)>")

#: What a generated request gets wrong: one part of its path, its query, its form's fields,
#: or anything at all. The other parts are real (ids that belong together, the page's own
#: form as it sends it), so that the bad part reaches the view, the service and the database.
MODES = ["path", "query", "form", "anything"]


def _bad_segment(draw: Any, converter: str) -> str:
    """A path part no route should take: escaped, or sent raw for the router to read."""
    if draw(st.sampled_from(["escaped", "escaped", "escaped", "raw"])) == "raw":
        return draw(st.sampled_from(RAW_SEGMENTS))
    bad = st.one_of(BAD_NUMBERS, BAD_VALUES) if converter in NUMERIC else BAD_VALUES
    return quote(draw(bad), safe="") or "%20"


def _good_segment(draw: Any, world: World, converter: str, options: str, name: str) -> str | None:
    good = list(world.ids.get(name, []))
    if converter == "any":
        good += [o.strip().strip("'\"") for o in options.split(",")]
    return quote(draw(st.sampled_from(good)), safe="") if good else None


def _real_args(
    draw: Any, world: World, rule: Rule, form: FormSeen | None
) -> tuple[dict[str, str], str]:
    """The path values and the query of the form's address, or of an address a page shows
    for this route (none when no page does)."""
    seen = [form.action] if form else world.urls.get(rule.endpoint)
    if not seen:
        return {}, ""
    path, _, query = draw(st.sampled_from(seen)).partition("?")
    method = "POST" if "POST" in (rule.methods or ()) else "GET"
    try:
        _, args = world.app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return {}, query
    return {k: quote(str(v), safe="") for k, v in args.items()}, query


def _path(draw: Any, world: World, rule: Rule, mode: str, real: dict[str, str]) -> str:
    arguments = list(_ARGUMENT.finditer(rule.rule))
    wrong = draw(st.sampled_from([a.group(3) for a in arguments])) if arguments else None
    pieces, end = [], 0
    for found in arguments:
        converter, options, name = found.group(1) or "default", found.group(2) or "", found.group(3)
        pieces.append(rule.rule[end : found.start()])
        good = real.get(name) or _good_segment(draw, world, converter, options, name)
        spoil = (mode == "path" and name == wrong) or (mode == "anything" and draw(st.booleans()))
        pieces.append(_bad_segment(draw, converter) if spoil or good is None else good)
        end = found.end()
    return "".join(pieces) + rule.rule[end:]


def _query(draw: Any, world: World, mode: str, query: str) -> str:
    """The page's own query, as sent or (in the query mode) with a few values spoilt or left
    out, and in the query mode a few more arguments."""
    sent = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        way = "as sent" if mode != "query" else draw(st.sampled_from(["as sent", "bad", "gone"]))
        if way != "gone":
            sent.append((name, value if way == "as sent" else _value(draw, world, name, [value])))
    if mode in ("query", "anything"):
        names = draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=3, unique=True))
        sent += [(n, _value(draw, world, n)) for n in names]
    return urlencode(sent)


def _value(draw: Any, world: World, name: str, good: list[str] | None = None) -> str:
    """A value for a field or a query argument: one it may take, or a bad one; a field that
    takes numbers mostly gets bad numbers."""
    good = (good or []) + GOOD_VALUES.get(name, []) + world.ids.get(name, []) + ["1", "2", "y"]
    if any(v.isdigit() for v in good[:3]):
        return draw(st.one_of(BAD_NUMBERS, BAD_NUMBERS, st.sampled_from(good), BAD_VALUES))
    return draw(st.one_of(BAD_VALUES, st.sampled_from(good)))


def _extras(draw: Any, world: World, most: int) -> dict[str, str]:
    """Fields of any form of the app, and a few names no form has."""
    names = draw(st.lists(st.sampled_from(world.fields), max_size=most, unique=True))
    names += draw(st.lists(st.text(min_size=1, max_size=20), max_size=2))
    return {n: _value(draw, world, n) for n in names}


def _body(draw: Any, world: World, mode: str, form: FormSeen | None) -> dict[str, str] | bytes:
    """A form as its page sends it but for a few fields (another of their values, a bad one,
    none); or, without a form, fields of any form with any values; now and then not a form."""
    if mode == "anything" and draw(st.integers(0, 9)) == 9:
        return draw(st.binary(max_size=300))
    if form is None:
        return _extras(draw, world, 8)
    body = {name: values[0] for name, values in form.fields.items() if values}
    if mode not in ("form", "anything") or not form.fields:
        return body
    for name in draw(st.lists(st.sampled_from(sorted(form.fields)), min_size=1, max_size=3)):
        way = draw(st.sampled_from(["bad", "bad", "other", "gone"]))
        if way == "bad":
            body[name] = _value(draw, world, name, form.fields[name])
        elif way == "other" and form.fields[name]:
            body[name] = draw(st.sampled_from(form.fields[name]))
        else:
            body.pop(name, None)
    return body | _extras(draw, world, 2)


@dataclass
class Sent:
    role: str
    endpoint: str
    method: str
    url: str
    body: dict[str, str] | bytes
    headers: dict[str, str]
    csrf: bool

    def describe(self) -> str:
        body: Any = self.body
        if isinstance(body, dict):
            body = {k[:40]: v[:60] for k, v in body.items()}
        return (
            f"{self.role} {self.method} {self.url[:300]} body={body!r:.800} "
            f"headers={self.headers} csrf={self.csrf}"
        )


ORIGINS = [None, None, None, "http://localhost", "https://evil.example", "null"]


@st.composite
def requests(draw: Any, world: World) -> Sent:
    """A request to any route of the app, as any visitor, with one part of it (or anything)
    generated bad."""
    rules = sorted(world.app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    # Half the time a route whose form a page shows: posts that get past the form's checks.
    posted = [r for r in rules if "POST" in (r.methods or ()) and r.endpoint in world.forms]
    rule = draw(st.one_of(st.sampled_from(rules), st.sampled_from(posted)))
    methods = sorted((rule.methods or set()) & {"GET", "POST", "HEAD"})
    posts = "POST" in methods and draw(st.integers(0, 3)) < 3
    method = "POST" if posts else draw(st.sampled_from(methods))
    mode = draw(st.sampled_from(MODES))
    forms = world.forms.get(rule.endpoint, []) if method == "POST" else []
    form = draw(st.sampled_from(forms)) if forms else None
    real, query = _real_args(draw, world, rule, form)
    url = _path(draw, world, rule, mode, real)
    url += "?" + q if (q := _query(draw, world, mode, query)) else ""
    origin = draw(st.sampled_from(ORIGINS))
    return Sent(
        role=draw(st.sampled_from(ROLES)),
        endpoint=rule.endpoint,
        method=method,
        url=url,
        body=_body(draw, world, mode, form) if method == "POST" else {},
        headers={"Origin": origin} if origin else {},
        csrf=draw(st.integers(0, 4)) == 4,
    )


def send(world: World, sent: Sent) -> int:
    """Send one request as its role on a fresh client, each in its own app context as in
    production; returns the status (599 for an exception that escaped Flask)."""
    app = world.app
    app.config["WTF_CSRF_ENABLED"] = sent.csrf
    world.requests += 1
    with app.app_context():
        client = app.test_client()
        cookie = world.cookies[sent.role]
        if cookie:
            client.set_cookie("session", cookie)
        kwargs: dict[str, Any] = {"method": sent.method, "headers": sent.headers}
        if sent.method == "POST":
            kwargs["data"] = sent.body
            if isinstance(sent.body, bytes):
                kwargs["content_type"] = "application/x-www-form-urlencoded"
        try:
            response = client.open(sent.url, **kwargs)
        except Exception as e:  # noqa: BLE001 - an escaped exception is what we look for
            world.exceptions.append(e)
            return 599
        status = response.status_code
        if 400 <= status < 500 and sent.url.split("?")[0].endswith(".json"):
            assert response.is_json, f"{status} is not JSON: {sent.describe()}"
        response.close()
    return status


def check_one(world: World, sent: Sent) -> int:
    """Send it; record a 5xx; a refused request must have changed nothing stored."""
    world.exceptions.clear()
    status = send(world, sent)
    counts = stored_counts(world.app)
    if status >= 500:
        world.errors.append(f"{status} {sent.describe()} {_where(world.exceptions)}")
    changed = counts != world.counts
    relogin = sent.role != "anonymous" and sent.endpoint.startswith(("auth.", "accounts."))
    if changed or (relogin and not _still_logged_in(world, sent.role)):
        # Back to the built world: a logout or a password change ends a role's session too.
        assert world.snapshot is not None
        world.snapshot.restore()
        world.cookies = dict(world.snapshot.cookies)
        world.restores += 1
    assert not (changed and 400 <= status < 500), f"{status} changed the store: {sent.describe()}"
    return status


def _still_logged_in(world: World, role: str) -> bool:
    with world.app.app_context():
        client = world.app.test_client()
        client.set_cookie("session", world.cookies[role] or "")
        return client.get("/").status_code == 200


def _where(exceptions: list[BaseException]) -> str:
    """The exception and the last lines of its traceback, for the list of 5xx."""
    if not exceptions:
        return "(no exception recorded)"
    found = traceback.extract_tb(exceptions[-1].__traceback__)[-3:]
    lines = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.line}" for f in found)
    return f"{exceptions[-1]!r} at {lines}"


def settings_for(examples: int) -> Any:
    """Hypothesis settings for one request per example: no deadline (a request may wait on
    the database), no example database written into the work tree, no health checks (the
    world is one fixture for all examples, on purpose)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --- the tests ----------------------------------------------------------------------------


@settings_for(600)
@given(data=st.data())
def test_no_generated_request_answers_5xx_or_changes_anything_it_refuses(world, data):
    status = check_one(world, data.draw(requests(world), label="request"))
    assert status < 500, world.errors[-1]


def test_the_generator_knows_every_route_and_every_form_field(app):
    rules = {r.endpoint for r in app.url_map.iter_rules()}
    assert {"bulletin.show", "paper.withdraw", "voter.submit", "meetings.settings"} <= rules
    names = form_field_names()
    assert {"live_step", "stack", f"{VOID_PREFIX}-sheet", "teller_id", "confirmed"} <= set(names)


# --- the cases the probe found, one by one -------------------------------------------------


@pytest.fixture
def as_admin(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.user(Role.ADMIN))
    return m


@pytest.mark.parametrize(
    "path",
    [
        "/b/100000000000000000000",
        "/b/-1",
        "/b/0",
        f"/b/{MAX_ID + 1}",
        "/b/" + "9" * 5000,
        "/meetings/100000000000000000000",
        "/meetings/1/evaluees/1/move/-99999999999999999999",
        "/units/99999999999999999999",
        "/print/99999999999999999999/slips",
        "/meetings/99999999999999999999/live.json",
    ],
)
def test_ids_past_any_column_are_not_found_before_any_query(as_admin, client, path):
    method = client.post if "/move/" in path else client.get
    r = method(path)
    assert r.status_code == 404
    if path.endswith(".json"):
        assert r.get_json()["error"]["status"] == 404
    else:
        assert "找不到页面" in r.get_data(as_text=True)


def test_a_correction_naming_no_sheet_is_refused_in_chinese(app, client, actions):
    m = factories.meeting(app)
    teller = factories.teller(m)
    paper.open_stack(teller, m, Category.A)
    actions.login_as(teller)
    for query in ("pass=-1&sheet=1", "sheet=99999999999999999999", "sheet=1&pass=3", "sheet=x"):
        r = client.post(f"/meetings/{m.id}/paper/1?{query}", data={"f6_duty": "good"})
        assert r.status_code == 400, query
        assert "改录" in r.get_data(as_text=True)
        assert client.get(f"/meetings/{m.id}/paper/1?{query}").status_code == 400
    assert client.get(f"/meetings/{m.id}/paper/1").status_code == 200


def test_a_withdrawal_of_a_stack_past_any_number_is_a_form_error(app, client, actions):
    m = factories.meeting(app)
    actions.login_as(factories.teller(m))
    data = {"stack": "99999999999999999999", "sheet": "1", "reason": "录错了"}
    r = client.post(f"/meetings/{m.id}/paper/withdraw", data=data)
    assert r.status_code == 400 and "叠号请填 1 到 100000 之间的整数" in r.get_data(as_text=True)


def test_a_batch_that_cannot_be_one_is_refused_and_audit_filters_that_name_nothing_are_dropped(
    as_admin, client
):
    m = as_admin
    for batch in ("99999999999999999999", "-1", "0", "x"):
        r = client.get(f"/print/{m.id}/slips?batch={batch}")
        assert r.status_code == 400 and "批次" in r.get_data(as_text=True)
    assert client.get(f"/print/{m.id}/slips?batch=1").status_code == 200
    big = "99999999999999999999"
    r = client.get(f"/audit?meeting={big}&user=-{big}&before={big}")
    assert r.status_code == 200
    assert client.get(f"/print/{m.id}/paper/A?copies={big}").status_code == 200


@pytest.fixture
def failing_views(app: Flask) -> Flask:
    """Views that hit the database with a value it cannot take, or find it down."""
    from sqlalchemy.exc import OperationalError

    def huge_id() -> str:
        db.session.get(Meeting, 10**20)
        return "found"

    def down() -> str:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    app.add_url_rule("/_test/huge", "huge", huge_id)
    app.add_url_rule("/_test/huge.json", "huge_json", huge_id)
    app.add_url_rule("/_test/down", "down", down)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_a_value_the_database_cannot_take_is_a_400_in_chinese_logged_without_it(
    failing_views, client, caplog
):
    r = client.get("/_test/huge")
    assert r.status_code == 400 and "系统存不下" in r.get_data(as_text=True)
    assert "100000000000000000000" not in caplog.text
    assert any("cannot take" in m for m in caplog.messages)
    r = client.get("/_test/huge.json")
    assert r.status_code == 400 and r.get_json()["error"]["title"] == "填写的内容无法使用"
    # The session works again at once (PostgreSQL refuses statements after a failed one).
    assert client.get("/login").status_code == 200


def test_a_database_that_is_down_is_still_a_500(failing_views, client):
    r = client.get("/_test/down")
    assert r.status_code == 500 and "出错了" in r.get_data(as_text=True)
