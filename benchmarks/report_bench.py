"""Funnel report benchmark (issue 6): `funnel report` at scale beside the same SQL run bare.

Usage:  .venv/bin/python benchmarks/report_bench.py [--deals 1000000] [--runs 5]

Measured in one run, on one cached `funnel demo` database (benchmarks/.cache/):
- cli: the whole `funnel report --period last-12-months --format json` command, a fresh
  process each time (interpreter start-up, imports, opening the store, the queries, output);
- report: `funnel_report()` in a warm process (the analytics alone, through SQLAlchemy);
- bare: the very statements `funnel_report()` sends (captured from SQLAlchemy, with their
  parameters) run through the stdlib `sqlite3` module on the same file;
- each statement's bare time, to see where the time goes.
Medians of `--runs`, with min and max. Results go to benchmarks/results/report-N.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import database  # noqa: E402  (the cached demo databases)
from common import stats as _stats  # noqa: E402

AS_OF = "2026-11-23 12:00"
ARGS = ["report", "--period", "last-12-months", "--format", "json", "--as-of", AS_OF]


def _cli(path: Path, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "funnel_tui", "--db", str(path), *ARGS],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        samples.append(time.perf_counter() - began)
    return samples


def _in_process(path: Path, runs: int) -> tuple[list[float], list[tuple[str, Any]]]:
    """Times of `funnel_report()` and the statements it sent (from the last run)."""
    from sqlalchemy import event

    from funnel_tui.analytics.funnel import funnel_report
    from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
    from funnel_tui.analytics.periods import PeriodName, named_period
    from funnel_tui.domain.dates import local_zone
    from funnel_tui.storage.database import open_store

    store = open_store(path, create=False)
    zone = local_zone()
    start, end = named_period(PeriodName.LAST_12_MONTHS, datetime(2026, 11, 23).date()).bounds(zone)
    with store.read() as uow:
        pipeline_id = uow.pipelines.list()[0].id
    query = FunnelQuery(pipeline_id, start, end)
    statements: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not BEGIN, PRAGMA
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    samples = []
    for _ in range(runs):
        statements.clear()
        began = time.perf_counter()
        funnel_report(store, query, FunnelView.COHORT, fallback_currency="RUB")
        samples.append(time.perf_counter() - began)
    store.close()
    return samples, list(statements)


def _bare(
    path: Path, statements: list[tuple[str, Any]], runs: int
) -> tuple[list[float], list[dict[str, Any]]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    totals = []
    each: dict[int, list[float]] = {}
    for _ in range(runs):
        began = time.perf_counter()
        for index, (statement, parameters) in enumerate(statements):
            step = time.perf_counter()
            connection.execute(statement, parameters).fetchall()
            each.setdefault(index, []).append(time.perf_counter() - step)
        totals.append(time.perf_counter() - began)
    connection.close()
    per_statement = [
        {"sql": " ".join(statements[i][0].split())[:160], **_stats(times)}
        for i, times in each.items()
    ]
    return totals, per_statement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    path = database(options.deals)
    connection = sqlite3.connect(path)
    changes = connection.execute("SELECT count(*) FROM stage_changes").fetchone()[0]
    connection.close()

    report, statements = _in_process(path, options.runs)
    bare, per_statement = _bare(path, statements, options.runs)
    cli = _cli(path, options.runs)
    result = {
        "deals": options.deals,
        "stage_changes": changes,
        "machine": f"{platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cli": _stats(cli),
        "report": _stats(report),
        "bare_sql": _stats(bare),
        "ratio_report_to_bare": round(statistics.median(report) / statistics.median(bare), 2),
        "ratio_cli_to_bare": round(statistics.median(cli) / statistics.median(bare), 2),
        "statements": per_statement,
    }
    out = HERE / "results" / f"report-{options.deals}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"funnel report at {options.deals:,} deals, {changes:,} stage changes")
    for column in ("what", "median ms", "min", "max"):
        table.add_column(column, justify="right" if column != "what" else "left")
    for name in ("cli", "report", "bare_sql"):
        stats = result[name]
        table.add_row(name, str(stats["median_ms"]), str(stats["min_ms"]), str(stats["max_ms"]))
    for item in per_statement:
        table.add_row(
            item["sql"][:60], str(item["median_ms"]), str(item["min_ms"]), str(item["max_ms"])
        )
    console = Console()
    console.print(table)
    console.print(
        f"report / bare: {result['ratio_report_to_bare']}×   cli / bare: {result['ratio_cli_to_bare']}×"
        f"   (written to {out.relative_to(HERE.parent)})"
    )


if __name__ == "__main__":
    main()
