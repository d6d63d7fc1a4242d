"""FilterInput: a text box whose typing does not lay the whole screen out again."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """Input sets its virtual size to the width of its text on every keystroke, and Widget's
    `virtual_size` asks for a layout pass of the whole screen when it changes. On the board
    that pass repaints every column's scrollbar: ~25 ms per filter keystroke. The box's own
    size never depends on its text (CSS gives it), and scrolling within it reads
    `virtual_size` directly, so the pass is not needed."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
