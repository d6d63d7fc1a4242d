"""TimelineView: a deal's activities and stage changes, newest first, drawn line by line.

Every entry takes two lines (what happened, then the first line of its note, both cut with
an ellipsis), so the view knows its height without measuring any text and draws only what
is visible: a deal with thousands of entries opens as fast as one with ten. (An OptionList
measured every entry first: ~340 ms for 1,000.) The highlighted entry's whole note shows
under the list (see DealScreen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from funnel_tui.i18n import N_
from funnel_tui.render.timeline import timeline_body, timeline_head
from funnel_tui.services.deal_view import TimelineEntry
from funnel_tui.ui.localized import Localized

ENTRY_HEIGHT = 2


class TimelineView(Localized, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    TimelineView {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .timeline--cursor { background: $accent 40%; }
        & > .timeline--cursor-focused { background: $accent; color: $text; }
        & > .timeline--note { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--cursor",
        "timeline--cursor-focused",
        "timeline--note",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False, id="timeline.up"),
        Binding("down,j", "cursor(1)", N_("Down"), show=False, id="timeline.down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="timeline.page-up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="timeline.page-down"),
        Binding("home", "jump(0)", N_("Newest"), show=False, id="timeline.newest"),
        Binding("end", "jump(-1)", N_("Oldest"), show=False, id="timeline.oldest"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass
    class Highlighted(Message):
        entry: TimelineEntry | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: Sequence[TimelineEntry] = ()
        self._now: datetime | None = None
        self._lines: dict[tuple[int, int], tuple[Strip, Strip]] = {}

    def show(self, entries: Sequence[TimelineEntry], now: datetime) -> None:
        """Replace the entries, keeping the highlight on the same line number."""
        self._entries, self._now = entries, now
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(entries) * ENTRY_HEIGHT)
        self.cursor = min(self.cursor, max(0, len(entries) - 1))
        self.refresh()

    @property
    def current(self) -> TimelineEntry | None:
        return self._entries[self.cursor] if self._entries else None

    def action_cursor(self, step: int) -> None:
        if self._entries:
            self.cursor = max(0, min(self.cursor + step, len(self._entries) - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height // 2))

    def action_jump(self, index: int) -> None:
        if self._entries:
            self.cursor = index if index >= 0 else len(self._entries) - 1

    def watch_cursor(self, old: int, new: int) -> None:
        if self._entries:
            region = Region(0, new * ENTRY_HEIGHT, max(1, self.size.width), ENTRY_HEIGHT)
            self.scroll_to_region(region, animate=False, immediate=True)
        self._refresh_entry(old)
        self._refresh_entry(new)
        self.post_message(self.Highlighted(self.current))

    def watch_has_focus(self, _has_focus: bool) -> None:
        self._refresh_entry(self.cursor)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._entries) * ENTRY_HEIGHT)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def _refresh_entry(self, index: int) -> None:
        top = index * ENTRY_HEIGHT - int(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, ENTRY_HEIGHT))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index, row = divmod(int(self.scroll_offset.y) + y, ENTRY_HEIGHT)
        if index >= len(self._entries) or self._now is None:
            return Strip.blank(width, self.rich_style)
        lines = self._lines.get((index, width))
        if lines is None:
            lines = self._lines[(index, width)] = self._draw(self._entries[index], width)
        strip = lines[row]
        if index == self.cursor:
            name = "timeline--cursor-focused" if self.has_focus else "timeline--cursor"
            strip = strip.apply_style(self.get_component_rich_style(name))
        return strip

    def _draw(self, entry: TimelineEntry, width: int) -> tuple[Strip, Strip]:
        assert self._now is not None
        base = self.rich_style
        head = timeline_head(entry, self._now)
        body = timeline_body(entry, limit=width * 2)
        note = Text("  ") + (body.split()[0] if body is not None else Text(""))
        note.stylize(self.get_component_rich_style("timeline--note", partial=True))
        return self._strip(head, width, base), self._strip(note, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        text.no_wrap, text.end = True, ""
        segments = [
            Segment(s.text, base + s.style if s.style else base)
            for s in text.render(self.app.console)
        ]
        return Strip(segments, width).crop_extend(0, width, base)
