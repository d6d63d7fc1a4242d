"""Modals of the Pipelines settings tab: a name to give (a pipeline's or a stage's new name, a
new stage), a new pipeline (its name and template).

Each modal saves through the callable it is given, in a thread: the change is one service
call, and its refusal (a name taken, a rep not allowed) is said in the modal, on one line
under the field, and the modal stays open. Saved, it closes with what the service returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.models import Pipeline
from funnel_tui.domain.templates import TEMPLATES
from funnel_tui.i18n import N_, _, language
from funnel_tui.render.safe import clean, fill
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.data_input import DataInput

ResultT = TypeVar("ResultT")


class SavingModal(Localized, ModalScreen[ResultT | None]):
    """A settings form that saves through a service call in a thread; escape cancels.

    Subclasses compose their fields with a `Static(id="modal-error")` and call `save()`."""

    DEFAULT_CSS = """
    SavingModal { align: center middle; }
    SavingModal > Vertical {
        width: 70; max-width: 98%; height: auto; max-height: 98%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    SavingModal .row { height: 1; margin-top: 1; }
    SavingModal .row > Label { width: 16; color: $text-muted; }
    SavingModal .row > Input { width: 1fr; }
    SavingModal #modal-error { height: auto; min-height: 1; color: $text-error; }
    SavingModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="settings-modal.cancel"),
    ]

    saving = False
    """A save is under way: keys that would save again do nothing."""

    def save(self, change: Callable[[], ResultT]) -> None:
        """Run `change` (one service call) in a thread; close with its result, or say why
        it was refused."""
        if self.saving:
            return
        self.saving = True
        self.say(_("Saving…"), error=False)
        self._store(change)

    @work(thread=True, group="settings-save")
    def _store(self, change: Callable[[], ResultT]) -> None:
        try:
            saved = change()
        except FunnelError as err:
            call_back(self, self._refused, err)
            return
        call_back(self, self.dismiss, saved)

    def _refused(self, error: FunnelError) -> None:
        self.saving = False
        self.refused(error)

    def refused(self, error: FunnelError) -> None:
        """Say why the service refused (subclasses may point at the field)."""
        self.say(message_of(error))

    def say(self, message: str, *, error: bool = True) -> None:
        # What was typed is quoted in the message: plain text, one line (wrapped if long).
        line = Text(clean(message))
        if not error:
            line.stylize("dim")
        self.query_one("#modal-error", Static).update(line)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        if not self.saving:
            self.say("")

    def action_cancel(self) -> None:
        self.dismiss(None)


def message_of(error: FunnelError) -> str:
    """The one line telling the user what is wrong (a field's message without its label)."""
    return error.message if isinstance(error, ValidationError) else str(error)


class NameModal(SavingModal[ResultT]):
    """One name to type (a pipeline's, a stage's, a loss reason's, a user's display name),
    saved by `save` (one service call); a refusal is said under the field."""

    def __init__(
        self,
        title: Text,
        label: str,
        value: str,
        save: Callable[[str], ResultT],
        *,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._label = label
        self._value = value
        self._save = save
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title)
            with Horizontal(classes="row"):
                yield Label(self._label)
                yield DataInput(
                    self._value, placeholder=self._placeholder, compact=True, id="name-input"
                )
            yield Static("", id="modal-error")
            yield Static(_("enter saves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name-input", DataInput).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        name = self.query_one("#name-input", DataInput).data
        self.save(lambda: self._save(name))


CreatePipeline = Callable[[str, str | None], Pipeline]
"""Creates a pipeline named so (empty: the template's name) from a template key, or an empty
one for None."""


class NewPipelineModal(SavingModal[Pipeline]):
    """A new pipeline: its name and what it starts from (a template, or nothing)."""

    DEFAULT_CSS = """
    NewPipelineModal OptionList { height: auto; max-height: 10; }
    NewPipelineModal #template-label { margin-top: 1; color: $text-muted; }
    """

    def __init__(self, create: CreatePipeline) -> None:
        super().__init__()
        self._create = create
        self._keys: list[str | None] = [*TEMPLATES, None]

    def compose(self) -> ComposeResult:
        russian = language() == "ru"
        labels = [(t.ru if russian else t.en) for t in TEMPLATES.values()]
        labels.append(_("Empty: one stage, won and lost"))
        with Vertical():
            yield Static(Text(_("New pipeline"), style="bold"))
            with Horizontal(classes="row"):
                yield Label(_("Name"))
                yield Input(placeholder=_("the template's name"), compact=True, id="pipeline-name")
            yield Static(_("Start from"), id="template-label")
            yield OptionList(*(Option(label) for label in labels), id="pipeline-template")
            yield Static("", id="modal-error")
            yield Static(_("enter creates · tab to the templates · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pipeline-template", OptionList).highlighted = 0
        self.query_one("#pipeline-name", Input).focus()

    @property
    def template(self) -> str | None:
        """The key of the chosen template; None for an empty pipeline."""
        index = self.query_one("#pipeline-template", OptionList).highlighted
        return self._keys[index or 0]

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _submit(self) -> None:
        name = self.query_one("#pipeline-name", Input).value
        template = self.template
        if template is None and not name.strip():
            self.say(_("an empty pipeline needs a name"))
            self.query_one("#pipeline-name", Input).focus()
            return
        self.save(lambda: self._create(name, template))

    @on(OptionList.OptionHighlighted)
    def _placeholder(self) -> None:
        template = self.template
        name = self.query_one("#pipeline-name", Input)
        if template is None:
            name.placeholder = _("required for an empty pipeline")
        else:
            shown = TEMPLATES[template]
            name.placeholder = shown.ru if language() == "ru" else shown.en


def titled(template: str, **fields: object) -> Text:
    """A modal's bold title naming something the user typed (shown literally)."""
    return fill(template, "bold", **fields)
