"""BoardScreen: the kanban. The controller between the columns and the services.

It reads through a `BoardService` (for an SQLite file: a lean reader that needs no ORM, so
the cards show before the full store has opened) and writes through `Services`, which the
app hands over once the store is open; a write asked for before then waits for it.

A read is shown only if it is still what the board should show (see `_Load`): a filter
keystroke makes the previous keystroke's read moot, and a write makes a read that started
before it stale.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import Deal, DealDraft, Pipeline, Stage, StageKind
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import clean
from funnel_tui.services import Services
from funnel_tui.services.board import BoardService, shown_stages
from funnel_tui.services.board_model import BoardContext, BoardQuery, Card, ColumnLoad, ColumnTotals
from funnel_tui.services.deal_view import DealView
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.notices import Severity, tell
from funnel_tui.ui.screens.covered import QuietWhenCovered
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.filter_input import FilterInput
from funnel_tui.ui.widgets.kanban_board import KanbanBoard
from funnel_tui.ui.widgets.key_footer import KeyFooter
from funnel_tui.ui.widgets.stage_column import FIRST_WINDOW, StageColumn

# The deal pane and the dialogs are imported when first used, not on the way to the board's
# first frame (~30 ms of imports at start: docs/performance.md, "Start at 1,000 deals").
if TYPE_CHECKING:
    from funnel_tui.ui.modals.next_contact import NextContactChoice
    from funnel_tui.ui.screens.deal import DealClosed


@dataclass(frozen=True, slots=True)
class _Move:
    """The last move, for undo: where the deal was, and its version after the move."""

    deal_id: int
    title: str
    from_stage_id: int
    to_stage_id: int
    version_after: int


@dataclass(frozen=True, slots=True)
class _Deleted:
    """The last deletion, for undo."""

    deal_id: int
    title: str


@dataclass(frozen=True, slots=True)
class _Load:
    """One read of the board, and what to do with it once it is shown."""

    query: BoardQuery
    pipeline: Pipeline
    columns: tuple[ColumnLoad, ...]
    complete: bool
    """Every column the board shows; else only those a write changed."""
    number: int
    """Complete reads are numbered: only the latest one asked for is shown."""
    writes: int = 0
    """How many writes the board had shown when the read was asked for (complete reads)."""
    keep_deal: int | None = None
    follow_stage: int | None = None
    """After a move, focus goes to the deal's new column (the card goes with the user)."""
    context: BoardContext | None = None
    """Pipelines and users, when they were read again too."""
    keep_current: bool = False
    """Keep the cursor on the deal focused when the read is shown, not when it was asked
    for (a live refresh: the user may have moved on meanwhile)."""


OPEN_WAIT_S = 0.15
"""How long a deal's pane waits for the deal to be read before it shows "Loading…" instead
(a read takes ~3 ms on SQLite; a slow server should not leave the key without an answer)."""

IN_PLACE_READ_S = 0.025
"""A filter keystroke whose read is expected to take less than this (the last one did) reads
in the key's own handler, so the typed letter and the filtered board come in one frame. Read
in a worker, the board came ~17 ms later: Textual draws at most one frame per 1/60 s, and the
letter's echo had just taken one. Slower reads (big databases) stay in a worker, so typing
never waits on them."""


class BoardScreen(Localized, QuietWhenCovered):
    """One column per stage of the current pipeline, cards virtualised."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_deal", N_("Open"), id="board.open-deal"),
        Binding("shift+right,greater_than_sign", "step(1)", N_("Move ▶"), id="board.advance-deal"),
        Binding("shift+left,less_than_sign", "step(-1)", N_("◀ Move"), id="board.retreat-deal"),
        Binding("m", "move_to", N_("Move to…"), id="board.move-deal-to"),
        Binding("w", "win", N_("Won"), id="board.win-deal"),
        Binding("x", "lose", N_("Lost"), id="board.lose-deal"),
        Binding("n", "new_deal", N_("New"), id="board.new-deal"),
        Binding("slash", "filter", N_("Filter"), id="board.filter"),
        Binding("o", "pick_owner", N_("Owner…"), id="board.switch-owner"),
        Binding("p", "next_pipeline", N_("Pipeline"), id="board.switch-pipeline"),
        Binding("c", "toggle_closed", N_("Won/lost"), id="board.toggle-closed"),
        Binding("u", "undo", N_("Undo"), id="board.undo-move"),
        Binding("a", "app.show_agenda", N_("Agenda"), id="board.show-agenda"),
        Binding("f", "app.show_funnel", N_("Funnel"), id="board.show-funnel"),
        Binding("R", "app.show_reports", N_("Reports"), id="board.show-reports"),
        Binding("D", "app.show_dashboard", N_("Dashboard"), id="board.show-dashboard"),
        Binding("S", "app.show_settings", N_("Settings"), id="board.show-settings", show=False),
        Binding(
            "I",
            "app.show_import",
            N_("Import…"),
            show=False,
            id="board.import-deals",
            tooltip=N_("Deals from a CSV or XLSX export (amoCRM, Bitrix24, Pipedrive)"),
        ),
        Binding("r", "reload", N_("Refresh"), show=False, id="board.refresh"),
        Binding("escape", "clear_filter", N_("Clear filter"), show=False, id="board.clear-filter"),
    ]

    AUTO_FOCUS = "StageColumn"
    """Not the filter box (Textual's default would focus it, hidden as it is): the footer would
    then draw its keys for a text box first, and again for the board."""

    # Screen's own reactives minus their repaint: Textual repaints the whole screen when any
    # of them changes (~20 KB to the terminal at 120×40, and ~20 ms of compositing), on every
    # focus change and every filter keystroke (the sub-title shows the filter). The widgets
    # concerned repaint themselves: the focused and blurred ones, and the Header, which
    # watches the titles.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)

    class Shown(Message):
        """The board has been drawn for the first time (cards, or the empty-database hint)."""

    def __init__(
        self,
        default_currency: str = "USD",
        default_pipeline: str | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self._currency = default_currency
        self._language = language
        """For the pipeline made when the first deal goes into an empty database."""
        self._default_pipeline = default_pipeline
        self.reads: BoardService | None = None
        self.services: Services | None = None
        """For writes: None until the full store has opened (after the first cards)."""
        self._writable = threading.Event()
        self.board_query: BoardQuery | None = None
        self.show_closed = False
        self._known = BoardContext((), (), None)
        self._opening: int | None = None
        """The deal whose pane is being opened (read first, then shown)."""
        self._status_shown = ""
        """The status line's text as last drawn by _update_titles (see there)."""
        self._pipeline: Pipeline | None = None
        self._totals: dict[int, ColumnTotals] = {}
        """The shown columns' totals, by stage id."""
        self._loads_asked = 0
        self._user_asked = 0
        """The number of the latest read the user's own action asked for (not a live one)."""
        self._pending_keep: tuple[int | None, int | None] | None = None
        """What that read is to keep focused (deal, followed stage) until it is shown: a live
        refresh that overtakes it keeps the same, not the focus of before the action."""
        self._last_read_s = 0.0
        """How long the last complete read took."""
        self._writes = 0
        self._last_move: _Move | _Deleted | None = None
        self._kanban = KanbanBoard(id="board-columns")
        self.loads = 0
        """How many times the board has been (re)loaded and shown: for tests and benchmarks."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterInput(
            placeholder=_("Filter: title, company, contact, phone, tag"), id="board-filter"
        )
        yield Static(_("Opening the database…"), id="board-status")
        yield self._kanban
        yield KeyFooter()

    def on_mount(self) -> None:
        field = self.query_one("#board-filter", FilterInput)
        # A watcher, not the Changed message: it runs before the typed letter is drawn, so a
        # fast read lands in the same frame (a message would be handled after it).
        self.watch(field, "value", self._filter_typed, init=False)

    def _focused_column(self) -> StageColumn | None:
        return self._kanban.focused_column()

    # --- wiring (the app calls these) ------------------------------------------------------

    def read_from(self, reads: BoardService) -> None:
        """Show the board read through `reads`."""
        self.reads = reads
        self._reload(context=True)

    def write_with(self, services: Services) -> None:
        """Writes may go ahead (those waiting for the store go now)."""
        self.services = services
        self._writable.set()

    def _writer(self) -> Services | None:
        """The services, waiting for the store to open; None if the worker was cancelled."""
        while not self._writable.wait(0.1):
            if get_current_worker().is_cancelled:
                return None
        return self.services

    # --- loading ---------------------------------------------------------------------------

    def _reload(
        self,
        *,
        context: bool = False,
        keep_deal: int | None = None,
        follow_stage: int | None = None,
        live: bool = False,
    ) -> None:
        """Read every shown column again (with `context`, the pipelines and users first)."""
        if self.reads is None or (self.board_query is None and not context):
            return
        self._loads_asked += 1
        if live and self._pending_keep is not None:
            keep, live = self._pending_keep, False  # the user's read is overtaken: do its job
        else:
            keep = (keep_deal or self._current_deal(), follow_stage)
        if not live:
            self._user_asked, self._pending_keep = self._loads_asked, keep
        self._read_board(
            self.board_query,
            context=context,
            number=self._loads_asked,
            writes=self._writes,
            keep=keep,
            live=live,
        )

    def _current_deal(self) -> int | None:
        column = self._focused_column()
        card = column.current if column else None
        return card.deal_id if card else None

    @work(thread=True, exclusive=True, group="board-load")
    def _read_board(
        self,
        query: BoardQuery | None,
        *,
        context: bool,
        number: int,
        writes: int,
        keep: tuple[int | None, int | None],
        live: bool = False,
    ) -> None:
        try:
            read = self._read(query, context=context, number=number, writes=writes, keep=keep)
        except FunnelError as err:  # e.g. the file is locked or damaged: say so, keep going
            if not live:  # a live refresh tries again at the next change
                call_back(self, self._tell, str(err), "warning")
            return
        if live and isinstance(read, _Load):
            read = replace(read, keep_current=True)
        if get_current_worker().is_cancelled:
            return  # a newer read is on its way
        if isinstance(read, BoardContext):
            call_back(self, self._show_empty, read)
        else:
            call_back(self, self._show, read)

    def _read(
        self,
        query: BoardQuery | None,
        *,
        context: bool,
        number: int,
        writes: int,
        keep: tuple[int | None, int | None],
    ) -> _Load | BoardContext:
        """Every shown column of `query`; just the context if there is no pipeline to show."""
        assert self.reads is not None
        started = time.perf_counter()
        known = self.reads.context() if context else self._known
        pipeline = _pipeline(known, query)
        if context and pipeline is None:  # a first start, or the pipeline was archived
            query = self.reads.first_query(known, self._default_pipeline)
            pipeline = _pipeline(known, query)
        if query is None or pipeline is None:
            return known
        stages = shown_stages(pipeline, closed=self.show_closed)
        columns = self.reads.columns(query, stages, window=FIRST_WINDOW)
        self._last_read_s = time.perf_counter() - started
        return _Load(
            query,
            pipeline,
            columns,
            complete=True,
            number=number,
            writes=writes,
            keep_deal=keep[0],
            follow_stage=keep[1],
            context=known if context else None,
        )

    def _filter_typed(self, text: str) -> None:
        """Filter as the user types; a fast read is done right here (see IN_PLACE_READ_S)."""
        query = self.board_query
        if query is None or text == query.text:
            return
        self.board_query = replace(query, text=text)
        if self._last_read_s > IN_PLACE_READ_S:
            self._reload()
            return
        self._loads_asked += 1
        self._user_asked = self._loads_asked
        try:
            load = self._read(
                self.board_query,
                context=False,
                number=self._loads_asked,
                writes=self._writes,
                keep=(self._current_deal(), None),
            )
        except FunnelError as err:
            self._tell(str(err), "warning")
            return
        if not isinstance(load, _Load):
            return
        if [column.stage for column in load.columns] != self._kanban.stages():
            self.call_later(self._show, load)  # won/lost toggled meanwhile: columns to mount
        elif self._still_wanted(load):
            self._fill(load)

    def _read_changed(self, stage_ids: set[int], keep_deal: int, follow_stage: int) -> None:
        """After a write (in its worker): read again just the columns it changed."""
        query, pipeline, number = self.board_query, self._pipeline, self._loads_asked
        if self.reads is None or query is None or pipeline is None:
            return
        shown = stage_ids & self._kanban.shown
        stages = [stage for stage in pipeline.stages if stage.id in shown]
        try:
            columns = self.reads.columns(query, stages, window=FIRST_WINDOW)
        except FunnelError as err:  # written, but not read back: a refresh (r) shows it
            call_back(self, self._tell, str(err), "warning")
            return
        load = _Load(
            query,
            pipeline,
            columns,
            complete=False,
            number=number,
            keep_deal=keep_deal,
            follow_stage=follow_stage,
        )
        call_back(self, self._show, load)

    async def _show(self, load: _Load) -> None:
        if not self._still_wanted(load):
            return
        if load.complete:
            assert self.reads is not None
            await self._kanban.set_stages([c.stage for c in load.columns], self.reads.clock)
            if not self._still_wanted(load):
                return  # overtaken while the columns were mounted
        self._fill(load)

    def _fill(self, load: _Load) -> None:
        """Show what `load` read, in columns already there."""
        if load.context is not None:
            self._known = load.context
        self._pipeline = load.pipeline
        if load.complete:
            self.board_query = load.query
            self._totals = {}
            if load.number >= self._user_asked:
                self._pending_keep = None
        keep_deal = self._current_deal() if load.keep_current else load.keep_deal
        for contents in load.columns:
            self._totals[contents.stage.id] = contents.totals
            followed = contents.stage.id == load.follow_stage
            keep = keep_deal if followed or load.follow_stage is None else None
            self._kanban.fill(contents, keep_deal=keep, follow=followed)
        self._update_titles()
        self.loads += 1
        if self.loads == 1:
            self._announce_shown()

    def _still_wanted(self, load: _Load) -> bool:
        if not load.complete:
            self._writes += 1  # reads that began before this write are stale now
            # Dropped if the board has moved on: the read on its way includes the write.
            # A live refresh asked since does not count: it would keep the focus of before
            # the write, and this read moves it with the card.
            return load.query == self.board_query and load.number >= self._user_asked
        if load.number != self._loads_asked:
            return False
        if load.writes != self._writes:
            self._reload(context=load.context is not None)
            return False
        return True

    def _show_empty(self, context: BoardContext) -> None:
        self._known = context
        self._status_shown = ""
        self.query_one("#board-status", Static).update(
            _(
                "No pipelines yet. Press n to add a deal (a B2B pipeline is created), "
                "or quit (q) and run `funnel demo`."
            )
        )
        self._announce_shown()

    def _announce_shown(self) -> None:
        """Post Shown once the first board has settled on screen: after the frame that draws
        it and the one after, for Textual lays new widgets out twice. Heavy work the app starts
        on Shown (importing the ORM) would otherwise slow those frames down."""
        self.call_after_refresh(self.call_after_refresh, self.post_message, self.Shown())

    def _owner_name(self) -> str:
        owner_id = self.board_query.owner_id if self.board_query else None
        if owner_id is None:
            return _("everyone")
        user = next((u for u in self._known.users if u.id == owner_id), None)
        return clean(user.display_name) if user else "?"

    def _update_titles(self) -> None:
        if self._pipeline is None or self.board_query is None:
            return
        owner = self._owner_name()
        self.title = clean(self._pipeline.name)
        # The filter shows in its own box and in the status line, not in the sub-title: a
        # Header change costs a layout pass, which repaints every column's scrollbar.
        self.sub_title = _("owner: {owner}").format(owner=owner)
        open_count = sum(t.count for t in self._totals.values() if t.stage.is_open)
        n = format_number(open_count)
        if self.board_query.text:
            deals = ngettext(
                "{n} open deal matching “{text}”", "{n} open deals matching “{text}”", open_count
            ).format(n=n, text=clean(self.board_query.text))
        else:
            deals = ngettext("{n} open deal", "{n} open deals", open_count).format(n=n)
        hint = _("  ·  ← → columns · ↑ ↓ cards · shift+→ move · ? all keys")
        if self.board_query.owner_id is not None:
            hint = _(" of {owner}  ·  o picks another owner").format(owner=owner)
        # Content from plain strings (never markup); its size never changes: no layout pass.
        status = Content.assemble((deals, "bold"), (hint, "dim"))
        if status.plain != self._status_shown:  # unchanged after most moves: no frame for it
            self._status_shown = status.plain
            self.query_one("#board-status", Static).update(status, layout=False)

    @on(StageColumn.WindowNeeded)
    def _window_needed(self, event: StageColumn.WindowNeeded) -> None:
        if self.board_query is not None:
            self._fetch_window(
                self.board_query, event.column, event.offset, event.limit, event.generation
            )

    @work(thread=True, group="board-window")
    def _fetch_window(
        self, query: BoardQuery, column: StageColumn, offset: int, limit: int, generation: int
    ) -> None:
        assert self.reads is not None
        try:
            cards = self.reads.cards(query, column.stage.id, offset, limit)
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
            return
        call_back(self, column.put_window, offset, cards, generation)

    # --- navigation ------------------------------------------------------------------------

    def _focus_first_column(self) -> None:
        columns = self._kanban.columns()
        if columns:
            columns[0].focus()

    def show_owner(self, owner_id: int | None) -> None:
        """Show one owner's deals (None: everyone's), reading the team again first."""
        if self.board_query is not None:
            self.board_query = replace(self.board_query, owner_id=owner_id)
            self._reload(context=True)

    def _set_query(self, query: BoardQuery) -> None:
        self.board_query = query
        self._reload()

    def action_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#board-filter")
    def _filter_done(self) -> None:
        self._focus_first_column()

    def action_clear_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.value = ""
        field.display = False
        self._focus_first_column()

    def action_pick_owner(self) -> None:
        if self.board_query is not None:
            self._pick_owner(self.board_query.owner_id)

    @work(group="board-confirm")
    async def _pick_owner(self, owner_id: int | None) -> None:
        from funnel_tui.ui.modals.owner_picker import OwnerPickerModal

        picker = OwnerPickerModal(self._known.users, self._known.me, owner_id)
        choice = await self.app.push_screen_wait(picker)
        query = self.board_query
        if choice is not None and query is not None and choice.owner_id != query.owner_id:
            self._set_query(replace(query, owner_id=choice.owner_id))

    def action_next_pipeline(self) -> None:
        pipelines = self._known.pipelines
        if self.board_query is None or not pipelines:
            return
        ids = [pipeline.id for pipeline in pipelines]
        index = (
            ids.index(self.board_query.pipeline_id) if self.board_query.pipeline_id in ids else 0
        )
        self._set_query(replace(self.board_query, pipeline_id=ids[(index + 1) % len(ids)]))

    def use_preferences(self, currency: str) -> None:
        """The user changed their preferences: new deals take `currency`, and the cards are
        drawn afresh (their dates follow the date format)."""
        self._currency = currency
        for column in self.query(StageColumn):
            column.repaint_cards()

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self._reload()

    def action_reload(self) -> None:
        self._reload(context=True)

    def live_refresh(self) -> None:
        """Someone changed the database: read the board again, keeping the user's place
        (focused column and deal, scroll). Columns whose cards did not change are not
        repainted, so a refresh after one's own write costs one read and no output."""
        self._reload(context=True, live=True)

    # --- moves -----------------------------------------------------------------------------

    def _current(self) -> tuple[Card, Pipeline] | None:
        column = self._focused_column()
        card = column.current if column else None
        if card is None or self._pipeline is None:
            return None
        return card, self._pipeline

    def action_step(self, direction: int) -> None:
        current = self._current()
        if current is None:
            return
        card, pipeline = current
        stage = pipeline.stage(card.stage_id)
        if not stage.is_open:
            self._tell(_("Closed deals are reopened from the deal pane"), "warning")
            return
        open_stages = pipeline.open_stages
        index = open_stages.index(stage) + direction
        if not 0 <= index < len(open_stages):
            if direction > 0:
                self._tell(_("Already at the last stage"), "warning")
            else:
                self._tell(_("Already at the first stage"), "warning")
            return
        self._move_when_sure(card, pipeline, open_stages[index])

    def action_move_to(self) -> None:
        current = self._current()
        if current is not None:
            self._pick_stage(*current)

    @work(group="board-confirm")
    async def _pick_stage(self, card: Card, pipeline: Pipeline) -> None:
        from funnel_tui.ui.modals.stage_picker import StagePickerModal

        stage = pipeline.stage(card.stage_id)
        target = await self.app.push_screen_wait(
            StagePickerModal(card.title, pipeline.stages, stage)
        )
        if target is None:
            return
        if target.kind is StageKind.LOST:
            self._ask_loss(card, pipeline)
        else:
            self._move_when_sure(card, pipeline, target)

    def _move_when_sure(self, card: Card, pipeline: Pipeline, target: Stage) -> None:
        """Move now, or after a yes when the move needs one (no dialog worker otherwise)."""
        stage = pipeline.stage(card.stage_id)
        leaving_forward = target.position > stage.position and target.kind is not StageKind.LOST
        if stage.checklist and leaving_forward:
            self._check_answers_then_move(card, pipeline, target)  # the card has no answers
        else:
            self._ask_or_move(card, pipeline, target, ())

    def _ask_or_move(
        self, card: Card, pipeline: Pipeline, target: Stage, unanswered: tuple[str, ...]
    ) -> None:
        from funnel_tui.ui.move_question import move_question

        stage = pipeline.stage(card.stage_id)
        question = move_question(card.title, pipeline, stage, target, unanswered)
        if question is None:
            self._move(card, target.id)
        else:
            self._confirm_and_move(card, target, question)

    @work(thread=True, group="board-write")
    def _check_answers_then_move(self, card: Card, pipeline: Pipeline, target: Stage) -> None:
        services = self._writer()
        if services is None:
            return
        try:
            unanswered = services.deals.unanswered(card.deal_id)
        except FunnelError as err:
            call_back(self, self._failed, err)
            return
        call_back(self, self._ask_or_move, card, pipeline, target, unanswered)

    @work(exclusive=False, group="board-confirm")
    async def _confirm_and_move(self, card: Card, target: Stage, question: Text) -> None:
        from funnel_tui.ui.modals.confirm import ConfirmModal

        if await self.app.push_screen_wait(ConfirmModal(question)):
            self._move(card, target.id)

    @work(thread=True, group="board-write")
    def _move(
        self,
        card: Card,
        stage_id: int,
        *,
        loss: tuple[str | None, str | None] | None = None,
    ) -> None:
        services = self._writer()
        if services is None:
            return
        try:
            if loss is not None:
                moved = services.deals.move(
                    card.deal_id,
                    stage_id,
                    expected_version=card.version,
                    loss_reason=loss[0],
                    loss_note=loss[1],
                )
            else:
                moved = services.deals.move(card.deal_id, stage_id, expected_version=card.version)
        except FunnelError as err:
            call_back(self, self._failed, err)
            return
        self._last_move = _Move(
            card.deal_id, card.title, card.stage_id, moved.stage_id, moved.version
        )
        self._read_changed({card.stage_id, moved.stage_id}, card.deal_id, moved.stage_id)
        pipeline = self._pipeline
        if pipeline is not None and pipeline.stage(moved.stage_id).on_hold:
            call_back(self, self._ask_revival, moved)

    @work(group="board-confirm")
    async def _ask_revival(self, deal: Deal) -> None:
        """A deal set aside in a holding stage (a conditional refusal) gets the day it comes
        back; without one it is listed under the agenda's "no next contact"."""
        from funnel_tui.ui.modals.next_contact import NextContactModal

        services = self._writer()
        if services is None:
            return
        modal = NextContactModal(
            deal.title,
            now=services.context.clock(),
            zone=local_zone(),
            current=deal.next_contact_at,
            note=deal.next_contact_note,
            revival=True,
        )
        choice = await self.app.push_screen_wait(modal)
        if choice is not None:
            self._set_revival(deal, choice)

    @work(thread=True, group="board-write")
    def _set_revival(self, deal: Deal, choice: NextContactChoice) -> None:
        services = self._writer()
        if services is None:
            return
        try:
            revived = services.deals.set_next_contact(deal.id, choice.at, choice.note)
        except FunnelError as err:
            call_back(self, self._failed, err)
            return
        move = self._last_move
        if isinstance(move, _Move) and move.deal_id == deal.id:
            # The move can still be undone: against the version the revival date left.
            self._last_move = replace(move, version_after=revived.version)
        self._read_changed({deal.stage_id}, deal.id, deal.stage_id)

    def _tell(self, message: str, severity: Severity = "information") -> None:
        tell(self, message, severity)

    def _failed(self, error: FunnelError) -> None:
        self._tell(str(error), "warning")
        self._reload()

    def action_win(self) -> None:
        current = self._current()
        if current is not None:
            card, pipeline = current
            self._move_when_sure(card, pipeline, pipeline.won_stage)

    def action_lose(self) -> None:
        current = self._current()
        if current is not None:
            self._ask_loss(*current)

    @work(group="board-confirm")
    async def _ask_loss(self, card: Card, pipeline: Pipeline) -> None:
        from funnel_tui.ui.modals.lose import LoseModal

        choice = await self.app.push_screen_wait(
            LoseModal(card.title, pipeline.active_loss_reasons)
        )
        if choice is not None:
            self._move(card, pipeline.lost_stage.id, loss=(choice.reason, choice.note))

    def action_undo(self) -> None:
        move = self._last_move
        if move is None:
            self._tell(_("Nothing to undo"))
            return
        self._last_move = None
        self._undo(move)

    @work(thread=True, group="board-write")
    def _undo(self, move: _Move | _Deleted) -> None:
        services = self._writer()
        if services is None:
            return
        try:
            if isinstance(move, _Deleted):
                stage_id = services.deals.restore(move.deal_id).stage_id
                changed = {stage_id}
            else:
                services.deals.move(
                    move.deal_id, move.from_stage_id, expected_version=move.version_after
                )
                stage_id = move.from_stage_id
                changed = {move.from_stage_id, move.to_stage_id}
        except FunnelError as err:
            call_back(self, self._failed, err)
            return
        call_back(self, self._tell, _("Undone: {title}").format(title=move.title))
        self._read_changed(changed, move.deal_id, stage_id)

    # --- the deal pane ---------------------------------------------------------------------

    def action_open_deal(self) -> None:
        current = self._current()
        if current is not None:
            self.open_deal(current[0].deal_id)

    def open_deal(self, deal_id: int) -> None:
        """The deal's pane, shown once the deal has been read (a few ms): its first frame is
        then the deal, not "Loading…" followed by a second layout of the whole pane. A read
        slower than OPEN_WAIT_S shows the pane loading instead. Before the store has opened
        (the first second), the pane opens once it has."""
        self._opening = deal_id
        self.set_timer(OPEN_WAIT_S, lambda: self._push_deal(deal_id, None))
        self._read_deal(deal_id)

    @work(thread=True, exclusive=True, group="board-open")
    def _read_deal(self, deal_id: int) -> None:
        services = self._writer()  # a key pressed in the first second waits for the store
        if services is None:
            return
        try:
            view: DealView | None = services.deals.view(deal_id)
        except FunnelError:
            view = None  # the pane reads again and says what is wrong
        # Textual's stub cannot type an async callback returning None.
        call_back(self, self._push_deal, deal_id, view)

    async def _push_deal(self, deal_id: int, view: DealView | None) -> None:
        if self._opening != deal_id or self.services is None:
            return  # shown already (the read or the timer came first), or another asked for
        self._opening = None
        from funnel_tui.ui.screens.deal import deal_screen, deal_screen_with

        if view is None:
            screen = deal_screen(self.app, self.services, deal_id, self._currency)
        else:
            screen = await deal_screen_with(self.app, self.services, view, self._currency)
        self.app.push_screen(screen, callback=self._deal_closed)

    def _deal_closed(self, closed: DealClosed | None) -> None:
        """Back from the pane: show what changed there, focus on the same deal."""
        if closed is None:
            return
        if closed.deleted_version is not None:
            self._last_move = _Deleted(closed.deal_id, closed.title)
            self._tell(_("Deleted {title}: u restores it").format(title=closed.title))
        self._reload(keep_deal=closed.deal_id)

    # --- new deal --------------------------------------------------------------------------

    def action_new_deal(self) -> None:
        self._new_deal()

    @work(group="board-confirm")
    async def _new_deal(self) -> None:
        from funnel_tui.ui.modals.new_deal import NewDealModal

        name = self._pipeline.name if self._pipeline else _("a new B2B pipeline")
        draft = await self.app.push_screen_wait(NewDealModal(name, self._currency))
        if draft is not None:
            self._create(draft)

    @work(thread=True, group="board-write")
    def _create(self, draft: DealDraft) -> None:
        services = self._writer()
        if services is None:
            return
        try:
            pipeline = self._pipeline
            if pipeline is None:
                pipeline, _created = services.pipelines.first_or_default(self._language)
            focused = self._focused_column()
            stage_id = focused.stage.id if focused and focused.stage.is_open else None
            deal = services.deals.create(draft, pipeline_id=pipeline.id, stage_id=stage_id)
        except FunnelError as err:
            call_back(self, self._failed, err)
            return
        message = _("Added deal {number}: {title}").format(number=deal.id, title=deal.title)
        call_back(self, self._tell, message)
        if self._pipeline is None:
            call_back(self, self._reload, context=True)
        else:
            self._read_changed({deal.stage_id}, deal.id, deal.stage_id)


def _pipeline(context: BoardContext, query: BoardQuery | None) -> Pipeline | None:
    """The pipeline `query` shows, if it is (still) among `context`'s."""
    if query is None:
        return None
    return next((p for p in context.pipelines if p.id == query.pipeline_id), None)
