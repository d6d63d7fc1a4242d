"""Stress benchmark (issues 8, 13): N processes × M writes on one database, nothing lost.

Usage:  .venv/bin/python benchmarks/stress.py [--workers 6] [--ops 1000] [--shared 3]
            [--engine sqlite|postgresql|both | --db PATH|URL] [--out benchmarks/results/stress.json]

`--engine both` runs the same load on a temporary SQLite file and on a throwaway PostgreSQL
server (initdb + pg_ctl in a temporary directory, as the tests start it; needs the server
binaries and psycopg) and prints them side by side. `--db` names a fresh database instead:
a file path or a `postgresql+psycopg://` URL of an empty database.

Each worker process, as its own login, runs a random mix of moves, field edits, activity
logs and next-contact changes through `DealService`, on its own deals and on a few deals all
workers share. Every versioned write (not the activity logs) passes the version the worker
last saw, so on the shared deals some are rejected with ConflictError: a teammate got there
first. Each worker logs every acknowledged write and every rejected one (JSON lines).

Afterwards, against the database:
- no error at all other than conflicts: in particular none saying "locked" or "busy";
- every acknowledged activity is there, and no rejected one (activities are labelled);
- every acknowledged move has its stage-change row, per worker (and no more);
- every deal's version went up by exactly its acknowledged versioned writes;
- the last acknowledged edit of each worker's own deals is what the deal holds;
- `PRAGMA integrity_check` is ok (SQLite; PostgreSQL checks its constraints at each write,
  and here no deal may point to a missing stage, user or pipeline).
Then throughput and write latency (p50, p99) are printed and written as JSON. The exit status
is 1 if any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "stress.json"
OWN_DEALS = 4
"""Deals each worker alone writes (no conflicts on them)."""
SHARED_SHARE = 0.25
"""Of the operations, this share goes to the shared deals."""


# --- set-up -----------------------------------------------------------------------------------


def prepare(path: str, workers: int, shared: int) -> dict[str, Any]:
    """A fresh database: one pipeline, `shared` deals for all, OWN_DEALS for each worker."""
    from funnel_tui.bootstrap import open_services
    from funnel_tui.domain.models import DealDraft
    from funnel_tui.domain.money import Money

    services = open_services(path, login="setup")
    try:
        pipeline = services.pipelines.create_from_template("b2b", "en", "Stress")

        def make(title: str) -> int:
            return services.deals.create(
                DealDraft(title, Money(1000_00, "RUB")), pipeline_id=pipeline.id
            ).id

        plan = {
            "pipeline": pipeline.id,
            "stages": [stage.id for stage in pipeline.open_stages],
            "shared": [make(f"shared {index}") for index in range(shared)],
            "own": {
                str(worker): [make(f"w{worker} deal {index}") for index in range(OWN_DEALS)]
                for worker in range(workers)
            },
        }
        plan["start_versions"] = {
            str(deal_id): services.deals.get(deal_id).version
            for deal_id in plan["shared"] + [d for ds in plan["own"].values() for d in ds]
        }
    finally:
        services.close()
    return plan


# --- a worker (a process of its own) -----------------------------------------------------------


def work(path: str, index: int, ops: int, plan_path: Path, log_path: Path, go: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from funnel_tui.bootstrap import open_services
    from funnel_tui.domain.errors import ConflictError, FunnelError
    from funnel_tui.domain.models import ActivityKind, DealDraft
    from funnel_tui.domain.money import Money

    plan = json.loads(plan_path.read_text())
    services = open_services(path, login=f"worker{index}")
    deals = services.deals
    rng = random.Random(index)
    stages: list[int] = plan["stages"]
    own: list[int] = plan["own"][str(index)]
    shared: list[int] = plan["shared"]
    known = {deal_id: deals.get(deal_id) for deal_id in own + shared}
    """The version of each deal this worker last saw (as a user's screen would show it)."""
    ready = log_path.with_suffix(".ready")
    ready.touch()
    while not go.exists():
        time.sleep(0.002)
    with log_path.open("w") as log:
        for number in range(ops):
            deal_id = rng.choice(shared) if rng.random() < SHARED_SHARE else rng.choice(own)
            seen = known[deal_id]
            kind = rng.choice(("move", "edit", "activity", "next_contact"))
            label = f"w{index}-op{number}"
            record: dict[str, Any] = {"op": label, "kind": kind, "deal": deal_id}
            started = time.perf_counter()
            try:
                if kind == "move":
                    target = rng.choice([s for s in stages if s != seen.stage_id])
                    saved = deals.move(deal_id, target, expected_version=seen.version)
                elif kind == "edit":
                    draft = DealDraft(label, Money(rng.randrange(1, 10**7), "RUB"))
                    saved = deals.edit(deal_id, draft, expected_version=seen.version)
                elif kind == "next_contact":
                    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
                    saved = deals.set_next_contact(
                        deal_id, when, label, expected_version=seen.version
                    )
                else:
                    deals.log_activity(deal_id, ActivityKind.NOTE, body=label)
                    saved = None
            except ConflictError:
                record["result"] = "conflict"
                known[deal_id] = deals.get(deal_id)  # the user reloads and sees theirs
            except FunnelError as err:
                record["result"] = "error"
                record["error"] = str(err)
            else:
                record["result"] = "ok"
                if saved is not None:
                    known[deal_id] = saved
                    record["version"] = saved.version
            record["ms"] = (time.perf_counter() - started) * 1000
            log.write(json.dumps(record) + "\n")
            log.flush()
    services.close()


# --- running and checking ----------------------------------------------------------------------


def run(path: str, workers: int, ops: int, shared: int) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="funnel-stress-"))
    plan = prepare(path, workers, shared)
    plan_path = scratch / "plan.json"
    plan_path.write_text(json.dumps(plan))
    go = scratch / "go"
    logs = [scratch / f"worker-{index}.jsonl" for index in range(workers)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                str(index),
                "--db",
                path,
                "--ops",
                str(ops),
                "--plan",
                str(plan_path),
                "--log",
                str(log),
                "--go",
                str(go),
            ],
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for index, log in enumerate(logs)
    ]
    deadline = time.monotonic() + 120
    while not all(log.with_suffix(".ready").exists() for log in logs):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            for p in processes:
                p.kill()
            raise SystemExit(
                "a worker did not start: " + "".join(p.stderr.read() for p in processes if p.stderr)
            )
        time.sleep(0.01)
    started = time.perf_counter()
    go.touch()
    stderr = [p.communicate()[1] for p in processes]
    wall_s = time.perf_counter() - started
    records = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    report = check(path, plan, records, workers)
    report["crashed_workers"] = [
        {"worker": i, "code": p.returncode, "stderr": err[-2000:]}
        for i, (p, err) in enumerate(zip(processes, stderr, strict=True))
        if p.returncode != 0
    ]
    latencies = sorted(r["ms"] for r in records)
    writes = len(records)
    report.update(
        workers=workers,
        ops_per_worker=ops,
        shared_deals=shared,
        operations=writes,
        wall_s=round(wall_s, 3),
        throughput_per_s=round(writes / wall_s, 1),
        latency_ms={
            "p50": round(statistics.median(latencies), 2),
            "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
            "max": round(latencies[-1], 2),
        },
        results=dict(Counter(r["result"] for r in records)),
        by_kind={
            kind: dict(Counter(r["result"] for r in records if r["kind"] == kind))
            for kind in ("move", "edit", "activity", "next_contact")
        },
    )
    report["ok"] = not report["failures"] and not report["crashed_workers"]
    return report


def _connect(target: str) -> Any:
    """An SQLAlchemy connection to `target` (a file path or a URL), for the checks."""
    from sqlalchemy import create_engine

    url = target if "://" in target else f"sqlite:///{target}"
    return create_engine(url).connect()


def _integrity(db: Any) -> str:
    from sqlalchemy import text

    if db.dialect.name == "sqlite":
        return str(db.execute(text("PRAGMA integrity_check")).scalar())
    dangling = db.execute(
        text(
            "SELECT count(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM stages s "
            "WHERE s.id = d.stage_id AND s.pipeline_id = d.pipeline_id) "
            "OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = d.owner_id)"
        )
    ).scalar()
    return "ok" if dangling == 0 else f"{dangling} deals point to a missing stage or owner"


def check(
    path: str, plan: dict[str, Any], records: list[dict[str, Any]], workers: int
) -> dict[str, Any]:
    """Compare what the workers were told with what the database holds."""
    failures: list[str] = []
    errors = [r for r in records if r["result"] == "error"]
    locked = [r for r in errors if "locked" in r["error"].lower() or "busy" in r["error"].lower()]
    if errors:
        failures.append(f"{len(errors)} errors ({len(locked)} locked/busy): {errors[0]['error']}")
    from sqlalchemy import text

    db = _connect(path)
    try:
        integrity = _integrity(db)
        if integrity != "ok":
            failures.append(f"integrity_check: {integrity}")
        users = dict(db.execute(text("SELECT login, id FROM users")).all())
        # Activities: every acknowledged one is there, once; no rejected one.
        bodies = Counter(
            body
            for (body,) in db.execute(text("SELECT body FROM activities WHERE body LIKE 'w%-op%'"))
        )
        acked = {r["op"] for r in records if r["kind"] == "activity" and r["result"] == "ok"}
        missing = acked - set(bodies)
        extra = set(bodies) - acked
        doubled = [body for body, count in bodies.items() if count > 1]
        if missing or extra or doubled:
            failures.append(
                f"activities: {len(missing)} acknowledged missing, {len(extra)} unacknowledged "
                f"present, {len(doubled)} doubled"
            )
        # Moves: one stage-change row per acknowledged move, per worker.
        for worker in range(workers):
            user_id = users.get(f"worker{worker}")
            rows = db.execute(
                text(
                    "SELECT count(*) FROM stage_changes "
                    "WHERE by_user_id = :user AND from_stage_id IS NOT NULL"
                ),
                {"user": user_id},
            ).scalar()
            moves = sum(
                1
                for r in records
                if r["op"].startswith(f"w{worker}-") and r["kind"] == "move" and r["result"] == "ok"
            )
            if rows != moves:
                failures.append(f"worker {worker}: {moves} moves acknowledged, {rows} recorded")
        # Versions: each deal's went up by exactly its acknowledged versioned writes.
        versioned: Counter[int] = Counter(
            r["deal"] for r in records if r["result"] == "ok" and r["kind"] != "activity"
        )
        finals = dict(db.execute(text("SELECT id, version FROM deals")).all())
        for deal_id, start in plan["start_versions"].items():
            grown = finals[int(deal_id)] - start
            if grown != versioned[int(deal_id)]:
                failures.append(
                    f"deal {deal_id}: version +{grown}, {versioned[int(deal_id)]} writes acknowledged"
                )
        # Edits: each worker's own deals hold its last acknowledged edit.
        last_edit: dict[int, str] = {}
        for r in records:
            if r["kind"] == "edit" and r["result"] == "ok":
                last_edit[r["deal"]] = r["op"]  # records of one deal come from one worker, in order
        own = {d for ds in plan["own"].values() for d in ds}
        titles = dict(db.execute(text("SELECT id, title FROM deals")).all())
        for deal_id, title in last_edit.items():
            if deal_id in own and titles[deal_id] != title:
                failures.append(f"deal {deal_id}: holds {titles[deal_id]!r}, last edit {title!r}")
    finally:
        db.close()
    conflicts_on_own = [
        r for r in records if r["result"] == "conflict" and r["deal"] not in set(plan["shared"])
    ]
    if conflicts_on_own:
        failures.append(f"{len(conflicts_on_own)} conflicts on deals only one worker writes")
    return {
        "integrity_check": integrity,
        "locked_errors": len(locked),
        "errors": len(errors),
        "lost_operations": len(missing)
        + sum(1 for f in failures if f.startswith(("worker", "deal"))),
        "failures": failures,
    }


def show(reports: dict[str, dict[str, Any]]) -> None:
    """One table, a column per engine."""
    from rich.console import Console
    from rich.table import Table

    first = next(iter(reports.values()))
    table = Table(title=f"Stress: {first['workers']} processes × {first['ops_per_worker']} writes")
    table.add_column("measure")
    for engine in reports:
        table.add_column(engine, justify="right")

    def row(name: str, cell: Any) -> None:
        table.add_row(name, *(cell(report) for report in reports.values()))

    row("operations", lambda r: f"{r['operations']:,}")
    row("acknowledged", lambda r: f"{r['results'].get('ok', 0):,}")
    row("rejected as conflicts", lambda r: f"{r['results'].get('conflict', 0):,}")
    row("errors (locked/busy)", lambda r: f"{r['errors']} ({r['locked_errors']})")
    row("lost operations", lambda r: str(r["lost_operations"]))
    row("integrity", lambda r: r["integrity_check"])
    row("wall time", lambda r: f"{r['wall_s']:.2f} s")
    row("throughput", lambda r: f"{r['throughput_per_s']:,.0f} writes/s")
    for quantile in ("p50", "p99", "max"):
        row(f"latency {quantile}", lambda r, q=quantile: f"{r['latency_ms'][q]:.1f} ms")
    console = Console()
    console.print(table)
    for engine, report in reports.items():
        for failure in report["failures"]:
            console.print(f"FAILED ({engine}): {failure}", style="bold red", markup=False)
        for crashed in report["crashed_workers"]:
            console.print(
                f"{engine}: worker {crashed['worker']} exited {crashed['code']}",
                style="bold red",
                markup=False,
            )


def _fresh_sqlite() -> str:
    return str(Path(tempfile.mkdtemp(prefix="funnel-stress-db-")) / "stress.db")


def _is_fresh(target: str) -> bool:
    if "://" not in target:
        return not Path(target).exists()
    from sqlalchemy import inspect

    with _connect(target) as db:
        return not inspect(db).has_table("funnel_meta")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--shared", type=int, default=3)
    parser.add_argument("--db", help="a fresh database: a file path or a PostgreSQL URL")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--go", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        work(args.db, args.worker, args.ops, args.plan, args.log, args.go)
        return 0
    if args.db is not None:
        engine = "postgresql" if args.db.startswith("postgresql") else "sqlite"
        if not _is_fresh(args.db):
            raise SystemExit(f"{args.db} is not empty: the stress test needs a fresh database")
        reports = {engine: run(args.db, args.workers, args.ops, args.shared)}
    else:
        engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
        reports = {}
        for engine in engines:
            if engine == "sqlite":
                reports[engine] = run(_fresh_sqlite(), args.workers, args.ops, args.shared)
                continue
            with throwaway_postgresql() as url:
                reports[engine] = run(url, args.workers, args.ops, args.shared)
    show(reports)
    ok = all(report["ok"] for report in reports.values())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"ok": ok, "runs": reports}, indent=2) + "\n")
    return 0 if ok else 1


@contextlib.contextmanager
def throwaway_postgresql() -> Iterator[str]:
    """A fresh database on a PostgreSQL server started for this run (the tests' helper),
    with fsync on like any real server: commits pay their flush, as SQLite's do."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from postgres_server import start_server, stop_server, why_not

    reason = why_not()
    if reason is not None:
        raise SystemExit(f"cannot run on PostgreSQL: {reason}")
    server, root = start_server(durable=True)
    try:
        yield server.new_database()
    finally:
        stop_server(root)


if __name__ == "__main__":
    sys.exit(main())
