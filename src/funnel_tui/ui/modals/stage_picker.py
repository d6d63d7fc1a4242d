"""StagePickerModal: choose any stage of the pipeline to move a deal to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.models import Stage
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.localized import Localized


class StagePickerModal(Localized, ModalScreen[Stage | None]):
    DEFAULT_CSS = """
    StagePickerModal { align: center middle; }
    StagePickerModal > Vertical {
        width: 50; max-width: 95%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    StagePickerModal OptionList { height: auto; max-height: 16; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="stage-picker.cancel"),
    ]

    def __init__(self, deal_title: str, stages: tuple[Stage, ...], current: Stage) -> None:
        super().__init__()
        self._title = deal_title
        self._stages = stages
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_text(_("Move “{title}” to").format(title=self._title), "bold"))
            options = []
            for stage in self._stages:
                label = safe_text(("★ " if stage.is_key else "") + stage.name)
                if stage.id == self._current.id:
                    label.append("  " + _("(now)"), style="dim")
                options.append(
                    Option(label, id=str(stage.id), disabled=stage.id == self._current.id)
                )
            yield OptionList(*options)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        index = self._stages.index(self._current)
        picker.highlighted = min(index + 1, len(self._stages) - 1)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._stages[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
