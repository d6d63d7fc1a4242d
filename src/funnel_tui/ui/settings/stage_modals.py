"""Modals of a pipeline's stages (Pipelines settings tab): edit a stage's settings, delete a
stage (moving its deals on), the stage's targets for a month.

Each one saves through the callable it is given, in a thread (see `SavingModal`): a refusal
is said in the modal, under the field it concerns, and the modal stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from funnel_tui.domain.date_format import format_month, month_typed_like
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.models import Stage
from funnel_tui.domain.money import Money
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.locale_format import format_amount, format_number
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services.plans import parse_month
from funnel_tui.services.stages import StageTargets
from funnel_tui.ui.settings.pipeline_modals import SavingModal, message_of, titled
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.form_field import FormField


@dataclass(frozen=True, slots=True)
class StageDraft:
    """A stage's settings as typed in `StageEditModal`, checked."""

    name: str
    probability: int
    rot_days: int | None
    is_key: bool
    on_hold: bool
    checklist: tuple[str, ...]


SaveStage = Callable[[StageDraft], Stage]
"""Saves what changed of the draft (blocking); raises `FunnelError`."""


def parse_probability(text: str) -> int:
    raw = text.strip().removesuffix("%").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= 100:
        raise ValidationError("probability", _("a whole number from 0 to 100"))
    return int(raw)


def parse_rot_days(text: str) -> int | None:
    raw = text.strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError("rot_days", _("a whole number of days, 1 or more (empty: never)"))
    return int(raw)


def parse_count(text: str) -> int | None:
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError("count", _("a whole number of deals (empty: no target)"))
    return int(raw)


_FIELD_OF_ERROR = {
    "stage": "name",
    "name": "name",
    "probability": "probability",
    "rot_days": "rot_days",
}


class StageEditModal(SavingModal[Stage]):
    """An open stage's settings: name, probability, rotting, key and holding stage, exit
    checklist (one question a line)."""

    DEFAULT_CSS = """
    StageEditModal > Vertical { width: 72; }
    StageEditModal #field-name { margin-top: 1; }
    StageEditModal FormField Label { width: 20; }
    StageEditModal FormField .field-error { padding-left: 20; }
    StageEditModal Checkbox { border: none; padding: 0; height: 1; }
    StageEditModal #checklist-label { margin-top: 1; color: $text-muted; }
    StageEditModal TextArea { height: 6; }
    StageEditModal #checklist-error { height: auto; color: $text-error; display: none; }
    StageEditModal #checklist-error.-shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="stage-edit.save", priority=True),
    ]

    def __init__(self, stage: Stage, save: SaveStage) -> None:
        super().__init__()
        self.stage = stage
        self._save = save

    def compose(self) -> ComposeResult:
        stage = self.stage
        with Vertical():
            yield Static(titled(_("Stage “{stage}”"), stage=stage.name))
            yield FormField("name", _("Name"), value=stage.name)
            yield FormField(
                "probability",
                _("Probability, %"),
                value=str(stage.probability),
                parse=parse_probability,
            )
            yield FormField(
                "rot_days",
                _("Rots after, days"),
                value="" if stage.rot_days is None else str(stage.rot_days),
                placeholder=_("empty: never"),
                parse=parse_rot_days,
            )
            yield Checkbox(_("Key stage (★)"), stage.is_key, id="stage-key")
            yield Checkbox(
                _("Holds deals until their next contact"), stage.on_hold, id="stage-hold"
            )
            yield Static(_("Exit checklist: one question a line"), id="checklist-label")
            yield TextArea(
                "\n".join(clean(question) for question in stage.checklist),
                id="stage-checklist",
                soft_wrap=True,
                show_line_numbers=False,
            )
            yield Static("", id="checklist-error")
            yield Static("", id="modal-error")
            yield Static(_("ctrl+s or enter in a field saves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#field-name", FormField).input.focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def draft(self) -> StageDraft | None:
        """What the form says, checked; None (with the messages shown) if a field is wrong."""
        valid_probability, probability = self.field("probability").parsed()
        valid_rot, rot_days = self.field("rot_days").parsed()
        if not (valid_probability and valid_rot):
            return None
        text = self.query_one("#stage-checklist", TextArea).text
        questions = tuple(line.strip() for line in text.splitlines() if line.strip())
        return StageDraft(
            name=self.field("name").text,
            probability=probability,
            rot_days=rot_days,
            is_key=self.query_one("#stage-key", Checkbox).value,
            on_hold=self.query_one("#stage-hold", Checkbox).value,
            checklist=questions,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        if self.saving:
            return
        self._show_checklist_error(None)
        draft = self.draft()
        if draft is None:
            self.say(_("correct the fields marked red"))
            return
        self.save(lambda: self._save(draft))

    def refused(self, error: FunnelError) -> None:
        field = _FIELD_OF_ERROR.get(error.field) if isinstance(error, ValidationError) else None
        if field is not None:
            self.field(field).show_error(message_of(error))
            self.field(field).input.focus()
            self.say("")
        elif isinstance(error, ValidationError) and error.field == "checklist":
            self._show_checklist_error(message_of(error))
            self.say("")
        else:
            super().refused(error)

    def _show_checklist_error(self, message: str | None) -> None:
        shown = self.query_one("#checklist-error", Static)
        shown.update(safe_text(message or ""))
        shown.set_class(message is not None, "-shown")


def stage_changes(stage: Stage, draft: StageDraft) -> dict[str, Any]:
    """What `draft` changes, as `StageService.edit` takes it (saved in one transaction)."""
    changes: dict[str, Any] = {}
    if draft.name.strip() != stage.name:
        changes["name"] = draft.name
    if draft.probability != stage.probability:
        changes["probability"] = draft.probability
    if draft.rot_days != stage.rot_days:
        changes["rot_days"] = draft.rot_days
    if draft.is_key != stage.is_key:
        changes["is_key"] = draft.is_key
    if draft.on_hold != stage.on_hold:
        changes["on_hold"] = draft.on_hold
    if draft.checklist != stage.checklist:
        changes["checklist"] = draft.checklist
    return changes


DeleteStage = Callable[[int | None], int]
"""Deletes the stage, moving its deals to the stage of that id (None: it has none); how many
deals moved."""


class StageDeleteModal(SavingModal[int]):
    """Delete a stage: y or enter deletes an empty one; one with deals needs the stage to move
    them to (enter on it), each move recorded in the deal's history."""

    DEFAULT_CSS = """
    StageDeleteModal > Vertical { border: thick $error; }
    StageDeleteModal OptionList { height: auto; max-height: 10; margin-top: 1; }
    StageDeleteModal #delete-question { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "delete", N_("Delete"), id="stage-delete.yes"),
        Binding("n", "cancel", N_("Cancel"), id="stage-delete.no", show=False),
    ]

    def __init__(
        self, stage: Stage, deals: int, targets: Sequence[Stage], delete: DeleteStage
    ) -> None:
        """`deals`: live deals at the stage now; `targets`: the other open stages."""
        super().__init__()
        self.stage = stage
        self.deals = deals
        self._targets = tuple(targets)
        self._delete = delete

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(titled(_("Delete stage “{stage}”?"), stage=self.stage.name))
            if self.deals:
                question = ngettext(
                    "It has {n} deal. Move it to:",
                    "It has {n} deals. Move them to:",
                    self.deals,
                ).format(n=format_number(self.deals))
                yield Static(question, id="delete-question")
                options = []
                for target in self._targets:
                    label = safe_text(target.name)
                    if target.on_hold:
                        label.append("  " + _("(holds deals: not here)"), style="dim")
                    options.append(Option(label, id=str(target.id), disabled=target.on_hold))
                yield OptionList(*options, id="delete-target")
                hint = _("enter moves the deals and deletes the stage · esc cancels")
            else:
                yield Static(
                    _("It has no deals. Its history stays with the deals that passed it."),
                    id="delete-question",
                )
                hint = _("y or enter deletes · n or esc cancels")
            yield Static("", id="modal-error")
            yield Static(hint, classes="hint")

    def on_mount(self) -> None:
        if self.deals:
            picker = self.query_one("#delete-target", OptionList)
            usable = [i for i, t in enumerate(self._targets) if not t.on_hold]
            if usable:
                picker.highlighted = usable[0]
            picker.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_delete()

    def action_delete(self) -> None:
        move_to: int | None = None
        if self.deals:
            index = self.query_one("#delete-target", OptionList).highlighted
            if index is None or self._targets[index].on_hold:
                self.say(_("choose the stage to move the deals to"))
                return
            move_to = self._targets[index].id
        self.save(lambda: self._delete(move_to))


@dataclass(frozen=True, slots=True)
class TargetDraft:
    month: date
    count: int | None
    amount: str | None


SaveTargets = Callable[[TargetDraft], StageTargets]
ReadTargets = Callable[[date], StageTargets | None]
"""The stage's targets for a month, if it has any (blocking)."""


class StageTargetsModal(SavingModal[StageTargets]):
    """How many deals (and how much) a stage should hold in a month; empty: no target."""

    DEFAULT_CSS = """
    StageTargetsModal #field-month { margin-top: 1; }
    """

    def __init__(
        self,
        stage: Stage,
        month: date,
        current: StageTargets | None,
        currency: str,
        save: SaveTargets,
        read: ReadTargets,
    ) -> None:
        """`current`: the targets of `month`; `read`: those of another month the user
        types (shown in the fields the user has not changed)."""
        super().__init__()
        self.stage = stage
        self._month = month.replace(day=1)
        self._shown_month = self._month
        self._read = read
        self._current = current
        self._currency = currency
        self._save = save

    def compose(self) -> ComposeResult:
        current = self._current
        count = "" if current is None or current.count is None else str(current.count)
        amount = "" if current is None or current.amount is None else _amount(current.amount)
        with Vertical():
            yield Static(titled(_("Targets of “{stage}”"), stage=self.stage.name))
            yield FormField(
                "month",
                _("Month"),
                value=format_month(self._month),
                placeholder=month_typed_like(),
                parse=parse_month,
            )
            yield FormField(
                "count",
                _("Deals"),
                value=count,
                placeholder=_("empty: no target"),
                parse=parse_count,
            )
            yield FormField(
                "amount",
                _("Amount, {currency}").format(currency=self._currency),
                value=amount,
                placeholder=_("empty: no target"),
            )
            yield Static("", id="modal-error")
            yield Static(_("enter saves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#field-count", FormField).input.focus()

    @on(Input.Changed, "#field-month Input")
    def _month_typed(self, event: Input.Changed) -> None:
        try:
            month = parse_month(event.value)
        except ValidationError:
            return
        if month != self._shown_month:
            self._shown_month = month
            self._read_month(month)

    @work(thread=True, group="settings-targets-read")
    def _read_month(self, month: date) -> None:
        try:
            targets = self._read(month)
        except FunnelError as err:
            call_back(self, self.say, message_of(err))
            return
        call_back(self, self._show_month, month, targets)

    def _show_month(self, month: date, targets: StageTargets | None) -> None:
        if month != self._shown_month:
            return  # the user typed another month meanwhile
        count = "" if targets is None or targets.count is None else str(targets.count)
        amount = "" if targets is None or targets.amount is None else _amount(targets.amount)
        for name, value in (("count", count), ("amount", amount)):
            field = self.query_one(f"#field-{name}", FormField)
            if not field.dirty:
                field.reset(value)

    @on(Input.Submitted)
    def _submit(self) -> None:
        fields = [self.query_one(f"#field-{name}", FormField) for name in ("month", "count")]
        (month_ok, month), (count_ok, count) = (field.parsed() for field in fields)
        if not (month_ok and count_ok):
            self.say(_("correct the fields marked red"))
            return
        amount = self.query_one("#field-amount", FormField).text.strip() or None
        draft = TargetDraft(month, count, amount)
        self.save(lambda: self._save(draft))

    def refused(self, error: FunnelError) -> None:
        if isinstance(error, ValidationError) and error.field in ("month", "count", "amount"):
            field = self.query_one(f"#field-{error.field}", FormField)
            field.show_error(message_of(error))
            field.input.focus()
            self.say("")
        else:
            super().refused(error)


def _amount(money: Money) -> str:
    return format_amount(money, compact=True)


__all__ = [
    "StageDeleteModal",
    "StageDraft",
    "StageEditModal",
    "StageTargetsModal",
    "TargetDraft",
    "stage_changes",
]
