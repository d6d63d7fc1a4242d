"""PeriodRangeModal: a custom report period, from one day to another, both included.

Nothing is applied until both days read as dates and the first is not after the last; until
then the modal stays open and says, on one line, what is wrong.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.analytics.periods import Period, custom_period
from funnel_tui.domain.date_format import format_day, typed_like
from funnel_tui.domain.dates import parse_date
from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import clean
from funnel_tui.ui.localized import Localized


class PeriodRangeModal(Localized, ModalScreen[Period | None]):
    DEFAULT_CSS = """
    PeriodRangeModal { align: center middle; }
    PeriodRangeModal > Vertical {
        width: 70; max-width: 98%; height: auto; max-height: 98%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PeriodRangeModal .row { height: 1; margin-top: 1; }
    PeriodRangeModal .row > Label { width: 6; color: $text-muted; }
    PeriodRangeModal .row > Input { width: 1fr; }
    PeriodRangeModal #range-error { height: 1; margin-top: 1; color: $text-error; }
    PeriodRangeModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="period-range.cancel"),
    ]

    def __init__(self, current: Period) -> None:
        """`current`: the period shown now, to start from."""
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Period: from one day to another, both included"), style="bold"))
            with Horizontal(classes="row"):
                yield Label(_("From"))
                yield Input(
                    format_day(self._current.first),
                    placeholder=typed_like(date(2026, 10, 1)),
                    compact=True,
                    id="range-from",
                )
            with Horizontal(classes="row"):
                yield Label(_("To"))
                yield Input(
                    format_day(self._current.last),
                    placeholder=typed_like(date(2026, 12, 31)),
                    compact=True,
                    id="range-to",
                )
            yield Static("", id="range-error")
            yield Static(_("enter applies · tab next field · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#range-from", Input).focus()

    @on(Input.Submitted)
    def _apply(self) -> None:
        try:
            first = parse_date(self.query_one("#range-from", Input).value, "from")
            last = parse_date(self.query_one("#range-to", Input).value, "to")
            period = custom_period(first, last)
        except ValidationError as err:
            self._say(str(err))
            # Back to the field at fault, so the fix is one edit away.
            field = "#range-to" if err.field == "to" else "#range-from"
            if err.field != "period":
                self.query_one(field, Input).focus()
            return
        self.dismiss(period)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self._say("")

    def _say(self, message: str) -> None:
        # What was typed is quoted in the message: plain text, cut to one line.
        line = Text(clean(message), no_wrap=True, overflow="ellipsis")
        self.query_one("#range-error", Static).update(line)

    def action_cancel(self) -> None:
        self.dismiss(None)
