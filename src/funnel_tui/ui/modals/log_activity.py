"""LogActivityModal: log a call (or a meeting, e-mail, message, note) in a few keys.

A call: `c`, ↓ to the outcome, enter, type `3m`, enter, type the note, ctrl+s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from funnel_tui.domain.dates import parse_duration
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import ActivityKind, Direction, Outcome
from funnel_tui.domain.validation import clean_duration, clean_note
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.render.timeline import kind_label, outcome_label
from funnel_tui.ui.localized import Localized

OUTCOMES: dict[ActivityKind, tuple[Outcome, ...]] = {
    ActivityKind.CALL: (
        Outcome.REACHED,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.VOICEMAIL,
        Outcome.WRONG_NUMBER,
    ),
    ActivityKind.MEETING: (Outcome.HELD, Outcome.NO_SHOW),
}
"""The outcomes that make sense for each kind; the others have none."""


_DIRECTED = {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MESSAGE}


@dataclass(frozen=True, slots=True)
class ActivityInput:
    kind: ActivityKind
    direction: Direction | None
    outcome: Outcome | None
    duration_s: int | None
    body: str | None


class LogActivityModal(Localized, ModalScreen[ActivityInput | None]):
    DEFAULT_CSS = """
    LogActivityModal { align: center middle; }
    LogActivityModal > Vertical {
        width: 64; max-width: 98%; height: auto; max-height: 98%; padding: 0 2;
        border: thick $primary; background: $surface;
    }
    LogActivityModal .row { height: auto; }
    LogActivityModal .row > Label { width: 11; color: $text-muted; padding-top: 0; }
    LogActivityModal .row > Select, LogActivityModal .row > Input { width: 1fr; }
    LogActivityModal OptionList { height: auto; max-height: 7; }
    LogActivityModal TextArea { height: 5; }
    LogActivityModal #activity-error { color: $error; height: auto; }
    LogActivityModal .hint { color: $text-muted; }
    LogActivityModal .heading { margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="log.save"),
        Binding("escape", "cancel", N_("Cancel"), id="log.cancel"),
    ]

    def __init__(self, deal_title: str, kind: ActivityKind | None = ActivityKind.CALL) -> None:
        super().__init__()
        self._title = deal_title
        self._fixed_kind = kind
        self._kind = kind or ActivityKind.CALL

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                safe_text(_("Log for “{title}”").format(title=self._title), "bold"),
                classes="heading",
            )
            if self._fixed_kind is None:
                with Horizontal(classes="row"):
                    yield Label(_("Kind"))
                    yield Select(
                        [(kind_label(kind), kind) for kind in ActivityKind],
                        value=self._kind,
                        allow_blank=False,
                        compact=True,
                        id="activity-kind",
                    )
            with Horizontal(classes="row", id="direction-row"):
                yield Label(_("Direction"))
                yield Select(
                    [(_("Outgoing"), Direction.OUT), (_("Incoming"), Direction.IN)],
                    value=Direction.OUT,
                    allow_blank=False,
                    compact=True,
                    id="activity-direction",
                )
            yield Label(_("Outcome"), id="outcome-label")
            yield OptionList(id="activity-outcome")
            with Horizontal(classes="row", id="duration-row"):
                yield Label(_("Duration"))
                yield Input(placeholder=_("3m, 90s, 1h30m"), compact=True, id="activity-duration")
            yield Label(_("Note"))
            yield TextArea(id="activity-body", placeholder=_("What was said, what was agreed"))
            yield Static("", id="activity-error")
            with Horizontal(classes="row"):
                yield Static(_("ctrl+s saves · esc cancels · tab next field"), classes="hint")
                yield Button(_("Save"), id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_kind(self._kind)
        outcomes = self.query_one("#activity-outcome", OptionList)
        if outcomes.display:
            outcomes.focus()
        elif self._fixed_kind is None:
            self.query_one("#activity-kind", Select).focus()
        else:
            self.query_one(TextArea).focus()

    def _show_kind(self, kind: ActivityKind) -> None:
        """Only the fields that make sense for `kind`."""
        self._kind = kind
        outcomes = OUTCOMES.get(kind, ())
        option_list = self.query_one("#activity-outcome", OptionList)
        option_list.set_options(
            Option(outcome_label(outcome), id=outcome.value) for outcome in outcomes
        )
        if outcomes:
            option_list.highlighted = 0
        option_list.display = bool(outcomes)
        self.query_one("#outcome-label").display = bool(outcomes)
        self.query_one("#direction-row").display = kind in _DIRECTED
        self.query_one("#duration-row").display = kind in (
            ActivityKind.CALL,
            ActivityKind.MEETING,
        )

    @on(Select.Changed, "#activity-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, ActivityKind):
            self._show_kind(event.value)

    def on_key(self, event: events.Key) -> None:
        """Enter on the outcome or the duration goes on to the next field at once (not via a
        message), so that fast typing after it lands in that field."""
        if event.key == "enter" and self.focused in (
            self.query_one("#activity-outcome"),
            self.query_one("#activity-duration"),
        ):
            event.stop()
            event.prevent_default()
            self.focus_next()

    def _result(self) -> ActivityInput | None:
        error = self.query_one("#activity-error", Static)
        kind = self._kind
        outcome = None
        option_list = self.query_one("#activity-outcome", OptionList)
        if option_list.display and option_list.highlighted is not None:
            outcome = OUTCOMES[kind][option_list.highlighted]
        direction = None
        if kind in _DIRECTED:
            chosen = self.query_one("#activity-direction", Select).value
            direction = chosen if isinstance(chosen, Direction) else None
        body = self.query_one(TextArea).text.strip() or None
        try:
            duration = None
            typed = self.query_one("#activity-duration", Input).value.strip()
            if typed and self.query_one("#duration-row").display:
                duration = clean_duration(parse_duration(typed))
            body = clean_note(body, required=kind is ActivityKind.NOTE)
        except ValidationError as err:
            error.update(safe_text(str(err)))
            return None
        error.update("")
        return ActivityInput(kind, direction, outcome, duration, body)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        result = self._result()
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
