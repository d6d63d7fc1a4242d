"""DataInput: an Input over stored text that may hold anything a teammate or an import put
there.

Textual draws an Input's value as it is, escape sequences included (shared/FINDINGS.md,
"Untrusted text"), so the input shows the text through `render.safe.clean`: control
characters as visible stand-ins (␛). Left as it is, it gives back the stored text unchanged,
so opening and saving a form never rewrites what the user did not touch.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from funnel_tui.render.safe import clean


class DataInput(Input):
    def __init__(self, stored: str = "", **kwargs: Any) -> None:
        super().__init__(clean(stored), **kwargs)
        self.stored = stored

    def show_stored(self, stored: str) -> None:
        """Show `stored` as the input's saved text."""
        self.stored = stored
        shown = clean(stored)
        if self.value != shown:  # an unchanged value would still re-render the input
            self.value = shown

    @property
    def edited(self) -> bool:
        return self.value != clean(self.stored)

    @property
    def data(self) -> str:
        """What the user typed, or the stored text as it is when they typed nothing."""
        return self.value if self.edited else self.stored
