"""The composition root: the only place that joins storage, services and the UI."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from funnel_tui.config import Settings
from funnel_tui.domain.dates import utc_now
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import _, set_language
from funnel_tui.services import Services
from funnel_tui.services.board import BoardService, StoreBoardSource
from funnel_tui.services.context import Clock, ServiceContext, os_login

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp


def open_services(
    target: str | Path,
    *,
    create: bool = True,
    login: str | None = None,
    clock: Clock | None = None,
) -> Services:
    """Open the database at `target` and build the services over it.

    `login` and `clock` replace the OS login and the system clock (tests, snapshots).
    """
    # Imported here: SQLAlchemy costs ~0.4 s, which the TUI pays after its first frame.
    from funnel_tui.storage.database import open_store

    store = open_store(target, create=create)
    context = ServiceContext(store, login=login or os_login(), clock=clock or utc_now)
    return Services.over(context)


def copy_database(
    source: str, destination: str, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Copy every row of the database at `source` into the empty one at `destination` (a
    server URL, or a file made for it); rows copied per table. A file made here is removed
    again if the copy fails, so a failure leaves nothing behind."""
    from funnel_tui.storage.copy import copy_database as copy_rows
    from funnel_tui.storage.database import open_store

    made = _sqlite_file(destination)
    if made is not None and made.expanduser().exists():
        made = None  # not ours to remove (and copy_rows refuses it unless it is empty)
    source_store = open_store(source, create=False)
    try:
        target_store = open_store(destination, create=True)
        try:
            return copy_rows(source_store, target_store, progress).rows
        finally:
            target_store.close()
    except BaseException:
        if made is not None:
            for leftover in (made, *(made.with_name(made.name + end) for end in _SIDECARS)):
                leftover.expanduser().unlink(missing_ok=True)
        raise
    finally:
        source_store.close()


_SIDECARS = ("-wal", "-shm", "-journal", "-writer.lock")


def check_database(target: str) -> None:
    """Fail fast, cheaply (no SQLAlchemy), on a database path that cannot be opened."""
    if "://" in target:
        return
    from funnel_tui.storage.files import inspect_file

    inspect_file(Path(target).expanduser())


def database_warnings(target: str, *, allow_symlink: bool = False) -> list[str]:
    """One-line warnings about where the database file at `target` sits (none for a server
    or an in-memory database); raises StoreError for a symlink in a shared directory unless
    `allow_symlink`. Cheap: no SQLAlchemy, no opening of the file."""
    path = _sqlite_file(target)
    if path is None or not str(path):
        return []
    from funnel_tui.storage.team_files import path_warnings

    return path_warnings(path, allow_symlink=allow_symlink)


def open_board(
    target: str | Path, services: Services | None, *, login: str, clock: Clock
) -> BoardService | None:
    """The board's reads over `target`.

    An SQLite file at the current schema is read with the lean `sqlite3` reader, which needs
    no ORM and so no `services`. Anything else (a server, an in-memory database, a file still
    to be created or upgraded) is read through the store, once `services` have opened it;
    before that, None.
    """
    path = _sqlite_file(target)
    if path is not None:
        from funnel_tui.storage.sqlite_board import SqliteBoardReader

        reader = SqliteBoardReader.open(path)
        if reader is not None:
            return BoardService(reader, login=login, clock=clock)
    if services is None:
        return None
    return BoardService(StoreBoardSource(services.context.store), login=login, clock=clock)


def sqlite_file(target: str | Path) -> Path | None:
    """The database file behind `target` (a path or a plain `sqlite:///` URL), else None."""
    return _sqlite_file(target)


def _sqlite_file(target: str | Path) -> Path | None:
    """The file behind a path or a plain `sqlite:///path` URL; None for anything else."""
    if isinstance(target, Path) or "://" not in target:
        return Path(target)
    prefix = "sqlite:///"
    if target.startswith(prefix) and len(target) > len(prefix) and "?" not in target:
        return Path(target[len(prefix) :])
    return None


def build_app(
    settings: Settings, target: str, *, login: str | None = None, clock: Clock | None = None
) -> FunnelApp:
    """The Textual app over the database at `target`.

    The board reads first (`open_board`); the full store, for writes, opens after the first
    cards are on screen.
    """
    from funnel_tui.ui.app import FunnelApp

    set_language(settings.effective_language)
    login = login or os_login()
    clock = clock or utc_now
    opener = partial(open_services, target, login=login, clock=clock)
    shown: list[FunnelApp] = []
    backup = BackgroundBackup(target, settings, clock, warn=partial(_notify_from_thread, shown))
    app = FunnelApp(
        settings=settings,
        open_services=partial(_open_then_back_up, opener, backup.start),
        open_board=partial(open_board, target, login=login, clock=clock),
    )
    shown.append(app)
    return app


def auto_backup(target: str | Path, settings: Settings, *, today: date) -> str | None:
    """Today's automatic backup of the database file at `target`, if due (storage/backups.py).

    Returns a one-line warning when it failed (None when done or not due); never raises.
    Nothing for a server or an in-memory database, or with `auto_backup = false`.
    """
    path = _sqlite_file(target)
    if not settings.auto_backup or path is None or not str(path):
        return None
    from funnel_tui.storage.backups import backup_dir, run_auto_backup

    path = path.expanduser().absolute()
    try:
        run_auto_backup(
            path,
            today=today,
            keep_days=settings.backup_keep_days,
            directory=backup_dir(path, settings.backup_dir),
        )
    except (FunnelError, OSError) as err:
        return _("automatic backup not written: {error}").format(error=err)
    return None


class BackgroundBackup:
    """The app's automatic backup: run once, in a daemon thread, after the store has opened
    (so after the first frame); a failure reaches `warn` as one line and nothing else."""

    def __init__(
        self,
        target: str | Path,
        settings: Settings,
        clock: Clock,
        *,
        warn: Callable[[str], None],
    ) -> None:
        self._target, self._settings, self._clock, self._warn = target, settings, clock, warn
        self._started = False
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self._started or not self._settings.auto_backup:
            return
        self._started = True
        self.thread = threading.Thread(target=self._run, name="funnel-auto-backup", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        warning = auto_backup(self._target, self._settings, today=self._clock().astimezone().date())
        if warning is not None:
            self._warn(warning)


def _open_then_back_up(opener: Callable[[], Services], then: Callable[[], None]) -> Services:
    services = opener()
    then()
    return services


def _notify_from_thread(apps: list[FunnelApp], message: str) -> None:
    for app in apps:
        with contextlib.suppress(RuntimeError):  # the app has already exited
            app.call_from_thread(app.notify, message, severity="warning", timeout=10)
