"""KeyFooter: Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Footer rebuilds all its keys whenever the screen refreshes its bindings, which Textual
    does on every focus change. On the board, where every column has the same keys, that
    rebuild cost three layout passes and ~25 KB to the terminal per column switch."""

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = _shown_keys(screen)
        if shown == self._shown and self._bindings_ready:
            return
        if screen.app.app_focus:  # otherwise Footer waits, and so must the comparison
            self._shown = shown
        super().bindings_changed(screen)


def _shown_keys(screen: Screen[object]) -> tuple[object, ...]:
    """Everything of the active bindings that Footer draws."""
    return tuple(
        (binding.key, binding.description, binding.action, binding.group, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
