"""Domain errors. Every failure a user can cause is one of these, with a one-line message."""

from __future__ import annotations

from funnel_tui.i18n import N_, _

FIELD_LABELS = {
    name: name
    for name in (
        N_("value"),
        N_("amount"),
        N_("currency"),
        N_("title"),
        N_("company"),
        N_("contact"),
        N_("phone"),
        N_("email"),
        N_("source"),
        N_("tags"),
        N_("expected_close"),
        N_("created_at"),
        N_("closed_at"),
        N_("next_contact"),
        N_("next_contact_note"),
        N_("next contact"),
        N_("next contact note"),
        N_("loss note"),
        N_("loss_note"),
        N_("loss_reason"),
        N_("loss_reasons"),
        N_("reason"),
        N_("pipeline"),
        N_("stage"),
        N_("name"),
        N_("checklist"),
        N_("probability"),
        N_("rot_days"),
        N_("on_hold"),
        N_("login"),
        N_("role"),
        N_("owner"),
        N_("note"),
        N_("at"),
        N_("date"),
        N_("time"),
        N_("duration"),
        N_("month"),
        N_("months"),
        N_("plan"),
        N_("template"),
        N_("language"),
        N_("format"),
        N_("document"),
        N_("demo"),
        N_("external_id"),
        N_("from"),
        N_("to"),
        N_("start"),
        N_("end"),
        N_("limit"),
    )
}
"""Field names shown before a ValidationError's message: translated where shown; any other
field (a path into an imported document, `deals[3].title`) is shown as it is."""


def field_label(field: str) -> str:
    """How `field` is shown to a user, in the current language."""
    label = FIELD_LABELS.get(field)
    return field if label is None else _(label)


class FunnelError(Exception):
    """Base of every error Funnel reports to a user (one line, no traceback)."""


class ValidationError(FunnelError):
    """A value a user typed or imported is not acceptable."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field_label(field)}: {message}")
        self.field = field
        self.message = message


class NotFoundError(FunnelError):
    """A deal, stage, pipeline or user named by the user does not exist."""


class ConflictError(FunnelError):
    """Someone else changed the record since it was read (optimistic locking)."""


class InvalidTransitionError(FunnelError):
    """A stage move the rules do not allow."""


class StoreError(FunnelError):
    """The database cannot be opened, read or written."""
