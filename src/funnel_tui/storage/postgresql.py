"""What a PostgreSQL database needs that an SQLite file does not: how writers take turns,
how other processes' commits are heard, how failures read, and how a backup is taken.

Writers take turns, as on SQLite. Every write transaction starts by taking one advisory
lock of the database (`pg_advisory_xact_lock`, released at commit or rollback), so a
use case's read-modify-write cannot interleave with another's: no lost updates, the same
optimistic version checks, and the same guarantees as SQLite's `BEGIN IMMEDIATE` for every
use case as written (including the ones that read a maximum or look for a duplicate before
inserting). Readers never wait (MVCC). A CRM writes a few rows per person per minute, in
transactions of a millisecond or two; one writer at a time is far below what that needs
(benchmarks/stress.py measures it), and it needs no retry loop around use cases.

Live refresh: each write transaction also sends `NOTIFY funnel_changes`, delivered when
it commits (and never when it rolls back); an app listens on a connection of its own
(`ChangeListener`) and so hears every other process's commit without polling the server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine

from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _
from funnel_tui.storage.files import APPLICATION_ID

CHANNEL = "funnel_changes"
WRITER_LOCK = APPLICATION_ID
"""The advisory lock key writers take turns on (per database: other databases on the same
server have their own locks)."""
LOCK_TIMEOUT_S = 10
"""How long a write waits for the writer before the user hears "busy" (SQLite's too)."""
DUMP_TIMEOUT_S = 3600
"""A backup that takes longer is stopped (a hung server must not hang the command)."""
LISTEN_RETRY_S = 1.0
"""Pause before the listener reconnects after losing the server."""


def server_engine(url: URL) -> Engine:
    """An engine whose write transactions (`funnel_write` execution option) take the writers'
    lock first and announce themselves to listeners at commit."""
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if not connection.get_execution_options().get("funnel_write", False):
            return
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")

    return engine


def server_failure(error: BaseException, where: str) -> StoreError | None:
    """A one-line message for a PostgreSQL failure (by its SQLSTATE), or None when `error`
    is not one (the SQLite wording then applies)."""
    state = getattr(error, "sqlstate", None)
    if not isinstance(state, str):
        return None
    text = (str(error).strip().splitlines() or [_("unknown error")])[0]
    if state in ("55P03", "40001", "40P01", "57014"):  # lock timeout, serialization, deadlock
        message = _("{where} is busy (another Funnel is writing); try again")
    elif state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        message = _("lost the connection to {where} ({error}); try again")
    elif state == "42501":
        message = _("cannot write {where}: permission denied ({error})")
    elif state in ("53100", "53200"):
        message = _("cannot write {where}: the server is out of space ({error})")
    elif state == "25006":
        message = _("cannot write {where}: the server is read-only ({error})")
    else:
        message = _("database error in {where}: {error}")
    return StoreError(message.format(where=where, error=text))


def connect_arguments(engine: Engine) -> dict[str, Any]:
    """The keyword arguments psycopg.connect needs for `engine`'s database."""
    args, params = engine.dialect.create_connect_args(engine.url)
    if args:
        params = {"conninfo": args[0], **params}
    return dict(params)


class ChangeListener:
    """Counts the commits announced on the database by any process, on a connection and a
    thread of its own: `LISTEN funnel_changes`, then block until something arrives."""

    def __init__(self, engine: Engine) -> None:
        self._arguments = connect_arguments(engine)
        self._count = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="funnel-listen", daemon=True)
        self._thread.start()
        # Commits made before LISTEN took effect would be missed: wait (briefly) for it.
        self._ready.wait(timeout=2.0)

    @property
    def count(self) -> int:
        return self._count

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._arguments, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._count += 1  # anything may have changed while nobody listened
                    self._ready.set()
                    while not self._stop.is_set():
                        for _notice in connection.notifies(timeout=0.5):
                            self._count += 1
            except psycopg.Error:
                self._ready.set()
                self._stop.wait(LISTEN_RETRY_S)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)


def dump(engine: Engine, destination: Path, *, pg_dump: str | None = None) -> None:
    """A consistent backup of the whole database with `pg_dump` (custom format: restore it
    with `pg_restore --clean --if-exists -d DATABASE FILE`)."""
    program = pg_dump or shutil.which("pg_dump")
    if program is None:
        raise StoreError(
            _(
                "pg_dump is not installed (apt-get install postgresql-client); "
                "`funnel export --format json` is a logical export that needs nothing"
            )
        )
    url = engine.url
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)  # never on a command line: ps shows it
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    partial = destination.with_name(destination.name + ".part")
    try:
        partial.touch(mode=0o600)  # a backup holds every deal: for its owner's eyes only
        result = subprocess.run(
            [program, "--format=custom", f"--file={partial}", f"--dbname={target}"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        raise StoreError(
            _("pg_dump took longer than {minutes} minutes: stopped, nothing written").format(
                minutes=DUMP_TIMEOUT_S // 60
            )
        ) from None
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise StoreError(
            _("cannot run {program}: {error}").format(program=program, error=err)
        ) from None
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        code = _("exit code {code}").format(code=result.returncode)
        reason = (result.stderr.strip().splitlines() or [code])[0]
        raise StoreError(_("pg_dump failed: {reason}").format(reason=reason))
    partial.replace(destination)
