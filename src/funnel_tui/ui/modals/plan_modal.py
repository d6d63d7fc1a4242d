"""PlanModal: the monthly plan of a pipeline (its team, or one owner) from a month on.

The amount (and its currency), the month from which it holds, and whose plan it is. Nothing
is saved until every field reads; then the save runs in a thread, and an error from it (a
pipeline archived meanwhile, a locked database) is said in the modal, on one line, which
stays open. (Clearing a plan is `funnel plan clear`: no keystroke here removes one.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.date_format import format_month, month_typed_like
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.models import User
from funnel_tui.domain.money import Money, normalize_currency, parse_money
from funnel_tui.i18n import N_, _
from funnel_tui.render.format import format_money
from funnel_tui.render.locale_format import format_amount
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services.plans import PlanLine, parse_month
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.threads import call_back


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """A plan as typed, checked: what `PlanModal` hands to its `save`."""

    pipeline_id: int
    amount: Money
    month: date
    """The first day of the month it holds from."""
    owner_id: int | None
    """One owner's plan; None: the team's (the whole pipeline's)."""


SavePlan = Callable[[PlanDraft], PlanLine]
"""Saves a draft (blocking: the modal calls it in a thread); raises `FunnelError`."""


class PlanModal(Localized, ModalScreen[PlanLine | None]):
    DEFAULT_CSS = """
    PlanModal { align: center middle; }
    PlanModal > Vertical {
        width: 70; max-width: 98%; height: auto; max-height: 98%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PlanModal .row { height: 1; margin-top: 1; }
    PlanModal .row > Label { width: 10; color: $text-muted; }
    PlanModal .row > Input { width: 1fr; }
    PlanModal #plan-owner-label { margin-top: 1; color: $text-muted; }
    PlanModal OptionList { height: auto; max-height: 6; }
    PlanModal #plan-error { height: 1; margin-top: 1; color: $text-error; }
    PlanModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="plan.cancel"),
    ]

    def __init__(
        self,
        *,
        pipeline_id: int,
        pipeline_name: str,
        users: Sequence[User],
        owner_id: int | None,
        month: date,
        currency: str,
        current: Money | None,
        save: SavePlan,
    ) -> None:
        """`owner_id`, `month`: whose plan and from when, to start with; `currency`: the
        amount's currency unless typed; `current`: the plan in effect now (shown, and the
        amount to start from)."""
        super().__init__()
        self._pipeline_id = pipeline_id
        self._pipeline_name = pipeline_name
        self._owners: list[int | None] = [None, *(user.id for user in users)]
        self._labels = [_("The team (the whole pipeline)")]
        self._labels += [f"{user.display_name} ({user.login})" for user in users]
        self._owner_index = self._owners.index(owner_id) if owner_id in self._owners else 0
        self._month = month.replace(day=1)
        self._currency = currency
        self._current = current
        self._save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                safe_text(
                    _("Monthly plan for “{pipeline}”").format(pipeline=self._pipeline_name), "bold"
                )
            )
            if self._current is not None:
                now = format_money(self._current, compact=True)
                yield Static(
                    Text(_("in effect now: {amount} a month").format(amount=now), style="dim")
                )
            with Horizontal(classes="row"):
                yield Label(_("Amount"))
                amount = "" if self._current is None else _amount_text(self._current)
                yield Input(amount, placeholder="1 500 000", compact=True, id="plan-amount")
            with Horizontal(classes="row"):
                yield Label(_("Currency"))
                yield Input(self._currency, placeholder="RUB", compact=True, id="plan-currency")
            with Horizontal(classes="row"):
                yield Label(_("From"))
                yield Input(
                    format_month(self._month),
                    placeholder=month_typed_like(),
                    compact=True,
                    id="plan-month",
                )
            yield Static(_("For"), id="plan-owner-label")
            # Names are anyone's text: never markup.
            yield OptionList(*(Option(safe_text(label)) for label in self._labels), id="plan-owner")
            yield Static("", id="plan-error")
            yield Static(
                _("enter saves · tab next field · esc cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        owners = self.query_one("#plan-owner", OptionList)
        owners.highlighted = self._owner_index
        self.query_one("#plan-amount", Input).focus()

    def draft(self) -> PlanDraft:
        """What the fields say, checked; raises `ValidationError` naming the field."""
        typed = self.query_one("#plan-amount", Input).value.strip()
        try:
            currency = normalize_currency(self.query_one("#plan-currency", Input).value)
        except FunnelError as err:
            raise ValidationError("currency", _message(err)) from None
        if not typed:
            raise ValidationError("amount", _("enter the amount to close a month"))
        try:
            amount = parse_money(typed, currency)
        except ValidationError as err:
            raise ValidationError("amount", err.message) from None
        if amount.minor <= 0:
            raise ValidationError("amount", _("must be more than 0"))
        month = parse_month(self.query_one("#plan-month", Input).value)
        highlighted = self.query_one("#plan-owner", OptionList).highlighted
        owner_id = self._owners[highlighted] if highlighted is not None else None
        return PlanDraft(self._pipeline_id, amount, month, owner_id)

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _submit(self) -> None:
        if self.saving:
            return
        try:
            draft = self.draft()
        except ValidationError as err:
            self._say(str(err))
            field = {"amount": "#plan-amount", "currency": "#plan-currency"}.get(
                err.field, "#plan-month"
            )
            self.query_one(field, Input).focus()
            return
        self.saving = True
        self._say(_("Saving…"), error=False)
        self._store(draft)

    @work(thread=True, exclusive=True, group="plan-save")
    def _store(self, draft: PlanDraft) -> None:
        try:
            saved = self._save(draft)
        except FunnelError as err:
            call_back(self, self._refused, str(err))
            return
        call_back(self, self.dismiss, saved)

    def _refused(self, message: str) -> None:
        self.saving = False
        self._say(message)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        if not self.saving:
            self._say("")

    def _say(self, message: str, *, error: bool = True) -> None:
        # What was typed is quoted in the message: plain text, cut to one line.
        line = Text(clean(message), no_wrap=True, overflow="ellipsis")
        if not error:
            line.stylize("dim")
        self.query_one("#plan-error", Static).update(line)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _amount_text(money: Money) -> str:
    """`5,000,000` (as `parse_money` reads it back), without the currency: it has its field."""
    return format_amount(money, compact=True)


def _message(error: FunnelError) -> str:
    return error.message if isinstance(error, ValidationError) else str(error)
