"""LoseModal: pick one of the pipeline's loss reasons and add a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.models import LossReason
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.localized import Localized


@dataclass(frozen=True, slots=True)
class LossChoice:
    reason: str | None
    note: str | None


class LoseModal(Localized, ModalScreen[LossChoice | None]):
    DEFAULT_CSS = """
    LoseModal { align: center middle; }
    LoseModal > Vertical {
        width: 60; max-width: 95%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $error; background: $surface;
    }
    LoseModal OptionList { height: auto; max-height: 10; margin-bottom: 1; }
    LoseModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="lose.cancel"),
    ]

    def __init__(self, deal_title: str, reasons: tuple[LossReason, ...]) -> None:
        super().__init__()
        self._title = deal_title
        self._reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_text(_("Lose “{title}”").format(title=self._title), "bold"))
            if self._reasons:
                yield Label(_("Reason"))
                yield OptionList(
                    *[
                        Option(safe_text(reason.name), id=str(reason.id))
                        for reason in self._reasons
                    ],
                    id="lose-reasons",
                )
            yield Label(_("Note (optional)"))
            yield Input(placeholder=_("Why, in your words"), id="lose-note")
            yield Static(_("enter saves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        if self._reasons:
            reasons = self.query_one(OptionList)
            reasons.highlighted = 0
            reasons.focus()
        else:
            self.query_one(Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = None
        if self._reasons:
            index = self.query_one(OptionList).highlighted
            reason = self._reasons[index].name if index is not None else None
        self.dismiss(LossChoice(reason, event.value.strip() or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
