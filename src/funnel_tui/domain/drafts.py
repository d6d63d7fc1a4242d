"""Validation of a whole deal draft: every field cleaned, or a ValidationError for the first bad one."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import MAX_MINOR, normalize_currency
from funnel_tui.domain.validation import (
    clean_email,
    clean_phone,
    clean_tags,
    clean_text,
    clean_title,
)


def clean_draft(draft: DealDraft) -> DealDraft:
    """Return `draft` with every field validated and normalised (stripped, empties to None)."""
    if not 0 <= draft.value.minor <= MAX_MINOR:
        raise ValidationError("value", f"must be between 0 and {MAX_MINOR:,} minor units")
    currency = normalize_currency(draft.value.currency)
    if draft.expected_close is not None and draft.expected_close.year < 1970:
        raise ValidationError("expected_close", "is before 1970")
    return replace(
        draft,
        title=clean_title(draft.title),
        value=replace(draft.value, currency=currency),
        contact=clean_text("contact", draft.contact),
        company=clean_text("company", draft.company),
        phone=clean_phone(draft.phone),
        email=clean_email(draft.email),
        source=clean_text("source", draft.source, limit=100),
        tags=clean_tags(draft.tags),
    )


def draft_fields(draft: DealDraft) -> dict[str, Any]:
    """The draft's fields by name, to build or update a Deal (which has each of them)."""
    return {field.name: getattr(draft, field.name) for field in fields(DealDraft)}
