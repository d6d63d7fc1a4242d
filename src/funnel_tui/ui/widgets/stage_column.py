"""StageColumn: one stage's cards, virtualised (Line API): it draws only the visible lines.

The column knows how many cards it has and holds those it has been given; when it needs to
draw a card it lacks, it posts `WindowNeeded` and its screen fetches that window in a worker
(shared/FINDINGS.md: a widget per card takes 5.8 s at 10,000 deals; this takes ~0.3 s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from funnel_tui.domain.dates import utc_now
from funnel_tui.domain.models import Stage
from funnel_tui.i18n import N_
from funnel_tui.services.board_model import Card
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.widgets.card_lines import CardLook, CardPainter, clip

CARD_HEIGHT = 4
"""Three lines of card and one of space."""
WINDOW = 60
"""Cards fetched per request, as the user scrolls."""
FIRST_WINDOW = 20
"""Cards read with a column's totals: two or three screens' worth. Every filter keystroke
reads them for every column, so fewer is faster (60 took ~2.5x as long); the rest come a
WINDOW at a time when scrolled to."""


class StageColumn(Localized, ScrollView, can_focus=True):
    """The cards of one stage, one under another, drawn line by line."""

    DEFAULT_CSS = """
    StageColumn {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;  /* always: see on_mount */
        scrollbar-size-vertical: 1;
        /* No :focus rules: the column draws its focus itself (see watch_has_focus). */
        & > .stage-column--cursor { background: $accent; color: $text; }
        & > .stage-column--cursor-blurred { background: $accent 15%; }
        & > .stage-column--muted { color: $text-muted; }
        & > .stage-column--overdue { color: $error; text-style: bold; }
        & > .stage-column--today { color: $warning; text-style: bold; }
        & > .stage-column--rotting { color: $warning; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--cursor",
        "stage-column--cursor-blurred",
        "stage-column--muted",
        "stage-column--overdue",
        "stage-column--today",
        "stage-column--rotting",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False, id="board.cursor-up"),
        Binding("down,j", "cursor(1)", N_("Down"), show=False, id="board.cursor-down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="board.page-up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="board.page-down"),
        Binding("home", "jump(0)", N_("First"), show=False, id="board.first-card"),
        Binding("end", "jump(-1)", N_("Last"), show=False, id="board.last-card"),
        # ScrollView would scroll sideways on these; on the board they change column.
        Binding("left,h", "leave(-1)", N_("◀ Column"), show=False, id="board.column-left"),
        Binding("right,l", "leave(1)", N_("Column ▶"), show=False, id="board.column-right"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    """Index of the highlighted card (the watcher repaints just the cards concerned)."""

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
    class Highlighted(Message):
        """The highlighted card changed (None: the column is empty or not loaded)."""

        column: StageColumn
        card: Card | None

        @property
        def control(self) -> StageColumn:
            return self.column

    def __init__(
        self,
        stage: Stage,
        *,
        clock: Callable[[], datetime] = utc_now,
        on_leave: Callable[[int], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.stage = stage
        self._leave_to = on_leave
        """Called with -1/+1 for ← and →. A call, not a message: a key typed right after
        the arrow (→ then enter) must already find the next column focused."""
        self.clock = clock
        self.total = 0
        self.generation = 0
        self._cards: dict[int, Card] = {}
        self._requested: set[int] = set()
        self._painter = CardPainter(stage)
        self._look: CardLook | None = None
        self._now = clock()
        self._drawn_minute = self._now.replace(second=0, microsecond=0)
        self._paint_width = 0
        self._paint_top = 0

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
        # The first window is complete if `first` holds all of it; else it is fetched in full
        # when the cursor gets past `first`.
        self._requested = {0} if len(first) >= min(total, WINDOW) else set()
        self._set_height(total * CARD_HEIGHT)
        index = self.cursor
        if keep_deal is not None:
            index = next((i for i, c in enumerate(first) if c.deal_id == keep_deal), index)
        # The whole column repaints: the cursor's watcher, which repaints two cards, need not.
        self.set_reactive(StageColumn.cursor, max(0, min(index, total - 1)))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def on_mount(self) -> None:
        # Said before the first layout: Textual finds out about a scrollbar in layout, then
        # lays everything out again for it, and the new board was drawn twice (~22 KB more).
        self.show_vertical_scrollbar = True

    def _set_height(self, lines: int) -> None:
        """Make the column `lines` tall, without a layout pass.

        Setting `virtual_size` lays the whole screen out again, which repaints every
        column's scrollbar (~4 KB and ~10 ms per move). The scrollbar is always there
        (`overflow-y: scroll`): its length this column can update itself.
        """
        size = Size(0, lines)  # no width of its own (it never scrolls sideways): no resizing
        if not self.show_vertical_scrollbar:  # not mounted yet
            self.virtual_size = size
            return
        self.set_reactive(StageColumn.virtual_size, size)
        self.vertical_scrollbar.window_virtual_size = lines
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

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
        if self._leave_to is not None:
            self._leave_to(direction)

    def action_page(self, direction: int) -> None:
        per_page = max(1, self.scrollable_content_region.height // CARD_HEIGHT)
        self.action_cursor(direction * per_page)

    def action_jump(self, index: int) -> None:
        if self.total:
            self.cursor = index if index >= 0 else self.total - 1

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self._refresh_card(old)
        self._refresh_card(new)
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_to_cursor(self) -> None:
        if self.total:
            region = Region(0, self.cursor * CARD_HEIGHT, max(1, self.size.width), CARD_HEIGHT)
            self.scroll_to_region(region, animate=False, immediate=True)

    def _on_focus(self, event: events.Focus) -> None:
        """Widget's own handler (skipped here) also refreshes the whole column: with both
        columns of a switch repainted that sent ~11 KB to the terminal, where the two
        highlighted cards that change (watch_has_focus) take ~1.4 KB."""
        self._focus_changed(event, True, events.DescendantFocus)

    def _on_blur(self, event: events.Blur) -> None:
        self._focus_changed(event, False, events.DescendantBlur)  # as _on_focus

    def _focus_changed(
        self,
        event: events.Focus | events.Blur,
        focused: bool,
        tell: type[events.DescendantFocus] | type[events.DescendantBlur],
    ) -> None:
        event.prevent_default()
        self.has_focus = focused
        if self.parent is not None:
            self.parent.post_message(tell(self))

    def watch_has_focus(self, has_focus: bool) -> None:
        """Repaint the highlighted card only: the rest of the column looks the same.

        Replaces Widget's watcher, which restyles the column and its scrollbars on every
        focus change; restyled scrollbars ask for a layout pass, which repainted the whole
        board (~20 KB to the terminal per column switch, where this sends ~1 KB).
        """
        self._refresh_card(self.cursor)

    def _refresh_card(self, index: int) -> None:
        top = index * CARD_HEIGHT - int(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, CARD_HEIGHT))

    # --- drawing ---------------------------------------------------------------------------

    def repaint_cards(self) -> None:
        """Draw every card afresh (the date format changed: badges are written anew)."""
        self._painter.forget()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._look = None
        self._painter.forget()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Once per paint rather than once per line: the clock, the width and the scroll
        # position (each lookup goes through Textual's styles: ~20 µs a line otherwise).
        self._now = self.clock()
        minute = self._now.replace(second=0, microsecond=0)
        if minute != self._drawn_minute:  # badges (overdue, days in stage) depend on the time
            self._drawn_minute = minute
            self._painter.forget()
        self._paint_width = self.scrollable_content_region.width
        self._paint_top = int(self.scroll_offset.y)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._paint_width
        look = self._current_look()
        index, row = divmod(self._paint_top + y, CARD_HEIGHT)
        if index >= self.total or row == CARD_HEIGHT - 1:
            return self._painter.blank(width, look)
        card = self._cards.get(index)
        if card is None:
            self._request(index)
            return self._painter.blank(width, look) if row else _placeholder(width, look)
        highlight = None
        if index == self.cursor:
            highlight = look.cursor if self.has_focus else look.cursor_blurred
        return self._painter.line(card, row, width, look, highlight, self._now)

    def _current_look(self) -> CardLook:
        if self._look is None:
            style = self.get_component_rich_style
            self._look = CardLook(
                base=self.rich_style,
                cursor=style("stage-column--cursor"),
                cursor_blurred=style("stage-column--cursor-blurred"),
                muted=style("stage-column--muted", partial=True),
                overdue=style("stage-column--overdue", partial=True),
                today=style("stage-column--today", partial=True),
                rotting=style("stage-column--rotting", partial=True),
            )
        return self._look

    def _request(self, index: int) -> None:
        offset = index - index % WINDOW
        if offset not in self._requested:
            self._requested.add(offset)
            self.post_message(self.WindowNeeded(self, offset, WINDOW, self.generation))


def _placeholder(width: int, look: CardLook) -> Strip:
    """A card not fetched yet: its window has been asked for."""
    return Strip([Segment(clip(" …", width), look.base + look.muted)], width)
