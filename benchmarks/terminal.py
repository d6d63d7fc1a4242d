"""Terminal benchmarks (issue 11): start-up, keystroke to repainted screen, bytes written to
the terminal and peak RSS, for Funnel beside a bare Textual app, at 120×40.

API (for benchmarks/run.py; every figure is `{"median_ms", "min_ms", "max_ms", "samples"}`, or
`{"median", "min", "max", "samples"}` for bytes and MiB; times in milliseconds):

    database(deals) -> Path
        The cached `funnel demo` database (benchmarks/.cache/demo-N.db), made when missing.
        The functions below never write to it: each works on a copy in a temporary directory.
    measure_start(db: Path | None, runs=5, *, headless=True, timeout=60.0) -> dict
        Start to a board ready for keys: Funnel over `db`, or the bare app (bare_app.py) when
        `db` is None. Keys: app, deals, runs, size, pty, bytes (written to the terminal up to
        ready), headless (None with headless=False), rss_mb, headless_rss_mb, ready_text,
        errors.
    measure_start_pair(db: Path, runs=5, *, headless=True, timeout=60.0) -> dict
        Both of the above, Funnel and the bare app started turn about (the better ratio on a
        busy machine): {"bare", "funnel", "verdict"}.
    measure_keys(db: Path, runs=3, *, keys=10, timeout=60.0) -> dict
        Keystroke to repainted screen, under the pty, for focus_move, deal_move, filter_key,
        filter_backspace, open_deal, close_deal, open_funnel, close_funnel,
        first_open_deal, first_open_funnel: each a figure with a `bytes` figure beside it
        (focus_bytes and move_bytes repeat those of focus_move and deal_move). Also rss_mb
        (peak over the session), errors. TARGET_ACTIONS names the five with the 50 ms target.
    start_verdicts(funnel: dict, bare: dict) -> dict
        The start-up ratio funnel/bare and the issue's start target at that size.
    key_verdicts(keys: dict) -> dict
        The keystroke and bytes targets against a `measure_keys` result.
    kanban_tui.measure_kanban_tui(cards=1000, runs=5) -> dict   (benchmarks/kanban_tui.py)

Import it as `benchmarks.terminal` (repo root on sys.path) or as `terminal` (benchmarks/ on
sys.path, as when running a script there): both work.

A figure that could not be measured is None and the reason is in `errors` (a stuck app is
killed after `timeout` seconds; the run goes on).

What is measured, exactly:
- pty start: from just before the process is spawned (`funnel --db COPY`, or
  `python benchmarks/bare_app.py`) on a fresh pty of 120×40 with TERM=xterm-256color (no
  COLORTERM: 256 colours, as over a plain SSH session) to the last byte of the output burst
  after which the screen, drawn by pyte, shows the board ready: the column counts
  ("N deals ·"), a card title of the first pipeline, and the board's footer keys ("Move ▶";
  with the filter box focused instead, the footer would show its own keys), with "Opening the
  database…" gone. Bare app: "Hello" and its footer's "Quit". The output must then stay quiet
  for 100 ms (SETTLE_S); the time is of the last byte, not the end of that window.
  Funnel runs with a config file of its own (FUNNEL_TUI_CONFIG: start_screen = "board",
  auto_backup = false, language = "en") and a data dir of its own; the copy of the database
  has the OS login as a lead (added to the copy when missing), so the app never turns the
  board to a newcomer's own deals.
- headless start: as benchmarks/board_bench.py: the app in a fresh process under
  `run_test(size=(120, 40))`, frames rendered to terminal bytes as a terminal would get
  them; from process launch to the last frame once the board has loaded its cards and a
  column has focus (bare app: its first frame), read 200 ms later.
- rss_mb: the app's VmHWM (peak resident set) from /proc just before `q` is sent. In
  measure_start that is at the ready board (the full store opens after it, so this is the
  start's footprint); in measure_keys it is the peak over a whole session (store open, deal
  pane, funnel analytics): the figure for the issue's RSS targets.
- keys: from writing the key's bytes to the pty to the last byte of the burst after which
  the screen shows the key's effect and the output has been quiet for 100 ms. bytes: all the
  bytes read from the pty for that key. Effects waited for:
    focus_move     right / left alternately: any cell changed (colours count: focus shows
                   only in them);
    deal_move      `>` then `<` on the first column's top card (the first stage has no exit
                   questions, and a step back before the key stage asks none): the column
                   counts become the expected ones (the deal is read again and shown);
    filter_key     `/` once, then the letter `a`: "matching “a”" shown (the filtered board);
    filter_backspace  backspace after it: the unfiltered counts shown again;
    open_deal      enter: the deal pane with its timeline ("Timeline · N entries") and no
                   "Loading…" (the pane shows its last content until its read lands);
    close_deal     escape back to the board;
    open_funnel    `f`: the funnel chart ("whole funnel …"), no "Loading…";
    close_funnel   escape back to the board.
    first_open_deal / first_open_funnel  the first opening in the run (modules imported on
                   first use), measured apart: once per run, in the warm-up.
  Before the measured keys, a warm-up (unmeasured but for the first openings): one move
  there and back, which waits for the full store to open (it opens in a thread after the
  first frame and competes with the UI for the GIL meanwhile), then the deal pane and the
  funnel opened and closed once. The quiet window is 250 ms (SCREEN_SETTLE_S) for opening
  and closing screens: they paint in steps, seen up to ~100 ms apart. Closing with escape includes
  Textual's ESCDELAY (100 ms: a lone ESC byte might begin a key sequence), as in a real
  terminal. `keys` is the number of each alternating key (focus, move, filter), and twice
  the number of deal-pane and funnel openings.
  The database is copied afresh for every run (moves write). A key that gets no such screen
  within 10 s is an error; the run goes back to the board or gives up its remaining keys.
- The pty answers no terminal queries: Textual, asking whether the terminal supports
  synchronized output, gets no answer and sends its frames without the ?2026 brackets
  (16 bytes a frame less than to a terminal that answers).

Try it:  .venv/bin/python benchmarks/terminal.py --deals 10000 --runs 3 [--kanban] [--json F]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script, or imported as a top-level `terminal`
    sys.path.insert(0, str(HERE.parent))

from benchmarks.common import (  # noqa: E402 - after the path set-up
    database,
    funnel_command,
    stats,
    until_ready,
)
from benchmarks.pty_session import (  # noqa: E402 - after the path set-up above
    COLUMNS,
    LINES,
    SETTLE_S,
    PtySession,
    SessionError,
    pty_available,
)

SIZE = (COLUMNS, LINES)

RIGHT, LEFT = b"\x1b[C", b"\x1b[D"
ENTER, ESCAPE, BACKSPACE = b"\r", b"\x1b", b"\x7f"

COUNTS = re.compile(r"(\d[\d,]*) deals? ·")
SCREEN_SETTLE_S = 0.25
"""The quiet window for opening and closing a screen: the deal pane and the funnel paint in
steps up to ~90 ms apart (summary, form, timeline), longer than SETTLE_S."""
TARGET_KEY_MS = 50.0
TARGET_FOCUS_BYTES = 3 * 1024


# --- figures -----------------------------------------------------------------------------------


def figure_ms(seconds: Sequence[float]) -> dict[str, Any] | None:
    """common.stats of `seconds`; None when there are none."""
    return stats(seconds) if seconds else None


def figure(values: Sequence[float], digits: int = 1) -> dict[str, Any] | None:
    if not values:
        return None
    shown = [round(v, digits) for v in values]
    return {
        "median": round(statistics.median(shown), digits),
        "min": min(shown),
        "max": max(shown),
        "samples": shown,
    }


# --- databases -------------------------------------------------------------------------------


def _write_config(directory: Path) -> Path:
    config = directory / "config.toml"
    config.write_text('start_screen = "board"\nauto_backup = false\nlanguage = "en"\n')
    return config


def os_login() -> str:
    """The login Funnel acts as (its `os_login`: the effective user, not $USER)."""
    return pwd.getpwuid(os.geteuid()).pw_name


@dataclass(frozen=True, slots=True)
class BoardCopy:
    path: Path
    titles: tuple[str, ...]
    """The starts of the first pipeline's open deals' titles: one of them shows when the
    board has drawn its cards."""


def copy_database(source: Path, directory: Path, name: str = "funnel.db") -> BoardCopy:
    """A copy of `source` in `directory`, with the OS login a lead of it; never writes to
    `source` (a non-empty -wal beside it is copied too)."""
    target = directory / name
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        target.with_name(target.name + "-wal").chmod(0o600)
    # As `funnel demo` makes it: a copy readable by everyone would cost a warning at start.
    target.chmod(0o600)
    login = os_login()
    with contextlib.closing(sqlite3.connect(target)) as db:
        row = db.execute("SELECT role FROM users WHERE login = ?", (login,)).fetchone()
        if row is None:
            first = db.execute("SELECT MIN(created_at) FROM users").fetchone()[0]
            db.execute(
                "INSERT INTO users (login, display_name, role, created_at) VALUES (?, ?, ?, ?)",
                (login, login, "lead", first or "2025-01-01 00:00:00.000000"),
            )
        elif row[0] != "lead":
            db.execute("UPDATE users SET role = 'lead' WHERE login = ?", (login,))
        db.commit()
        titles = [
            title
            for (title,) in db.execute(
                "SELECT DISTINCT title FROM deals WHERE pipeline_id = "
                "(SELECT id FROM pipelines WHERE archived_at IS NULL ORDER BY position LIMIT 1)"
                " AND closed_at IS NULL AND deleted_at IS NULL LIMIT 500"
            )
        ]
    starts = tuple(sorted({title.strip()[:10] for title in titles if title.strip()}))
    return BoardCopy(target, starts)


def _app_env(home: Path) -> dict[str, str]:
    """The environment of an app under test: a terminal like xterm over SSH, English, and
    Funnel's config and data dir in `home` (the user's own are never touched)."""
    dropped = (
        "COLORTERM",
        "NO_COLOR",
        "FORCE_COLOR",
        "COLUMNS",
        "LINES",
        "TMUX",
        "STY",
        "ESCDELAY",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("TEXTUAL", "FUNNEL"))
    }
    env.update(
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        FUNNEL_TUI_CONFIG=str(_write_config(home)),
        FUNNEL_TUI_DATA_DIR=str(home / "data"),
        PYTHONUNBUFFERED="1",
    )
    return env


# --- what the screen shows ---------------------------------------------------------------------


def column_counts(lines: Sequence[str]) -> tuple[int, ...] | None:
    """The board's column counts ("30 deals · 5%"), left to right; None when not shown."""
    for line in lines:
        found = COUNTS.findall(line)
        if found:
            return tuple(int(n.replace(",", "")) for n in found)
    return None


def board_ready(titles: Sequence[str]) -> Callable[[PtySession], bool]:
    def ready(session: PtySession) -> bool:
        lines = session.text()
        shown = "\n".join(lines)
        return (
            "Move ▶" in lines[-1]
            and "Opening the database" not in shown
            and column_counts(lines) is not None
            and any(title in shown for title in titles)
        )

    return ready


def bare_ready(session: PtySession) -> bool:
    lines = session.text()
    return "Hello" in "\n".join(lines) and "Quit" in lines[-1]


def showing(*texts: str, absent: Sequence[str] = ()) -> Callable[[PtySession], bool]:
    def ready(session: PtySession) -> bool:
        shown = "\n".join(session.text())
        return all(text in shown for text in texts) and not any(a in shown for a in absent)

    return ready


def board_back(counts: tuple[int, ...]) -> Callable[[PtySession], bool]:
    """The board again, with these column counts, its own footer and no filter."""

    def ready(session: PtySession) -> bool:
        lines = session.text()
        return "Move ▶" in lines[-1] and column_counts(lines) == counts

    return ready


# --- start -------------------------------------------------------------------------------------


class _Start:
    """One app's start-up samples, over a copy of its database in a temporary home."""

    def __init__(self, db: Path | None, home: Path, headless: bool, timeout: float) -> None:
        self.db, self.headless, self.timeout = db, headless, timeout
        self.env = _app_env(home)
        self.board = None if db is None else copy_database(db, home)
        self.ready: Callable[[PtySession], bool]
        if self.board is None:
            self.argv = [sys.executable, str(HERE / "bare_app.py")]
            self.ready, self.ready_text = bare_ready, "Hello + footer Quit"
        else:
            self.argv = [*funnel_command(), "--db", str(self.board.path)]
            self.ready = board_ready(self.board.titles)
            self.ready_text = "column counts + a card title + footer Move ▶"
        self.errors: list[str] = []
        self.pty_times: list[float] = []
        self.bytes: list[float] = []
        self.rss: list[float] = []
        self.headless_times: list[float] = []
        self.headless_rss: list[float] = []
        self.tries = 0

    def once(self) -> None:
        """One pty start and, if asked, one headless start; after two tries that all failed,
        nothing (do not wait out every run's timeout)."""
        self.tries += 1
        if self.tries > 2 and not self.pty_times and not self.headless_times:
            return
        try:
            seconds, peak, sent = _start_once(self.argv, self.env, self.ready, self.timeout)
        except SessionError as err:
            self.errors.append(f"pty start: {err}")
        else:
            self.pty_times.append(seconds)
            self.bytes.append(float(sent))
            if peak is not None:
                self.rss.append(peak)
        if not self.headless:
            return
        try:
            result = _headless_child(
                self.board.path if self.board else None, self.env, self.timeout
            )
        except subprocess.CalledProcessError as err:
            lines = (err.stderr or "").strip().splitlines()
            self.errors.append(f"headless start: {lines[-1] if lines else err}")
        except (subprocess.SubprocessError, ValueError, KeyError) as err:
            self.errors.append(f"headless start: {err}")
        else:
            self.headless_times.append(result["start_s"])
            self.headless_rss.append(result["rss_mb"])

    def result(self, runs: int) -> dict[str, Any]:
        return {
            "app": "bare" if self.db is None else "funnel",
            "deals": _deal_count(self.db),
            "runs": runs,
            "size": f"{COLUMNS}x{LINES}",
            "pty": figure_ms(self.pty_times),
            "bytes": figure(self.bytes, digits=0),
            "headless": figure_ms(self.headless_times) if self.headless else None,
            "rss_mb": figure(self.rss),
            "headless_rss_mb": figure(self.headless_rss) if self.headless else None,
            "ready_text": self.ready_text,
            "errors": self.errors,
        }


def measure_start(
    db: Path | None, runs: int = 5, *, headless: bool = True, timeout: float = 60.0
) -> dict[str, Any]:
    """Start to a board ready for keys: Funnel over a copy of `db`, or the bare app."""
    why_not = pty_available()
    with tempfile.TemporaryDirectory(prefix="funnel-bench-") as work:
        start = _Start(db, Path(work), headless, timeout)
        if why_not is not None:
            start.errors.append(why_not)
            return start.result(runs)
        for _ in range(runs):
            start.once()
        return start.result(runs)


def measure_start_pair(
    db: Path, runs: int = 5, *, headless: bool = True, timeout: float = 60.0
) -> dict[str, Any]:
    """Funnel and the bare app started turn about (bare, funnel, bare, …), so that a machine
    growing busier or quieter during the run weighs on both alike: {"bare", "funnel",
    "verdict"} (the two `measure_start` results and `start_verdicts` of them)."""
    why_not = pty_available()
    with (
        tempfile.TemporaryDirectory(prefix="funnel-bench-") as bare_home,
        tempfile.TemporaryDirectory(prefix="funnel-bench-") as funnel_home,
    ):
        bare = _Start(None, Path(bare_home), headless, timeout)
        funnel = _Start(db, Path(funnel_home), headless, timeout)
        for _ in range(runs if why_not is None else 0):
            bare.once()
            funnel.once()
        if why_not is not None:
            bare.errors.append(why_not)
            funnel.errors.append(why_not)
        results = bare.result(runs), funnel.result(runs)
    return {
        "bare": results[0],
        "funnel": results[1],
        "verdict": start_verdicts(results[1], results[0]),
    }


def _start_once(
    argv: Sequence[str], env: dict[str, str], ready: Callable[[PtySession], bool], timeout: float
) -> tuple[float, float | None, int]:
    with PtySession(argv, env, size=SIZE) as session:
        burst = session.wait_for(
            ready, since=0, after=session.launched, timeout=timeout, what="ready screen"
        )
        peak = session.peak_rss_mb()
        session.close(b"q")
        return burst.end - session.launched, peak, burst.bytes


def _deal_count(db: Path | None) -> int | None:
    if db is None:
        return None
    match = re.fullmatch(r"demo-(\d+)\.db", db.name)
    if match:
        return int(match.group(1))
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM deals WHERE deleted_at IS NULL").fetchone()[
            0
        ]
    return count


def _headless_child(db: Path | None, env: dict[str, str], timeout: float) -> dict[str, float]:
    launched = time.perf_counter()  # CLOCK_MONOTONIC on Linux: comparable across processes
    command = [sys.executable, str(Path(__file__).resolve()), "--child", repr(launched)]
    if db is not None:
        command += ["--db", str(db)]
    child_env = {k: v for k, v in env.items() if k != "TERM"}
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=timeout, env=child_env
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def _child(db: str | None, launched: float) -> dict[str, float]:
    """In the child process: start headless, return start_s and rss_mb."""
    import asyncio
    import resource

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
        app = build_app(settings, db, login=os_login())
    frames = {"last": 0.0}
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console).encode()
            frames["last"] = time.perf_counter()
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    result: dict[str, float] = {}

    async def run() -> None:
        async with app.run_test(size=SIZE):
            await until_ready(app, lambda: frames["last"] > 0, board=db is not None)
            await asyncio.sleep(0.2)  # the first frame's follow-ups
            result["start_s"] = frames["last"] - launched

    asyncio.run(run())
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# --- keys --------------------------------------------------------------------------------------


@dataclass
class _Samples:
    times: list[float]
    bytes: list[int]
    firsts: list[float]

    def figure(self) -> dict[str, Any] | None:
        shown = figure_ms(self.times)
        if shown is not None:
            shown["bytes"] = figure([float(b) for b in self.bytes], digits=0)
            # When the change was first on screen (the figure itself: when the screen was
            # final, the last frame of the burst drawn).
            shown["first_shown"] = figure_ms(self.firsts)
        return shown


ACTIONS = (
    "focus_move",
    "deal_move",
    "filter_key",
    "filter_backspace",
    "open_deal",
    "close_deal",
    "open_funnel",
    "close_funnel",
    "first_open_deal",
    "first_open_funnel",
)
TARGET_ACTIONS = ("focus_move", "deal_move", "filter_key", "open_deal", "open_funnel")
"""The actions the issue sets the 50 ms target for."""


def measure_keys(
    db: Path, runs: int = 3, *, keys: int = 10, timeout: float = 60.0
) -> dict[str, Any]:
    """Keystroke to repainted screen under the pty (see the module docstring)."""
    samples = {action: _Samples([], [], []) for action in ACTIONS}
    errors: list[str] = []
    rss: list[float] = []
    why_not = pty_available()
    if why_not is not None:
        errors.append(why_not)
    for run in range(runs if why_not is None else 0):
        if run >= 2 and not rss:
            break  # it fails every time: do not wait out every run's timeout
        with tempfile.TemporaryDirectory(prefix="funnel-bench-") as work:
            home = Path(work)
            board = copy_database(db, home)  # afresh: moves write
            argv = [*funnel_command(), "--db", str(board.path)]
            try:
                with PtySession(argv, _app_env(home), size=SIZE) as session:
                    session.wait_for(
                        board_ready(board.titles),
                        since=0,
                        after=session.launched,
                        timeout=timeout,
                        what="ready board",
                    )
                    _keys_once(session, keys, samples, errors)
                    peak = session.peak_rss_mb()
                    if peak is not None:
                        rss.append(peak)
                    session.close(b"q")
            except SessionError as err:
                errors.append(f"keys: {err}")
    result: dict[str, Any] = {
        "deals": _deal_count(db),
        "runs": runs,
        "keys": keys,
        "size": f"{COLUMNS}x{LINES}",
    }
    for action in ACTIONS:
        result[action] = samples[action].figure()
    # The two bytes figures, at the top level too.
    for name, action in (("focus_bytes", "focus_move"), ("move_bytes", "deal_move")):
        shown = result[action]
        result[name] = shown["bytes"] if shown else None
    result["rss_mb"] = figure(rss)
    result["errors"] = errors
    return result


def _keys_once(
    session: PtySession, keys: int, samples: dict[str, _Samples], errors: list[str]
) -> None:
    """One run's keystrokes; an action that fails is reported and the run goes on when the
    board can be got back."""

    def press(
        action: str | None,
        key: bytes,
        ready: Callable[[PtySession], bool],
        what: str,
        settle: float = SETTLE_S,
    ) -> None:
        since = session.mark()
        start = session.send(key)
        burst = session.wait_for(
            ready, since=since, after=start, timeout=10.0, settle=settle, what=what
        )
        if action is not None:
            samples[action].times.append(burst.end - start)
            samples[action].bytes.append(burst.bytes)
            samples[action].firsts.append(burst.first - start)

    counts = column_counts(session.text())
    if counts is None or len(counts) < 2 or counts[0] < 1:
        errors.append(f"keys: the board's first column has no card to move (counts {counts})")
        return
    home_board = board_back(counts)

    def step(name: str, run: Callable[[], None]) -> bool:
        try:
            run()
        except SessionError as err:
            errors.append(f"{name}: {err}")
            # Back to the board for the next action, if it can be had.
            for key in (ESCAPE, ESCAPE, BACKSPACE, ESCAPE):
                session.send(key)
                session.quiet(0.3)
            return home_board(session)
        return True

    deal_pane_ready = showing("Timeline · ", " entries", "Details", absent=("Loading…",))
    funnel_ready = showing("whole funnel", absent=("Loading…",))
    moved = (counts[0] - 1, counts[1] + 1, *counts[2:])

    def warm_up() -> None:
        """Once, unmeasured but for the first openings: a move there and back waits for the
        full store to open (after the first frame, in a thread that competes with the UI for
        the GIL meanwhile); the first deal pane and funnel screen import their modules."""
        press(None, b">", board_back(moved), "column counts after the warm-up move")
        press(None, b"<", board_back(counts), "column counts after the warm-up move back")
        press("first_open_deal", ENTER, deal_pane_ready, "deal pane", SCREEN_SETTLE_S)
        press(None, ESCAPE, home_board, "board after the deal pane", SCREEN_SETTLE_S)
        press("first_open_funnel", b"f", funnel_ready, "funnel chart", SCREEN_SETTLE_S)
        press(None, ESCAPE, home_board, "board after the funnel", SCREEN_SETTLE_S)

    def focus() -> None:
        for index in range(keys):
            before = session.look()
            press(
                "focus_move",
                RIGHT if index % 2 == 0 else LEFT,
                lambda s, before=before: s.look() != before,  # type: ignore[misc]
                "focus change",
            )
        if keys % 2:  # back on the first column
            before = session.look()
            press(None, LEFT, lambda s, before=before: s.look() != before, "focus change")  # type: ignore[misc]

    def move() -> None:
        for index in range(keys):
            forward = index % 2 == 0
            press(
                "deal_move",
                b">" if forward else b"<",
                board_back(moved if forward else counts),
                "column counts after the move",
            )
        if keys % 2:  # end as it began
            press(None, b"<", board_back(counts), "the deal moved back")

    def filter_keys() -> None:
        press(None, b"/", showing("Filter: title"), "filter box")
        for index in range(keys):
            if index % 2 == 0:
                press("filter_key", b"a", showing("matching “a”"), "filtered board")
            else:
                press(
                    "filter_backspace",
                    BACKSPACE,
                    lambda s: (
                        column_counts(s.text()) == counts
                        and "matching “" not in "\n".join(s.text())
                    ),
                    "unfiltered board",
                )
        if keys % 2:
            press(None, BACKSPACE, lambda s: column_counts(s.text()) == counts, "unfiltered")
        press(None, ESCAPE, home_board, "board after the filter")

    def deal_pane() -> None:
        for _ in range(max(1, keys // 2)):
            press("open_deal", ENTER, deal_pane_ready, "deal pane", SCREEN_SETTLE_S)
            press("close_deal", ESCAPE, home_board, "board after the deal pane", SCREEN_SETTLE_S)

    def funnel() -> None:
        for _ in range(max(1, keys // 2)):
            press("open_funnel", b"f", funnel_ready, "funnel chart", SCREEN_SETTLE_S)
            press("close_funnel", ESCAPE, home_board, "board after the funnel", SCREEN_SETTLE_S)

    for name, run in (
        ("warm-up", warm_up),
        ("focus move", focus),
        ("deal move", move),
        ("filter", filter_keys),
        ("deal pane", deal_pane),
        ("funnel", funnel),
    ):
        if not step(name, run):
            errors.append(f"{name}: the board could not be got back; the run's other keys skipped")
            return


# --- verdicts ----------------------------------------------------------------------------------


def start_verdicts(funnel: dict[str, Any], bare: dict[str, Any]) -> dict[str, Any]:
    """Funnel's start beside the bare app's (pty and headless medians) and the issue's target:
    ≤ 1.2× bare at 1,000 deals; ≤ 1.5× bare + 300 ms at 100,000 (and above)."""
    deals = funnel.get("deals") or 0
    verdict: dict[str, Any] = {"deals": deals}
    for way in ("pty", "headless"):
        mine, base = funnel.get(way), bare.get(way)
        if not mine or not base:
            verdict[way] = None
            continue
        ratio = mine["median_ms"] / base["median_ms"]
        target_ms: float | None = None
        rule = None
        if deals >= 100_000:
            target_ms, rule = 1.5 * base["median_ms"] + 300, "≤ 1.5× bare + 300 ms"
        elif deals <= 1_000:
            target_ms, rule = 1.2 * base["median_ms"], "≤ 1.2× bare"
        verdict[way] = {
            "funnel_ms": mine["median_ms"],
            "bare_ms": base["median_ms"],
            "ratio": round(ratio, 3),
            "target_ms": None if target_ms is None else round(target_ms, 1),
            "target": rule,
            "met": None if target_ms is None else mine["median_ms"] <= target_ms,
        }
    return verdict


def key_verdicts(keys: dict[str, Any]) -> dict[str, Any]:
    """Each action's median against 50 ms (the target at 100,000 deals), and the focus move's
    bytes against 3 KB."""
    verdict: dict[str, Any] = {}
    for action in TARGET_ACTIONS:
        shown = keys.get(action)
        if shown:
            verdict[action] = {
                "median_ms": shown["median_ms"],
                "target_ms": TARGET_KEY_MS,
                "met": shown["median_ms"] <= TARGET_KEY_MS,
            }
    focus = keys.get("focus_move")
    if focus and focus.get("bytes"):
        verdict["focus_move_bytes"] = {
            "median": focus["bytes"]["median"],
            "target": TARGET_FOCUS_BYTES,
            "met": focus["bytes"]["median"] <= TARGET_FOCUS_BYTES,
        }
    return verdict


# --- trying it ---------------------------------------------------------------------------------


def _line(name: str, shown: dict[str, Any] | None, base: dict[str, Any] | None = None) -> str:
    if not shown:
        return f"{name:<22} —"
    text = (
        f"{name:<22} {shown['median_ms']:8.1f} ms  (min {shown['min_ms']:.1f}, "
        f"max {shown['max_ms']:.1f})"
    )
    if base:
        text += f"   bare {base['median_ms']:.1f} ms, ×{shown['median_ms'] / base['median_ms']:.2f}"
    if shown.get("bytes"):
        text += f"   {shown['bytes']['median']:,.0f} B"
    if shown.get("first_shown"):
        text += f"   (on screen at {shown['first_shown']['median_ms']:.1f} ms)"
    return text


@contextlib.contextmanager
def _timer(label: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    print(f"  ({label}: {time.perf_counter() - began:.1f} s)", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--no-headless", action="store_true")
    parser.add_argument(
        "--kanban", action="store_true", help="also kanban-tui at 1,000 cards (installs it)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.db, args.child)))
        return
    db = database(args.deals)
    with _timer("start, bare and funnel turn about"):
        pair = measure_start_pair(db, args.runs, headless=not args.no_headless)
    bare, start = pair["bare"], pair["funnel"]
    with _timer("keys"):
        keys = measure_keys(db, args.runs, keys=args.keys)
    print(
        f"deals: {args.deals:,}   runs: {args.runs}   keys per run: {args.keys}   {COLUMNS}x{LINES}"
    )
    print(_line("start (pty)", start["pty"], bare["pty"]))
    print(_line("start (headless)", start["headless"], bare["headless"]))
    if start["bytes"] and bare["bytes"]:
        print(
            f"{'start bytes':<22} {start['bytes']['median']:8,.0f} B   "
            f"bare {bare['bytes']['median']:,.0f} B"
        )
    for action in ACTIONS:
        print(_line(action, keys[action]))
    for name, result in (("bare", bare), ("funnel start", start), ("funnel keys", keys)):
        if result["rss_mb"]:
            print(f"{'peak RSS ' + name:<22} {result['rss_mb']['max']:8.1f} MB")
    verdicts = {"start": start_verdicts(start, bare), "keys": key_verdicts(keys)}
    print(json.dumps(verdicts, indent=1, ensure_ascii=False))
    kanban: dict[str, Any] | None = None
    if args.kanban:
        from benchmarks.kanban_tui import measure_kanban_tui

        with _timer("kanban-tui"):
            kanban = measure_kanban_tui(1000, args.runs)
        if kanban.get("error"):
            print(f"{'kanban-tui start':<22} — {kanban['error']}")
        else:
            print(_line("kanban-tui start", kanban["pty"]))
            print(f"{'peak RSS kanban-tui':<22} {kanban['rss_mb']['max']:8.1f} MB")
    for result in (bare, start, keys):
        for error in result["errors"]:
            print("error:", error, file=sys.stderr)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "bare": bare,
                    "start": start,
                    "keys": keys,
                    "kanban_tui": kanban,
                    "verdicts": verdicts,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
