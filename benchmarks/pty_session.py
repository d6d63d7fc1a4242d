"""A program run under a real pseudo-terminal, its output drawn into a `pyte` screen.

What a terminal emulator over SSH would get: every byte the program writes is read from the
pty's master side, time-stamped as it arrives (by a reader thread, so drawing the bytes into
the emulated screen never delays the time stamps), and fed to `pyte.Screen` only when the
output has gone quiet. The pty answers no queries (no device attributes, no synchronized-output
support): Textual asks but never waits for the answer.

`PtySession.wait_for(predicate)` is the instrument: it waits until the output has been quiet for
`settle` seconds and the screen satisfies `predicate`, and returns the time of the last byte of
that burst (not the end of the quiet window) and how many bytes came since it was asked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyte

COLUMNS, LINES = 120, 40
SETTLE_S = 0.1
"""How long the output must stay quiet for a burst to count as over. Textual draws at most one
frame per 1/60 s; 100 ms also covers a worker's read landing a frame or two later."""


class SessionError(RuntimeError):
    """The program did not get there in time, or died: the message says which and shows the
    screen's last lines."""


@dataclass(frozen=True, slots=True)
class Burst:
    """What one wait saw."""

    end: float
    """perf_counter of the last byte read before the quiet window (the moment the screen was
    final); the time of the wait's start when nothing came."""
    bytes: int
    """Bytes read from the pty since the wait's `since` mark."""
    first: float
    """perf_counter of the first byte after which the screen showed what was waited for
    (the change is on screen; more frames may follow until `end`)."""


class PtySession:
    """One program on its own pty (controlling terminal, `COLUMNS`×`LINES`)."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        cwd: Path | None = None,
        size: tuple[int, int] = (COLUMNS, LINES),
    ) -> None:
        self.columns, self.lines = size
        master, slave = os.openpty()
        # The size is set before the program starts: it reads it once, at start.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.lines, self.columns, 0, 0))
        self.launched = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
                # The pty becomes the program's controlling terminal, as in a real terminal.
                preexec_fn=_take_controlling_terminal,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self._master = master
        self._lock = threading.Lock()
        self._chunks: list[tuple[float, bytes]] = []
        """Read but not yet drawn."""
        self._last_at = self.launched
        self.total_bytes = 0
        self._eof = False
        self._stepping = False
        self.screen = pyte.Screen(self.columns, self.lines)
        self._stream = pyte.ByteStream(self.screen)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # --- reading ---------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the program has gone and closed its side
                data = b""
            now = time.perf_counter()
            with self._lock:
                if not data:
                    self._eof = True
                    return
                self._chunks.append((now, data))
                self._last_at = now
                self.total_bytes += len(data)

    def _draw(self) -> None:
        """Feed what has been read to the screen."""
        if self._stepping:  # _first_ready is feeding older reads: later ones must wait
            return
        with self._lock:
            chunks, self._chunks = self._chunks, []
        for _, data in chunks:
            self._stream.feed(data)

    def text(self) -> list[str]:
        """The screen's lines as text (after drawing what has been read)."""
        self._draw()
        return list(self.screen.display)

    def look(self) -> tuple[tuple[str, ...], int]:
        """The screen's text and a hash of every cell with its colours and attributes: a focus
        change shows only in those."""
        self._draw()
        buffer = self.screen.buffer
        cells = hash(
            tuple(tuple(buffer[y][x] for x in range(self.columns)) for y in range(self.lines))
        )
        return tuple(self.screen.display), cells

    # --- the instrument --------------------------------------------------------------------

    def mark(self) -> int:
        """A byte count to measure from."""
        with self._lock:
            return self.total_bytes

    def send(self, keys: bytes) -> float:
        """Write `keys` as typed; the perf_counter just before the write."""
        start = time.perf_counter()
        os.write(self._master, keys)
        return start

    def wait_for(
        self,
        ready: Callable[[PtySession], bool],
        *,
        since: int,
        after: float,
        timeout: float = 10.0,
        settle: float = SETTLE_S,
        what: str = "the expected screen",
    ) -> Burst:
        """Wait for quiet output (`settle` s) with the screen satisfying `ready`.

        `ready` is asked only at quiet moments after new output, and only output read after
        `after` (a perf_counter, e.g. the key's) counts; `since` is a `mark()`. Raises
        SessionError on timeout or when the program exits first.
        """
        deadline = time.perf_counter() + timeout
        checked_at = -1.0
        first: float | None = None
        while True:
            now = time.perf_counter()
            with self._lock:
                last_at, eof, total = self._last_at, self._eof, self.total_bytes
            first = first or self._first_ready(ready, after)
            if now - last_at >= settle and last_at != checked_at:
                checked_at = last_at
                if last_at > after and ready(self):
                    return Burst(end=last_at, bytes=total - since, first=first or last_at)
            if eof:
                raise SessionError(f"the program exited before {what}:\n{self.tail()}")
            if now > deadline:
                raise SessionError(f"no {what} within {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.002)

    def _first_ready(self, ready: Callable[[PtySession], bool], after: float) -> float | None:
        """Draw what has been read a read at a time; the time of the first read after
        `after` that left the screen `ready`, if one did."""
        with self._lock:
            chunks, self._chunks = self._chunks, []
        first = None
        self._stepping = True
        try:
            for at, data in chunks:
                self._stream.feed(data)
                if first is None and at > after and ready(self):
                    first = at
        finally:
            self._stepping = False
        return first

    def quiet(self, settle: float = SETTLE_S, timeout: float = 5.0) -> None:
        """Wait until the output has been quiet for `settle` s (or `timeout` passes)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                if time.perf_counter() - self._last_at >= settle or self._eof:
                    return
            time.sleep(0.005)

    def tail(self, lines: int = 6) -> str:
        shown = [line.rstrip() for line in self.text()]
        return "\n".join(line for line in shown if line.strip())[-lines * self.columns :]

    # --- the process -----------------------------------------------------------------------

    def peak_rss_mb(self) -> float | None:
        """The program's peak resident set (VmHWM), in MiB; None once it has gone."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def close(self, quit_keys: bytes | None = b"q", timeout: float = 10.0) -> int | None:
        """Ask the program to quit with `quit_keys`, then reap it; killed if it hangs.

        The exit code, or None when it had to be killed."""
        code: int | None = None
        try:
            if quit_keys and self.process.poll() is None:
                with contextlib.suppress(OSError):
                    os.write(self._master, quit_keys)
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
            code = None
        finally:
            self._reader.join(timeout=2)
            with contextlib.suppress(OSError):
                os.close(self._master)
        return code

    def kill(self) -> None:
        """Stop the program now (its session's process group), and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self._reader.join(timeout=2)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> PtySession:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.kill()


def _take_controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def pty_available() -> str | None:
    """None when a pty can be opened here; else why not."""
    try:
        master, slave = os.openpty()
    except OSError as err:
        return f"cannot open a pseudo-terminal: {err}"
    os.close(master)
    os.close(slave)
    return None
