"""NewDealModal: a form for a new deal, each field validated where it is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import parse_money
from funnel_tui.domain.validation import clean_email, clean_phone, clean_tags, clean_title
from funnel_tui.render.safe import safe_text

_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", "Title *", "What is being sold, e.g. Office chairs"),
    ("value", "Value", "1500, 1 500,50, 1,500.50 or 1500 RUB"),
    ("company", "Company", ""),
    ("contact", "Contact person", ""),
    ("phone", "Phone", "+7 900 000-00-00"),
    ("email", "E-mail", "name@example.com"),
    ("source", "Source", "website, referral, cold call…"),
    ("tags", "Tags", "comma-separated"),
)


class NewDealModal(ModalScreen[DealDraft | None]):
    """Returns a validated DealDraft, or None when cancelled. Nothing is saved here."""

    DEFAULT_CSS = """
    NewDealModal { align: center middle; }
    NewDealModal > VerticalScroll {
        width: 70; max-width: 98%; height: auto; max-height: 95%; padding: 0 2;
        border: thick $primary; background: $surface;
    }
    NewDealModal Label { margin-top: 1; }
    NewDealModal .field-error { color: $error; height: auto; }
    NewDealModal Input.-invalid { border: tall $error; }
    NewDealModal #new-deal-buttons { height: auto; margin: 1 0; align-horizontal: right; }
    NewDealModal Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new-deal.cancel"),
        Binding("ctrl+s", "save", "Save", id="new-deal.save"),
    ]

    def __init__(self, pipeline_name: str, default_currency: str) -> None:
        super().__init__()
        self._pipeline_name = pipeline_name
        self._currency = default_currency

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(safe_text(f"New deal in {self._pipeline_name}", "bold"))
            for name, label, placeholder in _FIELDS:
                yield Label(label)
                yield Input(placeholder=placeholder, id=f"field-{name}")
                yield Static("", id=f"error-{name}", classes="field-error")
            with Horizontal(id="new-deal-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value

    def _check(self, name: str, check: Callable[[str], Any]) -> Any:
        """Run `check` on a field; show its message under the field; None when invalid."""
        field = self.query_one(f"#field-{name}", Input)
        error = self.query_one(f"#error-{name}", Static)
        try:
            result = check(field.value)
        except ValidationError as err:
            field.add_class("-invalid")
            error.update(safe_text(err.message))
            return None
        field.remove_class("-invalid")
        error.update("")
        return result if result is not None else ""

    def _draft(self) -> DealDraft | None:
        checks: dict[str, Callable[[str], Any]] = {
            "title": clean_title,
            "value": lambda text: parse_money(text or "0", self._currency),
            "phone": clean_phone,
            "email": clean_email,
            "tags": lambda text: clean_tags(text.split(",")),
        }
        results = {name: self._check(name, check) for name, check in checks.items()}
        if any(result is None for result in results.values()):
            return None
        return DealDraft(
            title=results["title"],
            value=results["value"],
            company=self._value("company"),
            contact=self._value("contact"),
            phone=results["phone"] or None,
            email=results["email"] or None,
            source=self._value("source"),
            tags=results["tags"],
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        draft = self._draft()
        if draft is None:
            invalid = self.query("Input.-invalid").first(Input)
            invalid.focus()
            return
        self.dismiss(draft)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
