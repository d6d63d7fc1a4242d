"""Board benchmark (issue 3): start-up, move key and filter key at scale, beside a bare app.

Usage:  .venv/bin/python benchmarks/board_bench.py [--deals 100000] [--runs 5]

Each scenario runs in a fresh process (so peak RSS is its own), headless at 120x40. Times:
- start: from launching the process to the board drawn with its cards (for the bare app:
  a Header, a Label and a Footer drawn). Includes the interpreter's own start-up, for both.
- move / filter: from the key press to the repainted frame having been rendered to terminal
  bytes (headless Textual skips that rendering; we do it, so its cost is counted).
The database is made once with `funnel demo` and cached in benchmarks/.cache/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import database  # noqa: E402  (the cached demo databases; others import it here)

SIZE = (120, 40)


# --- child processes ------------------------------------------------------------------------


def _instrument(app) -> dict:  # type: ignore[no-untyped-def]
    """Record when frames are rendered, and their size in bytes, as a terminal would get them."""
    from textual._compositor import CompositorUpdate

    frames = {"last": 0.0, "bytes": 0, "paints": [], "loaded_at": 0.0}
    original = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        if isinstance(renderable, CompositorUpdate):
            frames["bytes"] += len(renderable.render_segments(app.console).encode())
            frames["last"] = time.perf_counter()
            frames["paints"].append(frames["last"])
        return original(screen, renderable)

    app._display = display
    return frames


async def _wait(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the board did not get there in time")
        await asyncio.sleep(0.0005)


async def _after_key(pilot, board, frames, key: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Seconds from pressing `key` to the first frame rendered after the board reloaded."""
    loads, sent = board.loads, frames["bytes"]
    start = time.perf_counter()
    # Not `await pilot.press`: it waits for the screen to settle (a ~60 ms floor of its own).
    pressing = asyncio.create_task(pilot.press(key))
    await _wait(lambda: board.loads > loads)
    loaded_at = frames["loaded_at"]
    await _wait(lambda: any(t >= loaded_at for t in frames["paints"]), timeout=2.0)
    painted = min(t for t in frames["paints"] if t >= loaded_at)
    frames["paints"].clear()
    await pressing
    return painted - start, frames["bytes"] - sent


def _watch_loads(board, frames) -> None:  # type: ignore[no-untyped-def]
    original = board._update_titles

    def update_titles() -> None:
        original()
        frames["loaded_at"] = time.perf_counter()

    board._update_titles = update_titles


def child_board(db: str, launched: float, keys: int) -> dict:
    from funnel_tui.bootstrap import build_app
    from funnel_tui.config import Settings
    from funnel_tui.ui.widgets.stage_column import StageColumn

    app = build_app(Settings(currency="RUB", start_screen="board"), db, login="anna")
    frames = _instrument(app)
    result: dict = {}

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            board = app.screen
            _watch_loads(board, frames)
            await _wait(lambda: board.loads >= 1)
            await _wait(lambda: frames["last"] > 0 and isinstance(app.focused, StageColumn))
            await asyncio.sleep(0.2)  # let the first frame's windows settle
            result["start"] = frames["last"] - launched
            moves, move_bytes = [], []
            for index in range(keys):
                seconds, sent = await _after_key(
                    pilot, board, frames, ">" if index % 2 == 0 else "<"
                )
                moves.append(seconds)
                move_bytes.append(sent)
            await pilot.press("slash")
            filters = []
            for index in range(keys):
                letter = "a" if index % 2 == 0 else "backspace"
                seconds, _ = await _after_key(pilot, board, frames, letter)
                filters.append(seconds)
            result.update(move=moves, move_bytes=move_bytes, filter=filters)

    asyncio.run(run())
    return result


def child_bare(launched: float) -> dict:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Label("Hello")
            yield Footer()

    app = Bare()
    frames = _instrument(app)
    result: dict = {}

    async def run() -> None:
        async with app.run_test(size=SIZE):
            await _wait(lambda: frames["last"] > 0)
            await asyncio.sleep(0.2)
            result["start"] = frames["last"] - launched

    asyncio.run(run())
    return result


# --- parent ---------------------------------------------------------------------------------


def spawn(kind: str, db: Path | None, keys: int) -> dict:
    launched = time.perf_counter()
    # perf_counter is CLOCK_MONOTONIC on Linux: comparable across processes.
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--launched",
        repr(launched),
        "--keys",
        str(keys),
    ]
    if db is not None:
        command += ["--db", str(db)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def summary(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:7.1f} ms (min {min(values) * 1000:.1f}, "
        f"max {max(values) * 1000:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--child")
    parser.add_argument("--launched", type=float)
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        result = (
            child_board(args.db, args.launched, args.keys)
            if args.child == "board"
            else child_bare(args.launched)
        )
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    db = database(args.deals)
    bare = [spawn("bare", None, 0) for _ in range(args.runs)]
    boards = [spawn("board", db, args.keys) for _ in range(args.runs)]
    bare_start = statistics.median(r["start"] for r in bare)
    board_start = statistics.median(r["start"] for r in boards)
    moves = [t for r in boards for t in r["move"]]
    filters = [t for r in boards for t in r["filter"]]
    move_bytes = [b for r in boards for b in r["move_bytes"]]
    report = {
        "deals": args.deals,
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "bare_start_s": bare_start,
        "board_start_s": board_start,
        "start_target_s": 1.5 * bare_start + 0.3,
        "move_median_s": statistics.median(moves),
        "filter_median_s": statistics.median(filters),
        "move_bytes_median": statistics.median(move_bytes),
        "bare_rss_mb": max(r["rss_mb"] for r in bare),
        "board_rss_mb": max(r["rss_mb"] for r in boards),
    }
    print(f"deals: {args.deals:,}   runs: {args.runs}   keys per run: {args.keys}")
    print(f"start, bare app     {summary([r['start'] for r in bare])}")
    print(
        f"start, board        {summary([r['start'] for r in boards])}   "
        f"target < {report['start_target_s'] * 1000:.0f} ms (1.5 x bare + 300 ms)"
    )
    print(f"move key to frame   {summary(moves)}   target < 50 ms median")
    print(f"filter key to frame {summary(filters)}   target < 50 ms median")
    print(f"bytes per move      {statistics.median(move_bytes):,.0f}")
    print(
        f"peak RSS            bare {report['bare_rss_mb']:.0f} MB, board {report['board_rss_mb']:.0f} MB"
        "   target < 250 MB"
    )
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"board-{args.deals}.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
