"""A real terminal for the end-to-end tests: the app runs in a private tmux server.

Every test gets a server of its own (`tmux -L <unique name>`, so the user's sessions and a
parallel test's are never touched) with a config of its own (`-f`): no status line (the pane
is the whole W×H window), the TERM under test, and `remain-on-exit` so that the last screen
can still be read after the app has gone. The app is started by a launcher script that pins
the size (`stty`) and the whole environment (`env -i`), so nothing of the developer's leaks
in, and writes down the app's process id and, when it ends, its exit status: tmux's own
`pane_dead_status` is not reliable here (under load tmux 3.3 was seen leaving the exited app
a zombie, never reaped, for the rest of the test).

Every wait polls `capture-pane` until a condition holds, with a generous deadline (the
machine may be loaded); on timeout it fails with what it waited for and the screen as it
last was.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL_S = 0.1
WAIT_S = 30.0
"""Default deadline of a wait: far above what a step takes (well under a second idle), so
that only a real failure, not a busy machine, makes it run out."""
KEY_RETRY_S = 5.0
"""How long a key that should show at once may take before it counts as lost."""


class TerminalError(AssertionError):
    """A wait ran out or the app died: the message has the screen."""


class Terminal:
    """One tmux server with one window running the app."""

    def __init__(self, workdir: Path, width: int, height: int, term: str) -> None:
        self.workdir = workdir
        self.width = width
        self.height = height
        self.term = term
        self.socket = f"funnel-e2e-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.target = "e2e:0.0"
        self.log_file: Path | None = None
        """The app's error log, shown with a failure."""
        self._started = False
        self._socket_path: Path | None = None
        self._last = ""
        self._pid_file = workdir / "app.pid"
        self._status_file = workdir / "app.status"
        self._config = workdir / "tmux.conf"
        self._config.write_text(
            "set -g status off\n"
            "set -g remain-on-exit on\n"
            f"set -g default-terminal {shlex.quote(term)}\n"
            "set -g history-limit 5000\n"
            "set -g escape-time 0\n",
            encoding="utf-8",
        )

    # --- running tmux ------------------------------------------------------------------------

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self._config), *args],
            capture_output=True,
            text=True,
            check=check,
            env=self._tmux_env,
            timeout=30,
        )

    @property
    def _tmux_env(self) -> dict[str, str]:
        # The server inherits this environment; the app gets its own through `env -i`.
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": self.term,
            "TMUX_TMPDIR": os.environ.get("TMUX_TMPDIR", "/tmp"),
        }

    def start(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        """Run `command` in a new detached W×H window with exactly `env`."""
        launcher = self.workdir / "launch.sh"
        pinned = " ".join(shlex.quote(f"{key}={value}") for key, value in sorted(env.items()))
        app = f"echo $$ > {shlex.quote(str(self._pid_file))}; exec env -i {pinned} "
        app += shlex.join(command)
        # The size is set before the app starts: on a busy machine tmux could size the window
        # after the app had read it (the dashboard test found this). The app runs in the
        # foreground, as a child of this script, which then writes its exit status.
        launcher.write_text(
            "#!/bin/sh\n"
            f"stty cols {self.width} rows {self.height}\n"
            f"sh -c {shlex.quote(app)}\n"
            f"echo $? > {shlex.quote(str(self._status_file))}.new\n"
            f"mv {shlex.quote(str(self._status_file))}.new {shlex.quote(str(self._status_file))}\n",
            encoding="utf-8",
        )
        launcher.chmod(0o700)
        self._tmux(
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            str(launcher),
        )
        self._started = True
        done = self._tmux("display-message", "-p", "#{socket_path}", check=False)
        self._socket_path = Path(done.stdout.strip()) if done.stdout.strip() else None

    def kill(self) -> None:
        """End the server (and the app, if it still runs) and remove its socket."""
        if self._started:
            self._tmux("kill-server", check=False)
            self._started = False
            if self._socket_path is not None:
                self._socket_path.unlink(missing_ok=True)

    # --- the app's process -------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The app's process id (once started)."""
        try:
            return int(self._pid_file.read_text())
        except (OSError, ValueError):
            return None

    @property
    def exit_status(self) -> int | None:
        """The app's exit status once it has ended; None while it runs."""
        try:
            return int(self._status_file.read_text())
        except (OSError, ValueError):
            return None

    # --- looking -----------------------------------------------------------------------------

    def screen(self) -> str:
        """The visible screen as text (no colours, no attributes)."""
        done = self._tmux("capture-pane", "-p", "-t", self.target, check=False)
        if done.returncode == 0:
            self._last = done.stdout
        return self._last

    def styled(self) -> str:
        """The screen with its attributes (SGR escapes): what plain text cannot show, such
        as which option of a list is highlighted."""
        return self._tmux("capture-pane", "-p", "-e", "-t", self.target, check=False).stdout

    def lines(self) -> list[str]:
        return self.screen().splitlines()

    def cursor(self) -> tuple[int, int]:
        """Where the app put the terminal's (hidden) cursor: Textual moves it to the
        focused input, so it tells which field has the focus."""
        done = self._tmux("display-message", "-p", "-t", self.target, "#{cursor_x} #{cursor_y}")
        x, y = done.stdout.split()
        return int(x), int(y)

    def highlighted(self, options: Sequence[str]) -> int | None:
        """Which of a list's `options` is highlighted (drawn bold: so with NO_COLOR too)."""
        styled = self.styled()
        for index, option in enumerate(options):
            # An option's row: its text padded with spaces to the list's width, right after
            # its own style (other text on the screen that happens to contain it is not).
            for match in re.finditer(_STYLES + re.escape(option) + " {3,}", styled):
                if _bold(match.group(1)):
                    return index
        return None

    # --- typing ------------------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """tmux key names: Enter, Escape, Down, C-s, BTab…"""
        self._tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Literal text (`>` and `/` included), nothing read as a key name."""
        self._tmux("send-keys", "-t", self.target, "-l", text)

    def choose(self, options: Sequence[str], index: int, what: str) -> None:
        """Highlight `options[index]` in the focused list with ↓/↑, one key at a time, each
        waited for: a key sent while the list's focus is still on its way is lost (the
        modal shows before its focus is set), and is sent again."""
        deadline = time.monotonic() + WAIT_S
        while (now := self.highlighted(options)) != index:
            if time.monotonic() > deadline:
                self.screen()
                self.fail(f"could not highlight {options[index]!r} for {what} (at {now})")
            if now is None:
                time.sleep(POLL_S)
                continue
            self.press("Down" if now < index else "Up")
            moved = time.monotonic() + KEY_RETRY_S
            while self.highlighted(options) == now and time.monotonic() < moved:
                time.sleep(POLL_S)

    # --- waiting -----------------------------------------------------------------------------

    def wait_for(
        self,
        condition: str | Callable[[str], object],
        what: str | None = None,
        timeout: float = WAIT_S,
    ) -> str:
        """Poll the screen until `condition` (text on it, or a predicate of it) holds;
        returns that screen. On timeout (or if the app ends meanwhile) fails with `what`
        and the last screen."""
        check: Callable[[str], object]
        if isinstance(condition, str):
            text = condition
            what = what or f"{text!r} on the screen"

            def contains(screen: str) -> object:
                return text in screen

            check = contains
        else:
            check = condition
            what = what or getattr(condition, "__name__", "the condition")
        deadline = time.monotonic() + timeout
        while True:
            ended = self.exit_status is not None
            screen = self.screen()
            if check(screen):
                return screen
            if ended:
                self.fail(f"the app ended (exit status {self.exit_status}) before {what}")
            if time.monotonic() > deadline:
                self.fail(f"waited {timeout:.0f} s for {what}")
            time.sleep(POLL_S)

    def wait_for_cursor(
        self, accept: Callable[[int, list[str]], bool], what: str, timeout: float = WAIT_S
    ) -> None:
        """Wait until the cursor's row is one `accept(row, lines)` likes: Textual puts the
        terminal's cursor in the focused input, so this is how a test sees the focus move."""

        def there(screen: str) -> bool:
            return accept(self.cursor()[1], screen.splitlines())

        self.wait_for(there, what, timeout)

    def wait_until_exited(self, timeout: float = WAIT_S) -> int:
        """Wait for the app to end; its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status) is None:
            if time.monotonic() > deadline:
                self.screen()
                self.fail(f"the app was still running {timeout:.0f} s after quitting")
            time.sleep(POLL_S)
        return status

    # --- failing -----------------------------------------------------------------------------

    def expect(self, text: str, what: str) -> None:
        """`text` is on the screen now (no waiting), else fail showing the screen."""
        if text not in self.screen():
            self.fail(f"{what}: no {text!r} on the screen")

    def fail(self, message: str) -> None:
        screen = self._last
        if self.exit_status is not None:  # all it printed on its way out (a traceback)
            done = self._tmux("capture-pane", "-p", "-S", "-", "-t", self.target, check=False)
            screen = done.stdout.rstrip("\n") if done.returncode == 0 else screen
        log = ""
        if self.log_file is not None and self.log_file.exists():
            log = "\n--- the app's error log ---\n" + self.log_file.read_text(errors="replace")
        ruler = "─" * self.width
        raise TerminalError(
            f"{message}\n--- the screen ({self.width}×{self.height}, TERM={self.term}) ---\n"
            f"{ruler}\n{screen}\n{ruler}{log}"
        )


_STYLES = r"((?:\x1b\[[0-9;]*m)*)"


def _bold(styles: str) -> bool:
    """Do these SGR escapes turn bold on (parameter 1, not a colour's number)?"""
    bold = False
    for params in re.findall(r"\x1b\[([0-9;]*)m", styles):
        codes = params.split(";")
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in ("38", "48", "58"):  # a colour: 5;N or 2;R;G;B follow
                i += 3 if codes[i + 1 : i + 2] == ["5"] else 5
                continue
            if code in ("", "0", "22"):
                bold = False
            elif code == "1":
                bold = True
            i += 1
    return bold


def row_of(text: str, lines: list[str]) -> int | None:
    """The row of the first line containing `text`."""
    return next((index for index, line in enumerate(lines) if text in line), None)


def on_row_of(text: str) -> Callable[[int, list[str]], bool]:
    """The cursor is on the line that shows `text` (a one-line input and its label)."""

    def accept(row: int, lines: list[str]) -> bool:
        return row == row_of(text, lines)

    return accept


def under(text: str) -> Callable[[int, list[str]], bool]:
    """The cursor is below the line that shows `text` (a boxed field under its label)."""

    def accept(row: int, lines: list[str]) -> bool:
        found = row_of(text, lines)
        return found is not None and row > found

    return accept
