"""The year's side of the benchmark, in-process: a district's roster workbook (units × people)
read, placed by the roster rules and imported, and the campaign's dashboard rendered for
those units. Each is measured at full size and at a tenth of it in the same run: the
ratio of their cost per unit says whether the work grows with the district, not faster."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask

from ballot_app.domain.roles import Role
from ballot_app.domain.roster_rules import RosterLine, place_roster
from ballot_app.extensions import db
from ballot_app.models import Member
from ballot_app.services import accounts, roster, roster_import
from ballot_app.services.roster_file import read_roster, roster_workbook

from .ours import SURNAMES, make_app

ADMIN = ("bench-admin", "bench-password-1")
POSTS = ("党委书记", "镇长", "党委副书记", "人大主席", "纪委书记", "副镇长", "组织委员")


def district(units: int, people: int) -> list[RosterLine]:
    """Invented roster lines: `people` in each of `units` townships, a few post changes."""
    lines = []
    for u in range(units):
        for p in range(people):
            number = len(lines) + 2
            name = SURNAMES[(u * people + p) % len(SURNAMES)] + f"{u:02d}{p:02d}"
            changed = date(2026, 8, 1) if p == 3 else None
            lines.append(
                RosterLine(
                    line_no=number,
                    name=name,
                    unit=f"测速{u:02d}镇",
                    post=POSTS[p % len(POSTS)] + ("" if p < len(POSTS) else f"{p}"),
                    portfolio="分管工作",
                    is_principal=p < 2,
                    is_secretary=p == 0,
                    changed_on=changed,
                )
            )
    return lines


def _best(fn: Callable[[], Any], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def _import(app: Flask, book: bytes) -> tuple[int, float]:
    """The workbook imported as the admin would: its units added (empty), the district's
    import previewed and confirmed through the service. (campaign id, import seconds)."""
    with app.app_context():
        admin = accounts.create_user(ADMIN[0], ADMIN[1], Role.ADMIN)
        read = read_roster(book, "roster.xlsx")
        for name in dict.fromkeys(line.unit for line in read.lines):
            roster.create_unit(admin, name, "township")
        campaign = roster.current_campaign()
        began = time.perf_counter()
        scope = roster_import.campaign_scope(campaign)
        preview = roster_import.preview_import(scope, read)
        roster_import.apply_import(admin, scope, read, preview.fingerprint)
        seconds = time.perf_counter() - began
        stored = db.session.query(Member).count()
        if stored != len(read.lines):
            raise RuntimeError(f"import stored {stored} of {len(read.lines)} lines")
        campaign_id = campaign.id
        db.session.remove()
        return campaign_id, seconds


def measure(database_url: Callable[[str], Any], work: Path, units: int, people: int) -> dict:
    """Figures at `units` and at a tenth of them (at least 2), each on a fresh database from
    `database_url(name)` (a context manager yielding a URL)."""
    figures: dict[str, Any] = {"units": units, "people": people}
    for size, key in ((units, "full"), (max(2, units // 10), "tenth")):
        lines = district(size, people)
        book = roster_workbook(lines)
        read = _best(lambda book=book: read_roster(book, "roster.xlsx"))
        placed = _best(lambda lines=lines: place_roster(lines, date(2026, 9, 30)), 7)
        with database_url(f"campaign-{key}") as url:
            app = make_app(url, work / f"instance-campaign-{key}")
            with app.app_context():
                from flask_migrate import upgrade

                upgrade()
            campaign_id, imported = _import(app, book)
            client = app.test_client()
            client.post("/login", data={"username": ADMIN[0], "password": ADMIN[1]})

            def board(campaign_id: int = campaign_id, client: Any = client) -> None:
                r = client.get(f"/campaigns/{campaign_id}/progress")
                if r.status_code != 200:
                    raise RuntimeError(f"dashboard answered {r.status_code}")

            dashboard = _best(board, 5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        figures[key] = {
            "units": size,
            "lines": len(lines),
            "workbook_bytes": len(book),
            "read_ms": round(read * 1000, 1),
            "rules_ms": round(placed * 1000, 1),
            "import_ms": round(imported * 1000, 1),
            "dashboard_ms": round(dashboard * 1000, 1),
        }
    full, tenth = figures["full"], figures["tenth"]
    for name in ("read_ms", "rules_ms", "import_ms", "dashboard_ms"):
        per_full = full[name] / full["units"]
        per_tenth = tenth[name] / tenth["units"]
        figures[f"{name.removesuffix('_ms')}_per_unit_ratio"] = round(
            per_full / max(per_tenth, 1e-9), 2
        )
    return figures
