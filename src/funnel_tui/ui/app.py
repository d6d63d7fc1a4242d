"""The Textual app. Thin: it opens the database after the first frame and hosts screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from funnel_tui.config import Settings
from funnel_tui.services import Services
from funnel_tui.ui.screens.board import BoardScreen


class FunnelApp(App[None]):
    """Funnel's terminal UI."""

    TITLE = "Funnel"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "toggle_help", "Keys", id="app.help"),
    ]

    def __init__(self, *, settings: Settings, open_services: Callable[[], Services]) -> None:
        super().__init__()
        self.settings = settings
        self._open_services = open_services
        self.services: Services | None = None

    def on_mount(self) -> None:
        self.push_screen(
            BoardScreen(
                self.settings.effective_currency,
                self.settings.default_pipeline,
                self.settings.effective_language,
            )
        )
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
        self.sub_title = services.context.store.label
        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                screen.services = services

    def _fail(self, message: str) -> None:
        self.exit(return_code=1, message=message)

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a command in the palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(
                    f"{binding.description} ({binding.key.split(',')[0]})",
                    binding.tooltip or binding.description,
                    lambda action=binding.action, target=screen: self.run_action(action, target),
                )

    def on_unmount(self) -> None:
        if self.services is not None:
            self.services.close()
