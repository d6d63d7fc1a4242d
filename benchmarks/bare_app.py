"""The baseline for start-up figures: a bare Textual app with a Header, a Label and a Footer.

Run it as Funnel is run (`python benchmarks/bare_app.py` under a terminal); `q` quits. The
benchmarks count it ready when "Hello" and the footer's "Quit" are on screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Hello")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
