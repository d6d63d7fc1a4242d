"""NewDealModal: a form for a new deal, each field validated where it is typed."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from funnel_tui.domain.date_format import EXAMPLE_DAY, typed_like
from funnel_tui.domain.drafts import field_parsers
from funnel_tui.domain.models import DealDraft
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import safe_text
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.widgets.form_field import FormField

DEAL_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", N_("Title *"), N_("What is being sold, e.g. Office chairs")),
    ("value", N_("Value"), N_("1500, 1 500,50, 1,500.50 or 1500 RUB")),
    ("company", N_("Company"), ""),
    ("contact", N_("Contact person"), ""),
    ("phone", N_("Phone"), "+7 900 000-00-00"),
    ("email", N_("E-mail"), N_("name@example.com")),
    ("source", N_("Source"), N_("website, referral, cold call…")),
    ("tags", N_("Tags"), N_("comma-separated")),
    ("expected_close", N_("Expected close"), ""),  # in the user's date format: below
)
"""Every text field of a deal: (field, label, placeholder). The deal pane shows the same.
Labels and placeholders are translated where shown (the phone number is an example in
any language: not marked)."""


def deal_form_fields(currency: str, values: dict[str, str] | None = None) -> list[FormField]:
    """The deal's text fields as FormFields, each with its parser, filled from `values`."""
    parsers = field_parsers(currency)
    return [
        FormField(
            name,
            _(label),
            value=(values or {}).get(name, ""),
            # _("") would be the catalog's header; the examples not marked stay as they are.
            placeholder=(
                typed_like(EXAMPLE_DAY)
                if name == "expected_close"
                else _(placeholder)
                if placeholder
                else ""
            ),
            parse=parsers[name],
        )
        for name, label, placeholder in DEAL_FIELDS
    ]


def parsed_draft(fields: list[FormField]) -> DealDraft | None:
    """A draft from the fields, or None after showing each bad field's message and focusing
    the first of them."""
    results = {field.field: field.parsed() for field in fields}
    bad = [field for field in fields if not results[field.field][0]]
    if bad:
        bad[0].input.focus()
        return None
    return DealDraft(**{name: value for name, (_, value) in results.items()})


class NewDealModal(Localized, ModalScreen[DealDraft | None]):
    """Returns a validated DealDraft, or None when cancelled. Nothing is saved here."""

    DEFAULT_CSS = """
    NewDealModal { align: center middle; }
    NewDealModal > VerticalScroll {
        width: 76; max-width: 98%; height: auto; max-height: 95%; padding: 0 2;
        border: thick $primary; background: $surface;
    }
    NewDealModal #new-deal-heading { margin: 1 0; }
    NewDealModal #new-deal-buttons { height: auto; margin: 1 0; align-horizontal: right; }
    NewDealModal Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="new-deal.cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="new-deal.save"),
    ]

    def __init__(self, pipeline_name: str, default_currency: str) -> None:
        super().__init__()
        self._pipeline_name = pipeline_name
        self._currency = default_currency

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                safe_text(_("New deal in {pipeline}").format(pipeline=self._pipeline_name), "bold"),
                id="new-deal-heading",
            )
            yield from deal_form_fields(self._currency)
            with Horizontal(id="new-deal-buttons"):
                yield Button(_("Save (ctrl+s)"), id="save", variant="primary")
                yield Button(_("Cancel (esc)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#field-title", FormField).input.focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        draft = parsed_draft(list(self.query(FormField)))
        if draft is not None:
            self.dismiss(draft)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
