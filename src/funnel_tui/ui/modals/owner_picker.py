"""OwnerPickerModal: whose deals the board shows: mine, everyone's, or one person's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.models import User
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.localized import Localized


@dataclass(frozen=True, slots=True)
class OwnerChoice:
    """The owner picked; `owner_id` None means everyone."""

    owner_id: int | None


class OwnerPickerModal(Localized, ModalScreen[OwnerChoice | None]):
    DEFAULT_CSS = """
    OwnerPickerModal { align: center middle; }
    OwnerPickerModal > Vertical {
        width: 50; max-width: 95%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    OwnerPickerModal OptionList { height: auto; max-height: 16; }
    OwnerPickerModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="owner-picker.cancel"),
    ]

    def __init__(self, users: tuple[User, ...], me: User | None, current: int | None) -> None:
        super().__init__()
        self._choices: list[OwnerChoice] = []
        self._labels: list[str] = []
        if me is not None:
            self._add(OwnerChoice(me.id), _("Mine"))
        self._add(OwnerChoice(None), _("Everyone"))
        for user in users:
            self._add(OwnerChoice(user.id), f"{user.display_name} ({user.login})")
        # "Mine" before my own name in the list: the first match is the one highlighted.
        ids = [choice.owner_id for choice in self._choices]
        self._current = ids.index(current) if current in ids else 0

    def _add(self, choice: OwnerChoice, label: str) -> None:
        self._choices.append(choice)
        self._labels.append(label)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_text(_("Show the deals of"), "bold"))
            options = []
            for index, label in enumerate(self._labels):
                text = safe_text(label)  # names are anyone's text: never markup
                if index == self._current:
                    text.append("  " + _("(now)"), style="dim")
                options.append(Option(text))
            yield OptionList(*options)
            yield Static(_("enter picks · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.highlighted = self._current
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
