"""The Textual app. Thin: it opens the database after the first frame and hosts screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from funnel_tui.config import Settings
from funnel_tui.services import Services
from funnel_tui.ui.screens.overview import OverviewScreen


class FunnelApp(App[None]):
    """Funnel's terminal UI."""

    TITLE = "Funnel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, *, settings: Settings, open_services: Callable[[], Services]) -> None:
        super().__init__()
        self.settings = settings
        self._open_services = open_services
        self.services: Services | None = None

    def on_mount(self) -> None:
        self.push_screen(OverviewScreen())
        self._open_database()

    @work(thread=True, exclusive=True, group="open-database")
    def _open_database(self) -> None:
        # Runs after the first frame: SQLAlchemy's import and the file checks cost ~0.5 s.
        try:
            services = self._open_services()
        except Exception as err:  # noqa: BLE001 - shown to the user, then we leave
            self.call_from_thread(self._fail, str(err))
            return
        self.call_from_thread(self._opened, services)

    def _opened(self, services: Services) -> None:
        self.services = services
        if isinstance(self.screen, OverviewScreen):
            self.screen.services = services

    def _fail(self, message: str) -> None:
        self.exit(return_code=1, message=message)

    def on_unmount(self) -> None:
        if self.services is not None:
            self.services.close()
