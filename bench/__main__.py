"""The benchmark: `python -m bench` (default N = 2000 phones per flow at C = 200) or `--quick`
(CI: 1000 phones for the JavaScript flow and the floor, 500 for the no-JavaScript flow and the
baseline, at 100).

For SQLite and for PostgreSQL it serves three apps, each with gunicorn (the shipped
gunicorn.conf.py) on 127.0.0.1 and on its own database of that engine: the app, the floor
and the baseline (bench/baseline_app.py: bare Flask answering two and four requests). It
replays four meters in alternating rounds, so that whatever else the machine does falls on
all alike (bench/load.py): the app's JavaScript flow (2 requests) and its no-JavaScript flow
(3 requests), each with its own slips, the floor with the JavaScript flow, and the baseline
with its four requests. The JavaScript flow is judged against the floor (throughput ≥ 75 %,
server CPU per ballot ≤ 1.3 ×), the no-JavaScript one against the baseline (≥ 60 %, ≤ 2 ×);
the other two ratios are printed. Then a race check and a burst (JavaScript flow), the tally
of 10,000 ballots, a sheet of 1,000 slips, the ballot page's weight, and the year's work
(bench/campaign.py: a roster workbook of 40 units × 15 people read, placed, imported, and
the dashboard for it, each also at 4 units), and the year's aggregation
(bench/aggregation.py: those units' certified meetings and returned score sheets joined into
the district table, computed and rendered, each also at 4 units).
It prints a table, then the budgets, and as its last line one JSON object with every figure.
The exit status is 1 when a budget fails (with --quick, only an exact one: errors, double
ballots, page weight; its timed figures are printed but the default run judges them).

PostgreSQL: --postgres-url names a server it may create databases on; without it, the
benchmark starts a throwaway cluster with .ci/postgres and stops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, make_url, text

from . import aggregation, baseline_app, campaign, ours
from .cpu import tree_cpu_seconds
from .load import LoadResult, Phone, race, run_load
from .weight import ballot_page_weight

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120  #: how long a server may take to answer /healthz on a loaded machine


@dataclass(frozen=True)
class Plan:
    phones: int  #: the JavaScript flow's and the floor's
    nojs_phones: int  #: the no-JavaScript flow's and the baseline's
    concurrency: int
    burst: int
    burst_concurrency: int
    races: int
    tally_ballots: int
    tally_evaluees: int
    slips: int
    time_limit: float
    rounds: int


DEFAULT = Plan(2000, 2000, 200, 1000, 200, 20, 10_000, 30, 1000, 240.0, 4)
QUICK = Plan(1000, 500, 100, 300, 150, 20, 10_000, 30, 1000, 40.0, 3)

#: The district of the year's measures: its roster workbook and its dashboard.
CAMPAIGN_UNITS, CAMPAIGN_PEOPLE = 40, 15

BUDGETS = {
    # cost per unit at 40 units ÷ at 4 units: the work grows with the district, not faster
    "campaign_per_unit_ratio_max": 1.5,
    # the same for the district table (评分汇总): cost per member at 40 units ÷ at 4 units
    "aggregation_per_member_ratio_max": 1.5,
    # throughput and server CPU per ballot, each database: the JavaScript flow (2 requests)
    # against the floor (bare, the same 2 requests) ...
    "js_floor_ratio_min": 0.75,
    "js_floor_cpu_ratio_max": 1.3,
    # ... and the no-JavaScript flow (3 requests) against the baseline (bare, 4 requests)
    "nojs_baseline_ratio_min": 0.60,
    "nojs_baseline_cpu_ratio_max": 2.0,
    "burst_flow_p99_s": 2.0,
    "tally_ms": 100.0,
    "slips_s": 5.0,
    "page_gzip_bytes": 15 * 1024,
    "page_raw_bytes": 50 * 1024,
    "page_requests": 3,
}


# --- servers -----------------------------------------------------------------------------


@contextmanager
def gunicorn(app_target: str, extra_env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """gunicorn with the shipped configuration on a free loopback port: (base URL, pid)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **extra_env, "BALLOT_BIND": f"127.0.0.1:{port}", "BALLOT_ACCESS_LOG": ""}
    cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app_target]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ({app_target}) did not start:\n{log.read_text()}")
            try:
                # A loaded machine may accept the connection and answer late: a read
                # time-out is one more try, bounded by the deadline, not a failure.
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="ballot-bench-pg.")
    started = subprocess.run(
        [str(ROOT / ".ci/postgres"), "start", folder], capture_output=True, text=True, check=True
    )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(ROOT / ".ci/postgres"), "stop", folder], capture_output=True)


def postmaster_pid(server_url: str) -> int | None:
    engine = create_engine(server_url)
    with engine.connect() as conn:
        backend = conn.scalar(text("SELECT pg_backend_pid()"))
    engine.dispose()
    stat = Path(f"/proc/{backend}/stat")
    if not stat.exists():
        return None  # a server on another machine: its CPU is not ours to read
    raw = stat.read_text()
    return int(raw[raw.rindex(")") + 2 :].split()[1])


@contextmanager
def fresh_database(kind: str, server_url: str, folder: Path, name: str) -> Iterator[str]:
    """A new empty database: a SQLite file in folder, or a database on the server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / (name + '.sqlite3')}"
        return
    db_name = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        yield make_url(server_url).set(database=db_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


# --- one database ------------------------------------------------------------------------


class Meter:
    """Load on one server through one flow, accumulated over rounds, with its servers' CPU
    seconds."""

    def __init__(self, base: str, pids: list[int], flow: str) -> None:
        self.base, self.pids, self.flow = base, pids, flow
        self.load = LoadResult()
        self.cpu_seconds = 0.0

    def run(self, phones: list[Phone], concurrency: int, time_limit: float) -> LoadResult:
        before = sum(tree_cpu_seconds(p) for p in self.pids)
        result = run_load(self.base, phones, self.flow, concurrency, time_limit)
        self.cpu_seconds += sum(tree_cpu_seconds(p) for p in self.pids) - before
        self.load.merge(result)
        return result

    @property
    def cpu_per_ballot(self) -> float:
        return self.cpu_seconds / max(self.load.ballots, 1)


def _chunks(items: list[Phone], n: int) -> list[list[Phone]]:
    """n parts as even as can be (some empty when there are fewer items than parts)."""
    return [items[i * len(items) // n : (i + 1) * len(items) // n] for i in range(n)]


#: The four meters, in the order of their first round: (server, flow).
METERS = {
    "js": ("ours", "js"),
    "nojs": ("ours", "nojs"),
    "floor": ("floor", "js"),
    "baseline": ("baseline", "four"),
}
#: The ratios judged by a budget: (ours' flow, the bare app, the budgets' key in BUDGETS).
JUDGED = [("js", "floor", "js_floor"), ("nojs", "baseline", "nojs_baseline")]
FLOW_NAMES = {"js": "JS flow (2 requests)", "nojs": "no-JS flow (3 requests)"}
BARE_NAMES = {
    "floor": ("floor", "bare 2-request app"),
    "baseline": ("baseline", "bare 4-request app"),
}
#: The ratios reported: (ours' flow, the bare app it is set against).
RATIOS = [("js", "floor"), ("js", "baseline"), ("nojs", "floor"), ("nojs", "baseline")]


def _bare_phones(
    stack: ExitStack,
    kind: str,
    server_url: str,
    work: Path,
    name: str,
    count: int,
    form: dict[str, str],
) -> tuple[str, list[Phone]]:
    """A fresh database for a bare app, with `count` slips: its URL and its phones."""
    url = stack.enter_context(fresh_database(kind, server_url, work, name))
    slips = [f"bench.{uuid.uuid4().hex}" for _ in range(count)]
    baseline_app.prepare(url, slips)
    return url, [Phone(f"/v/{s}", {**form, "slip": s}) for s in slips]


def bench_database(kind: str, server_url: str, plan: Plan, work: Path) -> dict[str, Any]:
    """The app, the floor and the baseline served side by side, the four meters measured in
    alternating rounds so that whatever else the machine does falls on all alike."""
    figures: dict[str, Any] = {"database": kind}
    db_pids = [p for p in [postmaster_pid(server_url)] if p] if kind == "postgresql" else []
    warm = 60
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(kind, server_url, work, "ours"))
        instance = work / f"instance-{kind}"
        app = ours.make_app(url, instance)
        sizes = {
            "warm": warm,
            "js": plan.phones,
            "nojs": plan.nojs_phones,
            "burst": plan.burst,
            "race": plan.races,
        }
        phones, _ = ours.prepare_phones(app, sum(sizes.values()) + 1)
        unused = phones.pop()  # its ballot page is weighed
        groups: dict[str, list[Phone]] = {}
        for name, size in sizes.items():
            groups[name], phones = phones[:size], phones[size:]

        form = {k: v for k, v in groups["js"][0].form.items() if k != "slip"}
        bare = {
            name: _bare_phones(stack, kind, server_url, work, name, warm + count, form)
            for name, count in (("floor", plan.phones), ("baseline", plan.nojs_phones))
        }
        servers = {
            "ours": stack.enter_context(
                gunicorn("wsgi:app", ours.env(url, instance), work / f"ours-{kind}.log")
            )
        }
        for name, target in (("floor", "create_app(floor=True)"), ("baseline", "create_app()")):
            servers[name] = stack.enter_context(
                gunicorn(
                    f"bench.baseline_app:{target}",
                    {"BASELINE_DATABASE_URL": bare[name][0]},
                    work / f"{name}-{kind}.log",
                )
            )
        # Warm every worker of all three: templates compiled, connections open, caches filled.
        run_load(servers["ours"][0], groups["warm"], "nojs", plan.concurrency, plan.time_limit)
        for name, flow in (("floor", "js"), ("baseline", "four")):
            run_load(
                servers[name][0], bare[name][1][:warm], flow, plan.concurrency, plan.time_limit
            )
        meters: dict[str, Meter] = {}
        parts: dict[str, list[list[Phone]]] = {}
        for name, (server, flow) in METERS.items():
            base, pid = servers[server]
            meters[name] = Meter(base, [pid, *db_pids], flow)
            mine = groups[name] if server == "ours" else bare[server][1][warm:]
            parts[name] = _chunks(mine, plan.rounds)
        limit = plan.time_limit / plan.rounds
        names = list(METERS)
        for i in range(plan.rounds):
            # Each round begins one meter further on, so none is always the one after another.
            for name in names[i % len(names) :] + names[: i % len(names)]:
                meters[name].run(parts[name][i], plan.concurrency, limit)
        ours_server = servers["ours"][0]
        burst = run_load(
            ours_server, groups["burst"], "js", plan.burst_concurrency, plan.time_limit
        )
        doubles, race_errors = race(ours_server, groups["race"], lambda: ours.count_ballots(app))
        for name, meter in meters.items():
            figures[name] = _load_figures(meter.load, meter.cpu_per_ballot)
        figures["burst"] = _load_figures(burst, None)
        figures["race"] = {
            "tries": len(groups["race"]),
            "double_ballots": doubles,
            "errors": race_errors,
        }
        figures["stored_ballots"] = ours.count_ballots(app)
        if kind == "sqlite":
            figures["page"] = ballot_page_weight(ours_server, unused.ballot_path).__dict__
    figures["ratios"] = {
        f"{a}_vs_{b}": {
            "throughput": round(figures[a]["per_second"] / max(figures[b]["per_second"], 1e-9), 3),
            "cpu": round(figures[a]["cpu_ms"] / max(figures[b]["cpu_ms"], 1e-9), 3),
        }
        for a, b in RATIOS
    }
    with fresh_database(kind, server_url, work, "tally") as url:
        app = ours.make_app(url, work / f"instance-tally-{kind}")
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        seconds = ours.tally_seconds(app, plan.tally_ballots, plan.tally_evaluees)
        figures["tally_ms"] = round(seconds * 1000, 1)
        if kind == "sqlite":
            sheet_seconds, rendered = ours.slip_sheet_seconds(app, plan.slips)
            figures["slips"] = {"count": rendered, "seconds": round(sheet_seconds, 2)}
    figures["campaign"] = campaign.measure(
        lambda name: fresh_database(kind, server_url, work, name),
        work,
        CAMPAIGN_UNITS,
        CAMPAIGN_PEOPLE,
    )
    figures["aggregation"] = aggregation.measure(
        lambda name: fresh_database(kind, server_url, work, name),
        work,
        CAMPAIGN_UNITS,
        CAMPAIGN_PEOPLE,
    )
    return figures


def _load_figures(load: LoadResult, cpu: float | None) -> dict[str, Any]:
    figures = {
        "ballots": load.ballots,
        "errors": load.errors,
        "seconds": round(load.seconds, 2),
        "per_second": round(load.per_second, 1),
        "submit_p50_ms": round(load.percentile("submit", 50) * 1000, 1),
        "submit_p95_ms": round(load.percentile("submit", 95) * 1000, 1),
        "submit_p99_ms": round(load.percentile("submit", 99) * 1000, 1),
        "flow_p99_ms": round(load.percentile("flow", 99) * 1000, 1),
        "error_samples": load.error_samples,
    }
    if cpu is not None:
        figures["cpu_ms"] = round(cpu * 1000, 2)
    return figures


# --- report ------------------------------------------------------------------------------


#: Budgets that hold on any machine: correctness and bytes. The timed ones depend on the
#: machine and what else it runs, so --quick (CI) reports them and fails only on these.
EXACT = ("zero errors", "zero double ballots", "ballot page")


def verdicts(runs: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """(budget, measured, holds) for every budget."""
    b = BUDGETS
    out: list[tuple[str, str, bool]] = []
    for r in runs:
        db = r["database"]
        errors = sum(r[k]["errors"] for k in (*METERS, "burst", "race"))
        races, doubles = r["race"]["tries"], r["race"]["double_ballots"]
        burst = r["burst"]
        p99 = burst["flow_p99_ms"] / 1000
        out += [
            (f"{db}: zero errors", str(errors), errors == 0),
            (f"{db}: zero double ballots ({races} races)", str(doubles), doubles == 0),
        ]
        for flow, against, key in JUDGED:
            ratio = r["ratios"][f"{flow}_vs_{against}"]
            most, least = b[f"{key}_cpu_ratio_max"], b[f"{key}_ratio_min"]
            name, what = BARE_NAMES[against]
            out += [
                (
                    f"{db}: {FLOW_NAMES[flow]} throughput ≥ {least:.0%} of the {name}'s ({what})",
                    f"{ratio['throughput']:.0%}",
                    ratio["throughput"] >= least,
                ),
                (
                    f"{db}: {FLOW_NAMES[flow]} server CPU per ballot ≤ {most:g} × the {name}'s",
                    f"{ratio['cpu']:.2f} ×",
                    ratio["cpu"] <= most,
                ),
            ]
        out += [
            (
                f"{db}: burst of {burst['ballots'] + burst['errors']} (JS flow) all accepted, "
                "flow p99 < 2 s",
                f"{burst['ballots']} ok, p99 {p99:.2f} s",
                burst["errors"] == 0 and p99 < b["burst_flow_p99_s"],
            ),
            (
                f"{db}: tally of 10,000 ballots < 100 ms",
                f"{r['tally_ms']} ms",
                r["tally_ms"] < b["tally_ms"],
            ),
        ]
        c = r["campaign"]
        for step, label in (
            ("read", "reading the roster workbook"),
            ("rules", "roster rules"),
            ("import", "roster import (preview and confirm)"),
            ("dashboard", "dashboard"),
        ):
            ratio = c[f"{step}_per_unit_ratio"]
            out.append(
                (
                    f"{db}: {label}, {c['units']} units × {c['people']}: cost per unit ≤ 1.5 × "
                    f"at {c['tenth']['units']} units",
                    f"{c['full'][f'{step}_ms']} ms, {ratio} ×",
                    ratio <= b["campaign_per_unit_ratio_max"],
                )
            )
        a = r["aggregation"]
        for step, label in (
            ("district", "district table computed"),
            ("composites", "district table page rendered"),
        ):
            ratio = a[f"{step}_per_member_ratio"]
            out.append(
                (
                    f"{db}: {label}, {a['units']} units × {a['people']}, all sheets: cost per "
                    f"member ≤ 1.5 × at {a['tenth']['units']} units",
                    f"{a['full'][f'{step}_ms']} ms, {ratio} ×",
                    ratio <= b["aggregation_per_member_ratio_max"],
                )
            )
        if "slips" in r:
            s = r["slips"]
            out.append(
                (
                    f"{s['count']} slips rendered < 5 s",
                    f"{s['seconds']} s",
                    s["seconds"] < b["slips_s"],
                )
            )
        if "page" in r:
            p = r["page"]
            out.append(
                (
                    "ballot page ≤ 15 KB gzip, ≤ 50 KB raw, ≤ 3 requests",
                    f"{p['gzip_bytes'] / 1024:.1f} KB gz, {p['raw_bytes'] / 1024:.1f} KB, "
                    f"{p['requests']} req",
                    p["gzip_bytes"] <= b["page_gzip_bytes"]
                    and p["raw_bytes"] <= b["page_raw_bytes"]
                    and p["requests"] <= b["page_requests"],
                )
            )
    return out


#: The table's rows: (figures key, label).
ROWS = [
    ("js", "ballot_app JS"),
    ("nojs", "ballot_app no-JS"),
    ("floor", "floor (2 req)"),
    ("baseline", "baseline (4 req)"),
    ("burst", "burst (JS)"),
]
LABELS = {
    "js": "JS flow",
    "nojs": "no-JS flow",
    "floor": "floor",
    "baseline": "four-request baseline",
}


def print_table(runs: list[dict[str, Any]], plan: Plan) -> None:
    print(
        f"\nballot_app benchmark: {plan.phones} phones (JS flow, floor), {plan.nojs_phones} "
        f"(no-JS flow, baseline) at {plan.concurrency} concurrent, {os.cpu_count()} CPU cores, "
        "load generator on the same machine\n"
        "JS flow: ballot, submit (2 requests); no-JS flow: ballot, review, submit (3); "
        "floor: bare app, 2 requests; baseline: bare app, 4 requests\n"
    )
    head = f"{'database':<11}{'server':<18}{'ballots/s':>10}{'p50 ms':>9}{'p95 ms':>9}"
    head += f"{'p99 ms':>9}{'flow p99':>10}{'errors':>8}{'CPU ms/ballot':>15}"
    print(head)
    print("-" * len(head))
    for r in runs:
        db = r["database"]
        for who, label in ROWS:
            f = r[who]
            cpu = f"{f['cpu_ms']:.2f}" if "cpu_ms" in f else "—"
            print(
                f"{db:<11}{label:<18}{f['per_second']:>10.1f}{f['submit_p50_ms']:>9.1f}"
                f"{f['submit_p95_ms']:>9.1f}{f['submit_p99_ms']:>9.1f}{f['flow_p99_ms']:>10.1f}"
                f"{f['errors']:>8}{cpu:>15}"
            )
            for sample in f["error_samples"]:
                print(f"    error: {sample}")
        for a, b in RATIOS:
            ratio = r["ratios"][f"{a}_vs_{b}"]
            print(
                f"{db:<11}{LABELS[a]} / {LABELS[b]}: throughput {ratio['throughput']:.0%}, "
                f"CPU per ballot {ratio['cpu']:.2f} ×"
            )
        print(
            f"{db:<11}tally of {plan.tally_ballots} ballots × {plan.tally_evaluees} evaluees "
            f"{r['tally_ms']} ms; races {r['race']}"
        )
    print("\nbudgets:")
    for name, measured, holds in verdicts(runs):
        print(f"  {'holds' if holds else 'FAILS':<6} {name}: {measured}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: about a minute per database")
    parser.add_argument(
        "--phones",
        type=int,
        help="N distinct slips replayed per flow (default 2000; --quick: 1000 JS, 500 no-JS)",
    )
    parser.add_argument("--concurrency", type=int, help="C phones at a time (default 200)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else DEFAULT
    if args.phones or args.concurrency:
        plan = Plan(
            **{
                **plan.__dict__,
                "phones": args.phones or plan.phones,
                "nojs_phones": args.phones or plan.nojs_phones,
                "concurrency": args.concurrency or plan.concurrency,
            }
        )
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    runs = []
    with tempfile.TemporaryDirectory(prefix="ballot-bench.") as tmp, ExitStack() as stack:
        server = ""
        if "postgresql" in kinds:
            raw = stack.enter_context(postgres_server(args.postgres_url))
            from ballot_app.config import _normalise_database_url

            server = _normalise_database_url(raw)
        for kind in kinds:
            runs.append(bench_database(kind, server, plan, Path(tmp)))
    print_table(runs, plan)
    results = verdicts(runs)
    judged = [ok for name, _, ok in results if not args.quick or any(e in name for e in EXACT)]
    if args.quick:
        print(
            "(--quick fails only on errors, double ballots and page weight; timed budgets "
            "are judged by the default run)"
        )
    summary = {"plan": plan.__dict__, "runs": runs, "budgets": {n: ok for n, _, ok in results}}
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if all(judged) else 1


if __name__ == "__main__":
    raise SystemExit(main())
