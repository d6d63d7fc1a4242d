"""SettingsScreen: shape pipelines and stages, loss reasons, the team, and one's own
preferences (DESIGN.md, Screens 6). A tab per subject; each tab is a `SettingsPane` of its own
module, and every change there is one write transaction through the services, so the board
and the reports show it when the user goes back (the app's live refresh reads them again).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane

from funnel_tui.i18n import N_, _
from funnel_tui.services import Services
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.settings.pane import SettingsPane
from funnel_tui.ui.settings.pipelines_pane import PipelinesPane
from funnel_tui.ui.settings.preferences_pane import PreferencesPane
from funnel_tui.ui.settings.reasons_pane import LossReasonsPane
from funnel_tui.ui.settings.team_pane import TeamPane
from funnel_tui.ui.widgets.key_footer import KeyFooter

TABS = (
    ("pipelines", N_("Pipelines")),
    ("reasons", N_("Loss reasons")),
    ("team", N_("Team")),
    ("preferences", N_("Preferences")),
)
"""(id, title) of each tab, in order; keys 1–4 switch to them."""


class SettingsScreen(Localized, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('pipelines')", N_("Pipelines"), id="settings.pipelines", show=False),
        Binding("2", "tab('reasons')", N_("Loss reasons"), id="settings.reasons", show=False),
        Binding("3", "tab('team')", N_("Team"), id="settings.team", show=False),
        Binding(
            "4", "tab('preferences')", N_("Preferences"), id="settings.preferences", show=False
        ),
        Binding("escape", "back", N_("Back"), id="settings.back"),
    ]

    def __init__(self, services: Services, start_tab: str = "pipelines") -> None:
        super().__init__()
        self.services = services
        self._start_tab = start_tab

    def compose(self) -> ComposeResult:
        yield Header()
        panes: dict[str, SettingsPane] = {
            "pipelines": PipelinesPane(self.services, id="pipelines-pane"),
            "reasons": LossReasonsPane(self.services, id="reasons-pane"),
            "team": TeamPane(self.services, id="team-pane"),
            "preferences": PreferencesPane(self.services, id="preferences-pane"),
        }
        with TabbedContent(initial=self._start_tab):
            for tab_id, title in TABS:
                with TabPane(_(title), id=tab_id):
                    yield panes[tab_id]
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Settings")

    def action_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = tab_id

    def action_back(self) -> None:
        self.dismiss()

    def live_refresh(self) -> None:
        """Someone changed the database: every pane reads again."""
        for pane in self.query(SettingsPane):
            pane.reload()
