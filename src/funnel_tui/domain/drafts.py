"""Validation of a whole deal draft: every field cleaned, or a ValidationError for the first bad one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from typing import Any

from funnel_tui.domain.date_format import format_day
from funnel_tui.domain.dates import check_year, parse_date
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import Deal, DealDraft
from funnel_tui.domain.money import Money, check_money, parse_money
from funnel_tui.domain.validation import (
    clean_company,
    clean_contact,
    clean_email,
    clean_phone,
    clean_source,
    clean_tags,
    clean_title,
)
from funnel_tui.i18n import _


def clean_draft(draft: DealDraft) -> DealDraft:
    """Return `draft` with every field validated and normalised (stripped, empties to None)."""
    if not isinstance(draft.value, Money):
        raise ValidationError(
            "value", _("{value} is not an amount").format(value=repr(draft.value))
        )
    value = check_money(draft.value)
    if draft.expected_close is not None:
        check_year(draft.expected_close, "expected_close")
    return replace(
        draft,
        title=clean_title(draft.title),
        value=value,
        contact=clean_contact(draft.contact),
        company=clean_company(draft.company),
        phone=clean_phone(draft.phone),
        email=clean_email(draft.email),
        source=clean_source(draft.source),
        tags=clean_tags(draft.tags),
    )


def draft_fields(draft: DealDraft) -> dict[str, Any]:
    """The draft's fields by name, to build or update a Deal (which has each of them)."""
    return {field.name: getattr(draft, field.name) for field in fields(DealDraft)}


TEXT_FIELDS = (
    "title",
    "value",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "expected_close",
)
"""The draft's fields as a form shows them: one line of text each."""

FieldParser = Callable[[str], Any]


def field_parsers(default_currency: str) -> dict[str, FieldParser]:
    """For each field of a form, the function from its typed text to the draft's value.

    Each raises ValidationError naming its field, so a form can show the message at it.
    """
    return {
        "title": clean_title,
        "value": lambda text: parse_money(text or "0", default_currency),
        "company": clean_company,
        "contact": clean_contact,
        "phone": clean_phone,
        "email": clean_email,
        "source": clean_source,
        "tags": lambda text: clean_tags(text.split(",")),
        "expected_close": lambda text: parse_date(text, "expected_close") if text.strip() else None,
    }


def draft_from_text(texts: Mapping[str, str], default_currency: str) -> DealDraft:
    """A validated draft from the text of each field (missing fields are empty)."""
    parsers = field_parsers(default_currency)
    values = {name: parsers[name](texts.get(name, "")) for name in TEXT_FIELDS}
    return clean_draft(DealDraft(**values))


def draft_to_text(draft: DealDraft) -> dict[str, str]:
    """The text each field of a form starts with, so that `draft_from_text` gives it back."""
    value = draft.value
    amount = value.to_decimal_string()
    if value.major == value.major.to_integral_value():
        amount = str(int(value.major))
    return {
        "title": draft.title,
        "value": f"{amount} {value.currency}",
        "company": draft.company or "",
        "contact": draft.contact or "",
        "phone": draft.phone or "",
        "email": draft.email or "",
        "source": draft.source or "",
        "tags": ", ".join(draft.tags),
        # In the user's date format, which the field's parser reads back.
        "expected_close": format_day(draft.expected_close) if draft.expected_close else "",
    }


def draft_of(deal: Deal) -> DealDraft:
    """The editable fields of an existing deal."""
    return DealDraft(**{field.name: getattr(deal, field.name) for field in fields(DealDraft)})
