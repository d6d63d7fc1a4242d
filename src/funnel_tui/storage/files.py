"""Safe handling of the database file itself: inspection without touching it, creation with
owner-only modes, and copies through SQLite's online backup API (a `cp` of a live database
can be corrupt: shared/FINDINGS.md)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import N_, _

SQLITE_HEADER = b"SQLite format 3\x00"
# PRAGMA application_id marks a file as ours ("FNNL"); `file(1)` shows it too.
APPLICATION_ID = 0x464E4E4C


def sqlite_failure(error: BaseException | str, where: str) -> StoreError:
    """A one-line message a user can act on for an SQLite failure on `where`.

    The one mapping for every path that touches the file (the store, the board's reader,
    the look before opening, backups): a fault reads the same wherever it shows.
    """
    text = (str(error).strip().splitlines() or [_("unknown error")])[0]
    kind = _failure_kind(text)
    if kind == "busy":
        message = _("{where} is busy (another Funnel has kept it locked); try again")
    elif kind == "read-only":
        message = _("cannot write {where}: the file is read-only for you")
    elif kind == "damaged":
        message = _("{where} is damaged ({error}); restore it from a backup")
    elif kind == "full":
        message = _("cannot write {where}: the disk is full ({error}); nothing was saved")
    elif kind == "i/o":
        message = _("cannot use {where}: {error}; nothing was saved")
    else:
        message = _("database error in {where}: {error}")
    return StoreError(message.format(where=where, error=text))


def _failure_kind(error: BaseException | str) -> str | None:
    """What an SQLite failure's text says went wrong; None: nothing more specific than an
    error (the messages are SQLite's own, in English whatever the interface's language)."""
    lowered = (str(error).strip().splitlines() or [""])[0].lower()
    if "locked" in lowered or "busy" in lowered:
        return "busy"
    if "readonly" in lowered or "read-only" in lowered:
        return "read-only"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return "damaged"
    if "full" in lowered:
        return "full"
    if "disk i/o" in lowered:
        return "i/o"
    return None


@dataclass(frozen=True, slots=True)
class FileState:
    """What is at a database path before we open it for writing."""

    exists: bool
    is_funnel: bool = False
    schema_version: int = 0
    """0 for a new or empty file."""


def inspect_file(path: Path) -> FileState:
    """Look at `path` read-only and refuse anything that is not a Funnel database.

    Raises StoreError with a one-line message; never modifies the file.
    """
    if not path.exists():
        if path.is_symlink():
            raise StoreError(_("{path} is a dangling symbolic link").format(path=path))
        return FileState(exists=False)
    if path.is_dir():
        raise StoreError(_("{path} is a directory, not a database file").format(path=path))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as err:
        raise StoreError(
            _("cannot read {path}: {error}").format(path=path, error=err.strerror or err)
        ) from None
    if not header:
        return FileState(exists=True)  # an empty file: SQLite treats it as a new database
    if header != SQLITE_HEADER:
        raise StoreError(
            _("{path} is not a Funnel database (not an SQLite file)").format(path=path)
        )
    return _inspect_sqlite(path)


def _inspect_sqlite(path: Path) -> FileState:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as err:
        raise StoreError(_("cannot open {path}: {error}").format(path=path, error=err)) from None
    try:
        return _read_state(connection, path)
    except sqlite3.OperationalError as err:
        if "unable to open" in str(err) and not _writable(path):
            # A WAL database is read through its `-shm` file, which cannot be made here.
            raise StoreError(
                _("cannot open {path}: the file or its directory is read-only for you").format(
                    path=path
                )
            ) from None
        raise _read_failure(err, path) from None
    except sqlite3.DatabaseError as err:
        raise _read_failure(err, path) from None
    finally:
        connection.close()


def _read_failure(error: sqlite3.DatabaseError, path: Path) -> StoreError:
    if _failure_kind(error) is None:
        return StoreError(_("cannot read {path}: {error}").format(path=path, error=error))
    return sqlite_failure(error, str(path))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_state(connection: sqlite3.Connection, path: Path) -> FileState:
    app_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not tables and app_id == 0:
        return FileState(exists=True)
    if app_id != APPLICATION_ID or "funnel_meta" not in tables:
        raise StoreError(_("{path} is an SQLite database, but not a Funnel one").format(path=path))
    row = connection.execute(
        "SELECT value FROM funnel_meta WHERE key = 'schema_version'"
    ).fetchone()
    if row is None or not str(row[0]).isdigit():
        raise StoreError(
            _("{path} is a damaged Funnel database (no schema version)").format(path=path)
        )
    return FileState(exists=True, is_funnel=True, schema_version=int(row[0]))


def check_integrity(connection: sqlite3.Connection) -> str | None:
    """None if SQLite finds the database sound, else the first problem in a line.

    `quick_check` reads every page (O(size), ~1 s per GB) but skips the index-to-table
    cross-checks of `integrity_check`; damaged pages show either way.
    """
    try:
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    first = str(rows[0][0]) if rows else _("no answer")
    return None if first == "ok" else first.splitlines()[0]


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600, and any missing parent directories with 0700.

    Modes are set explicitly: SQLite and mkdir would otherwise follow the umask.
    """
    missing = [parent for parent in reversed(path.parents) if not parent.exists()]
    for directory in missing:
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue
        except OSError as err:
            raise StoreError(
                _("cannot create {path}: {error}").format(path=directory, error=err.strerror or err)
            ) from None
        directory.chmod(0o700)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as err:
        raise StoreError(
            _("cannot create {path}: {error}").format(path=path, error=err.strerror or err)
        ) from None
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


_COPY_FAILED = {
    "backup": N_("backup to {destination} failed: {error}"),
    "automatic backup": N_("automatic backup to {destination} failed: {error}"),
}
"""How `backup_file` says a copy failed, by its label."""


def _copy_failed(label: str, destination: Path, error: object) -> StoreError:
    message = _COPY_FAILED.get(label)
    if message is None:
        return StoreError(f"{label} to {destination} failed: {error}")
    return StoreError(_(message).format(destination=destination, error=error))


STEP_PAGES = 256
"""Pages per backup step when the source is not in WAL mode."""


def backup_file(
    source: Path, destination: Path, *, label: str = "backup", stale_partial: bool = False
) -> None:
    """Copy a (possibly live) SQLite database with the online backup API.

    The copy is written to `DESTINATION.partial`, checked, then renamed; it gets the source
    file's permission bits (0600 for a personal file). A database in WAL mode (ours always
    is) is copied in one step: a WAL reader never blocks writers, and a write during the copy
    does not restart it. Any other journal mode is copied in small steps, so that its read
    lock is held only briefly. `label` names the copy in messages; `stale_partial`: a
    `.partial` left by a killed run may be replaced (the caller holds a lock saying so).
    """
    if destination.exists():
        raise StoreError(_("{path} already exists; choose another name").format(path=destination))
    mode = source.stat().st_mode & 0o777
    partial = destination.with_name(destination.name + ".partial")
    if stale_partial:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    try:
        descriptor = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
        os.fchmod(descriptor, mode)
        os.close(descriptor)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            wal = src.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            dst = sqlite3.connect(partial)
            try:
                if wal:
                    src.backup(dst)
                else:
                    src.backup(dst, pages=STEP_PAGES, sleep=0.005)
                # The copy is a standalone file: no WAL next to it.
                dst.execute("PRAGMA journal_mode=DELETE")
                # A copy of a damaged file is no backup (and would push good ones out of
                # the automatic backups' window).
                damage = check_integrity(dst)
            finally:
                dst.close()
        finally:
            src.close()
        if damage is not None:
            partial.unlink()
            raise StoreError(
                _(
                    "{path} is damaged ({error}); no backup was written: restore it from a backup"
                ).format(path=source, error=damage)
            )
        partial.replace(destination)
    except sqlite3.DatabaseError as err:
        with contextlib.suppress(OSError):
            partial.unlink()
        if _failure_kind(err) == "damaged":
            failure = sqlite_failure(err, str(source))
            raise StoreError(
                _("{failure}; no backup was written").format(failure=failure)
            ) from None
        raise _copy_failed(label, destination, err) from None
    except (OSError, sqlite3.Error) as err:
        with contextlib.suppress(OSError):
            partial.unlink()
        reason = getattr(err, "strerror", None) or err
        raise _copy_failed(label, destination, reason) from None
