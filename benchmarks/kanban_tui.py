"""kanban-tui beside Funnel (issue 11): start to first screen and peak RSS on its own data.

kanban-tui (PyPI `kanban-tui`, command `ktui`) is a Textual kanban board on SQLite. It is
installed into its own venv, benchmarks/.cache/kanban-venv (it pins its own Textual; never
into the project's .venv), when missing. Its data lives where XDG_CONFIG_HOME and
XDG_DATA_HOME point (its `constants.py`): both are set to a temporary directory, with HOME,
so the user's own boards are never touched. The cards are made through its own API, in its
venv's Python: `ktui board create` has no bulk form and `ktui task create` once per card
would take a process each. One board, "Bench", with `cards` tasks titled "Bench card 0000",
… spread over its visible columns.

    measure_kanban_tui(cards=1000, runs=5, *, timeout=90.0) -> dict

runs `ktui` under a pty exactly as benchmarks/terminal.py runs Funnel (120×40,
TERM=xterm-256color, pyte): start = from the spawn to the last byte of the burst after which
the screen shows "Bench card 0000" and the output has been quiet for 100 ms; rss_mb = VmHWM just
before ctrl+q. Returns {"app": "kanban-tui", "version", "cards", "runs", "pty", "rss_mb",
"ready_text", "errors"}; when it cannot be installed or started, {"app": "kanban-tui",
"error": why, ...} with the figures None: the run goes on.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):
    sys.path.insert(0, str(HERE.parent))

from benchmarks.pty_session import PtySession, SessionError, pty_available  # noqa: E402
from benchmarks.terminal import SIZE, figure, figure_ms  # noqa: E402

VENV = HERE / ".cache" / "kanban-venv"
QUIT = b"\x11"  # ctrl+q: `q` is not its quit key
FIRST_CARD = "Bench card 0000"

_FILL = """
import sys
from kanban_tui.app import KanbanTui
from kanban_tui.constants import CONFIG_FILE, DATABASE_FILE

cards = int(sys.argv[1])
app = KanbanTui(config_path=CONFIG_FILE.as_posix(), database_path=DATABASE_FILE.as_posix())
board = app.backend.create_new_board(name="Bench", icon="", column_dict=None)
app.config.set_active_board(new_active_board_id=board.board_id)
columns = [column.column_id for column in app.backend.get_columns() if column.visible]
for index in range(cards):
    app.backend.create_new_task(
        title=f"Bench card {index:04d}",
        description="",
        column=columns[index % len(columns)],
        category=None,
        due_date=None,
    )
print(DATABASE_FILE)
"""


def ensure_installed(timeout: float = 600.0) -> tuple[Path | None, str]:
    """The `ktui` command of its own venv, installing it when missing; else None and why."""
    ktui = VENV / "bin" / "ktui"
    if ktui.exists():
        return ktui, ""
    try:
        VENV.parent.mkdir(parents=True, exist_ok=True)
        if not (VENV / "bin" / "python").exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(VENV)],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "kanban-tui"],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.CalledProcessError as err:
        output = (err.stderr or err.stdout or "").strip().splitlines()
        return None, f"kanban-tui could not be installed: {output[-1] if output else err}"
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"kanban-tui could not be installed: {err}"
    if not ktui.exists():
        return None, f"kanban-tui installed but {ktui} is missing"
    return ktui, ""


def version() -> str | None:
    try:
        return subprocess.run(
            [
                str(VENV / "bin" / "python"),
                "-c",
                "import importlib.metadata as m;print(m.version('kanban-tui'))",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def _env(home: Path) -> dict[str, str]:
    from benchmarks.terminal import _app_env

    env = _app_env(home)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "HOME"):
        path = home / name.lower()
        path.mkdir(exist_ok=True)
        env[name] = str(path)
    env.pop("KANBAN_TUI_CONFIG_FILE", None)
    env.pop("KANBAN_TUI_DATABASE_FILE", None)
    return env


def _ready(session: PtySession) -> bool:
    return FIRST_CARD in "\n".join(session.text())


def measure_kanban_tui(
    cards: int = 1000, runs: int = 5, *, timeout: float = 90.0
) -> dict[str, Any]:
    """Start to first screen and peak RSS of kanban-tui with `cards` cards (module docstring)."""
    result: dict[str, Any] = {
        "app": "kanban-tui",
        "version": None,
        "cards": cards,
        "runs": runs,
        "size": f"{SIZE[0]}x{SIZE[1]}",
        "pty": None,
        "rss_mb": None,
        "ready_text": f"“{FIRST_CARD}” on screen",
        "errors": [],
    }
    why_not = pty_available()
    if why_not is not None:
        result["error"] = why_not
        return result
    ktui, why = ensure_installed()
    if ktui is None:
        result["error"] = why
        return result
    result["version"] = version()
    times: list[float] = []
    rss: list[float] = []
    with tempfile.TemporaryDirectory(prefix="kanban-bench-") as work:
        home = Path(work)
        env = _env(home)
        try:
            subprocess.run(
                [str(VENV / "bin" / "python"), "-c", _FILL, str(cards)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
                cwd=home,
                timeout=max(timeout, cards * 0.1),
            )
        except subprocess.CalledProcessError as err:
            lines = (err.stderr or "").strip().splitlines()
            result["error"] = f"its data could not be made: {lines[-1] if lines else err}"
            return result
        except (OSError, subprocess.TimeoutExpired) as err:
            result["error"] = f"its data could not be made: {err}"
            return result
        for run in range(runs):
            if run >= 2 and not times:
                break  # it fails every time: do not wait out every run's timeout
            try:
                with PtySession([str(ktui)], env, cwd=home, size=SIZE) as session:
                    burst = session.wait_for(
                        _ready,
                        since=0,
                        after=session.launched,
                        timeout=timeout,
                        what=f"“{FIRST_CARD}”",
                    )
                    peak = session.peak_rss_mb()
                    session.close(QUIT)
            except SessionError as err:
                result["errors"].append(f"start: {err}")
                continue
            times.append(burst.end - session.launched)
            if peak is not None:
                rss.append(peak)
    result["pty"] = figure_ms(times)
    result["rss_mb"] = figure(rss)
    if not times:
        result["error"] = "it never showed its board: " + "; ".join(result["errors"])[:500]
    return result


if __name__ == "__main__":
    import json

    print(
        json.dumps(measure_kanban_tui(runs=int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=2)
    )
