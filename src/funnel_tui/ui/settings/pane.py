"""What every tab of the settings screen is: a widget that reads what it shows again on
`reload()` (after its own change, and when a teammate changed the database).

The reading is here once: `read()` runs in a thread worker (it calls the services), `show()`
puts the result on screen. Reads are numbered and only the latest one asked for is shown, so a
quick run of changes ends on the last state; they are not exclusive, as a cancelled worker
would fail whoever waits on it. A read fails with a plain-text notification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.widget import Widget

from funnel_tui.domain.errors import FunnelError
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.notices import tell
from funnel_tui.ui.threads import call_back

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
        self._asked = 0
        """How many reads were asked for: only the last one's result is shown."""
        self._ready = False
        """Set by `start_reading` once the widgets are set up: reads before that wait."""

    @property
    def funnel_app(self) -> FunnelApp:
        return cast("FunnelApp", self.app)

    def start_reading(self) -> None:
        """The widgets are set up (call at the end of on_mount): the first read."""
        self._ready = True
        self.reload()

    def reload(self) -> None:
        """Read what the pane shows again (in a thread worker), keeping the user's place. A
        live refresh before the pane is ready reads nothing: its first read comes then."""
        if not self._ready:
            return
        self._asked += 1
        self._read_in_thread(self._asked)

    def read(self) -> Any:
        """What the pane shows, from the services (blocking: runs in a thread worker)."""
        return None

    def show(self, read: Any) -> None:
        """Put what `read()` returned on screen (on the UI thread)."""

    @work(thread=True, group="settings-read")
    def _read_in_thread(self, asked: int) -> None:
        try:
            result = self.read()
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
            return
        call_back(self, self._read_done, asked, result)

    def _read_done(self, asked: int, result: Any) -> None:
        if asked == self._asked:  # else a newer read is under way
            self.show(result)
