"""Russian for the render and analytics tests."""

from __future__ import annotations

from funnel_tui import i18n


def speak_russian() -> None:
    """Translate into Russian for the rest of the test (the autouse fixture of
    tests/conftest.py goes back to English afterwards)."""
    i18n.set_language("ru")
