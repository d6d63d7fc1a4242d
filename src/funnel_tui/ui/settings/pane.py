"""What every tab of the settings screen is: a widget that reads what it shows again on
`reload()` (after its own change, and when a teammate changed the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widget import Widget

from funnel_tui.ui.localized import Localized

if TYPE_CHECKING:
    from funnel_tui.services import Services
    from funnel_tui.ui.app import FunnelApp


class SettingsPane(Localized, Widget):
    """A tab's content. `services` is the open store's (the screen opens only once it is)."""

    DEFAULT_CSS = """
    SettingsPane { height: 1fr; }
    """

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services

    @property
    def funnel_app(self) -> FunnelApp:
        return cast("FunnelApp", self.app)

    def reload(self) -> None:
        """Read what the pane shows again (in a thread worker), keeping the user's place."""
