"""AgendaScreen: who to contact today, and nothing forgotten (DESIGN.md, Screens 3).

Overdue, today by time, the rest of this week, open deals with no next contact, and rotting
deals, in one table. The same keys as the board open a deal and log a call; 1 and 2 push
the highlighted contact by a day or a week.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.when import WEEKDAY_NAMES
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.agenda_text import todo
from funnel_tui.render.format import relative_time
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.agenda_model import Agenda, AgendaItem, Section
from funnel_tui.services.board import BoardService
from funnel_tui.services.board_model import BoardContext
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.screens.call_session import CallSessionScreen
from funnel_tui.ui.screens.contact_screen import ContactScreen, ContactTarget
from funnel_tui.ui.screens.deal import deal_screen
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.key_footer import KeyFooter

TITLES = {
    Section.OVERDUE: N_("Overdue"),
    Section.TODAY: N_("Today"),
    Section.WEEK: N_("This week"),
    Section.NO_NEXT_CONTACT: N_("No next contact"),
    Section.ROTTING: N_("Rotting"),
}
_SECTION_STYLE = {Section.OVERDUE: "bold red", Section.TODAY: "bold yellow"}
_WHEN_WIDTH = 16
_SHARES = (
    (N_("Deal"), 28),
    (N_("Company"), 20),
    (N_("To do"), 26),
    (N_("Owner"), 13),
    (N_("Stage"), 13),
)
"""The other columns' shares (%) of the width left after "When"."""


class AgendaScreen(Localized, ContactScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_deal", N_("Open"), id="agenda.open-deal"),
        Binding("c", "log_call", N_("Call"), id="agenda.log-call"),
        Binding("a", "log_other", N_("Log…"), id="agenda.log-activity"),
        Binding("n", "next_contact", N_("Next contact"), id="agenda.next-contact"),
        Binding("1", "push_contact(1)", N_("+1 day"), id="agenda.push-day"),
        Binding("2", "push_contact(7)", N_("+1 week"), id="agenda.push-week"),
        Binding("s", "call_session", N_("Call session"), id="agenda.call-session"),
        Binding("o", "pick_owner", N_("Owner"), id="agenda.switch-owner"),
        Binding("b", "show_board", N_("Board"), id="agenda.show-board"),
        Binding("f", "app.show_funnel", N_("Funnel"), id="agenda.show-funnel"),
        Binding("S", "app.show_settings", N_("Settings"), id="agenda.show-settings", show=False),
        Binding(
            "I",
            "app.show_import",
            N_("Import…"),
            show=False,
            id="agenda.import-deals",
            tooltip=N_("Deals from a CSV or XLSX export (amoCRM, Bitrix24, Pipedrive)"),
        ),
        Binding("r", "reload", N_("Refresh"), show=False, id="agenda.refresh"),
    ]
    DEFAULT_CSS = """
    AgendaScreen #agenda-status { height: 1; padding: 0 1; background: $boost; }
    AgendaScreen DataTable { height: 1fr; }
    """

    def __init__(self, board: BoardService, currency: str) -> None:
        super().__init__(None)
        self._board = board
        self._currency = currency
        self._known: BoardContext | None = None
        self.owner_id: int | None = None
        self.agenda: Agenda | None = None
        self._items: dict[str, AgendaItem] = {}
        """Row key → the deal on that row (section header rows are not in it)."""
        self.loads = 0
        """How many times the agenda was (re)loaded: tests and benchmarks wait on it."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="agenda-status")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=False)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Agenda")
        self._add_columns()
        self.query_one(DataTable).focus()
        self._load_context()

    def _add_columns(self) -> None:
        """Columns as wide as the terminal allows: the deal and what to do get the most."""
        table = self.query_one(DataTable)
        # Each column pads a cell on both sides; the scrollbar takes two more.
        room = max(40, self.app.size.width - 2 * len(_SHARES) - 2 - _WHEN_WIDTH)
        table.add_column(_("When"), width=_WHEN_WIDTH)
        for label, share in _SHARES:
            table.add_column(_(label), width=max(6, room * share // 100))

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        if table.columns:
            table.clear(columns=True)
            self._add_columns()
            if self.agenda is not None:
                self._show(self.agenda)

    def use_services(self, services: Services) -> None:
        """The store is open: the agenda can be read (and written through)."""
        self._services = services
        if self._known is not None:
            self._load()

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="agenda-context")
    def _load_context(self) -> None:
        try:
            known = self._board.context()
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
            return
        call_back(self, self._context_loaded, known)

    def _context_loaded(self, known: BoardContext) -> None:
        self._known = known
        self.owner_id = known.default_owner_id  # as on the board
        if self._services is not None:
            self._load()

    @work(thread=True, exclusive=True, group="agenda-load")
    def _load(self) -> None:
        if self._services is None:
            return
        try:
            agenda = self._services.agenda.agenda(owner_id=self.owner_id, zone=self._zone)
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
            return
        call_back(self, self._show, agenda)

    def _show(self, agenda: Agenda) -> None:
        self.agenda = agenda
        table = self.query_one(DataTable)
        keep = self._highlighted_key()
        scrolled = round(table.scroll_y)
        table.clear()
        self._items = {}
        for part in agenda.sections:
            style = _SECTION_STYLE.get(part.section, "bold")
            title, total = _(TITLES[part.section]), format_number(part.total)
            if part.total > len(part.items):
                shown = _("{section} · {total} (first {n})").format(
                    section=title, total=total, n=format_number(len(part.items))
                )
            else:
                shown = _("{section} · {total}").format(section=title, total=total)
            table.add_row(Text(shown, style=style), key=f"section:{part.section.value}")
            for item in part.items:
                key = f"{part.section.value}:{item.deal_id}"
                self._items[key] = item
                table.add_row(*self._cells(part.section, item, agenda.now), key=key)
        self._restore_cursor(keep)
        if scrolled:
            self.call_after_refresh(self._restore_scroll, scrolled)
        self._update_status(agenda)
        self.loads += 1

    def _restore_scroll(self, y: int) -> None:
        """Scrolled as before the reload (rows are one line), if the highlight still shows."""
        table = self.query_one(DataTable)
        if y <= table.cursor_row < y + table.scrollable_content_region.height:
            table.scroll_to(y=y, animate=False)

    def _cells(self, section: Section, item: AgendaItem, now: datetime) -> list[Text]:
        return [
            Text(self._when(section, item, now), style=_SECTION_STYLE.get(section, "")),
            safe_text(item.title),
            safe_text(item.company or ""),
            Text(todo(item)),
            safe_text(item.owner_name),
            safe_text(item.stage_name, "dim"),
        ]

    def _when(self, section: Section, item: AgendaItem, now: datetime) -> str:
        idle_days = (now - item.idle_since).days
        if section is Section.ROTTING:
            return ngettext("idle {n} d (> {limit})", "idle {n} d (> {limit})", idle_days).format(
                n=format_number(idle_days),
                limit=item.rot_days if item.rot_days is None else format_number(item.rot_days),
            )
        if item.next_contact_at is None:
            return ngettext("idle {n} d", "idle {n} d", idle_days).format(
                n=format_number(idle_days)
            )
        local = item.next_contact_at.astimezone(self._zone)
        if section is Section.TODAY:
            return local.strftime("%H:%M")
        if section is Section.WEEK:
            return f"{_(WEEKDAY_NAMES[local.weekday()])} {local:%H:%M}"
        return relative_time(item.next_contact_at, now)

    def _update_status(self, agenda: Agenda) -> None:
        owner = _("everyone")
        if self.owner_id is not None and self._known is not None:
            user = next((u for u in self._known.users if u.id == self.owner_id), None)
            owner = clean(user.display_name) if user else "?"
        overdue = agenda.section(Section.OVERDUE).total
        today = agenda.section(Section.TODAY).total
        late = ngettext("{n} overdue", "{n} overdue", overdue).format(n=format_number(overdue))
        status = Text(late, style="bold red" if overdue else "")
        due = ngettext(" · {n} today", " · {n} today", today).format(n=format_number(today))
        status.append(due)
        status.append(_("  ·  owner: {owner}").format(owner=owner), style="dim")
        status.append(_("  ·  enter opens · c call · 1/2 push a day/week · b board"), style="dim")
        self.query_one("#agenda-status", Static).update(status)
        self.sub_title = ngettext(
            "{overdue} overdue, {n} today", "{overdue} overdue, {n} today", today
        ).format(overdue=format_number(overdue), n=format_number(today))

    def _highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _restore_cursor(self, key: str | None) -> None:
        """Keep the highlight on the same row, else on the first deal."""
        table = self.query_one(DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        if key in keys:
            table.move_cursor(row=keys.index(key))
            return
        first_deal = next((i for i, k in enumerate(keys) if k in self._items), 0)
        table.move_cursor(row=first_deal)

    def action_reload(self) -> None:
        self._load()

    def live_refresh(self) -> None:
        """Someone changed the database: read the agenda again, keeping the highlighted row."""
        if self._known is not None:
            self._load()

    # --- the highlighted deal --------------------------------------------------------------

    @property
    def current(self) -> AgendaItem | None:
        key = self._highlighted_key()
        return self._items.get(key) if key else None

    def contact_target(self) -> ContactTarget | None:
        item = self.current
        if item is None:
            return None
        return ContactTarget(item.deal_id, item.title, item.next_contact_at, item.next_contact_note)

    def contact_done(self) -> None:
        self._load()

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_open_deal()

    def action_open_deal(self) -> None:
        item = self.current
        if item is not None and self._services is not None:
            screen = deal_screen(self.app, self._services, item.deal_id, self._currency)
            self.app.push_screen(screen, callback=self._deal_closed)

    def _deal_closed(self, _closed: object) -> None:
        self._load()  # the deal may have a new next contact, or be gone

    def action_call_session(self) -> None:
        """Call through what is due: overdue first, then today's by time."""
        if self.agenda is None or self._services is None:
            return
        queue = [
            *self.agenda.section(Section.OVERDUE).items,
            *self.agenda.section(Section.TODAY).items,
        ]
        if not queue:
            self._tell(_("Nothing is due today: no calls to make"))
            return
        session = CallSessionScreen(self._services, queue)
        self.app.push_screen(session, callback=self._deal_closed)

    def action_show_board(self) -> None:
        self.dismiss(None)

    def action_pick_owner(self) -> None:
        if self._known is not None:
            self._pick_owner(self._known)

    @work(group="agenda-confirm")
    async def _pick_owner(self, known: BoardContext) -> None:
        choice = await self.app.push_screen_wait(
            OwnerPickerModal(known.users, known.me, self.owner_id)
        )
        if choice is not None and choice.owner_id != self.owner_id:
            self.owner_id = choice.owner_id
            self._load()
