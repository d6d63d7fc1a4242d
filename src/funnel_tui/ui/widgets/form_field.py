"""FormField: one line of a form (label, input) with its validation message under it.

The field checks its text when the user leaves it, and again on save: the message appears
at the field, in plain text. It remembers the text it started with, so the form knows what
the user changed (dirty fields survive a reload; see DealScreen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from funnel_tui.domain.errors import ValidationError
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.widgets.data_input import DataInput

Parser = Callable[[str], Any]


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: 1; }
    FormField Label { width: 16; color: $text-muted; }
    FormField Input { width: 1fr; }
    FormField .field-error { color: $error; display: none; padding-left: 16; height: auto; }
    FormField.-invalid .field-error { display: block; }
    FormField.-invalid Label { color: $error; }
    FormField.-dirty Label { text-style: bold; color: $warning; }
    """

    def __init__(
        self,
        field: str,
        label: str,
        *,
        value: str = "",
        placeholder: str = "",
        parse: Parser | None = None,
    ) -> None:
        super().__init__(id=f"field-{field}")
        self.field = field
        self._label = label
        self._parse = parse
        self._placeholder = placeholder
        self._initial = value

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(safe_text(self._label))
            yield DataInput(self._initial, placeholder=self._placeholder, compact=True)
        yield Static("", classes="field-error")

    @property
    def input(self) -> DataInput:
        return self.query_one(DataInput)

    @property
    def text(self) -> str:
        """The field's value: what the user typed, else the saved text as it is."""
        return self.input.data if self.is_mounted else self._initial

    @property
    def dirty(self) -> bool:
        return self.is_mounted and self.input.edited

    def reset(self, value: str) -> None:
        """Show `value` as the field's saved text (no longer dirty, no message)."""
        self.input.show_stored(value)
        self.show_error(None)

    def rebase(self, value: str) -> None:
        """The saved text changed underneath: take it, unless the user has edited the field."""
        if self.dirty:
            self.input.stored = value
            self.set_class(self.dirty, "-dirty")
        else:
            self.reset(value)

    def parsed(self) -> tuple[bool, Any]:
        """(True, value) when the text is valid, else (False, None) with the message shown."""
        if self._parse is None:
            return True, self.text.strip() or None
        try:
            value = self._parse(self.text)
        except ValidationError as err:
            self.show_error(err.message)
            return False, None
        self.show_error(None)
        return True, value

    def show_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-invalid")
        self.query_one(".field-error", Static).update(safe_text(message or ""))

    @on(Input.Changed)
    def _mark_dirty(self) -> None:
        self.set_class(self.dirty, "-dirty")

    @on(Input.Blurred)
    def _check_on_leave(self) -> None:
        if self.dirty or self.has_class("-invalid"):
            self.parsed()
