"""A screen that keeps quiet while an opaque screen covers it.

Textual keeps the screen just under the top one in ``App._background_screens`` even when
the top screen is opaque, and such a screen passes every region it repaints up to the top
screen (``Screen._compositor_refresh``), marking itself for repaint again. Under the deal
pane that made the pane repaint in full on the next ticks after it opened (three full
frames of ~10 KB, 160 ms to the last at 100,000 deals: docs/performance.md). Nothing of a
covered screen shows, so there is nothing to forward; when it comes back on top Textual
repaints it in full (``Screen._on_screen_resume`` calls ``refresh()``), with whatever its
widgets changed in the meantime.

This overrides a private method of Textual, which the project pins to one version;
``tests/ui/test_covered_screen.py`` checks both that the pane opens in one full frame and
that the board shows what changed under it once it is back on top.
"""

from __future__ import annotations

from textual.screen import Screen


class QuietWhenCovered(Screen[None]):
    """Drops its repaints while an opaque screen is on top of it."""

    def _compositor_refresh(self) -> None:
        top = self.app.screen
        if top is not self and top.styles.background.a == 1:
            self._compositor._dirty_regions.clear()
            self._dirty_widgets.clear()
            return
        super()._compositor_refresh()
