"""Profiles of the missed targets (issue 11) with pyinstrument, in-process.

Usage:
    .venv/bin/python benchmarks/profile_misses.py analytics [--deals 100000]
        [--period this-month] [--reports funnel,team,losses] [--calls 200] [--runs 7]
    .venv/bin/python benchmarks/profile_misses.py per-call [--deals 100000]
        [--period this-month] [--runs 21]
    .venv/bin/python benchmarks/profile_misses.py report [--deals 1000000]
        [--period last-12-months] [--runs 5]
    .venv/bin/python benchmarks/profile_misses.py start [--deals 1000] [--runs 5]
        [--delay-store 3] [--no-profile]
    .venv/bin/python benchmarks/profile_misses.py screens [--deals 100000] [--opens 10]
        [--screens deal,funnel] [--no-profile]

What each does (needs `.venv/bin/pip install pyinstrument`):
- analytics: each report function of benchmarks/metrics_bench.py (one warm process, the
  cached demo database), called `--calls` times under the profiler after a warm-up; then its
  median over `--runs` beside the same statements run bare through `sqlite3`, as
  metrics_bench.py and run.py measure it.
- per-call: each store read those three reports make, alone, through SQLAlchemy beside its
  statements run bare, and the time to build the funnel's per-deal statements.
- report: the wall time of `funnel report --period P --as-of 2026-11-23 12:00` as a fresh
  process (`--runs`, as run.py's `reports · cli`, but with a config of its own: no daily
  backup), then the command profiled in-process from before its first import
  (`funnel_tui.cli.main`, its output discarded) on the now warm OS cache.
- start: `--runs` headless starts to the ready board, Funnel and the bare Textual app
  (bare_app.py) turn about, as benchmarks/terminal.py measures them (a fresh process,
  `run_test(size=(120, 40))`, ready = the board loaded and a column focused, then 200 ms of
  follow-up frames): two profiles of the last start (the imports and the app's construction;
  run_test to the end), the phases of each (first frame, ready, last frame, CPU time) and
  their medians. `--no-profile`: the phases alone; `--delay-store S`: a diagnostic, the full
  store (SQLAlchemy, opened in a thread after the first paint) opened S seconds later.
- screens: the deal pane (enter) and the funnel screen (`f`) opened `--opens` times each on
  the ready board, headless, each opening profiled from the key to the last frame (none for
  150 ms after it), with the frames of the median opening (when, full or partial, bytes).
Every profile is printed as self time per function (the "flat" view, the top entries), the
total time of Funnel's own functions (and, for the UI, of Textual's and Rich's), self time per
package, then the call tree down to frames of at least 2 % of the total.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))
from common import database, funnel_command, until_ready  # noqa: E402

AS_OF = "2026-11-23 12:00"
INTERVAL = 0.0002  # seconds between samples (pyinstrument's default is 1 ms)


def _child(function: str, *args: Any) -> list[str]:
    """The command that runs `function(*args)` of this module in a fresh interpreter."""
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); sys.path.insert(1, {str(HERE.parent)!r})\n"
        f"from profile_misses import {function}\n"
        f"{function}(*{args!r})\n"
    )
    return [sys.executable, "-c", code]


# --- printing a profile -----------------------------------------------------------------------


def _package(path: str | None) -> str:
    """Where a frame's code lives: a library of site-packages, funnel_tui, the stdlib."""
    if not path:
        return "?"
    parts = Path(path).parts
    if "site-packages" in parts:
        after = parts[parts.index("site-packages") + 1 :]
        return after[0].removesuffix(".py") if after else "?"
    if "funnel_tui" in parts:
        return "funnel_tui." + parts[parts.index("funnel_tui") + 1].removesuffix(".py")
    if path.startswith("<"):
        return path
    return "stdlib" if "python3" in path or "lib/python" in path else Path(path).name


def _walk(frame: Any, visit: Callable[[Any], None]) -> None:
    visit(frame)
    for child in frame.children:
        _walk(child, visit)


def summary(
    profiler: Any, *, per: int = 1, top: int = 15, tree: bool = True, libraries: int = 0
) -> str:
    """The profile's top functions by self time and its packages by self time, in ms per
    call (`per`: how many calls the profile covered) and share of the total."""
    session = profiler.last_session
    root = session.root_frame()
    if root is None:
        return "(no samples)"
    total = root.time
    functions: Counter[str] = Counter()
    packages: Counter[str] = Counter()

    def visit(frame: Any) -> None:
        # total_self_time: the frame's own time, its synthetic children's ([self]: its own
        # lines and the C functions they call, [await]) included; those are not counted again.
        own = frame.total_self_time
        if not own or frame.is_synthetic:
            return
        functions[f"{frame.function} ({_short(frame.file_path)}:{frame.line_no})"] += own
        packages[_package(frame.file_path)] += own

    _walk(root, visit)
    ours: Counter[str] = Counter()
    textual: Counter[str] = Counter()

    def cumulative(frame: Any, above: frozenset[str]) -> None:
        name = f"{frame.function} ({_short(frame.file_path)}:{frame.line_no})"
        if name not in above and not frame.is_synthetic:
            package = _package(frame.file_path)
            if package.startswith("funnel_tui"):
                ours[name] += frame.time  # the outermost call only (recursion counted once)
            elif package in ("textual", "rich"):
                textual[name] += frame.time
            above = above | {name}
        for child in frame.children:
            cumulative(child, above)

    cumulative(root, frozenset())
    lines = [
        f"total {total * 1000 / per:.2f} ms per call ({session.sample_count} samples, "
        f"{per} call(s), interval {INTERVAL * 1000:.1f} ms)",
        "",
        "self time by function:",
    ]
    for name, own in functions.most_common(top):
        lines.append(f"  {own * 1000 / per:8.2f} ms {own / total:6.1%}  {name}")
    lines += ["", "Funnel's own functions by total time (their callees included):"]
    for name, spent in ours.most_common(top):
        lines.append(f"  {spent * 1000 / per:8.2f} ms {spent / total:6.1%}  {name}")
    if libraries:
        lines += ["", "Textual's and Rich's functions by total time (their callees included):"]
        for name, spent in textual.most_common(libraries):
            lines.append(f"  {spent * 1000 / per:8.2f} ms {spent / total:6.1%}  {name}")
    lines += ["", "self time by package:"]
    for name, own in packages.most_common(12):
        lines.append(f"  {own * 1000 / per:8.2f} ms {own / total:6.1%}  {name}")
    if tree:
        lines += [
            "",
            profiler.output_text(
                unicode=True,
                color=False,
                processor_options={"filter_threshold": 0.02},
            ),
        ]
    return "\n".join(lines)


def _short(path: str | None) -> str:
    if not path:
        return "?"
    parts = Path(path).parts
    for anchor in ("site-packages", "src"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + 1 :])
    return Path(path).name


def _median_ms(samples: list[float]) -> str:
    ms = sorted(round(s * 1000, 2) for s in samples)
    return f"median {statistics.median(ms):.2f} ms (min {ms[0]:.2f}, max {ms[-1]:.2f}, n={len(ms)})"


# --- analytics ---------------------------------------------------------------------------------


def analytics(options: argparse.Namespace) -> None:
    from metrics_bench import _bare, _measure, _reports
    from pyinstrument import Profiler

    path = database(options.deals)
    wanted = options.reports.split(",")
    reports = _reports(path, options.period)
    store = reports.pop("_store")()
    for name in wanted:
        call = reports[name]
        for _ in range(5):
            call()
        profiler = Profiler(interval=INTERVAL, async_mode="disabled")
        profiler.start()
        for _ in range(options.calls):
            call()
        profiler.stop()
        print(f"=== {name} ({options.period}, {options.deals:,} deals) ===")
        print(summary(profiler, per=options.calls))
    store.close()
    # The figure run.py checks: the report's median beside its statements run bare.
    times, statements = _measure(path, options.period, options.runs)
    for name in wanted:
        bare = _bare(path, statements[name], options.runs)
        ratio = statistics.median(times[name]) / statistics.median(bare)
        print(
            f"{name}: report {_median_ms(times[name])}; bare SQL {_median_ms(bare)}; "
            f"ratio {ratio:.2f}x; {len(statements[name])} statements"
        )


def per_call(options: argparse.Namespace) -> None:
    """Each store read the funnel, team and loss reports make, timed alone in one read
    transaction (median of `--runs`) beside the statements it sent run bare through
    `sqlite3`, and the cost of building the two per-deal statements: where the reports'
    time over their bare SQL goes."""
    import sqlite3
    from datetime import date

    from sqlalchemy import event

    from funnel_tui.analytics.funnel import stage_ranks
    from funnel_tui.analytics.metrics_model import MetricsQuery
    from funnel_tui.analytics.metrics_view import metrics_view
    from funnel_tui.analytics.periods import PeriodName, named_period
    from funnel_tui.analytics.ports import Cohort
    from funnel_tui.domain.dates import local_zone
    from funnel_tui.storage.database import open_store

    path = database(options.deals)
    store = open_store(path, create=False)
    start_at, end = named_period(PeriodName(options.period), date(2026, 11, 23)).bounds(
        local_zone()
    )
    sent: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    def median_ms(call: Callable[[], object]) -> float:
        samples = []
        for _ in range(options.runs):
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        return 1000 * statistics.median(samples)

    def interleaved(one: Callable[[], object], other: Callable[[], object]) -> tuple[float, float]:
        """Medians of `one` and `other` run turn about (a busy machine weighs on both)."""
        ones, others = [], []
        for _ in range(options.runs):
            for call, samples in ((one, ones), (other, others)):
                began = time.perf_counter()
                call()
                samples.append(time.perf_counter() - began)
        return 1000 * statistics.median(ones), 1000 * statistics.median(others)

    with store.read() as uow:
        pipeline = uow.pipelines.list()[0]
        cohort = Cohort(start_at, end, None)
        view = metrics_view(uow, MetricsQuery(pipeline.id, start_at, end))
        open_ids = [stage.id for stage in pipeline.open_stages]
        reads: dict[str, Callable[[], object]] = {
            "analytics.furthest (funnel)": lambda: uow.analytics.furthest(
                cohort, stage_ranks(pipeline)
            ),
            "analytics.current (funnel)": lambda: uow.analytics.current(
                cohort, [stage.id for stage in pipeline.stages]
            ),
            "analytics.losses (funnel)": lambda: uow.analytics.losses(
                cohort, pipeline.lost_stage.id, open_ids
            ),
            "metrics.closed (team, losses)": lambda: uow.metrics.closed(view.scope, start_at, end),
            "metrics.created (team)": lambda: uow.metrics.created(view.scope, start_at, end),
            "metrics.contacts_now (team)": lambda: uow.metrics.contacts_now(view.scope, end),
            "metrics.pipelines (all three)": lambda: uow.metrics.pipelines(pipeline.id),
            "metrics.loss_reason_names (losses)": lambda: uow.metrics.loss_reason_names(),
            "pipelines.get (ORM, before 2026-11-24)": lambda: uow.pipelines.get(pipeline.id),
        }
        print(f"=== store reads at {options.deals:,} deals, {options.period} ===")
        print(f"{'read':44} {'SQLAlchemy':>11} {'bare SQL':>9} {'over':>7}  statements")
        for name, call in reads.items():
            sent.clear()
            call()
            statements = list(sent)

            def run_bare(statements: list[tuple[str, Any]] = statements) -> None:
                for statement, parameters in statements:
                    bare.execute(statement, parameters).fetchall()

            through, alone = interleaved(call, run_bare)
            print(
                f"{name:44} {through:8.3f} ms {alone:6.3f} ms {through - alone:+6.3f}  "
                f"{len(statements)}"
            )
    from funnel_tui.storage import analytics_queries

    reader = analytics_queries.SqlAnalyticsReader(None)  # type: ignore[arg-type]

    class _Built(Exception):
        pass

    class _Session:
        """Stops a read once its SQL is built (the text goes to `connection()` next)."""

        def execute(self, query: Any) -> Any:
            raise _Built

        def connection(self) -> Any:
            raise _Built

    reader._session = _Session()  # type: ignore[assignment]

    def build(call: Callable[[], object]) -> Callable[[], None]:
        def once() -> None:
            with contextlib.suppress(_Built):
                call()

        return once

    ranks = stage_ranks(pipeline)
    furthest = build(lambda: reader.furthest(cohort, ranks))
    losses = build(lambda: reader.losses(cohort, pipeline.lost_stage.id, open_ids))
    print(
        f"building the SQL alone (no execution): furthest {median_ms(furthest):.3f} ms, "
        f"losses {median_ms(losses):.3f} ms"
    )
    bare.close()
    store.close()


# --- the report command ------------------------------------------------------------------------


def report(options: argparse.Namespace) -> None:
    from benchmarks.terminal import _app_env

    path = database(options.deals)
    argv = ["--db", str(path), "report", "--period", options.period, "--as-of", AS_OF]
    # In a fresh interpreter, so that the imports are profiled as a user's command pays them.
    command = _child("profile_report_child", argv)
    with tempfile.TemporaryDirectory(prefix="funnel-profile-") as home:
        # A config of its own (auto_backup = false): with the default config, the first
        # command of the day also writes the daily backup (~10 s at 1,000,000 deals).
        env = {k: v for k, v in _app_env(Path(home)).items() if k != "TERM"}
        samples = []
        for _ in range(options.runs):  # first: they also warm the OS cache for the profile
            began = time.perf_counter()
            subprocess.run(
                [*funnel_command(), *argv], check=True, stdout=subprocess.DEVNULL, env=env
            )
            samples.append(time.perf_counter() - began)
        subprocess.run(command, check=True, env=env)
    print(f"`funnel {' '.join(argv[2:])}` as a fresh process: {_median_ms(samples)}")


def profile_report_child(argv: list[str]) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=INTERVAL, async_mode="disabled")
    profiler.start()
    with redirect_stdout(io.StringIO()):
        from funnel_tui.cli import main

        main(argv)
    profiler.stop()
    print(f"=== funnel {' '.join(argv[2:])} (in-process, imports included) ===")
    print(f"CPU time of the process: {1000 * time.process_time():.0f} ms")
    print(summary(profiler, top=20))


# --- start -------------------------------------------------------------------------------------


def start(options: argparse.Namespace) -> None:
    """`--runs` starts of each app, turn about; the profiles of the last one are printed,
    the phases of every one, and their medians."""
    import json

    from benchmarks.terminal import _app_env, copy_database

    phases: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="funnel-profile-") as work:
        home = Path(work)
        env = {k: v for k, v in _app_env(home).items() if k != "TERM"}
        board = copy_database(database(options.deals), home)
        for run in range(options.runs):
            for db in (None, board.path):
                command = _child(
                    "profile_start_child",
                    None if db is None else str(db),
                    run == options.runs - 1,
                    options.delay_store,
                    options.no_profile,
                )
                out = subprocess.run(
                    command,
                    check=True,
                    env=env,
                    capture_output=True,
                    text=True,
                ).stdout
                shown = [line for line in out.splitlines() if not line.startswith("PHASES ")]
                if shown:
                    print("\n".join(shown))
                found = [line for line in out.splitlines() if line.startswith("PHASES ")]
                phases.setdefault("bare" if db is None else "funnel", []).append(
                    json.loads(found[-1].removeprefix("PHASES "))
                )
    print(f"=== medians of {options.runs} starts, ms from the first import ===")
    for name, rows in phases.items():
        medians = {key: round(statistics.median(row[key] for row in rows)) for key in rows[0]}
        print(f"{name}: {medians}")


class _NoProfiler:
    def __init__(self, **_: Any) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def profile_start_child(
    db: str | None, show: bool, delay_store: float = 0.0, no_profile: bool = False
) -> None:
    """Start headless as terminal.py's child does, in two profiles: the imports and the
    app's construction, then from `run_test` to the ready board and 200 ms after it (the
    interpreter's own start-up, ~20 ms, is outside both)."""
    import pwd

    from pyinstrument import Profiler

    login = pwd.getpwuid(os.geteuid()).pw_name  # terminal.os_login, without importing pyte
    if no_profile:  # the phases alone, without the profiler's overhead
        show = False
        Profiler = _NoProfiler
    imports = Profiler(interval=INTERVAL, async_mode="disabled")
    began = time.perf_counter()
    imports.start()
    import asyncio

    from textual._compositor import CompositorUpdate
    from textual.app import App

    app: App[None]
    if db is None:
        from benchmarks.bare_app import BareApp

        app = BareApp()
    else:
        from funnel_tui.bootstrap import build_app
        from funnel_tui.config import Settings

        settings = Settings(start_screen="board", auto_backup=False, language="en")
        app = build_app(settings, Path(db), login=login)
        if delay_store:
            # Diagnostic: the full store (SQLAlchemy, imported in a worker thread once the
            # board has painted) opens `delay_store` s later, outside the measured window.
            opener = app._open_services  # type: ignore[attr-defined]

            def later() -> Any:
                time.sleep(delay_store)
                return opener()

            app._open_services = later  # type: ignore[attr-defined]
    imports.stop()
    imported = time.perf_counter()
    frames = {"last": 0.0, "first": 0.0, "ready": 0.0}
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console).encode()
            frames["last"] = time.perf_counter()
            frames["first"] = frames["first"] or frames["last"]
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]

    running = Profiler(interval=INTERVAL, async_mode="disabled")

    async def run() -> None:
        async with app.run_test(size=(120, 40)):
            await until_ready(app, lambda: frames["last"] > 0, board=db is not None)
            frames["ready"] = time.perf_counter()
            await asyncio.sleep(0.2)
            running.stop()
            frames["cpu_main"] = time.thread_time()  # CPU up to the end of the window
            frames["cpu_all"] = time.process_time()

    running.start()
    asyncio.run(run())
    import json

    name = "bare Textual app" if db is None else "Funnel"
    if db is not None and delay_store:
        name += f" (full store opened {delay_store} s later)"
    phases = {
        "imports_and_app": 1000 * (imported - began),
        "first_frame": 1000 * (frames["first"] - began),
        "ready": 1000 * (frames["ready"] - began),
        "last_frame": 1000 * (frames["last"] - began),
        "cpu_main_thread": 1000 * frames["cpu_main"],
        "cpu_all_threads": 1000 * frames["cpu_all"],
    }
    print("PHASES " + json.dumps(phases))
    if not show:
        return
    print(f"=== headless start: {name} ===")
    print(
        f"from the first import: imports + app built {phases['imports_and_app']:.0f} ms; "
        f"first frame {phases['first_frame']:.0f} ms; ready {phases['ready']:.0f} ms; "
        f"last frame {phases['last_frame']:.0f} ms; CPU time by then: main thread "
        f"{phases['cpu_main_thread']:.0f} ms, all threads {phases['cpu_all_threads']:.0f} ms"
    )
    print("--- imports and the app's construction ---")
    print(summary(imports, top=12))
    print("--- run_test to the ready board + 200 ms ---")
    print(summary(running, top=25, libraries=60))


# --- screens -----------------------------------------------------------------------------------


def screens(options: argparse.Namespace) -> None:
    from benchmarks.terminal import _app_env, copy_database

    with tempfile.TemporaryDirectory(prefix="funnel-profile-") as work:
        home = Path(work)
        env = {k: v for k, v in _app_env(home).items() if k != "TERM"}
        board = copy_database(database(options.deals), home)
        command = _child(
            "profile_screens_child",
            str(board.path),
            options.opens,
            options.screens,
            options.no_profile,
        )
        subprocess.run(command, check=True, env=env)


def profile_screens_child(
    db: str, opens: int, which: str = "deal,funnel", no_profile: bool = False
) -> None:
    import asyncio

    from pyinstrument import Profiler

    if no_profile:  # the timings alone, without the profiler's overhead
        Profiler = _NoProfiler  # type: ignore[assignment,misc]
    from benchmarks.terminal import os_login
    from textual._compositor import CompositorUpdate

    from funnel_tui.bootstrap import build_app
    from funnel_tui.config import Settings

    settings = Settings(start_screen="board", auto_backup=False, language="en")
    app = build_app(settings, Path(db), login=os_login())
    frames = {"last": 0.0}
    shown: list[tuple[float, int, str]] = []  # each frame: when, bytes, full or partial

    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            sent = len(renderable.render_segments(app.console).encode())
            frames["last"] = time.perf_counter()
            kind = type(renderable).__name__.removesuffix("Update").lower()
            shown.append((frames["last"], sent, kind))
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]

    async def settle(quiet: float = 0.15) -> float:
        """Until no frame for `quiet` seconds: the time of the last frame."""
        while True:
            await asyncio.sleep(0.01)
            if frames["last"] and time.perf_counter() - frames["last"] > quiet:
                return frames["last"]

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until_ready(app, lambda: frames["last"] > 0, board=True)
            # Warm-up: each screen once (the first openings import and compose; the funnel
            # screen waits for the full store).
            for key in ("enter", "f"):
                await pilot.press(key)
                await settle(0.3)
                await pilot.press("escape")
                await settle(0.3)
            keys = {"deal": ("enter", "deal pane"), "funnel": ("f", "funnel screen")}
            for key, name in (keys[one] for one in which.split(",")):
                profiler = Profiler(interval=INTERVAL, async_mode="disabled")
                samples = []
                painted: list[str] = []
                for _ in range(opens):
                    frames["last"] = 0.0
                    shown.clear()
                    profiler.start()
                    began = time.perf_counter()
                    await pilot.press(key)
                    last = await settle()
                    profiler.stop()
                    samples.append(last - began)
                    painted.append(
                        ", ".join(
                            f"{1000 * (at - began):.0f} ms {kind} {sent:,} B"
                            for at, sent, kind in shown
                        )
                    )
                    await pilot.press("escape")
                    await settle(0.3)
                print(f"=== open the {name} ({key}), {opens} openings ===")
                print(f"key to last frame: {_median_ms(samples)} (headless, pilot.press)")
                middle = sorted(range(opens), key=samples.__getitem__)[opens // 2]
                print(f"frames of the median opening: {painted[middle]}")
                if not no_profile:
                    print(summary(profiler, per=opens, top=20, libraries=60))

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="what", required=True)
    one = commands.add_parser("analytics")
    one.add_argument("--deals", type=int, default=100_000)
    one.add_argument("--period", choices=["this-month", "last-12-months"], default="this-month")
    one.add_argument("--reports", default="funnel,team,losses")
    one.add_argument("--calls", type=int, default=200)
    one.add_argument("--runs", type=int, default=7)
    per = commands.add_parser("per-call")
    per.add_argument("--deals", type=int, default=100_000)
    per.add_argument("--period", choices=["this-month", "last-12-months"], default="this-month")
    per.add_argument("--runs", type=int, default=21)
    two = commands.add_parser("report")
    two.add_argument("--deals", type=int, default=1_000_000)
    two.add_argument("--period", choices=["this-month", "last-12-months"], default="last-12-months")
    two.add_argument("--runs", type=int, default=5)
    three = commands.add_parser("start")
    three.add_argument("--deals", type=int, default=1_000)
    three.add_argument("--runs", type=int, default=5)
    three.add_argument(
        "--delay-store",
        type=float,
        default=0.0,
        help="diagnostic: open the full store this many seconds later (outside the window)",
    )
    three.add_argument(
        "--no-profile", action="store_true", help="time the phases without the profiler"
    )
    four = commands.add_parser("screens")
    four.add_argument("--deals", type=int, default=100_000)
    four.add_argument("--opens", type=int, default=10)
    four.add_argument("--screens", default="deal,funnel", help="deal, funnel or both")
    four.add_argument("--no-profile", action="store_true", help="the timings alone")
    options = parser.parse_args()
    commands_run = {
        "analytics": analytics,
        "per-call": per_call,
        "report": report,
        "start": start,
        "screens": screens,
    }
    commands_run[options.what](options)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
