"""The end-to-end harness: the real `funnel` command, in tmux, on a demo database.

`FUNNEL_E2E_COMMAND` replaces the command (split like a shell line), e.g. to run another
checkout: `FUNNEL_E2E_COMMAND="env PYTHONPATH=/tmp/copy/src .venv/bin/python -m funnel_tui"`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from tests.e2e.terminal import Terminal

HERE = Path(__file__).parent

DEMO_DAY = "2026-11-02"
"""The day the demo data ends on: the same deals, names and histories on every run."""
DEMO_DEALS = 300
DEMO_SEED = 7


def _zone() -> str:
    """A fixed zone away from UTC (so local and UTC times differ), if the machine has it."""
    try:
        ZoneInfo("Europe/Moscow")
    except ZoneInfoNotFoundError:
        return "UTC"
    return "Europe/Moscow"


ZONE = _zone()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here is `e2e` (`-m e2e` / `-m "not e2e"` select them), and all are
    skipped, with the reason, where tmux is missing."""
    missing = shutil.which("tmux") is None
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if missing:
                item.add_marker(
                    pytest.mark.skip(
                        reason="the e2e journeys need tmux (apt-get install tmux; .ci/run does)"
                    )
                )


def funnel_command() -> list[str]:
    """The command under test: FUNNEL_E2E_COMMAND, else the installed `funnel` beside this
    Python (the venv's), else `funnel` on PATH."""
    override = os.environ.get("FUNNEL_E2E_COMMAND", "").strip()
    if override:
        return shlex.split(override)
    beside = Path(sys.executable).with_name("funnel")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("funnel")
    if found is None:
        pytest.fail("no `funnel` command: install the package (pip install -e .)")
    return [found]


def os_login() -> str:
    """Who the app takes the user to be: the OS login (not $USER); the demo makes them its
    lead, so the board shows the whole team's deals."""
    return pwd.getpwuid(os.geteuid()).pw_name


@dataclass
class Funnel:
    """The command, a database and a private home for one test."""

    command: list[str]
    db: Path
    root: Path
    env: dict[str, str]

    def run(self, *args: str) -> str:
        """`funnel --db DB ARGS…` (the real CLI); its standard output. Fails on an error."""
        done = subprocess.run(
            [*self.command, "--db", str(self.db), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"funnel {shlex.join(args)} exited {done.returncode}:\n{done.stderr}")
        return done.stdout

    def export(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("export"))
        return data

    def deals_csv(self) -> dict[int, dict[str, str]]:
        text = self.run("export", "--format", "csv", "--raw")
        return {int(row["id"]): row for row in csv.DictReader(io.StringIO(text))}

    def activities_csv(self) -> list[dict[str, str]]:
        target = self.root / "activities.csv"
        self.run("export", "--format", "csv", "--raw", "--activities", str(target))
        with target.open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    @property
    def log_file(self) -> Path:
        return Path(self.env["XDG_DATA_HOME"]) / "funnel-tui" / "funnel.log"

    def terminal_env(self, term: str, no_color: bool) -> dict[str, str]:
        env = {**self.env, "TERM": term}
        if no_color:
            env["NO_COLOR"] = "1"
        return env


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A demo database (`funnel demo`, fixed seed and day) and an environment of its own:
    HOME and the XDG directories in the test's directory, a config that opens on the board,
    the OS login as USER, a fixed zone, English."""
    root = tmp_path / "e2e"
    dirs = {name: root / name for name in ("home", "config", "data", "cache", "state")}
    for directory in dirs.values():
        directory.mkdir(parents=True)
    config = dirs["config"] / "funnel-tui" / "config.toml"
    config.parent.mkdir()
    # The app would open on the agenda when a contact is due today (it depends on the day the
    # test runs): the journey starts on the board, always.
    config.write_text('start_screen = "board"\nlanguage = "en"\n', encoding="utf-8")
    command = funnel_command()
    login = os_login()
    path = os.pathsep.join(dict.fromkeys([str(Path(command[0]).parent), "/usr/bin", "/bin"]))
    env = {
        "PATH": path,
        "HOME": str(dirs["home"]),
        "XDG_CONFIG_HOME": str(dirs["config"]),
        "XDG_DATA_HOME": str(dirs["data"]),
        "XDG_CACHE_HOME": str(dirs["cache"]),
        "XDG_STATE_HOME": str(dirs["state"]),
        "USER": login,
        "LOGNAME": login,
        "TZ": ZONE,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    made = Funnel(command, root / "funnel.db", root, env)
    made.run(
        "demo",
        "--deals",
        str(DEMO_DEALS),
        "--seed",
        str(DEMO_SEED),
        "--today",
        DEMO_DAY,
    )
    return made


class AppLauncher:
    """Starts the app (`funnel --db DB`) in a fresh tmux server; kills them all at the end."""

    def __init__(self, funnel: Funnel) -> None:
        self._funnel = funnel
        self._opened: list[Terminal] = []

    def __call__(self, width: int, height: int, term: str, no_color: bool) -> Terminal:
        workdir = self._funnel.root / f"tmux-{len(self._opened)}"
        workdir.mkdir()
        terminal = Terminal(workdir, width, height, term)
        terminal.log_file = self._funnel.log_file
        self._opened.append(terminal)
        terminal.start(
            [*self._funnel.command, "--db", str(self._funnel.db)],
            self._funnel.terminal_env(term, no_color),
        )
        return terminal

    def close(self) -> None:
        for terminal in self._opened:
            terminal.kill()


@pytest.fixture
def launch(funnel: Funnel) -> Iterator[AppLauncher]:
    launcher = AppLauncher(funnel)
    try:
        yield launcher
    finally:
        launcher.close()
