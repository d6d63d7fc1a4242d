"""The audit trail of a deal: who changed what, when, and from which value to which.

Stage changes and activities carry their own who/when; every other change of a deal (a field
edit, the next contact, a checklist answer, deletion and restore) is a `DealEvent`, written in
the same transaction as the change. Values are kept as plain text, as they read at the time
(a later rename of a user does not rewrite the past).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from funnel_tui.domain.models import Deal


class EventKind(enum.StrEnum):
    EDIT = "edit"
    """A field of the deal changed: `field`, `old_value` → `new_value`."""
    NEXT_CONTACT = "next_contact"
    """The next contact (field `next_contact`: an ISO time) or its note changed."""
    CHECKLIST = "checklist"
    """An exit-checklist answer: `field` is the question."""
    DELETE = "delete"
    RESTORE = "restore"


@dataclass(frozen=True, slots=True)
class DealEvent:
    id: int
    deal_id: int
    at: datetime
    by_user_id: int
    kind: EventKind
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


EDITED_FIELDS = (
    "title",
    "value",
    "owner",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "expected_close",
)
"""The fields a deal edit may change, in the order their events are written."""


def iso_utc(moment: datetime) -> str:
    """`2026-11-25T07:00:00Z`: how times are kept in event values (and the interchange)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def field_text(deal: Deal, name: str, logins: Mapping[int, str]) -> str | None:
    """A field's value as the plain text an event keeps (None when empty)."""
    if name == "value":
        return f"{deal.value.to_decimal_string()} {deal.value.currency}"
    if name == "owner":
        return logins.get(deal.owner_id, f"#{deal.owner_id}")
    if name == "tags":
        return ", ".join(deal.tags) or None
    if name == "expected_close":
        return deal.expected_close.isoformat() if deal.expected_close else None
    if name == "next_contact":
        return iso_utc(deal.next_contact_at) if deal.next_contact_at else None
    if name == "next_contact_note":
        return deal.next_contact_note
    value = getattr(deal, name)
    return str(value) if value is not None and value != "" else None


def field_changes(
    before: Deal, after: Deal, names: tuple[str, ...], logins: Mapping[int, str]
) -> list[tuple[str, str | None, str | None]]:
    """(field, old text, new text) for each of `names` whose text differs."""
    changes = []
    for name in names:
        old, new = field_text(before, name, logins), field_text(after, name, logins)
        if old != new:
            changes.append((name, old, new))
    return changes
