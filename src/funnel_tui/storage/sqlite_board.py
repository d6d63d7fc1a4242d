"""The board's reader for an SQLite file, on the standard library's `sqlite3` alone.

Why not the SQLAlchemy store: importing it costs ~0.4 s, and the board's first cards should
not wait for that (shared/FINDINGS.md, "Start-up"). This reader opens in a few milliseconds,
so the app paints the board first and opens the full store, for writes, in the background.
It also reads faster than Core rows (no statement compilation, no result processing), which
every move and filter keystroke feels.

It only reads: the connection is `query_only`, so a bug here can never write the file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from funnel_tui.domain.errors import StoreError
from funnel_tui.storage.board_sql import BoardQueries
from funnel_tui.storage.files import inspect_file, sqlite_failure

READS_SCHEMA_VERSION = 8
"""The schema the board's SQL is written for (`migrations.SCHEMA_VERSION`, which cannot be
imported without SQLAlchemy; a test keeps the two equal). Any other version is left to the
full store, which upgrades the file first."""

_CACHE_KIB = 32 * 1024
"""Page cache: a filter keystroke reads every live deal of the pipeline (the search text is
not in the covering index). With SQLite's default 2 MiB those pages came from the OS each
time: 14 ms a keystroke at 100,000 deals; with 32 MiB, 9 ms."""
_BUSY_TIMEOUT_S = 10
"""As the full store's: WAL readers rarely wait, but a checkpoint may make them."""


class SqliteBoardReader(BoardQueries):
    """Board reads over one `sqlite3` connection, shared by worker threads under a lock."""

    def __init__(self, connection: sqlite3.Connection, where: str = "the database") -> None:
        super().__init__(self._fetch)
        self._connection = connection
        self._where = where
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> SqliteBoardReader | None:
        """A reader for the Funnel database at `path`, or None if the full store must open
        it first (no file yet, or a schema to upgrade). Raises StoreError for a file that
        is not a Funnel database."""
        path = path.expanduser().absolute()
        if inspect_file(path).schema_version != READS_SCHEMA_VERSION:
            return None
        try:
            connection = sqlite3.connect(
                path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA query_only = ON")
            connection.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        except sqlite3.Error as err:
            raise StoreError(f"cannot open {path}: {err}") from None
        return cls(connection, str(path))

    def _fetch(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        try:
            with self._lock:
                return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise sqlite_failure(err, self._where) from None

    def close(self) -> None:
        with self._lock:
            self._connection.close()
