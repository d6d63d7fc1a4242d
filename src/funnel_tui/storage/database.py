"""Open a Funnel database from a path or an SQLAlchemy URL.

SQLite settings (shared/FINDINGS.md, "Concurrency"):
- WAL: readers never block the writer, and the writer never blocks readers.
- Every write transaction starts with `BEGIN IMMEDIATE`, so a read-modify-write cannot be
  interleaved with another process's write: no lost updates. Python's sqlite3 issues no BEGIN
  before a SELECT, so the driver's own transaction handling is switched off and we emit BEGIN.
- busy_timeout of 10 s: a writer waits for another instead of failing with "locked".
- synchronous=FULL: in WAL mode it costs ~0.2 ms per commit and keeps the last commits across
  a power cut (NORMAL could lose them). A CRM's writes are few and small; durability wins.
- foreign_keys=ON: references are checked (off only during schema upgrades).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from funnel_tui.domain.errors import StoreError
from funnel_tui.storage import migrations
from funnel_tui.storage.files import backup_file, create_private_file, inspect_file
from funnel_tui.storage.unit_of_work import SqlUnitOfWork, translate_error

BUSY_TIMEOUT_S = 10


class SqlStore:
    """An open database. Hands out units of work; `write()` ones take the lock at BEGIN."""

    def __init__(self, engine: Engine, *, path: Path | None, label: str) -> None:
        self.engine = engine
        self.path = path
        """The SQLite file, or None for an in-memory or server database."""
        self.label = label
        """How to name this database in messages (a path, or a URL without password)."""
        self.backup_path: Path | None = None
        """Where the copy taken before this session's schema upgrade went, if one ran."""
        self._write_engine = engine.execution_options(funnel_write=True)

    def write(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write_engine, self.label)

    def read(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.label)

    def backup(self, destination: Path) -> None:
        """A consistent copy of the live database (SQLite online backup API)."""
        if self.path is None:
            raise StoreError("backup copies SQLite files; use pg_dump for a server database")
        backup_file(self.path, destination)

    def close(self) -> None:
        self.engine.dispose()


def open_store(target: str | Path, *, create: bool = True) -> SqlStore:
    """Open (and if needed create or upgrade) the database at `target`.

    `target` is a file path or an SQLAlchemy URL (`sqlite:///…`, `sqlite://` for memory,
    `postgresql+psycopg://…`). With `create=False` a missing file is an error. Every problem
    is raised as a one-line StoreError and leaves the file untouched.
    """
    url = _as_url(target)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            engine = _sqlite_engine(URL.create("sqlite"), memory=True)
            migrations.create_schema(engine)
            return SqlStore(engine, path=None, label="the in-memory database")
        return _open_sqlite_file(Path(url.database).expanduser(), create=create)
    return _open_server(url)


def _as_url(target: str | Path) -> URL:
    if isinstance(target, Path) or "://" not in target:
        return URL.create("sqlite", database=str(Path(target).expanduser().absolute()))
    try:
        return make_url(target)
    except sa_exc.ArgumentError:
        raise StoreError(f"not a database path or URL: {target}") from None


def _open_sqlite_file(path: Path, *, create: bool) -> SqlStore:
    path = path.absolute()
    state = inspect_file(path)
    if not state.exists:
        if not create:
            raise StoreError(f"no database at {path} (create one with `funnel --db {path} demo`)")
        create_private_file(path)
    if state.schema_version > migrations.SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Funnel (schema {state.schema_version}; this one "
            f"knows up to {migrations.SCHEMA_VERSION}): upgrade funnel-tui"
        )
    engine = _sqlite_engine(URL.create("sqlite", database=str(path)), memory=False)
    store = SqlStore(engine, path=path, label=str(path))
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


def _sqlite_engine(url: URL, *, memory: bool) -> Engine:
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S},
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
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("funnel_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _open_server(url: URL) -> SqlStore:
    label = url.render_as_string(hide_password=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
        with engine.connect() as connection:
            version = migrations.stored_version(connection)
    except (sa_exc.SQLAlchemyError, ImportError) as err:
        raise StoreError(f"cannot open {label}: {str(err).splitlines()[0]}") from None
    if version is not None and version > migrations.SCHEMA_VERSION:
        raise StoreError(f"{label} was written by a newer Funnel: upgrade funnel-tui")
    store = SqlStore(engine, path=None, label=label)
    if version is None:
        migrations.create_schema(engine)
    elif version < migrations.SCHEMA_VERSION:
        migrations.upgrade(engine, None, version)
    return store
