"""The composition root: the only place that joins storage, services and the UI."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from funnel_tui.config import Settings
from funnel_tui.domain.dates import utc_now
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


def check_database(target: str) -> None:
    """Fail fast, cheaply (no SQLAlchemy), on a database path that cannot be opened."""
    if "://" in target:
        return
    from funnel_tui.storage.files import inspect_file

    inspect_file(Path(target).expanduser())


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

    login = login or os_login()
    clock = clock or utc_now
    return FunnelApp(
        settings=settings,
        open_services=partial(open_services, target, login=login, clock=clock),
        open_board=partial(open_board, target, login=login, clock=clock),
    )
