"""Deal forms' text ↔ draft: every field parses where it is typed, and a saved draft shown in a
form reads back unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain.drafts import draft_from_text, draft_to_text, field_parsers
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import MAX_MINOR, Money


@pytest.mark.parametrize(
    ("typed", "minor", "currency"),
    [
        ("1500", 150_000, "RUB"),
        ("1 500,50", 150_050, "RUB"),
        ("1,500.50", 150_050, "RUB"),
        ("1500 ₽", 150_000, "RUB"),
        ("1500 RUB", 150_000, "RUB"),
        ("1500 USD", 150_000, "USD"),
        ("", 0, "RUB"),
    ],
)
def test_money_field_accepts_the_usual_ways_of_typing_it(
    typed: str, minor: int, currency: str
) -> None:
    assert field_parsers("RUB")["value"](typed) == Money(minor, currency)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("title", "   ", "empty"),
        ("value", "12abc", "currency"),
        ("value", "-5", "negative"),
        ("phone", "call me", "phone"),
        ("email", "ivan@", "e-mail"),
        ("expected_close", "31.02.2026", "not a date"),
        ("tags", ",".join(f"t{i}" for i in range(30)), "at most"),
    ],
)
def test_bad_text_names_its_field(field: str, typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        field_parsers("RUB")[field](typed)
    assert message in str(caught.value).lower()


def test_dates_accept_iso_and_day_month_year() -> None:
    parse = field_parsers("RUB")["expected_close"]
    assert parse("2026-12-25") == parse("25.12.2026") == date(2026, 12, 25)
    assert parse("  ") is None


_plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip() and "," not in s)


@given(
    title=_plain,
    minor=st.integers(0, MAX_MINOR),
    currency=st.sampled_from(["RUB", "USD", "EUR", "JPY", "KWD"]),
    company=st.none() | _plain,
    tags=st.lists(_plain, max_size=5),
    expected=st.none() | st.dates(date(1900, 1, 1), date(2200, 12, 31)),
)
def test_a_draft_shown_in_a_form_reads_back_unchanged(
    title: str,
    minor: int,
    currency: str,
    company: str | None,
    tags: list[str],
    expected: date | None,
) -> None:
    draft = DealDraft(
        title.strip(),
        Money(minor, currency),
        company=company.strip() if company else None,
        tags=tuple(dict.fromkeys(t.strip() for t in tags if t.strip())),
        expected_close=expected,
    )
    draft = draft_from_text(draft_to_text(draft), "RUB")  # normalised once
    assert draft_from_text(draft_to_text(draft), "RUB") == draft
