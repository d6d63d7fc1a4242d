"""The one way the UI tells the user something that may hold data (a title, an error
quoting what was typed): a notification in plain text, never parsed as markup."""

from __future__ import annotations

from typing import Any, Literal

from textual.app import App
from textual.widget import Widget

from funnel_tui.render.safe import clean

Severity = Literal["information", "warning"]


def tell(
    node: App[Any] | Widget,
    message: str,
    severity: Severity = "information",
    *,
    title: str = "",
    timeout: float = 6,
) -> None:
    node.notify(clean(message), title=title, severity=severity, markup=False, timeout=timeout)
