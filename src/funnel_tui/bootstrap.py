"""The composition root: the only place that joins storage, services and the UI."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from funnel_tui.config import Settings
from funnel_tui.domain.dates import utc_now
from funnel_tui.services import Services
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


def build_app(
    settings: Settings, target: str, *, login: str | None = None, clock: Clock | None = None
) -> FunnelApp:
    """The Textual app over the database at `target` (opened after the first frame)."""
    from funnel_tui.ui.app import FunnelApp

    opener = partial(open_services, target, login=login, clock=clock)
    return FunnelApp(settings=settings, open_services=opener)
