"""RichLines: a Rich renderable drawn to lines once per width, and kept.

A `Static` with `height: auto` renders its Rich renderable again to measure its height in
every layout pass, and again to paint: opening the funnel screen at 100,000 deals rendered its
tables about six times (docs/performance.md). This widget draws once for the width it gets,
and answers the layout's height question and every repaint from those lines; it draws again
only for something new, another width, other styles or a text selection.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget


class RichLines(Widget):
    """Shows a Rich renderable as a `Static(markup=False)` would (a string is plain text)."""

    DEFAULT_CSS = """
    RichLines { width: 1fr; height: auto; }
    """

    def __init__(self, renderable: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable = _plain(renderable)
        self._lines: tuple[int, list[Strip]] | None = None
        """The lines drawn, and the width they were drawn for."""

    def update(self, renderable: RenderableType) -> None:
        self._renderable = _plain(renderable)
        self._lines = None
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """What is shown (Textual reads it for a text selection, as from a Static)."""
        return self._renderable

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None  # drawn in the old colours (a theme change)

    def selection_updated(self, selection: Selection | None) -> None:
        self._lines = None  # the selected text is drawn highlighted
        super().selection_updated(selection)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._strips(width)) if width else 0

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._strips(width)
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    def _strips(self, width: int) -> list[Strip]:
        if self._lines is None or self._lines[0] != width:
            # Drawn as a Static draws (styles, links, alignment, selection), but only here.
            visual = visualize(self, self._renderable, markup=False)
            self._lines = (width, Visual.to_strips(self, visual, width, None, self.visual_style))
        return self._lines[1]


def _plain(renderable: RenderableType) -> RenderableType:
    """A string as plain text: never read as markup (it may come from the data)."""
    return Text(renderable) if isinstance(renderable, str) else renderable
