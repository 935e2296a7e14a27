"""The year's aggregation (评分汇总), in-process: a district of units × people whose every
meeting is certified with form 5 ballots and every score sheet returned, then the district
table computed (services.aggregation.district) and the admin's page of it rendered
(GET /campaigns/<id>/composites). Each is measured at full size and at a tenth of it in the
same run, as bench/campaign.py does: the ratio of their cost per member says whether the
work grows with the district, not faster (an N+1 query would show here)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from ballot_app.domain.aggregation_rules import threshold_field, typed_from_rules, weight_field
from ballot_app.domain.choices import Form5Choice
from ballot_app.domain.composite import Component, RoleKind
from ballot_app.domain.marks import count_empty
from ballot_app.domain.meeting_state import Transition
from ballot_app.domain.score_sheets import SheetKind, SheetState, to_tenths
from ballot_app.extensions import db
from ballot_app.models import Campaign, Unit, User
from ballot_app.models.types import utcnow
from ballot_app.services import aggregation as service
from ballot_app.services import leaders, meetings, slips, voting
from ballot_app.services import score_sheets as sheets
from ballot_app.services.roster_file import roster_workbook
from ballot_app.services.verify import verify_database
from ballot_app.signing import keys_for

from .campaign import ADMIN, _best, _import, district
from .ours import make_app

#: Form 5 ballots cast per unit's meeting, through the voting service (all its slips).
BALLOTS_A, BALLOTS_B = 3, 5
#: District leaders (区领导) sharing the units among them, and one 四大家 leader.
DISTRICT_LEADERS = 3

#: The rules as the admin types them (tests/domain/test_aggregation_rules.py's GOOD).
RULES = {
    **typed_from_rules(None),
    weight_field(RoleKind.PRINCIPAL, Component.FORM5_A): "30",
    weight_field(RoleKind.PRINCIPAL, Component.FORM5_B): "30",
    weight_field(RoleKind.PRINCIPAL, Component.ANNEX2): "40",
    weight_field(RoleKind.DEPUTY, Component.FORM5_A): "20",
    weight_field(RoleKind.DEPUTY, Component.FORM5_B): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX2): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX3): "20",
    weight_field(RoleKind.DEPUTY, Component.ANNEX4): "20%",
    threshold_field(Form5Choice.EXCELLENT): "90",
    threshold_field(Form5Choice.COMPETENT): "75",
    threshold_field(Form5Choice.BASICALLY_COMPETENT): "60",
    "excellent_quota": "20",
    "trim_annex2": "y",
}
VOTES = (
    Form5Choice.EXCELLENT.value,
    Form5Choice.EXCELLENT.value,
    Form5Choice.COMPETENT.value,
    Form5Choice.BASICALLY_COMPETENT.value,
)


def _getlist(form: dict[str, str]) -> Callable[[str], list[str]]:
    """A posted form's `getlist`, as voting.read_ballot reads it."""
    return lambda name: [form[name]] if name in form else []


def _certified_meetings(app: Flask, admin: User, units: list[Unit], rng: random.Random) -> int:
    """Each unit's meeting: created from its roster, its slips cast through the voting
    service, closed and certified. Returns the ballots cast."""
    keys = keys_for(app.config["SECRET_KEY"])
    cast = 0
    for unit in units:
        data = meetings.MeetingInput(
            "述职测评大会", date(2026, 12, 1), True, False, BALLOTS_A, BALLOTS_B
        )
        m = meetings.create_meeting(admin, unit, data, keys)
        meetings.transition(admin, m, Transition.OPEN)
        evaluees = [e.id for e in m.evaluees]
        for row in slips.slip_rows(m, keys, "", only_unused=True):
            slip = voting.open_slip(keys, row.url.removeprefix("/v/"))
            form = {"meeting": str(m.id)} | {f"f5_{i}": rng.choice(VOTES) for i in evaluees}
            packet = voting.read_ballot(slip, _getlist(form))
            voting.cast_ballot(slip, packet, confirmed_empty=count_empty(slip.spec, packet))
            cast += 1
        meetings.transition(admin, m, Transition.CLOSE)
        meetings.certify(admin, m, "计票甲", "监票乙", keys)
    return cast


def _returned_sheets(admin: User, campaign: Campaign, rng: random.Random) -> tuple[int, int]:
    """Every proposed sheet issued, then scored and sealed as a returned paper sheet would be
    (rows set directly, as the tests do; the digest from the stored rows, so `flask verify`
    stays clean). Returns (sheets, rows)."""
    sheets.issue_sheets(admin, campaign.id)
    issued = sheets.campaign_sheets(campaign)
    rows = 0
    for sheet in issued:
        for row in sheet.rows:
            row.score_tenths = to_tenths(Decimal(rng.randrange(700, 1000)) / 10)
            rows += 1
        if sheet.kind == SheetKind.ANNEX3:
            sheet.confirmed_by = sheets.principals(sheet)[0]
        sheet.state, sheet.digest = SheetState.RETURNED, sheets.stored_digest(sheet)
        sheet.returned_at, sheet.returned_via = utcnow(), "paper"
    db.session.commit()
    return len(issued), rows


def _year(app: Flask, campaign_id: int) -> dict[str, Any]:
    """The leaders, the certified meetings and the returned sheets of the imported district."""
    rng = random.Random(5)
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.username == ADMIN[0])).one()
        campaign = db.session.get_one(Campaign, campaign_id)
        units = sheets.scored_units(campaign)
        shares = min(DISTRICT_LEADERS, len(units))  # each oversees about units ÷ 3
        for k in range(shares):
            ids = tuple(u.id for i, u in enumerate(units) if i * shares // len(units) == k)
            leaders.create_leader(
                admin, campaign.id, leaders.LeaderInput(f"区领导{k + 1}", "区委常委", False, ids)
            )
        leaders.create_leader(admin, campaign.id, leaders.LeaderInput("四大家甲", "区长", True, ()))
        began = time.perf_counter()
        ballots = _certified_meetings(app, admin, units, rng)
        cast_seconds = time.perf_counter() - began
        issued, rows = _returned_sheets(admin, campaign, rng)
        report = verify_database()
        if not report.is_clean or report.sheets_sealed != issued:
            raise RuntimeError(f"verify after seeding: {report.differences[:3]}")
        db.session.remove()
    return {
        "ballots": ballots,
        "cast_s": round(cast_seconds, 1),
        "sheets": issued,
        "sheet_rows": rows,
    }


def measure(
    database_url: Callable[[str], Any], work: Path, units: int, people: int
) -> dict[str, Any]:
    """Figures at `units` and at a tenth of them (at least 2), each on a fresh database from
    `database_url(name)` (a context manager yielding a URL)."""
    figures: dict[str, Any] = {
        "units": units,
        "people": people,
        "ballots_per_unit": {"A": BALLOTS_A, "B": BALLOTS_B},
    }
    for size, key in ((units, "full"), (max(2, units // 10), "tenth")):
        book = roster_workbook(district(size, people))
        with database_url(f"aggregation-{key}") as url:
            app = make_app(url, work / f"instance-aggregation-{key}")
            with app.app_context():
                from flask_migrate import upgrade

                upgrade()
            campaign_id, _ = _import(app, book)
            seeded = _year(app, campaign_id)
            client = app.test_client()
            client.post("/login", data={"username": ADMIN[0], "password": ADMIN[1]})
            saved = client.post(f"/campaigns/{campaign_id}/rules", data=RULES)
            if saved.status_code != 302:
                raise RuntimeError(f"saving the rules answered {saved.status_code}")

            with app.app_context():
                rules = service.rules_of(db.session.get_one(Campaign, campaign_id))
                assert rules is not None
                db.session.remove()

                def compute(
                    campaign_id: int = campaign_id, rules: Any = rules, members: int = size * people
                ) -> None:
                    db.session.remove()  # a fresh session, as each request has
                    lines = service.district(db.session.get_one(Campaign, campaign_id), rules)
                    if len(lines) != members:
                        raise RuntimeError(f"district table of {len(lines)} members")

                computed = _best(compute)
                db.session.remove()

            def table(campaign_id: int = campaign_id, client: Any = client) -> None:
                r = client.get(f"/campaigns/{campaign_id}/composites")
                if r.status_code != 200:
                    raise RuntimeError(f"district table answered {r.status_code}")

            rendered = _best(table, 5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        figures[key] = {
            "units": size,
            "members": size * people,
            **seeded,
            "district_ms": round(computed * 1000, 1),
            "composites_ms": round(rendered * 1000, 1),
        }
    full, tenth = figures["full"], figures["tenth"]
    for name in ("district_ms", "composites_ms"):
        per_full = full[name] / full["members"]
        per_tenth = tenth[name] / tenth["members"]
        figures[f"{name.removesuffix('_ms')}_per_member_ratio"] = round(
            per_full / max(per_tenth, 1e-9), 2
        )
    return figures
