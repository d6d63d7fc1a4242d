"""Writers of one SQLite file take turns through a lock file, so that none waits for long.

SQLite's own busy handler makes a blocked writer sleep, in steps growing to 100 ms, and
try again. A process that has just committed usually takes the lock back before the
sleepers wake, so under steady writes some writers waited for seconds: with six processes
writing at once the 99th percentile write took 1.9 s and the slowest 10.6 s (benchmarks/
stress.py), although each transaction holds the lock for ~12 ms. Here a writer first takes
an `flock` on `<db>-writer.lock`, polled every millisecond, and only then `BEGIN IMMEDIATE`:
the lock passes on within a millisecond of its release.

This is an addition, never a condition: when the lock file cannot be made (a read-only
directory) or the turn does not come within the wait, the writer goes straight to BEGIN
IMMEDIATE and SQLite's busy timeout, exactly as without it. A killed process's `flock`
is released by the kernel.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

POLL_S = 0.001


class WriterTurns:
    def __init__(self, database: Path, wait_s: float) -> None:
        self.path = database.with_name(database.name + "-writer.lock")
        self._database = database
        self._wait_s = wait_s
        self._usable = True

    def take(self) -> int | None:
        """Wait for this writer's turn; the lock file's descriptor to `give_back`, or None
        when there is no turn to wait for (no lock file, or the wait ran out)."""
        if not self._usable:
            return None
        try:
            # A descriptor of its own for every turn: flock excludes open files, so two
            # threads of one process exclude each other too.
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, self._mode())
        except OSError:
            self._usable = False
            return None
        self._widen(handle)
        deadline = time.monotonic() + self._wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    return None
                time.sleep(POLL_S)
            except OSError:
                os.close(handle)
                return None

    @staticmethod
    def give_back(handle: int) -> None:
        os.close(handle)  # closing the last descriptor of the open file releases the flock

    def _widen(self, handle: int) -> None:
        """Undo the umask on a lock file this process owns (SQLite does the same for its WAL
        file): a teammate in the group must be able to open it for writing."""
        try:
            stat = os.fstat(handle)
            if stat.st_uid == os.geteuid() and stat.st_mode & 0o666 != self._mode():
                os.fchmod(handle, self._mode())
        except OSError:
            pass  # then a teammate who cannot open it writes without taking turns

    def _mode(self) -> int:
        """The database file's read/write bits, as SQLite gives its WAL and SHM files, so
        that a team file's lock is usable by the whole group (the umask still applies)."""
        try:
            return self._database.stat().st_mode & 0o666
        except OSError:
            return 0o600
