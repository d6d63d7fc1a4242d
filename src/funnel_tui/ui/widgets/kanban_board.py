"""KanbanBoard: a row of stage columns, each a header over its cards.

It only lays out and shows what it is given (attributes down): which stages, then each
column's totals and first cards. Its screen reads the data; the columns ask for more cards
with `StageColumn.WindowNeeded`, which bubbles up to the screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from textual.containers import HorizontalScroll, Vertical
from textual.widget import Widget

from funnel_tui.domain.models import Stage
from funnel_tui.services.board_model import ColumnLoad
from funnel_tui.ui.widgets.column_header import ColumnHeader
from funnel_tui.ui.widgets.stage_column import CARD_HEIGHT, StageColumn

MIN_COLUMN_WIDTH = 26
"""Narrower than this, a card's title and value no longer read; the board scrolls instead."""


class KanbanBoard(HorizontalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._by_stage: dict[int, tuple[ColumnHeader, StageColumn]] = {}
        """Each stage's header and column: DOM queries cost ~0.5 ms each, per column and read."""
        self._mounting = asyncio.Lock()
        """One set of columns mounts at a time; until it has, the old ones are the board's."""

    @property
    def shown(self) -> frozenset[int]:
        """The stage ids of the columns (workers read it: the dict is replaced, not changed)."""
        return frozenset(self._by_stage)

    def columns(self) -> list[StageColumn]:
        return [column for _header, column in self._by_stage.values()]

    def stages(self) -> list[Stage]:
        return [column.stage for column in self.columns()]

    def focused_column(self) -> StageColumn | None:
        if not self.is_attached:
            return None  # the board is being taken down (the app is closing): no focus
        focused = self.screen.focused
        return focused if isinstance(focused, StageColumn) else None

    async def set_stages(self, stages: Sequence[Stage], clock: Callable[[], datetime]) -> None:
        """A column per stage, unless the board has exactly those already. The focus stays
        at the same place in the row."""
        async with self._mounting:
            if self.stages() != list(stages):
                await self._mount_columns(stages, clock)

    async def _mount_columns(self, stages: Sequence[Stage], clock: Callable[[], datetime]) -> None:
        columns = self.columns()
        focused = self.focused_column()
        focused_index = columns.index(focused) if focused in columns else 0
        by_stage = {
            stage.id: (
                ColumnHeader(id=f"header-{stage.id}"),
                StageColumn(stage, clock=clock, on_leave=self.step_focus, id=f"column-{stage.id}"),
            )
            for stage in stages
        }
        boxes = [Vertical(*parts, classes="stage-box") for parts in by_stage.values()]
        # Sized before they are mounted: sized after, the first layout was undone by a second,
        # and every column drawn twice.
        self._size_columns(boxes)
        await self.remove_children()
        await self.mount_all(boxes)
        self._by_stage = by_stage
        columns = self.columns()
        if columns:
            columns[min(focused_index, len(columns) - 1)].focus()

    def fill(self, contents: ColumnLoad, *, keep_deal: int | None, follow: bool) -> None:
        """Show a column's new totals and first cards; with `follow`, focus it."""
        parts = self._by_stage.get(contents.stage.id)
        if parts is None:
            return
        header, column = parts
        header.show(contents.totals)
        column.reset(contents.totals.count, list(contents.first), keep_deal=keep_deal)
        if follow:
            self.show_column(column)

    def step_focus(self, step: int) -> None:
        """Focus the column `step` places left or right, on the same screen row."""
        columns = self.columns()
        if not columns:
            return
        current = self.focused_column()
        index = columns.index(current) if current in columns else 0
        target = columns[max(0, min(index + step, len(columns) - 1))]
        if current is not None and target is not current:
            row = current.cursor - int(current.scroll_offset.y) // CARD_HEIGHT
            top = int(target.scroll_offset.y) // CARD_HEIGHT
            target.cursor = max(0, min(top + row, target.total - 1))
        self.show_column(target)

    def show_column(self, column: StageColumn) -> None:
        # Now, not via `focus()` (which defers it to a later message): a key typed right
        # after an arrow (→ then enter) must reach the new column, not the old one.
        self.screen.set_focus(column, scroll_visible=False)
        column.parent.scroll_visible(animate=False)  # type: ignore[union-attr]

    def on_resize(self) -> None:
        self._size_columns(list(self.query(".stage-box")))

    def _size_columns(self, boxes: Sequence[Widget]) -> None:
        """Share the width between columns; below MIN_COLUMN_WIDTH each, scroll sideways."""
        if not boxes:
            return
        available = self.size.width or self.screen.size.width
        width = max(MIN_COLUMN_WIDTH, available // len(boxes))
        for box in boxes:
            box.styles.width = width
        # Said outright rather than "auto": found out in layout, the scrollbar took a line
        # from every column after they were drawn, and they were all drawn again.
        self.styles.overflow_x = "scroll" if width * len(boxes) > available else "hidden"
