"""Daily automatic backups of an SQLite database file, and the list of backups.

When Funnel opens a database file (the app after its first frame, in a thread; a command at
its exit) and the newest automatic backup is from before today, it writes one:
`<db dir>/backups/<name>-auto-YYYY-MM-DD<suffix>` (or into `backup_dir` from the config), then
deletes automatic backups older than `backup_keep_days` days. Only files named that way are
ever deleted; `funnel backup` copies and the backups taken before schema upgrades are kept.

- The copy goes through SQLite's online backup API (`files.backup_file`: a `cp` of a live
  file can be corrupt, shared/FINDINGS.md), one step for a WAL database, so writers are
  never blocked.
- Two processes never run it at once: an O_EXCL lock file in the backups directory; one left
  behind by a killed process is taken over after `STALE_LOCK_S`.
- The backups directory gets the database directory's mode (0700 for a personal database,
  setgid 2770 for a team one), each copy the database file's mode.
- Only `sqlite3`, the standard library and `paths`: no SQLAlchemy import, so it is cheap in a
  thread.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from funnel_tui import paths
from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _
from funnel_tui.storage.files import backup_file

BACKUP_DIR_NAME = "backups"
STALE_LOCK_S = 6 * 3600
"""A lock older than this was left by a killed process (a backup takes seconds)."""


@dataclass(frozen=True, slots=True)
class AutoBackupResult:
    written: Path | None = None
    """The new backup; None when today's already existed or another process held the lock."""
    deleted: tuple[Path, ...] = ()
    skipped: str | None = None
    """Why nothing was written, in a few words (for tests and `--verbose`)."""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    size: int
    modified: float
    automatic: bool
    day: date | None = field(default=None)


def backup_dir(database: Path, configured: str | None = None) -> Path:
    """Where the automatic backups of `database` go: `configured`, else `<db dir>/backups`."""
    if configured:
        return Path(configured).expanduser()
    return database.parent / BACKUP_DIR_NAME


def server_dump_dir(*, create: bool = False) -> Path:
    """Where the `pg_dump` backups of server databases go: `backups/` in the data directory
    (`funnel backup`'s and the ones before schema upgrades), private to the user."""
    directory = paths.data_dir() / BACKUP_DIR_NAME
    if create:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def auto_name(database: Path, day: date) -> str:
    return f"{database.stem}-auto-{day.isoformat()}{database.suffix}"


def _auto_pattern(database: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(database.stem) + r"-auto-(\d{4}-\d{2}-\d{2})" + re.escape(database.suffix) + r"\Z"
    )


def auto_backups(database: Path, directory: Path) -> list[tuple[date, Path]]:
    """The automatic backups of `database` in `directory`, oldest first."""
    pattern = _auto_pattern(database)
    found = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in directory.iterdir():
            match = pattern.match(entry.name)
            if match is None:
                continue
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                continue
            found.append((day, entry))
    return sorted(found)


def run_auto_backup(
    database: Path,
    *,
    today: date,
    keep_days: int = 14,
    directory: Path | None = None,
) -> AutoBackupResult:
    """Write today's automatic backup of `database` unless one exists, then prune.

    Raises StoreError (one line) when the backup cannot be written; the caller warns.
    """
    if keep_days < 1:
        raise StoreError(_("backup_keep_days must be at least 1"))
    started = time.perf_counter()
    database = database.absolute()
    if not database.is_file():
        return AutoBackupResult(skipped="no database file")
    directory = directory or backup_dir(database)
    _ensure_directory(directory, database.parent)
    with _lock(directory / f".{database.name}.backup-lock") as held:
        if not held:
            return AutoBackupResult(skipped="another process is backing up")
        existing = auto_backups(database, directory)
        written = None
        if not existing or existing[-1][0] < today:
            written = directory / auto_name(database, today)
            copy_database(database, written)
        cutoff = today - timedelta(days=keep_days)
        deleted = []
        for day, path in auto_backups(database, directory):
            if day < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                deleted.append(path)
    return AutoBackupResult(
        written=written,
        deleted=tuple(deleted),
        skipped=None if written else "today's backup exists",
        seconds=time.perf_counter() - started,
    )


def copy_database(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite file (`files.backup_file`); a `.partial` left by a
    killed run is replaced: the caller holds the backups' lock."""
    backup_file(source, destination, label="automatic backup", stale_partial=True)


def list_backups(database: Path, directory: Path | None = None) -> list[BackupInfo]:
    """Backups of `database`, oldest first: automatic ones, `funnel backup` copies next to it
    (`<name>-YYYYMMDD-HHMMSS<suffix>`) and the copies taken before schema upgrades (`.bak`)."""
    database = database.absolute()
    directory = directory or backup_dir(database)
    infos = [_info(path, True, day) for day, path in auto_backups(database, directory)]
    manual = re.compile(
        re.escape(database.stem) + r"-\d{8}-\d{6}" + re.escape(database.suffix) + r"\Z"
    )
    upgrade = re.compile(re.escape(database.name) + r"\.v\d+-.*\.bak\Z")
    with contextlib.suppress(FileNotFoundError):
        for entry in database.parent.iterdir():
            if manual.match(entry.name) or upgrade.match(entry.name):
                infos.append(_info(entry, False, None))
    return sorted(infos, key=lambda info: (info.modified, info.path.name))


def list_dumps(directory: Path, database_name: str) -> list[BackupInfo]:
    """The `pg_dump` backups of the server database `database_name` in `directory`, oldest
    first: `funnel backup`'s (`<name>-YYYYMMDD-HHMMSS.dump`) and the ones taken before
    schema upgrades (`<name>.dump.vN-….bak`)."""
    ours = re.compile(re.escape(database_name) + r"(-\d{8}-\d{6}\.dump|\.dump\.v\d+-.*\.bak)\Z")
    infos: list[BackupInfo] = []
    with contextlib.suppress(FileNotFoundError):
        infos.extend(
            _info(entry, False, None) for entry in directory.iterdir() if ours.match(entry.name)
        )
    return sorted(infos, key=lambda info: (info.modified, info.path.name))


def _info(path: Path, automatic: bool, day: date | None) -> BackupInfo:
    stat = path.stat()
    return BackupInfo(path, stat.st_size, stat.st_mtime, automatic, day)


def _ensure_directory(directory: Path, like: Path) -> None:
    if directory.is_dir():
        return
    try:
        mode = like.stat().st_mode & 0o7777
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(mode)  # mkdir follows the umask; setgid keeps a team's group
    except OSError as err:
        raise StoreError(
            _("cannot create {path}: {error}").format(path=directory, error=err.strerror or err)
        ) from None


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[bool]:
    """Yields True while holding the lock file `path`, False if someone else holds it."""
    for _attempt in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue  # released in between: try again
            if age < STALE_LOCK_S:
                yield False
                return
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # left by a killed process
            continue
        except OSError as err:
            raise StoreError(
                _("cannot create {path}: {error}").format(path=path, error=err.strerror or err)
            ) from None
        try:
            os.write(descriptor, str(os.getpid()).encode())
        finally:
            os.close(descriptor)
        try:
            yield True
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return
    yield False
