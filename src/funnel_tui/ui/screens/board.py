"""BoardScreen: the kanban. The controller between the columns and the services."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import DealDraft, Pipeline, Stage, StageKind, User
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.board import BoardService
from funnel_tui.services.board_model import BoardColumns, BoardQuery, Card
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.new_deal import NewDealModal
from funnel_tui.ui.modals.stage_picker import StagePickerModal
from funnel_tui.ui.widgets.column_header import ColumnHeader
from funnel_tui.ui.widgets.stage_column import WINDOW, StageColumn

MIN_COLUMN_WIDTH = 26
"""Narrower than this, a card's title and value no longer read; the board scrolls instead."""


@dataclass(frozen=True, slots=True)
class _Move:
    """The last move, for undo: where the deal was, and its version after the move."""

    deal_id: int
    title: str
    from_stage_id: int
    version_after: int


@dataclass(frozen=True, slots=True)
class _Loaded:
    columns: BoardColumns
    first: dict[int, list[Card]]
    keep_deal: int | None
    follow_stage: int | None
    """After a move, focus goes to the deal's new column (the card goes with the user)."""


class BoardScreen(Screen[None]):
    """One column per stage of the current pipeline, cards virtualised."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+right,greater_than_sign", "step(1)", "Move ▶", id="board.advance-deal"),
        Binding("shift+left,less_than_sign", "step(-1)", "◀ Move", id="board.retreat-deal"),
        Binding("m", "move_to", "Move to…", id="board.move-deal-to"),
        Binding("w", "win", "Won", id="board.win-deal"),
        Binding("x", "lose", "Lost", id="board.lose-deal"),
        Binding("n", "new_deal", "New", id="board.new-deal"),
        Binding("slash", "filter", "Filter", id="board.filter"),
        Binding("o", "next_owner", "Owner", id="board.switch-owner"),
        Binding("p", "next_pipeline", "Pipeline", id="board.switch-pipeline"),
        Binding("c", "toggle_closed", "Won/lost", id="board.toggle-closed"),
        Binding("u", "undo", "Undo", id="board.undo-move"),
        Binding("r", "reload", "Refresh", show=False, id="board.refresh"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="board.clear-filter"),
    ]

    services: reactive[Services | None] = reactive(None)
    board_query: reactive[BoardQuery | None] = reactive(None, init=False)
    show_closed: reactive[bool] = reactive(False, init=False)

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
        self._pipelines: list[Pipeline] = []
        self._users: list[User] = []
        self._me: User | None = None
        self._columns: BoardColumns | None = None
        self._last_move: _Move | None = None
        self.loads = 0
        """How many times the board has been (re)loaded and shown: for tests and benchmarks."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: title, company, contact, phone, tag", id="board-filter")
        yield Static("Opening the database…", id="board-status")
        yield HorizontalScroll(id="board-columns")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#board-filter", Input).display = False

    @property
    def _board(self) -> BoardService:
        assert self.services is not None
        return BoardService(self.services.context)

    def _stage_columns(self) -> list[StageColumn]:
        return list(self.query(StageColumn).results(StageColumn))

    def _focused_column(self) -> StageColumn | None:
        focused = self.focused
        return focused if isinstance(focused, StageColumn) else None

    # --- loading ---------------------------------------------------------------------------

    def watch_services(self, services: Services | None) -> None:
        if services is not None:
            self._load_context(services)

    @work(thread=True, exclusive=True, group="board-context")
    def _load_context(self, services: Services) -> None:
        board = BoardService(services.context)
        pipelines, users, me = board.pipelines(), board.users(), board.me()
        self.app.call_from_thread(self._context_loaded, pipelines, users, me)

    def _context_loaded(
        self, pipelines: list[Pipeline], users: list[User], me: User | None
    ) -> None:
        self._pipelines, self._users, self._me = pipelines, users, me
        if not pipelines:
            self.query_one("#board-status", Static).update(
                "No pipelines yet. Press n to add a deal (a B2B pipeline is created), "
                "or quit (q) and run `funnel demo`."
            )
            return
        wanted = (self._default_pipeline or "").casefold()
        pipeline = next((p for p in pipelines if p.name.casefold() == wanted), pipelines[0])
        # A rep sees their own deals first; a lead sees the team (DESIGN.md, Domain: User).
        owner = me.id if me is not None and me.role.value == "rep" else None
        self.board_query = BoardQuery(pipeline.id, owner_id=owner)

    def watch_board_query(self, old: BoardQuery | None, new: BoardQuery | None) -> None:
        if new is None:
            return
        rebuild = old is None or old.pipeline_id != new.pipeline_id
        self._reload(rebuild=rebuild)

    def watch_show_closed(self) -> None:
        self._reload(rebuild=True)

    def _reload(
        self,
        *,
        rebuild: bool = False,
        keep_deal: int | None = None,
        follow_stage: int | None = None,
    ) -> None:
        if self.board_query is None or self.services is None:
            return
        if keep_deal is None:
            column = self._focused_column()
            card = column.current if column else None
            keep_deal = card.deal_id if card else None
        self._fetch_board(self.board_query, rebuild, keep_deal, follow_stage)

    @work(thread=True, exclusive=True, group="board-load")
    def _fetch_board(
        self, query: BoardQuery, rebuild: bool, keep_deal: int | None, follow_stage: int | None
    ) -> None:
        board = self._board
        columns = board.columns(query, closed=self.show_closed)
        shown = [c.stage for c in columns.columns]
        first = {stage.id: board.cards(query, stage.id, 0, WINDOW) for stage in shown}
        loaded = _Loaded(columns, first, keep_deal, follow_stage)
        self.app.call_from_thread(self._show_board, loaded, rebuild)  # type: ignore[arg-type]

    async def _show_board(self, loaded: _Loaded, rebuild: bool) -> None:
        columns = loaded.columns
        self._columns = columns
        shown = [c for c in columns.columns if c.stage.id in loaded.first]
        container = self.query_one("#board-columns", HorizontalScroll)
        existing = [column.stage.id for column in self._stage_columns()]
        if rebuild or existing != [c.stage.id for c in shown]:
            focused_index = self._focused_index()
            await container.remove_children()
            boxes = [
                Vertical(
                    ColumnHeader(id=f"header-{c.stage.id}"),
                    StageColumn(c.stage, clock=self.app_clock, id=f"column-{c.stage.id}"),
                    classes="stage-box",
                )
                for c in shown
            ]
            await container.mount_all(boxes)
            stage_columns = self._stage_columns()
            if stage_columns:
                stage_columns[min(focused_index, len(stage_columns) - 1)].focus()
        self._size_columns()
        for totals in shown:
            self.query_one(f"#header-{totals.stage.id}", ColumnHeader).show(totals)
            column = self.query_one(f"#column-{totals.stage.id}", StageColumn)
            followed = totals.stage.id == loaded.follow_stage
            keep = loaded.keep_deal if followed or loaded.follow_stage is None else None
            column.reset(totals.count, loaded.first[totals.stage.id], keep_deal=keep)
            if followed:
                column.focus()
                column.parent.scroll_visible(animate=False)  # type: ignore[union-attr]
        self._update_titles()
        self.loads += 1

    def on_resize(self) -> None:
        self._size_columns()

    def _size_columns(self) -> None:
        """Share the width between columns; below MIN_COLUMN_WIDTH each, scroll sideways."""
        boxes = list(self.query(".stage-box"))
        if not boxes:
            return
        available = self.query_one("#board-columns").size.width or self.size.width
        width = max(MIN_COLUMN_WIDTH, available // len(boxes))
        for box in boxes:
            box.styles.width = width

    def _focused_index(self) -> int:
        columns = self._stage_columns()
        focused = self._focused_column()
        return columns.index(focused) if focused in columns else 0

    def app_clock(self) -> datetime:
        """Now, by the services' clock (injected in tests)."""
        assert self.services is not None
        return self.services.context.clock()

    def _update_titles(self) -> None:
        if self._columns is None or self.board_query is None:
            return
        pipeline = self._columns.pipeline
        owner = "everyone"
        if self.board_query.owner_id is not None:
            user = next((u for u in self._users if u.id == self.board_query.owner_id), None)
            owner = clean(user.display_name) if user else "?"
        self.title = clean(pipeline.name)
        self.sub_title = f"owner: {owner}" + (
            f" · filter: {clean(self.board_query.text)}" if self.board_query.text else ""
        )
        open_count = sum(c.count for c in self._columns.columns if c.stage.is_open)
        status = Text(f"{open_count:,} open deals", style="bold")
        if self.board_query.owner_id is not None:
            status.append(f" of {owner}  ·  o shows everyone's", style="dim")
        else:
            status.append("  ·  ← → columns · ↑ ↓ cards · shift+→ move · ? all keys", style="dim")
        self.query_one("#board-status", Static).update(status)

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
        cards = self._board.cards(query, column.stage.id, offset, limit)
        self.app.call_from_thread(column.put_window, offset, cards, generation)

    # --- navigation ------------------------------------------------------------------------

    @on(StageColumn.LeaveRequested)
    def _leave_column(self, event: StageColumn.LeaveRequested) -> None:
        self.action_focus_column(event.direction)

    def action_focus_column(self, step: int) -> None:
        columns = self._stage_columns()
        if not columns:
            return
        current = self._focused_column()
        index = columns.index(current) if current in columns else 0
        target = columns[max(0, min(index + step, len(columns) - 1))]
        if current is not None and target is not current:
            # Keep the same screen row, as far as the target column allows.
            row = current.cursor - int(current.scroll_offset.y) // 4
            target.cursor = max(0, min(int(target.scroll_offset.y) // 4 + row, target.total - 1))
        target.focus()
        target.parent.scroll_visible(animate=False)  # type: ignore[union-attr]

    def action_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#board-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.board_query is not None:
            self.board_query = replace(self.board_query, text=event.value)

    @on(Input.Submitted, "#board-filter")
    def _filter_done(self) -> None:
        columns = self._stage_columns()
        if columns:
            columns[0].focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.value = ""
        field.display = False
        columns = self._stage_columns()
        if columns:
            columns[0].focus()

    def action_next_owner(self) -> None:
        if self.board_query is None:
            return
        choices: list[int | None] = [None, *(user.id for user in self._users)]
        index = (
            choices.index(self.board_query.owner_id) if self.board_query.owner_id in choices else 0
        )
        self.board_query = replace(self.board_query, owner_id=choices[(index + 1) % len(choices)])

    def action_next_pipeline(self) -> None:
        if self.board_query is None or not self._pipelines:
            return
        ids = [pipeline.id for pipeline in self._pipelines]
        index = (
            ids.index(self.board_query.pipeline_id) if self.board_query.pipeline_id in ids else 0
        )
        self.board_query = replace(self.board_query, pipeline_id=ids[(index + 1) % len(ids)])

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed

    def action_reload(self) -> None:
        self._reload()

    # --- moves -----------------------------------------------------------------------------

    def _current(self) -> tuple[Card, Pipeline] | None:
        column = self._focused_column()
        card = column.current if column else None
        if card is None or self._columns is None:
            return None
        return card, self._columns.pipeline

    def action_step(self, direction: int) -> None:
        current = self._current()
        if current is None:
            return
        card, pipeline = current
        stage = pipeline.stage(card.stage_id)
        if not stage.is_open:
            self._tell("Closed deals are reopened from the deal pane", "warning")
            return
        open_stages = pipeline.open_stages
        index = open_stages.index(stage) + direction
        if not 0 <= index < len(open_stages):
            edge = "last" if direction > 0 else "first"
            self._tell(f"Already at the {edge} stage", "warning")
            return
        self._confirm_and_move(card, pipeline, open_stages[index])

    def action_move_to(self) -> None:
        current = self._current()
        if current is not None:
            self._pick_stage(*current)

    @work(group="board-confirm")
    async def _pick_stage(self, card: Card, pipeline: Pipeline) -> None:
        stage = pipeline.stage(card.stage_id)
        target = await self.app.push_screen_wait(
            StagePickerModal(card.title, pipeline.stages, stage)
        )
        if target is None:
            return
        if target.kind is StageKind.LOST:
            self._ask_loss(card, pipeline)
        else:
            self._confirm_and_move(card, pipeline, target)

    @work(exclusive=False, group="board-confirm")
    async def _confirm_and_move(self, card: Card, pipeline: Pipeline, target: Stage) -> None:
        question = _move_question(card, pipeline, target)
        if question is not None and not await self.app.push_screen_wait(ConfirmModal(question)):
            return
        self._move(card, target.id)

    @work(thread=True, group="board-write")
    def _move(
        self,
        card: Card,
        stage_id: int,
        *,
        loss: tuple[str | None, str | None] | None = None,
        remember: bool = True,
    ) -> None:
        assert self.services is not None
        try:
            if loss is not None:
                moved = self.services.deals.move(
                    card.deal_id,
                    stage_id,
                    expected_version=card.version,
                    loss_reason=loss[0],
                    loss_note=loss[1],
                )
            else:
                moved = self.services.deals.move(
                    card.deal_id, stage_id, expected_version=card.version
                )
        except FunnelError as err:
            self.app.call_from_thread(self._failed, err)
            return
        if remember:
            self._last_move = _Move(card.deal_id, card.title, card.stage_id, moved.version)
        self.app.call_from_thread(
            partial(self._reload, keep_deal=card.deal_id, follow_stage=moved.stage_id)
        )

    def _tell(
        self, message: str, severity: Literal["information", "warning"] = "information"
    ) -> None:
        """A notification with data in it: plain text, never markup (titles are anyone's)."""
        self.notify(clean(message), severity=severity, markup=False, timeout=6)

    def _failed(self, error: FunnelError) -> None:
        self._tell(str(error), "warning")
        self._reload()

    def action_win(self) -> None:
        current = self._current()
        if current is not None:
            card, pipeline = current
            self._move(card, pipeline.won_stage.id)

    def action_lose(self) -> None:
        current = self._current()
        if current is not None:
            self._ask_loss(*current)

    @work(group="board-confirm")
    async def _ask_loss(self, card: Card, pipeline: Pipeline) -> None:
        choice = await self.app.push_screen_wait(
            LoseModal(card.title, pipeline.active_loss_reasons)
        )
        if choice is not None:
            self._move(card, pipeline.lost_stage.id, loss=(choice.reason, choice.note))

    def action_undo(self) -> None:
        move = self._last_move
        if move is None:
            self._tell("Nothing to undo")
            return
        self._last_move = None
        self._undo(move)

    @work(thread=True, group="board-write")
    def _undo(self, move: _Move) -> None:
        assert self.services is not None
        try:
            self.services.deals.move(
                move.deal_id, move.from_stage_id, expected_version=move.version_after
            )
        except FunnelError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._tell, f"Undone: {move.title}")
        self.app.call_from_thread(
            partial(self._reload, keep_deal=move.deal_id, follow_stage=move.from_stage_id)
        )

    # --- new deal --------------------------------------------------------------------------

    def action_new_deal(self) -> None:
        if self.services is not None:
            self._new_deal()

    @work(group="board-confirm")
    async def _new_deal(self) -> None:
        name = self._columns.pipeline.name if self._columns else "a new B2B pipeline"
        draft = await self.app.push_screen_wait(NewDealModal(name, self._currency))
        if draft is not None:
            self._create(draft)

    @work(thread=True, group="board-write")
    def _create(self, draft: DealDraft) -> None:
        assert self.services is not None
        try:
            if self._columns is None:
                pipeline, _ = self.services.pipelines.first_or_default(self._language)
            else:
                pipeline = self._columns.pipeline
            focused = self._focused_column()
            stage_id = focused.stage.id if focused and focused.stage.is_open else None
            deal = self.services.deals.create(draft, pipeline_id=pipeline.id, stage_id=stage_id)
        except FunnelError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._tell, f"Added deal {deal.id}: {deal.title}")
        if self._columns is None:
            self.app.call_from_thread(self._load_context, self.services)
        else:
            self.app.call_from_thread(self._reload, keep_deal=deal.id)


def _move_question(card: Card, pipeline: Pipeline, target: Stage) -> Text | None:
    """Why a move needs confirming (a skip, or back past a key stage), or None."""
    stages = pipeline.open_stages
    current = pipeline.stage(card.stage_id)
    if not (current.is_open and target.is_open):
        return None
    start, end = stages.index(current), stages.index(target)
    if end - start > 1:
        skipped = ", ".join(clean(s.name) for s in stages[start + 1 : end])
        return (
            Text("Move ")
            + safe_text(card.title, "bold")
            + Text(f" forward over {skipped}? Deals usually go stage by stage.")
        )
    passed_key = [s for s in stages[end + 1 : start + 1] if s.is_key]
    if end < start and passed_key:
        return (
            Text("Move ")
            + safe_text(card.title, "bold")
            + Text(f" back before the key stage {clean(passed_key[0].name)}?")
        )
    return None
