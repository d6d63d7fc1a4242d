"""StageColumn: one stage's cards, virtualised (Line API): it draws only the visible lines.

The column knows how many cards it has and holds those it has been given; when it needs to
draw a card it lacks, it posts `WindowNeeded` and its screen fetches that window in a worker
(shared/FINDINGS.md: a widget per card takes 5.8 s at 10,000 deals; this takes ~0.3 s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from funnel_tui.domain.dates import utc_now
from funnel_tui.domain.models import Stage
from funnel_tui.render.format import format_money, short_when
from funnel_tui.render.safe import clean
from funnel_tui.services.board_model import Card

CARD_HEIGHT = 4
"""Three lines of card and one of space."""
WINDOW = 60
"""Cards fetched per request."""


def _fit(left: Text, right: Text, width: int) -> Text:
    """`left` truncated with an ellipsis so that `right` fits at the end of one line."""
    room = max(0, width - right.cell_len - (1 if right.cell_len else 0))
    left = left.copy()
    left.truncate(room, overflow="ellipsis", pad=True)
    line = left + (Text(" ") if right.cell_len else Text()) + right
    line.truncate(width, overflow="ellipsis", pad=True)
    return line


class StageColumn(ScrollView, can_focus=True):
    """The cards of one stage, one under another, drawn line by line."""

    DEFAULT_CSS = """
    StageColumn {
        height: 1fr;
        scrollbar-size-vertical: 1;
        & > .stage-column--cursor { background: $accent 15%; }
        &:focus > .stage-column--cursor { background: $accent; color: $text; }
        & > .stage-column--muted { color: $text-muted; }
        & > .stage-column--overdue { color: $error; text-style: bold; }
        & > .stage-column--today { color: $warning; text-style: bold; }
        & > .stage-column--rotting { color: $warning; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--cursor",
        "stage-column--muted",
        "stage-column--overdue",
        "stage-column--today",
        "stage-column--rotting",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="board.cursor-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="board.cursor-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="board.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="board.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="board.first-card"),
        Binding("end", "jump(-1)", "Last", show=False, id="board.last-card"),
        # ScrollView would scroll sideways on these; on the board they change column.
        Binding("left,h", "leave(-1)", "◀ Column", show=False, id="board.column-left"),
        Binding("right,l", "leave(1)", "Column ▶", show=False, id="board.column-right"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted card."""

    @dataclass
    class WindowNeeded(Message):
        """The column must draw cards it has not been given yet."""

        column: StageColumn
        offset: int
        limit: int
        generation: int

        @property
        def control(self) -> StageColumn:
            return self.column

    @dataclass
    class LeaveRequested(Message):
        """The user wants the next column to the left (-1) or right (+1)."""

        column: StageColumn
        direction: int

        @property
        def control(self) -> StageColumn:
            return self.column

    @dataclass
    class Highlighted(Message):
        """The highlighted card changed (None: the column is empty or not loaded)."""

        column: StageColumn
        card: Card | None

        @property
        def control(self) -> StageColumn:
            return self.column

    def __init__(
        self, stage: Stage, *, clock: Callable[[], datetime] = utc_now, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.stage = stage
        self.clock = clock
        self.total = 0
        self.generation = 0
        self._cards: dict[int, Card] = {}
        self._requested: set[int] = set()

    # --- data in ---------------------------------------------------------------------------

    def reset(self, total: int, first: list[Card], *, keep_deal: int | None = None) -> None:
        """New contents: `total` cards, of which `first` are the first window.

        The cursor stays on `keep_deal` if it is among the first window, else on the same
        index (clamped), so a refresh does not throw the user's place away.
        """
        unchanged = total == self.total and all(
            self._cards.get(index) == card for index, card in enumerate(first)
        )
        if unchanged:
            # Nothing to repaint (over SSH every repainted column costs bytes); at most the
            # cursor follows the kept deal.
            index = next((i for i, c in enumerate(first) if c.deal_id == keep_deal), None)
            if index is not None and index != self.cursor:
                self.cursor = index
            return
        self.generation += 1
        self.total = total
        self._cards = dict(enumerate(first))
        self._requested = {0} if first else set()
        self.virtual_size = Size(self.size.width, total * CARD_HEIGHT)
        index = self.cursor
        if keep_deal is not None:
            index = next((i for i, c in enumerate(first) if c.deal_id == keep_deal), index)
        self.cursor = max(0, min(index, total - 1))
        self.refresh()

    def put_window(self, offset: int, cards: list[Card], generation: int) -> None:
        if generation != self.generation:
            return  # fetched for contents that have since been replaced
        for index, card in enumerate(cards, start=offset):
            self._cards[index] = card
        self.refresh()
        if offset <= self.cursor < offset + len(cards):
            self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> Card | None:
        return self._cards.get(self.cursor) if self.total else None

    # --- keys ------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.cursor + step, self.total - 1))

    def action_leave(self, direction: int) -> None:
        self.post_message(self.LeaveRequested(self, direction))

    def action_page(self, direction: int) -> None:
        per_page = max(1, self.scrollable_content_region.height // CARD_HEIGHT)
        self.action_cursor(direction * per_page)

    def action_jump(self, index: int) -> None:
        if self.total:
            self.cursor = index if index >= 0 else self.total - 1

    def watch_cursor(self, index: int) -> None:
        if self.total:
            region = Region(0, index * CARD_HEIGHT, max(1, self.size.width), CARD_HEIGHT)
            self.scroll_to_region(region, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total * CARD_HEIGHT)

    def on_focus(self) -> None:
        self._refresh_cursor()

    def on_blur(self) -> None:
        self._refresh_cursor()

    def _refresh_cursor(self) -> None:
        """Repaint the highlighted card only: the rest of the column looks the same."""
        top = self.cursor * CARD_HEIGHT - int(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, CARD_HEIGHT))

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_offset.y) + y
        index, row = divmod(line, CARD_HEIGHT)
        if index >= self.total or row == CARD_HEIGHT - 1:
            return Strip.blank(width, self.rich_style)
        card = self._cards.get(index)
        if card is None:
            self._request(index)
            muted = self.get_component_rich_style("stage-column--muted", partial=True)
            text = Text(" …" if row == 0 else "", style=muted)
            text.truncate(width, pad=True)
            return Strip(list(text.render(self.app.console)), width).apply_style(self.rich_style)
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("stage-column--cursor")
        text = self._card_line(card, row, width - 2)
        strip = Strip(list((Text(" ") + text + Text(" ")).render(self.app.console)), width)
        return strip.apply_style(base)

    def _card_line(self, card: Card, row: int, width: int) -> Text:
        muted = self.get_component_rich_style("stage-column--muted", partial=True)
        if row == 0:
            title = Text(clean(card.title), style=Style(bold=True))
            return _fit(title, Text(), width)
        if row == 1:
            value = Text(format_money(card.value, compact=True))
            return _fit(Text(clean(card.company or ""), style=muted), value, width)
        return _fit(Text(clean(card.owner_name), style=muted), self._badges(card), width)

    def _badges(self, card: Card) -> Text:
        now = self.clock()
        badges = Text()
        if card.next_contact_at is not None:
            today = now.astimezone().date()
            style = ""
            if card.next_contact_at < now:
                style = "stage-column--overdue"
            elif card.next_contact_at.astimezone().date() == today:
                style = "stage-column--today"
            badge_style = self.get_component_rich_style(style, partial=True) if style else Style()
            badges.append("◷" + short_when(card.next_contact_at, today), style=badge_style)
        days = max(0, (now - card.stage_entered_at).days)
        badges.append(
            f" {days}d", style=self.get_component_rich_style("stage-column--muted", partial=True)
        )
        touched = max(card.stage_entered_at, card.last_activity_at or card.stage_entered_at)
        if self.stage.rot_days and now - touched > timedelta(days=self.stage.rot_days):
            badges.append(
                " ⚑", style=self.get_component_rich_style("stage-column--rotting", partial=True)
            )
        return badges

    def _request(self, index: int) -> None:
        offset = index - index % WINDOW
        if offset not in self._requested:
            self._requested.add(offset)
            self.post_message(self.WindowNeeded(self, offset, WINDOW, self.generation))
