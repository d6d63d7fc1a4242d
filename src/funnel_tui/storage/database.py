"""Open a Funnel database from a path or an SQLAlchemy URL.

SQLite settings (shared/FINDINGS.md, "Concurrency"):
- WAL: readers never block the writer, and the writer never blocks readers.
- Every write transaction starts with `BEGIN IMMEDIATE`, so a read-modify-write cannot be
  interleaved with another process's write: no lost updates. Python's sqlite3 issues no BEGIN
  before a SELECT, so the driver's own transaction handling is switched off and we emit BEGIN.
- busy_timeout of 10 s: a writer waits for another instead of failing with "locked". If the
  lock is still held after that, `BEGIN IMMEDIATE` is tried again a few times after a jittered
  pause (`BusyRetry`) before the user sees a one-line "busy" message. Only BEGIN is retried:
  a write transaction meets the lock there, before it has read or written anything, so a
  retry runs the whole use case again, never half of one.
- Writers take turns through a lock file before BEGIN IMMEDIATE (`writer_turns.py`), so
  that a blocked writer gets the lock within a millisecond of its release rather than after
  SQLite's sleeps of up to 100 ms, in which a busy neighbour could take it again and again.
- synchronous=FULL: in WAL mode it costs ~0.2 ms per commit and keeps the last commits across
  a power cut (NORMAL could lose them). A CRM's writes are few and small; durability wins.
- foreign_keys=ON: references are checked (off only during schema upgrades).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _
from funnel_tui.storage import migrations
from funnel_tui.storage.backups import server_dump_dir
from funnel_tui.storage.files import (
    backup_file,
    create_private_file,
    inspect_file,
    sqlite_failure,
)
from funnel_tui.storage.postgresql import ChangeListener, dump, server_engine
from funnel_tui.storage.unit_of_work import SqlUnitOfWork, translate_error
from funnel_tui.storage.writer_turns import WriterTurns

BUSY_TIMEOUT_S = 10
BUSY_RETRIES = 3
"""How many more times a write's BEGIN is tried after waiting out the busy timeout."""
RETRY_PAUSE_S = 0.05
"""The mean pause before the first retry; it doubles with each one, jittered by ±50 %."""


@dataclass(slots=True)
class BusyRetry:
    """How a write's `BEGIN IMMEDIATE` is retried when the lock stays taken; and a tally."""

    retries: int = BUSY_RETRIES
    pause_s: float = RETRY_PAUSE_S
    retried: int = 0
    """BEGINs tried again so far (for tests and the stress benchmark)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def begin(self, connection: Connection, statement: str) -> None:
        for attempt in range(self.retries + 1):
            try:
                connection.exec_driver_sql(statement)
                return
            except sa_exc.OperationalError as err:
                if attempt == self.retries or not _is_busy(err):
                    raise
            with self._lock:
                self.retried += 1
            # Jittered, so that writers that timed out together do not collide again.
            time.sleep(self.pause_s * 2**attempt * random.uniform(0.5, 1.5))


def _is_busy(error: sa_exc.OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text


class SqlStore:
    """An open database. Hands out units of work; `write()` ones take the lock at BEGIN."""

    def __init__(
        self,
        engine: Engine,
        *,
        path: Path | None,
        label: str,
        retry: BusyRetry | None = None,
    ) -> None:
        self.engine = engine
        self.path = path
        """The SQLite file, or None for an in-memory or server database."""
        self.label = label
        """How to name this database in messages (a path, or a URL without password)."""
        self.backup_path: Path | None = None
        """Where the copy taken before this session's schema upgrade went, if one ran."""
        self.retry = retry or BusyRetry()
        self._write_engine = engine.execution_options(funnel_write=True)
        self._own_commits = 0
        self._watch: sqlite3.Connection | None = None
        self._listener: ChangeListener | None = None
        self._watch_lock = threading.Lock()
        event.listen(engine, "commit", self._committed)

    def _committed(self, _connection: Connection) -> None:
        self._own_commits += 1

    def data_version(self) -> int:
        """A number that changes whenever the data may have changed: after a commit by any
        process, this one's own included. Costs ~2 µs on an SQLite file (no query).

        On an SQLite file it is `PRAGMA data_version` read on a connection kept for this
        alone, which never writes: the pragma changes when *other* connections commit, and
        every connection of the pool, like every other process's, is another connection.
        An in-memory database counts this store's own commits instead; PostgreSQL adds the
        commits every process announces (`postgresql.ChangeListener`, started at the
        first call: only the app asks).
        """
        if self.path is None:
            if self.engine.dialect.name != "postgresql":
                return self._own_commits
            with self._watch_lock:
                if self._listener is None:
                    self._listener = ChangeListener(self.engine)
            return self._own_commits + self._listener.count
        with self._watch_lock:
            if self._watch is None:
                self._watch = _watch_connection(self.path)
            try:
                row = self._watch.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error as err:
                raise sqlite_failure(err, self.label) from None
        return int(row[0])

    def write(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write_engine, self.label)

    def read(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.label)

    def backup(self, destination: Path) -> None:
        """A consistent copy of the live database: SQLite's online backup API, or
        `pg_dump` for a PostgreSQL database."""
        if self.engine.dialect.name == "postgresql":
            dump(self.engine, destination)
            return
        if self.path is None:
            raise StoreError(_("an in-memory database has nothing to back up"))
        backup_file(self.path, destination)

    def default_backup(self) -> Path:
        """A file's copy goes next to it, a server's dump to the data directory's backups;
        both named with the local date and time."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        if self.engine.dialect.name == "postgresql":
            name = self.engine.url.database or "funnel"
            return server_dump_dir(create=True) / f"{name}-{stamp}.dump"
        if self.path is None:
            raise StoreError(_("an in-memory database has nothing to back up"))
        return self.path.with_name(f"{self.path.stem}-{stamp}{self.path.suffix}")

    def close(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            if self._listener is not None:
                self._listener.close()
                self._listener = None
        self.engine.dispose()


def _watch_connection(path: Path) -> sqlite3.Connection:
    """A connection only for `PRAGMA data_version`: it must outlive the polls it compares,
    and must not be one of the pool's (they write, and a connection's own commits do not
    change its pragma)."""
    try:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error as err:
        raise StoreError(_("cannot open {path}: {error}").format(path=path, error=err)) from None
    return connection


def open_store(
    target: str | Path,
    *,
    create: bool = True,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
    retry: BusyRetry | None = None,
) -> SqlStore:
    """Open (and if needed create or upgrade) the database at `target`.

    `target` is a file path or an SQLAlchemy URL (`sqlite:///…`, `sqlite://` for memory,
    `postgresql+psycopg://…`). With `create=False` a missing file is an error. Every problem
    is raised as a one-line StoreError and leaves the file untouched. `busy_timeout_s` and
    `retry` are for tests and benchmarks; the defaults suit people.
    """
    retry = retry or BusyRetry()
    url = _as_url(target)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            engine = _sqlite_engine(URL.create("sqlite"), memory=True, retry=retry)
            migrations.create_schema(engine)
            return SqlStore(engine, path=None, label=_("the in-memory database"), retry=retry)
        path = Path(url.database).expanduser()
        return _open_sqlite_file(path, create=create, busy_timeout_s=busy_timeout_s, retry=retry)
    return _open_server(url)


def _as_url(target: str | Path) -> URL:
    if isinstance(target, Path) or "://" not in target:
        return URL.create("sqlite", database=str(Path(target).expanduser().absolute()))
    try:
        return make_url(target)
    except sa_exc.ArgumentError:
        raise StoreError(_("not a database path or URL: {target}").format(target=target)) from None


def _open_sqlite_file(
    path: Path, *, create: bool, busy_timeout_s: float, retry: BusyRetry
) -> SqlStore:
    path = path.absolute()
    state = inspect_file(path)
    if not state.exists:
        if not create:
            raise StoreError(
                _("no database at {path} (create one with `funnel --db {path} demo`)").format(
                    path=path
                )
            )
        create_private_file(path)
    if state.schema_version > migrations.SCHEMA_VERSION:
        raise StoreError(
            _(
                "{path} was written by a newer Funnel (schema {version}; this one "
                "knows up to {known}): upgrade funnel-tui"
            ).format(path=path, version=state.schema_version, known=migrations.SCHEMA_VERSION)
        )
    engine = _sqlite_engine(
        URL.create("sqlite", database=str(path)),
        memory=False,
        busy_timeout_s=busy_timeout_s,
        retry=retry,
    )
    store = SqlStore(engine, path=path, label=str(path), retry=retry)
    try:
        if state.schema_version == 0:
            migrations.create_schema(engine)
        elif state.schema_version < migrations.SCHEMA_VERSION:
            store.backup_path = migrations.upgrade(engine, path, state.schema_version)
    except sa_exc.SQLAlchemyError as err:
        engine.dispose()
        raise translate_error(err, str(path)) from None
    except StoreError:
        engine.dispose()
        raise
    return store


def _sqlite_engine(
    url: URL, *, memory: bool, retry: BusyRetry, busy_timeout_s: float = BUSY_TIMEOUT_S
) -> Engine:
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy_timeout_s},
    }
    if memory:
        # One shared connection, or every worker thread would see its own empty database.
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: we issue BEGIN ourselves in `_begin`.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA busy_timeout = {round(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    turns = (
        None if memory or url.database is None else WriterTurns(Path(url.database), busy_timeout_s)
    )

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if not connection.get_execution_options().get("funnel_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        turn = turns.take() if turns is not None else None
        if turn is not None:
            connection.info[_TURN] = turn
        try:
            retry.begin(connection, "BEGIN IMMEDIATE")
        except BaseException:
            _end_turn(connection)
            raise

    # The turn ends with the transaction, however it ends.
    event.listen(engine, "commit", _end_turn)
    event.listen(engine, "rollback", _end_turn)
    return engine


_TURN = "funnel_writer_turn"


def _end_turn(connection: Connection) -> None:
    turn = connection.info.pop(_TURN, None)
    if turn is not None:
        WriterTurns.give_back(turn)


def _open_server(url: URL) -> SqlStore:
    label = url.render_as_string(hide_password=True)
    if url.get_backend_name() != "postgresql":
        raise StoreError(
            _("cannot open {database}: Funnel runs on SQLite files and PostgreSQL").format(
                database=label
            )
        )
    try:
        engine = server_engine(url)
        with engine.connect() as connection:
            version = migrations.stored_version(connection)
    except ImportError:
        raise StoreError(
            _(
                "cannot open {database}: PostgreSQL needs psycopg "
                "(pip install 'funnel-tui[postgresql]')"
            ).format(database=label)
        ) from None
    except sa_exc.SQLAlchemyError as err:
        raise StoreError(
            _("cannot open {path}: {error}").format(path=label, error=str(err).splitlines()[0])
        ) from None
    if version is not None and version > migrations.SCHEMA_VERSION:
        raise StoreError(
            _("{database} was written by a newer Funnel: upgrade funnel-tui").format(database=label)
        )
    store = SqlStore(engine, path=None, label=label)
    try:
        if version is None:
            migrations.create_schema(engine)
        elif version < migrations.SCHEMA_VERSION:
            # Backed up first, as a file is; PostgreSQL's DDL is transactional besides, so
            # a failed upgrade leaves the database as it was.
            store.backup_path = server_upgrade_backup(engine, version)
            migrations.upgrade(engine, None, version)
    except sa_exc.SQLAlchemyError as err:
        engine.dispose()
        raise translate_error(err, label) from None
    except StoreError:
        engine.dispose()
        raise
    return store


def server_upgrade_backup(engine: Engine, version: int) -> Path:
    """`pg_dump` of a server database about to be upgraded from schema `version`, beside
    `funnel backup`'s dumps (`backup --list` shows both)."""
    name = engine.url.database or "funnel"
    destination = migrations.backup_path_for(server_dump_dir(create=True) / f"{name}.dump", version)
    try:
        dump(engine, destination)
    except StoreError as err:
        raise StoreError(
            _(
                "{database} needs a schema upgrade and Funnel backs up first, which failed: {error}"
            ).format(database=engine.url.render_as_string(hide_password=True), error=err)
        ) from None
    return destination
