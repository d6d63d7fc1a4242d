"""Funnel's benchmarks in one run: speed, memory and terminal traffic, each beside a baseline.

Usage:
    .venv/bin/python benchmarks/run.py                 # 1k, 10k, 100k and 1M deals
    .venv/bin/python benchmarks/run.py --sizes 1000,10000 --runs 3
    .venv/bin/python benchmarks/run.py --only start,keys --sizes 100000

For each database size (a `funnel demo` database, made once and cached in benchmarks/.cache/):
  start    start to a board ready for keys, headless and under a real pseudo-terminal, beside
           a bare Textual app (a header, a label, a footer) started the same way;
  keys     keystroke to repainted screen for a focus move, a deal move, a filter keystroke,
           opening the deal pane and opening the funnel screen (under a pseudo-terminal), and
           the bytes written to the terminal per focus move and deal move at 120x40;
  rss      peak resident memory of the app (and of the bare app);
  reports  `funnel report` (this month and the last 12 months) as a whole command, and each
           analytics report in a warm process beside the same SQL run through `sqlite3`;
and once per run:
  demo     `funnel demo` throughput;  import  `funnel import` of an amoCRM export;
  kanban   kanban-tui (a Textual kanban on SQLite, from PyPI, in its own venv) at 1,000 cards:
           start to first screen and peak RSS, beside Funnel at 1,000 deals.
Every time is the median of --runs with min and max. The results go to a Rich table on the
screen, to benchmarks/results/run.json, and (unless --no-docs) to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # `benchmarks.terminal` and friends
from common import (  # noqa: E402
    RESULTS,
    database,
    demo,
    demo_seconds,
    funnel_command,
    machine,
    own_config,
    stats,
)

SECTIONS = ("start", "keys", "rss", "reports", "demo", "import", "kanban")
DOCS = HERE.parent / "docs" / "performance.md"
AS_OF = "2026-11-23 12:00"
RATIO_FROM = 100_000
"""The 1.3x-of-bare-SQL target is checked from this size on: below it the SQL takes about a
millisecond and the ratio measures SQLAlchemy's fixed cost per statement (~0.5 ms), which the
figures still show."""


# --- measurements -------------------------------------------------------------------------


def measure_terminal(path: Path, runs: int, only: set[str]) -> dict[str, Any]:
    """Start-up (Funnel and the bare app in turns), keys, bytes and memory: terminal.py."""
    from benchmarks import terminal

    result: dict[str, Any] = {}
    if only & {"start", "rss"}:
        result["start"] = terminal.measure_start_pair(path, runs)
    if only & {"keys", "rss"}:
        result["keys"] = terminal.measure_keys(path, max(1, min(runs, 3)))
    return result


def measure_reports(path: Path, runs: int) -> dict[str, Any]:
    from metrics_bench import _bare, _measure

    result: dict[str, Any] = {"cli": {}, "analytics": {}}
    for period in ("this-month", "last-12-months"):
        samples = [_report_command(path, period) for _ in range(runs)]
        result["cli"][period] = stats(samples)
        times, statements = _measure(path, period, runs)
        rows = {}
        for name, report_times in times.items():
            bare = _bare(path, statements[name], runs)
            rows[name] = {
                "report": stats(report_times),
                "bare_sql": stats(bare),
                "ratio": _ratio(report_times, bare),
                "overhead_ms": round(
                    (statistics.median(report_times) - statistics.median(bare)) * 1000, 1
                ),
                "statements": len(statements[name]),
            }
        result["analytics"][period] = rows
        funnel_bare = rows["funnel"]["bare_sql"]["median_ms"]
        result["cli"][period]["funnel_bare_sql_ms"] = funnel_bare
    return result


def _report_command(path: Path, period: str) -> float:
    # With the user's config the first report of the day would also write the daily backup.
    with own_config() as env:
        began = time.perf_counter()
        subprocess.run(
            [*funnel_command(), "--db", str(path), "report", "--period", period, "--as-of", AS_OF],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        return time.perf_counter() - began


def _ratio(samples: list[float], baseline: list[float]) -> float | None:
    base = statistics.median(baseline)
    return round(statistics.median(samples) / base, 2) if base > 0 else None


def measure_demo(sizes: list[int]) -> dict[str, Any]:
    """Fresh `funnel demo` runs up to 100,000 deals; bigger ones from the cache's record."""
    result: dict[str, Any] = {}
    for deals in sizes:
        if deals <= 100_000:
            with tempfile.TemporaryDirectory() as scratch:
                seconds: float | None = demo(Path(scratch) / "demo.db", deals)
        else:
            seconds = demo_seconds(deals)
        if seconds is not None:
            result[str(deals)] = {
                "seconds": round(seconds, 2),
                "deals_per_s": round(deals / seconds),
            }
    return result


def measure_import_rows(rows: int) -> dict[str, Any]:
    from import_bench import measure_import

    return measure_import(rows)


def measure_kanban(runs: int) -> dict[str, Any]:
    from benchmarks import kanban_tui, terminal

    return {
        "kanban_tui": kanban_tui.measure_kanban_tui(1000, runs),
        "funnel": terminal.measure_start(database(1000), runs),
    }


# --- targets ------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 11 beside the figure measured for it."""
    from benchmarks.terminal import TARGET_ACTIONS

    checks: list[dict[str, Any]] = []

    def check(name: str, value: float | None, limit: float | None, unit: str) -> None:
        met = None if value is None or limit is None else value <= limit
        checks.append({"target": name, "value": value, "limit": limit, "unit": unit, "met": met})

    sizes = results.get("sizes", {})
    for deals, rule in ((100_000, (1.5, 300.0)), (1000, (1.2, 0.0))):
        pair = sizes.get(str(deals), {}).get("terminal", {}).get("start")
        if pair:
            for way in ("pty", "headless"):
                app = _median(pair["funnel"].get(way))
                bare = _median(pair["bare"].get(way))
                limit = None if bare is None else rule[0] * bare + rule[1]
                check(f"start at {deals:,} deals ({way}) ≤ {_rule(rule)}", app, limit, "ms")
    keys = sizes.get("100000", {}).get("terminal", {}).get("keys", {})
    for action in TARGET_ACTIONS:
        check(f"{action} at 100,000 deals ≤ 50 ms", _median(keys.get(action)), 50.0, "ms")
    for deals, size in sizes.items():
        focus = size.get("terminal", {}).get("keys", {}).get("focus_bytes")
        if focus:
            check(
                f"bytes per focus move at {int(deals):,} deals ≤ 3 KB", focus["median"], 3072, "B"
            )
    for deals, limit in ((100_000, 250.0), (1_000_000, 400.0)):
        peak = sizes.get(str(deals), {}).get("terminal", {}).get("keys", {}).get("rss_mb")
        if peak:  # the session's peak: board, store, deal pane, funnel screen
            check(f"peak RSS at {deals:,} deals ≤ {limit:.0f} MB", peak["max"], limit, "MB")
    million = sizes.get("1000000", {}).get("reports", {})
    for period, figures in million.get("cli", {}).items():
        check(
            f"funnel report --period {period} at 1,000,000 ≤ 1.5 s",
            figures["median_ms"],
            1500.0,
            "ms",
        )
    for deals, size in sizes.items():
        if int(deals) < RATIO_FROM:
            continue
        for period, rows in size.get("reports", {}).get("analytics", {}).items():
            for name, row in rows.items():
                if row["ratio"] is not None:
                    check(
                        f"{name} ({period}) at {int(deals):,} ≤ 1.3× bare SQL",
                        row["ratio"],
                        1.3,
                        "×",
                    )
    imported = results.get("import")
    if imported:
        check(f"import of {imported['rows']:,} rows ≤ 60 s", imported["import_s"], 60.0, "s")
    return checks


def _rule(rule: tuple[float, float]) -> str:
    return f"{rule[0]}× bare" + (f" + {rule[1]:.0f} ms" if rule[1] else "")


def _median(figure: dict[str, Any] | None) -> float | None:
    return figure.get("median_ms") if figure else None


# --- output -------------------------------------------------------------------------------


def show(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Targets (issue 11)", show_lines=False)
    for column in ("target", "measured", "limit", ""):
        table.add_column(column, justify="left" if column == "target" else "right")
    for item in results["targets"]:
        met = {True: "[green]met[/]", False: "[red]MISSED[/]", None: "—"}[item["met"]]
        table.add_row(
            item["target"],
            _value(item["value"], item["unit"]),
            _value(item["limit"], item["unit"]),
            met,
        )
    console.print(table)
    for problem in results.get("failures", []):
        console.print(f"[red]failed:[/] {problem}", markup=True, highlight=False)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "B":
        return f"{value:,.0f} B"
    return f"{value:,.1f} {unit}"


BEGIN = "<!-- benchmarks/run.py writes from here -->"
END = "<!-- benchmarks/run.py writes up to here -->"


def write_docs(results: dict[str, Any]) -> None:
    """The latest run into docs/performance.md between the two markers; the hand-written
    history around them (what changed and why, before/after) stays."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n"
    block = f"{BEGIN}\n{render_docs(results)}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:  # first time: after the title and its first paragraph
        title, _, body = text.partition("\n\n")
        first, _, rest = body.partition("\n\n")
        text = f"{title}\n\n{first}\n\n{block}\n\n{rest}"
    DOCS.write_text(text, encoding="utf-8")


def render_docs(results: dict[str, Any]) -> str:
    info = results["machine"]
    lines = [
        "## Latest run (`benchmarks/run.py`)",
        "",
        "Written by `benchmarks/run.py` (its docstring says what each figure is); the raw",
        "figures are in `benchmarks/results/run.json`. The sections after this one are the",
        "history: what was slow, what the profile showed, and what changed.",
        "",
        f"- When: {results['at']}; sizes: {', '.join(f'{int(s):,}' for s in results['sizes'])} deals; "
        f"runs per figure: {results['runs']} (median, min–max).",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}, "
        f"Python {info['python']}.",
        "",
        "### How to reproduce",
        "",
        "```bash",
        ".venv/bin/pip install -e . --group bench   # or: pip install pyte",
        ".venv/bin/python benchmarks/run.py           # all sizes (the 1M database takes minutes to make once)",
        ".venv/bin/python benchmarks/run.py --sizes 1000,10000 --runs 3   # a quick look",
        "```",
        "",
        "### Targets",
        "",
        "| target | measured | limit | |",
        "|---|---:|---:|---|",
    ]
    for item in results["targets"]:
        verdict = {True: "met", False: "**missed**", None: "—"}[item["met"]]
        lines.append(
            f"| {item['target']} | {_value(item['value'], item['unit'])} | "
            f"{_value(item['limit'], item['unit'])} | {verdict} |"
        )
    lines += ["", "### Figures", ""]
    for deals, size in results["sizes"].items():
        lines += [f"#### {int(deals):,} deals", ""]
        lines += _figures(size)
        lines.append("")
    for name in ("demo", "import", "kanban"):
        if name in results:
            lines += [f"#### {name}", "", "```json", json.dumps(results[name], indent=2), "```", ""]
    if results.get("notes"):
        lines += ["### Notes", "", *results["notes"], ""]
    return "\n".join(lines)


def _figures(size: dict[str, Any]) -> list[str]:
    lines = ["| figure | median | min | max |", "|---|---:|---:|---:|"]

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and ("median_ms" in value or "median" in value):
            suffix, unit = ("_ms", " ms") if "median_ms" in value else ("", "")
            low, mid, high = (value.get(k + suffix) for k in ("min", "median", "max"))
            lines.append(f"| {prefix} | {_number(mid)}{unit} | {_number(low)} | {_number(high)} |")
            for key, inner in value.items():
                if isinstance(inner, dict):
                    walk(f"{prefix} · {key}", inner)
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix} · {key}" if prefix else key, inner)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            lines.append(f"| {prefix} | {_number(value)} | | |")

    walk("", size)
    return lines


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else ""


# --- the run ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"of {', '.join(SECTIONS)}")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=RESULTS / "run.json")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/performance.md alone")
    args = parser.parse_args()
    sizes = [int(text.replace("_", "")) for text in args.sizes.split(",") if text.strip()]
    only = {name.strip() for name in args.only.split(",")}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "runs": args.runs,
        "sizes": {},
        "failures": [],
    }

    def step(label: str, call: Callable[[], Any]) -> Any:
        print(f"… {label}", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            return call()
        except Exception as err:  # noqa: BLE001 - one broken measurement must not lose the rest
            traceback.print_exc()
            results["failures"].append(f"{label}: {type(err).__name__}: {err}")
            return None
        finally:
            print(f"  {label}: {time.perf_counter() - began:.1f} s", file=sys.stderr)

    for deals in sizes:
        path = step(f"database of {deals:,} deals", lambda deals=deals: database(deals))
        if path is None:
            continue
        size: dict[str, Any] = {}
        if only & {"start", "keys", "rss"}:
            figures = step(
                f"terminal at {deals:,}", lambda path=path: measure_terminal(path, args.runs, only)
            )
            if figures:
                size["terminal"] = figures
        if "reports" in only:
            figures = step(
                f"reports at {deals:,}", lambda path=path: measure_reports(path, args.runs)
            )
            if figures:
                size["reports"] = figures
        results["sizes"][str(deals)] = size
    if "demo" in only:
        results["demo"] = step("funnel demo", lambda: measure_demo(sizes))
    if "import" in only:
        results["import"] = step("funnel import", lambda: measure_import_rows(args.import_rows))
    if "kanban" in only:
        results["kanban"] = step("kanban-tui", lambda: measure_kanban(args.runs))
    results["targets"] = targets(results)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    show(results)
    if not args.no_docs:
        write_docs(results)
    print(f"written to {args.out}" + ("" if args.no_docs else f" and {DOCS}"))
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
