"""The Textual app. Thin: it opens the database after the first frame and hosts screens.

Opening goes in two steps. The board's reader comes first: for an SQLite file it needs no
ORM and opens in milliseconds, so the cards show ~0.4 s sooner. The full store (SQLAlchemy,
for writes) opens once they are on screen: importing it in a thread while the board paints
would slow the paint down, as both need the one GIL.
"""

from __future__ import annotations

import gc
import io
import sys
import threading
import weakref
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.console import Console
from rich.text import Text
from textual import events, on, work
from textual._files import generate_datetime_filename
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.worker import get_current_worker

from funnel_tui.config import Settings
from funnel_tui.domain.date_format import set_date_format
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import Role
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.agenda_text import todo
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import safe_text
from funnel_tui.services import Services
from funnel_tui.services.agenda_model import AgendaItem
from funnel_tui.services.board import BoardService
from funnel_tui.ui.commands import DealSearch
from funnel_tui.ui.localized import Localized, translate_bindings
from funnel_tui.ui.notices import tell
from funnel_tui.ui.screens.board import BoardScreen

if TYPE_CHECKING:
    from funnel_tui.ui.screens.agenda import AgendaScreen
    from funnel_tui.ui.screens.dashboard import DashboardStart

# The agenda, funnel, reports, dashboard and import screens are imported when first opened:
# together ~80 ms (the call session, analytics models, charts, the import preview) that the
# board's first frame need not wait for.
AGENDA_MODULE = "funnel_tui.ui.screens.agenda"
DASHBOARD_MODULE = "funnel_tui.ui.screens.dashboard"

Opened = TypeVar("Opened")

OpenBoard = Callable[[Services | None], BoardService | None]
"""The board's reads: before the store is open (None if they need it), or over it."""

DUE_CHECK_S = 30.0
"""How often the app looks for contacts that have just fallen due (one indexed query)."""
MAX_DUE_NOTES = 3
"""More than this at once get one summary notification."""
FIRST_PAINT_WAIT_S = 2.0
CHANGE_POLL_S = 1.0
"""How often the app asks the store whether anyone changed the database (~2 µs on SQLite:
asked on the UI thread). What shows is then read again: a teammate's change is on screen
within this plus one read (DESIGN.md: within 2 s)."""
"""How long the store waits for the board's first paint before opening anyway."""


LEAD_COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    (N_("Reports"), "show_reports", N_("KPIs, forecast, plan, team, losses"), "ReportsScreen"),
    (N_("Dashboard"), "show_dashboard", N_("The wall dashboard"), "DashboardScreen"),
    (N_("Import deals"), "show_import", N_("From a CSV or XLSX export"), "ImportScreen"),
    (
        N_("Settings"),
        "show_settings",
        N_("Pipelines, stages, loss reasons, team, preferences"),
        "SettingsScreen",
    ),
)
"""The palette's commands for the lead's screens: (title, app action, help, screen class)."""

TEXTUAL_KEYS = (
    # App: ctrl+q, and ctrl+p (its description shows at the footer's right end).
    N_("Quit the app and return to the command prompt."),
    N_("palette"),
    N_("Open the command palette"),
    # Screen: every screen and modal has these (shown in the key panel).
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    # Scrolling containers (the board's columns, the timeline, inherit them).
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    # The command palette's own keys.
    N_("Go to bottom"),
    N_("Go to top"),
    N_("Next command"),
    N_("Exit the command palette"),
    N_("Next page"),
    N_("Previous page"),
    N_("Previous command"),
)
"""Key descriptions of Textual's own bindings, which our nodes inherit: marked here for the
catalog; `Localized` translates them with the rest of a node's keys."""

TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
"""The titles and help of the commands `App.get_system_commands` offers, marked for the
catalog; `get_system_commands` translates them as Textual yields them."""

SCREENSHOT_DELIVERY = "funnel-screenshot"


class FunnelApp(Localized, App[None]):
    """Funnel's terminal UI."""

    TITLE = "Funnel"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DealSearch}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit"), id="app.quit"),
        Binding("question_mark", "toggle_help", N_("Keys"), id="app.help"),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        open_services: Callable[[], Services],
        open_board: OpenBoard,
    ) -> None:
        super().__init__()
        self.settings = settings
        self._open_services = open_services
        self._open_board = open_board
        self.services: Services | None = None
        self.board: BoardService | None = None
        self._board_painted = threading.Event()
        self._due_checked: datetime | None = None
        """Until when contacts falling due have been announced (set when the store opens)."""
        self._me_id: int | None = None
        """The user's id, for the contacts falling due that are theirs."""
        self._dashboard: DashboardStart | None = None
        """Started as the wall dashboard (`funnel dashboard`): no board at all."""
        self._data_version: int | None = None
        self._stale: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        """Screens that have not shown the latest change yet (they are under others)."""
        self.failure: str | None = None
        """Why the database could not be opened (the app then exits with code 1)."""

    def start_on_dashboard(self, start: DashboardStart) -> None:
        """Open on the wall dashboard instead of the board (call before `run`)."""
        self._dashboard = start

    def get_default_screen(self) -> Screen[Any]:
        if self._dashboard is not None:
            from funnel_tui.ui.screens.dashboard import DashboardScreen

            return DashboardScreen(None, self.settings.effective_currency, self._dashboard)
        # The board is the bottom screen, not one pushed over Textual's empty default: a
        # screen below the current one is a "background screen", and its repaints were passed
        # up as full repaints of the board (~17 KB each) while the first cards came in.
        return BoardScreen(
            self.settings.effective_currency,
            self.settings.default_pipeline,
            self.settings.effective_language,
        )

    def on_mount(self) -> None:
        self._apply_theme(self.settings.theme)
        self._open_database()

    @work(thread=True, exclusive=True, group="open-database")
    def _open_database(self) -> None:
        agenda_first = False
        if self._dashboard is not None:  # the dashboard reads through the full store only
            try:
                services = self._open_services()
            except Exception as err:  # noqa: BLE001 - shown to the user, then we leave
                self.call_from_thread(self._fail, str(err))
                return
            _tune_collector()
            self.call_from_thread(self._opened, services, None, False)
            return
        try:
            board = self._open_board(None)
            if board is not None:
                agenda_first = self._agenda_first(board)
                self.call_from_thread(self._board_opened, board, agenda_first)
                if not agenda_first:  # the board, under the agenda, would not paint
                    self._board_painted.wait(FIRST_PAINT_WAIT_S)
                if get_current_worker().is_cancelled:
                    return  # the app is closing
            services = self._open_services()
            _tune_collector()
            if board is None:
                board = self._open_board(services)
                agenda_first = board is not None and self._agenda_first(board)
        except Exception as err:  # noqa: BLE001 - shown to the user, then we leave
            self.call_from_thread(self._fail, str(err))
            return
        self.call_from_thread(self._opened, services, board, agenda_first)

    def _agenda_first(self, board: BoardService) -> bool:
        """Start on the agenda? (In the opening worker: it reads.) DESIGN.md: when something
        is overdue or due today, unless the settings fix the start screen."""
        if self.settings.start_screen != "auto":
            return self.settings.start_screen == "agenda"
        return board.due_today(board.context(), local_zone()) > 0

    @on(BoardScreen.Shown)
    def _first_paint_done(self) -> None:
        self._board_painted.set()

    def _board_screens(self) -> list[BoardScreen]:
        return [screen for screen in self.screen_stack if isinstance(screen, BoardScreen)]

    def _agenda_screens(self) -> list[AgendaScreen]:
        if AGENDA_MODULE not in sys.modules:  # not loaded: no agenda is shown
            return []
        from funnel_tui.ui.screens.agenda import AgendaScreen

        return [screen for screen in self.screen_stack if isinstance(screen, AgendaScreen)]

    def _board_opened(self, board: BoardService, agenda_first: bool) -> None:
        self.board = board
        for screen in self._board_screens():
            screen.read_from(board)
        if agenda_first:
            self.action_show_agenda()

    def _opened(self, services: Services, board: BoardService | None, agenda_first: bool) -> None:
        self.services = services
        # For screens without a sub-title of their own (the board has one): no repaint.
        self.set_reactive(App.sub_title, services.context.store.label)
        if self.board is None and board is not None:
            self._board_opened(board, agenda_first)
        for screen in self._board_screens():
            screen.write_with(services)
        for agenda in self._agenda_screens():
            agenda.use_services(services)
        if DASHBOARD_MODULE in sys.modules:  # not loaded: no dashboard is shown
            from funnel_tui.ui.screens.dashboard import DashboardScreen

            for shown in self.screen_stack:
                if isinstance(shown, DashboardScreen):
                    shown.use_services(services)
        self._due_checked = services.context.clock()
        self.set_interval(DUE_CHECK_S, self.check_due)
        # The board (and an agenda over it) read before the store was open: a teammate's
        # change since then shows at the first poll. Unchanged columns repaint nothing.
        self._stale.update(self._board_screens())
        self._stale.update(self._agenda_screens())
        with suppress(FunnelError):
            self._data_version = services.context.store.data_version()
        self.set_interval(CHANGE_POLL_S, self.poll_changes)
        self._join_team(services)

    @work(thread=True, group="join-team")
    def _join_team(self, services: Services) -> None:
        """A login new to a team database is recorded now, as a rep, and the boards that
        opened on the whole team (nobody knew them yet) turn to their own deals."""
        try:
            me = services.users.join()
        except FunnelError:
            return  # a read-only or busy file: they join on their first write instead
        if me is not None and me.role is Role.REP:
            self.call_from_thread(self._show_own_deals, me.id)

    def _show_own_deals(self, user_id: int) -> None:
        for board in self._board_screens():
            query = board.board_query
            if query is not None and query.owner_id is None:
                board.show_owner(user_id)

    # --- live refresh: a teammate's change shows within 2 s --------------------------------

    def poll_changes(self) -> None:
        """Refresh what shows if anyone changed the database since the last look.

        The screens on view are read again now; those under them when they come back on
        view (at a later poll). This app's own writes count as changes too: the screens
        have shown them already, and a refresh that finds nothing new repaints nothing.
        Nothing is read once the app is shutting down: the screens' widgets are being
        removed then, and a pane asked to refresh would find its fields gone.
        """
        if self.services is None or not self.is_running:
            return
        try:
            version = self.services.context.store.data_version()
        except FunnelError:
            return  # a vanished or damaged file: the screens' own reads say so
        if version != self._data_version:
            if self._data_version is not None:
                self._stale.update(self.screen_stack)
            self._data_version = version
        for screen in _on_view(self.screen_stack):
            if screen in self._stale:
                self._stale.discard(screen)
                _refresh(screen)

    # --- the agenda and contacts falling due -----------------------------------------------

    def _once_open(self, part: Opened | None) -> Opened | None:
        """`part` of the database (the board's reads, the full store); None, said to the
        user, while it is still being opened (the first second after start)."""
        if part is None:
            self.notify(_("Still opening the database…"), severity="warning")
        return part

    def action_show_agenda(self) -> None:
        board = self._once_open(self.board)
        if board is None:
            return
        from funnel_tui.ui.screens.agenda import AgendaScreen

        if isinstance(self.screen, AgendaScreen):
            return
        agenda = AgendaScreen(board, self.settings.effective_currency)
        if self.services is not None:
            agenda.use_services(self.services)
        self.push_screen(agenda)

    def action_show_funnel(self) -> None:
        """The funnel, of the pipeline and owner the board shows."""
        # The report reads through the full store.
        services = self._once_open(self.services)
        if services is None:
            return
        from funnel_tui.ui.screens.funnel import FunnelScreen

        if isinstance(self.screen, FunnelScreen):
            return
        boards = self._board_screens()
        start = boards[0].board_query if boards else None
        self.push_screen(FunnelScreen(services, self.settings.effective_currency, start))

    def action_show_reports(self) -> None:
        """The reports, starting with the pipeline and owner the board shows."""
        services = self._once_open(self.services)
        if services is None:
            return
        from funnel_tui.ui.screens.reports import ReportsScreen

        if isinstance(self.screen, ReportsScreen):
            return
        boards = self._board_screens()
        start = boards[0].board_query if boards else None
        self.push_screen(ReportsScreen(services, self.settings.effective_currency, start))

    def action_show_dashboard(self) -> None:
        """The wall dashboard, of the pipeline and owner the board shows."""
        services = self._once_open(self.services)
        if services is None:
            return
        from funnel_tui.ui.screens.dashboard import DashboardScreen, DashboardStart

        if isinstance(self.screen, DashboardScreen):
            return
        boards = self._board_screens()
        query = boards[0].board_query if boards else None
        start = DashboardStart(
            pipeline_id=query.pipeline_id if query is not None else None,
            owner_id=query.owner_id if query is not None else None,
            pipeline_name=self.settings.default_pipeline,
        )
        screen = DashboardScreen(services, self.settings.effective_currency, start)
        self.push_screen(screen)

    def action_show_import(self) -> None:
        """Deals from a CSV or XLSX export: preview, then import (paths from the working
        directory)."""
        # The import plans and writes through the full store.
        services = self._once_open(self.services)
        if services is None:
            return
        from funnel_tui.ui.screens.import_screen import ImportScreen

        if isinstance(self.screen, ImportScreen):
            return
        self.push_screen(ImportScreen(services, Path.cwd(), self.settings.effective_currency))

    def action_show_settings(self) -> None:
        """Pipelines and stages, loss reasons, the team, one's own preferences."""
        # Settings read and write through the full store.
        services = self._once_open(self.services)
        if services is None:
            return
        from funnel_tui.ui.settings.screen import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        self.push_screen(SettingsScreen(services))

    def apply_settings(self, changes: dict[str, str]) -> Settings:
        """Save `changes` to the config file (an empty value: back to the default) and apply
        what can be applied at once: the theme, the date format, the currency of new deals.
        The language and the start screen apply from the next start. FunnelError when the
        file cannot be written or the values are refused (nothing is then changed)."""
        from funnel_tui.config import save_settings

        saved = save_settings(changes)
        # Only what changed: the rest may come from the command line (--lang), not the file.
        settings = replace(self.settings, **{key: getattr(saved, key) for key in changes})
        self.settings = settings
        self._apply_theme(settings.theme)
        set_date_format(settings.date_format)
        for board in self._board_screens():
            board.use_preferences(settings.effective_currency)
        for screen in self.screen_stack:  # dates and the currency show anew
            self._stale.add(screen)
        return settings

    def _apply_theme(self, name: str) -> None:
        """Show the theme `name` ("": Textual's default, as when none was chosen)."""
        if not name:
            from textual import constants

            self.theme = constants.DEFAULT_THEME
            return
        if name in self.available_themes:
            self.theme = name
        else:
            self.notify(
                _("No theme named {name}: the default stays").format(name=repr(name)),
                severity="warning",
            )

    def check_due(self) -> None:
        """Tell the user about contacts that fell due since the last check (every 30 s)."""
        if self.services is not None and self.board is not None:
            self._check_due(self.services, self.board)

    @work(thread=True, exclusive=True, group="due-check")
    def _check_due(self, services: Services, board: BoardService) -> None:
        now = services.context.clock()
        since, self._due_checked = self._due_checked or now, now
        if now <= since:
            return
        try:
            if self._me_id is None:  # known once the user is recorded (their first write)
                me = board.context().me
                self._me_id = me.id if me is not None else None
            # Their own contacts, whatever the board shows.
            due = services.agenda.due_between(since, now, owner_id=self._me_id)
        except FunnelError:
            return  # a busy or vanished database: the next check tries again
        if due:
            self.call_from_thread(self._contacts_due, due)

    def _contacts_due(self, due: list[AgendaItem]) -> None:
        for item in due[:MAX_DUE_NOTES]:
            what = todo(item)
            message = item.title + (f" — {what}" if what else "")
            title = _("Deal back from hold") if item.on_hold else _("Contact due now")
            tell(self, message, title=title, timeout=20)
        if len(due) > MAX_DUE_NOTES:
            more = len(due) - MAX_DUE_NOTES
            tell(
                self,
                ngettext(
                    "and {n} more: see the agenda (a)", "and {n} more: see the agenda (a)", more
                ).format(n=format_number(more)),
            )
        for agenda in self._agenda_screens():
            agenda.action_reload()
        self.screen.refresh()  # the board's badges turn from "today" to "overdue"

    def open_deal(self, deal_id: int) -> None:
        """The deal pane, from wherever the user is (a card, the palette's deal search)."""
        services = self._once_open(self.services)
        if services is None:
            return
        if isinstance(self.screen, BoardScreen):
            self.screen.open_deal(deal_id)  # so that closing it returns to the card
            return
        from funnel_tui.ui.screens.deal import DealScreen, deal_screen

        if isinstance(self.screen, DealScreen):
            self.screen.show_deal(deal_id)
        else:
            currency = self.settings.effective_currency
            self.push_screen(deal_screen(self, services, deal_id, currency))

    def _fail(self, message: str) -> None:
        """The database could not be opened: leave with exit code 1; `run` then prints why.

        After the next refresh: a failure found within milliseconds (a directory, a text
        file) would otherwise end the app while the header still sets its title, and
        Textual would print that callback's traceback instead."""
        self.failure = message
        self.call_after_refresh(self.exit, return_code=1)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the app; if the database could not be opened, say why on stderr once the
        terminal is restored: one literal line, as the commands' errors (a path may hold
        `[…]` or escapes, and Textual's own exit message would be read as markup and broken
        at the terminal's width). Returns what `App.run` does (a snapshot's SVG, in tests)."""
        result = super().run(*args, **kwargs)
        if self.failure is not None:
            Console(stderr=True, highlight=False, soft_wrap=True).print(
                Text("funnel: ") + safe_text(self.failure)
            )
        return result

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a command in the palette (ctrl+p).
        Textual's own commands (theme, quit, keys, screenshot) come first, translated
        (their words are marked in `TEXTUAL_COMMANDS`)."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                # The class's descriptions are English (marked with N_): translated here.
                description = _(binding.description)
                yield SystemCommand(
                    f"{description} ({self._first_key(binding)})",
                    _(binding.tooltip) if binding.tooltip else description,
                    lambda action=binding.action, target=screen: self.run_action(action, target),
                )
        # The team lead's screens, from wherever the user is (the board has keys for them).
        offered = {binding.action for binding in screen.BINDINGS if isinstance(binding, Binding)}
        for title, action, help_text, kind in LEAD_COMMANDS:
            # By name: the screens' modules are loaded when first opened, not for the palette.
            if f"app.{action}" not in offered and type(screen).__name__ != kind:
                yield SystemCommand(
                    _(title), _(help_text), lambda action=action: self.run_action(action)
                )

    def action_command_palette(self) -> None:
        """Textual's palette, with its own words (placeholder, keys) in the interface
        language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                _palette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def search_themes(self) -> None:
        """The theme picker (the palette's "Theme" command), its placeholder translated."""
        self.push_screen(_palette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def action_help_quit(self) -> None:
        """ctrl+c no longer quits: say which key does (Textual's words, translated)."""
        for key, active_binding in self.active_bindings.items():
            if active_binding.binding.action in ("quit", "app.quit"):
                self.notify(
                    _("Press [b]{key}[/b] to quit the app").format(key=key),
                    title=_("Do you want to quit?"),
                )
                return

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """As Textual's, under a delivery name of our own, so that the notification saying
        it was saved is ours too (Textual's is English)."""
        if not filename:
            filename = generate_datetime_filename(self.title, ".svg", time_format)
        return self.deliver_text(
            io.StringIO(self.export_screenshot()),
            save_directory=path,
            save_filename=filename,
            open_method="browser",
            mime_type="image/svg+xml",
            name=SCREENSHOT_DELIVERY,
        )

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        if event.name != SCREENSHOT_DELIVERY:
            return
        if event.path is None:
            tell(self, _("Saved screenshot"), title=_("Screenshot"))
        else:
            where = repr(str(event.path))
            tell(self, _("Saved screenshot to {path}").format(path=where), title=_("Screenshot"))

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == SCREENSHOT_DELIVERY:
            self.notify(_("Failed to save screenshot"), title=_("Screenshot"), severity="error")

    def _first_key(self, binding: Binding) -> str:
        """`[` rather than `left_square_bracket,left`: the first key, as the footer shows it."""
        return self.get_key_display(replace(binding, key=binding.key.split(",")[0]))

    def on_unmount(self) -> None:
        self._board_painted.set()  # a store still waiting to open need not wait any more
        if self.board is not None:
            self.board.close()
        if self.services is not None:
            self.services.close()


def _palette(**options: Any) -> CommandPalette:
    """Textual's command palette, its keys described in the interface language."""
    palette = CommandPalette(**options)
    translate_bindings(palette)
    return palette


def _on_view(stack: list[Screen[Any]]) -> list[Screen[Any]]:
    """The top screen, and those under it that show through: down to the first one that
    is not a modal."""
    shown: list[Screen[Any]] = []
    for screen in reversed(stack):
        shown.append(screen)
        if not isinstance(screen, ModalScreen):
            break
    return shown


def _refresh(screen: Screen[Any]) -> None:
    """Read what `screen` shows again: its `live_refresh` (which keeps the user's place and
    their typing), or else its reload key's action. A screen being taken down is left
    alone."""
    if not screen.is_attached:
        return
    for name in ("live_refresh", "action_reload"):
        method = getattr(screen, name, None)
        if callable(method):
            method()
            return


def _tune_collector() -> None:
    """Garbage collection for an app that has loaded everything and then redraws a lot.

    What is loaded by now (Textual, SQLAlchemy, pydantic: ~150,000 objects) lives as long as
    the app: frozen, the collector stops walking it (a full collection took ~80 ms, and a
    keystroke that triggered one felt stuck). Collected first, so that no garbage is frozen
    with it; this one collection happens while the board sits idle after its first paint.
    Each frame allocates thousands of short-lived objects (strips, segments), so the
    youngest generation filled up ~20 times per filter keystroke: 8 ms of collections.
    Collected every 20,000 allocations instead: ~2 ms.
    """
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(20_000, middle, old)
