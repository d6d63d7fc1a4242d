"""Deal pane benchmark (issue 4): open the pane of a deal with 1,000 activities.

Usage:  .venv/bin/python benchmarks/deal_pane_bench.py [--activities 1000] [--runs 20]

Headless at 120x40, in one process, over a fresh temp database (one deal with its history,
N activities, and 200 other deals). Times, as the median of `--runs` openings:
- view: `DealService.view` alone (the one read transaction: deal, history, activities);
- open: from `open_deal` to the first frame rendered (to terminal bytes) after the pane
  showed the deal (fields, checklist, timeline); then esc closes it for the next run.
Target (issue 4): open under 100 ms median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


def make_database(path: Path, activities: int) -> int:
    """A database with one busy deal; returns its id."""
    from funnel_tui.bootstrap import open_services
    from funnel_tui.domain.models import ActivityKind, DealDraft, Outcome
    from funnel_tui.domain.money import Money
    from funnel_tui.services.demo import generate_demo

    services = open_services(path, login="anna", clock=_clock)
    generate_demo(services.context.store, deals=200, seed=1, today=NOW.date())
    pipeline = services.pipelines.list()[0]
    start = NOW - timedelta(days=400)
    deal = services.deals.create(
        DealDraft("Busy deal", Money(1_000_000, "RUB"), company="Globex"),
        pipeline_id=pipeline.id,
        at=start,
    )
    for index in range(activities):
        services.deals.log_activity(
            deal.id,
            ActivityKind.CALL,
            outcome=Outcome.REACHED,
            duration_s=60 + index,
            body=f"call number {index}: talked about the offer, the budget and the next step",
            at=start + timedelta(hours=index * 9),
        )
    services.close()
    return deal.id


async def measure(path: Path, deal_id: int, runs: int) -> dict[str, list[float]]:
    from board_bench import _instrument, _wait

    from funnel_tui.bootstrap import build_app
    from funnel_tui.config import Settings
    from funnel_tui.ui.screens.deal import DealScreen

    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=_clock
    )
    shown = {"at": 0.0}
    original_show = DealScreen._show

    async def show(self, view, keep_edits):  # type: ignore[no-untyped-def]
        await original_show(self, view, keep_edits)
        shown["at"] = time.perf_counter()

    DealScreen._show = show  # type: ignore[method-assign]
    opens: list[float] = []
    views: list[float] = []
    async with app.run_test(headless=True, size=SIZE) as pilot:
        frames = _instrument(app)
        await _wait(lambda: app.services is not None)
        await pilot.pause(0.5)
        assert app.services is not None
        for _ in range(runs):
            started = time.perf_counter()
            app.services.deals.view(deal_id)
            views.append(time.perf_counter() - started)
        for _ in range(runs):
            shown["at"] = 0.0
            frames["paints"].clear()
            started = time.perf_counter()
            app.open_deal(deal_id)
            await _wait(lambda: shown["at"] > 0)
            await _wait(lambda: any(t >= shown["at"] for t in frames["paints"]), timeout=2.0)
            opens.append(min(t for t in frames["paints"] if t >= shown["at"]) - started)
            await pilot.press("escape")
            await pilot.pause(0.05)
    return {"view": views, "open": opens}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from board_bench import summary

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pane.db"
        deal_id = make_database(path, args.activities)
        times = asyncio.run(measure(path, deal_id, args.runs))
    report = {
        "activities": args.activities,
        "runs": args.runs,
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "view_median_s": statistics.median(times["view"]),
        "open_median_s": statistics.median(times["open"]),
        "open_max_s": max(times["open"]),
    }
    print(f"deal with {args.activities:,} activities, {args.runs} openings")
    print(f"view (one read)        {summary(times['view'])}")
    print(f"open pane to frame     {summary(times['open'])}   target < 100 ms median")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"deal-pane-{args.activities}.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
