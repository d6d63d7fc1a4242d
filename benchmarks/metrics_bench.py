"""All reports benchmark (issue 7): every analytics report at scale, each beside the same SQL
run bare, and their total against the 3 s target.

Usage:  .venv/bin/python benchmarks/metrics_bench.py [--deals 1000000] [--runs 3]
                                                    [--period this-month|last-12-months]

Measured in one run, on one cached `funnel demo` database (benchmarks/.cache/), for the
first pipeline and everyone's deals:
- each report function in a warm process (funnel, kpi, forecast, plan, team, losses): the
  analytics through SQLAlchemy, median of `--runs` with min and max;
- bare: the very statements each report sent (captured from SQLAlchemy with their
  parameters) run through the stdlib `sqlite3` module on the same file;
- total: the sum of the reports' medians (what the Reports screen and the dashboard read).
Results go to benchmarks/results/metrics-N-PERIOD.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import database  # noqa: E402  (the cached demo databases)
from common import stats as _stats  # noqa: E402

TODAY = date(2026, 11, 23)


def _reports(path: Path, period_name: str) -> dict[str, Callable[[], object]]:
    """The reports, each as a call with its arguments bound, over one open store."""
    from funnel_tui.analytics.forecast import forecast_report
    from funnel_tui.analytics.funnel import funnel_report
    from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
    from funnel_tui.analytics.kpi import kpi_report
    from funnel_tui.analytics.losses import loss_report
    from funnel_tui.analytics.metrics_model import ForecastQuery, MetricsQuery, PlanQuery
    from funnel_tui.analytics.periods import PeriodName, named_period
    from funnel_tui.analytics.plan import plan_report
    from funnel_tui.analytics.team import team_report
    from funnel_tui.domain.dates import local_midnight, local_zone
    from funnel_tui.storage.database import open_store

    store = open_store(path, create=False)
    zone = local_zone()
    now = local_midnight(TODAY, zone).replace(hour=12)
    start, end = named_period(PeriodName(period_name), TODAY).bounds(zone)
    with store.read() as uow:
        pipeline_id = uow.pipelines.list()[0].id
    metrics = MetricsQuery(pipeline_id, start, end)
    month = TODAY.replace(day=1)
    money = {"fallback_currency": "RUB"}
    return {
        "funnel": lambda: funnel_report(
            store, FunnelQuery(pipeline_id, start, end), FunnelView.COHORT, **money
        ),
        "kpi": lambda: kpi_report(store, metrics, now=now, zone=zone, **money),
        "forecast": lambda: forecast_report(
            store, ForecastQuery(pipeline_id, month, 3), now=now, zone=zone, **money
        ),
        "plan": lambda: plan_report(
            store, PlanQuery(pipeline_id, month), now=now, zone=zone, **money
        ),
        "team": lambda: team_report(store, metrics, now=now, **money),
        "losses": lambda: loss_report(store, metrics, **money),
        "_store": lambda: store,
    }


def _measure(
    path: Path, period_name: str, runs: int
) -> tuple[dict[str, list[float]], dict[str, list[tuple[str, Any]]]]:
    from sqlalchemy import event

    reports = _reports(path, period_name)
    store: Any = reports.pop("_store")()
    captured: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not BEGIN, PRAGMA
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    times: dict[str, list[float]] = {}
    statements: dict[str, list[tuple[str, Any]]] = {}
    for name, call in reports.items():
        for _ in range(runs):
            captured.clear()
            began = time.perf_counter()
            call()
            times.setdefault(name, []).append(time.perf_counter() - began)
        statements[name] = list(captured)
    store.close()
    return times, statements


def _bare(path: Path, statements: list[tuple[str, Any]], runs: int) -> list[float]:
    # One read transaction around the statements, as the reports have: without it each
    # statement takes its own snapshot and the comparison would not be like for like.
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    totals = []
    for _ in range(runs):
        began = time.perf_counter()
        connection.execute("BEGIN")
        for statement, parameters in statements:
            connection.execute(statement, parameters).fetchall()
        connection.execute("COMMIT")
        totals.append(time.perf_counter() - began)
    connection.close()
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--period", choices=["this-month", "last-12-months"], default="this-month")
    options = parser.parse_args()
    path = database(options.deals)
    times, statements = _measure(path, options.period, options.runs)
    rows = {}
    for name, samples in times.items():
        bare = _bare(path, statements[name], options.runs)
        rows[name] = {
            "report": _stats(samples),
            "bare_sql": _stats(bare),
            "statements": len(statements[name]),
            "ratio": round(statistics.median(samples) / statistics.median(bare), 2)
            if statistics.median(bare) > 0
            else None,
        }
    total_ms = round(sum(row["report"]["median_ms"] for row in rows.values()), 1)
    result = {
        "deals": options.deals,
        "period": options.period,
        "machine": f"{platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "reports": rows,
        "total_median_ms": total_ms,
    }
    out = HERE / "results" / f"metrics-{options.deals}-{options.period}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"All reports at {options.deals:,} deals, {options.period}")
    for column in ("report", "median ms", "min", "max", "bare SQL ms", "ratio", "statements"):
        table.add_column(column, justify="left" if column == "report" else "right")
    for name, row in rows.items():
        stats, bare = row["report"], row["bare_sql"]
        table.add_row(
            name,
            str(stats["median_ms"]),
            str(stats["min_ms"]),
            str(stats["max_ms"]),
            str(bare["median_ms"]),
            f"{row['ratio']}×" if row["ratio"] is not None else "—",
            str(row["statements"]),
        )
    table.add_row("total", str(total_ms), "", "", "", "", "", style="bold")
    Console().print(table)
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
