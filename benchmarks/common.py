"""What every benchmark shares: the cached `funnel demo` databases, statistics, the machine.

The databases are made once with `funnel demo --deals N --seed 1 --today 2026-11-23` and kept
in benchmarks/.cache/ (1,000,000 deals take a few minutes and ~1 GB); the time it took is
kept beside each one, as the demo's throughput.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
TODAY = "2026-11-23"


def database(deals: int) -> Path:
    """The cached demo database of `deals` deals, made when missing (in a scratch folder,
    then moved into place, so that a run stopped half-way leaves no half-made file)."""
    path = CACHE / f"demo-{deals}.db"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="making-") as scratch:
        made = Path(scratch) / path.name
        seconds = demo(made, deals)
        with contextlib.closing(sqlite3.connect(made)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if not path.exists():  # another run may have made it meanwhile
            made.replace(path)
            _made(path).write_text(json.dumps({"deals": deals, "seconds": round(seconds, 2)}))
    return path


@contextlib.contextmanager
def own_config() -> Iterator[dict[str, str]]:
    """The environment for a `funnel` command under measure: a config of its own (no daily
    backup, which would copy the database when the command exits — 1.7 GB and ~10 s at
    1,000,000 deals —, English, the board first), whatever the user's config says."""
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.toml"
        config.write_text('start_screen = "board"\nauto_backup = false\nlanguage = "en"\n')
        env = dict(os.environ, FUNNEL_TUI_CONFIG=str(config))
        env.pop("FUNNEL_DB", None)
        yield env


def demo(path: Path, deals: int) -> float:
    """Seconds `funnel demo` takes to write `deals` deals into `path` (a fresh process, with
    a config of its own)."""
    with own_config() as env:
        began = time.perf_counter()
        subprocess.run(
            [
                *funnel_command(),
                "--db",
                str(path),
                "demo",
                "--deals",
                str(deals),
                "--seed",
                "1",
                "--today",
                TODAY,
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - began


def demo_seconds(deals: int) -> float | None:
    """How long making the cached database took, if it was made by `database`."""
    made = _made(CACHE / f"demo-{deals}.db")
    return json.loads(made.read_text())["seconds"] if made.exists() else None


def _made(path: Path) -> Path:
    return path.with_name(path.name + ".made.json")


def funnel_command() -> list[str]:
    """The real `funnel` command of this environment (its console script, as a user runs it)."""
    script = Path(sys.executable).parent / "funnel"
    if script.exists():
        return [str(script)]
    found = shutil.which("funnel")
    return [found] if found else [sys.executable, "-m", "funnel_tui"]


def stats(samples: Sequence[float]) -> dict[str, Any]:
    """Median, min and max of `samples` (seconds) in milliseconds, and the samples."""
    ms = [round(seconds * 1000, 2) for seconds in samples]
    return {
        "median_ms": round(statistics.median(ms), 2),
        "min_ms": min(ms),
        "max_ms": max(ms),
        "runs": len(ms),
        "samples": ms,
    }


def machine() -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


async def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll `predicate` every 0.5 ms; TimeoutError after `timeout` seconds."""
    import asyncio

    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("not ready in time")
        await asyncio.sleep(0.0005)


async def until_ready(app: Any, painted: Callable[[], bool], *, board: bool) -> None:
    """Until the app started in-process is ready for keys: with `board`, the board read and
    shown with a column focused; else (the bare app) its first frame painted."""
    if not board:
        await wait_until(painted)
        return
    from funnel_tui.ui.screens.board import BoardScreen
    from funnel_tui.ui.widgets.stage_column import StageColumn

    await wait_until(lambda: isinstance(app.screen, BoardScreen))
    shown = app.screen
    assert isinstance(shown, BoardScreen)
    await wait_until(lambda: shown.loads >= 1)
    await wait_until(lambda: painted() and isinstance(app.focused, StageColumn))
