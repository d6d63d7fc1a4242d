"""NextContactModal: when to contact the deal next, typed as people say it, with a preview
of what was understood before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.date_format import example_day_month, format_day_time
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.validation import clean_long_text
from funnel_tui.domain.when import Understood, describe, parse_when
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.widgets.data_input import DataInput

QUICK_PICKS: tuple[tuple[str, str], ...] = (
    ("+1h", N_("In an hour")),
    ("tomorrow 10:00", N_("Tomorrow 10:00")),
    ("+1w", N_("In a week")),
)
"""(what it means as typed text, how it is offered: translated where shown). The deal pane's keys 1, 2, 3 use these."""

_CLEAR = "clear"


@dataclass(frozen=True, slots=True)
class NextContactChoice:
    at: datetime | None
    """UTC; None clears the next contact."""
    note: str | None


class NextContactModal(Localized, ModalScreen[NextContactChoice | None]):
    DEFAULT_CSS = """
    NextContactModal { align: center middle; }
    NextContactModal > Vertical {
        width: 70; max-width: 98%; height: auto; max-height: 98%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    NextContactModal .row { height: 1; margin-bottom: 1; }
    NextContactModal .row > Label { width: 8; color: $text-muted; }
    NextContactModal .row > Input { width: 1fr; }
    NextContactModal #when-preview { padding-left: 8; height: auto; margin-bottom: 1; }
    NextContactModal OptionList { height: auto; }
    NextContactModal .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="next-contact.cancel"),
    ]

    def __init__(
        self,
        deal_title: str,
        *,
        now: datetime,
        zone: tzinfo,
        current: datetime | None = None,
        note: str | None = None,
        revival: bool = False,
    ) -> None:
        """`revival`: the deal was just set aside in a holding stage (a conditional refusal),
        and the date asked for is the day it comes back."""
        super().__init__()
        self._revival = revival
        self._title = deal_title
        self._now = now
        self._zone = zone
        self._current = current
        self._note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            if self._revival:
                yield Static(safe_text(_("Revive “{title}” on").format(title=self._title), "bold"))
                yield Static(
                    Text(_("It stays set aside until then, out of the week's list."), style="dim")
                )
            else:
                yield Static(
                    safe_text(_("Next contact for “{title}”").format(title=self._title), "bold")
                )
            if self._current is not None:
                shown = format_day_time(self._current.astimezone(self._zone))
                yield Static(Text(_("now set to {when}").format(when=shown), style="dim"))
            with Horizontal(classes="row"):
                yield Label(_("When"))
                yield Input(
                    placeholder=_("tomorrow 10:00, fri, +3d, {day_month} 14:30, завтра").format(
                        day_month=example_day_month()
                    ),
                    compact=True,
                    id="when-text",
                )
            yield Static("", id="when-preview")
            with Horizontal(classes="row"):
                yield Label(_("To do"))
                yield DataInput(
                    self._note, placeholder=_("send the offer"), compact=True, id="when-note"
                )
            yield OptionList(
                *[Option(_(label), id=typed) for typed, label in QUICK_PICKS],
                *([Option(_("Clear the next contact"), id=_CLEAR)] if self._current else []),
                id="when-quick",
            )
            yield Static(_("enter saves · ↓ quick picks · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#when-text", Input).focus()

    def understood(self, text: str) -> Understood:
        return parse_when(text, self._now, self._zone)

    @on(Input.Changed, "#when-text")
    def _preview(self, event: Input.Changed) -> None:
        preview = self.query_one("#when-preview", Static)
        if not event.value.strip():
            preview.update("")
            return
        try:
            understood = self.understood(event.value)
        except ValidationError as err:
            preview.update(safe_text(err.message, "red"))
            return
        preview.update(Text("→ " + describe(understood, self._now), style="green"))

    @on(Input.Submitted)
    def _save_typed(self) -> None:
        typed = self.query_one("#when-text", Input).value
        self._finish(typed)

    @on(OptionList.OptionSelected, "#when-quick")
    def _save_quick(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        if event.option.id == _CLEAR:
            self.dismiss(NextContactChoice(None, None))
        else:
            self._finish(event.option.id)

    def _finish(self, typed: str) -> None:
        preview = self.query_one("#when-preview", Static)
        try:
            at = self.understood(typed).at
            note = clean_long_text("to do", self.query_one("#when-note", DataInput).data)
        except ValidationError as err:
            preview.update(safe_text(err.message, "red"))
            self.query_one("#when-text", Input).focus()
            return
        self.dismiss(NextContactChoice(at, note))

    def on_key(self, event: events.Key) -> None:
        """↓ goes from the inputs down to the quick picks (tab works too)."""
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)
