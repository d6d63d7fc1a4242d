"""Free-text fields of a deal: cleaned, or refused with a one-line message naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from funnel_tui.domain.drafts import clean_draft
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import MAX_MINOR, Money
from funnel_tui.domain.validation import (
    MAX_TAGS,
    MAX_TITLE,
    clean_duration,
    clean_email,
    clean_login,
    clean_phone,
    clean_tags,
    clean_text,
    clean_title,
)


def refused(field: str, call: object, *args: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as caught:
        call(*args)
    assert caught.value.field == field
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ivan@example.com", "ivan@example.com"),
        ("  A.B+c@sub.example.co.uk ", "A.B+c@sub.example.co.uk"),
        ("иван@пример.рф", "иван@пример.рф"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_email_accepted(raw: str | None, clean: str | None) -> None:
    assert clean_email(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "ivan",
        "ivan@",
        "@example.com",
        "ivan@example",
        "a@b@c.com",
        "iv an@example.com",
        "ivan@example..com",
        "ivan@.com",
        "ivan@example.com.",
        "a" * 250 + "@e.com",
    ],
)
def test_email_refused(raw: str) -> None:
    refused("email", clean_email, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "+7 900 000-00-00",
        "8 (900) 123-45-67",
        "+1 555.123.4567 ext. 12",
        "+7 900 000-00-00 x123",
        "555-1234 доб. 5",
        "12345",
        "1" * 17,
    ],
)
def test_phone_accepted(raw: str) -> None:
    assert clean_phone(f"  {raw} ") == raw


@pytest.mark.parametrize(
    "raw",
    [
        "1234",
        "12 34",
        "abc",
        "+7 900 abc",
        "++7 900 000",
        "+" + "1" * 18,
        "900 111 22 33 ext 1234567",
        "+7 900 000-00-00; DROP TABLE",
        "+7" + " " * 40 + "9001234567",
    ],
)
def test_phone_refused(raw: str) -> None:
    refused("phone", clean_phone, raw)


def test_phone_empty_is_none() -> None:
    assert clean_phone(None) is None
    assert clean_phone("  ") is None


def test_tags_are_stripped_deduplicated_case_insensitively_in_order() -> None:
    assert clean_tags(["b2b", " VIP ", "vip", "", "B2B", "new", "  "]) == ("b2b", "VIP", "new")
    assert clean_tags(("Москва", "МОСКВА")) == ("Москва",)
    assert clean_tags([]) == ()


def test_tags_refused() -> None:
    refused("tags", clean_tags, ["a,b"])
    refused("tags", clean_tags, ["x" * 51])
    refused("tags", clean_tags, [f"t{i}" for i in range(MAX_TAGS + 1)])
    # Duplicates do not count towards the limit.
    assert len(clean_tags([f"t{i}" for i in range(MAX_TAGS)] + ["T0"])) == MAX_TAGS


def test_titles() -> None:
    assert clean_title("  Office chairs  ") == "Office chairs"
    assert clean_title("x" * MAX_TITLE) == "x" * MAX_TITLE
    assert clean_title("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"  # kept as text
    refused("title", clean_title, "")
    refused("title", clean_title, " \t\n ")
    refused("title", clean_title, "x" * (MAX_TITLE + 1))


def test_clean_text() -> None:
    assert clean_text("company", "  Romashka  ") == "Romashka"
    assert clean_text("company", "  ") is None
    assert clean_text("company", None) is None
    refused("company", clean_text, "company", "x" * 501)
    assert clean_text("source", "x" * 100, limit=100) == "x" * 100


def test_logins() -> None:
    assert clean_login(" anna ") == "anna"
    assert clean_login("ivan.petrov@corp") == "ivan.petrov@corp"
    assert clean_login("a" * 64) == "a" * 64
    for bad in ["", "-x", "a b", "a" * 65, "иван", "anna;rm"]:
        refused("login", clean_login, bad)


def test_durations() -> None:
    assert clean_duration(None) is None
    assert clean_duration(0) == 0
    assert clean_duration(24 * 3600) == 24 * 3600
    refused("duration", clean_duration, -1)
    refused("duration", clean_duration, 24 * 3600 + 1)


def test_clean_draft_normalises_every_field() -> None:
    draft = DealDraft(
        title="  Chairs ",
        value=Money(100, "rub"),
        contact="  ",
        company=" Romashka ",
        phone=" +7 900 000-00-00 ",
        email=" ivan@example.com ",
        source="",
        tags=("b2b", "B2B", " "),
        expected_close=date(2026, 12, 1),
    )
    cleaned = clean_draft(draft)
    assert cleaned == DealDraft(
        title="Chairs",
        value=Money(100, "RUB"),
        contact=None,
        company="Romashka",
        phone="+7 900 000-00-00",
        email="ivan@example.com",
        source=None,
        tags=("b2b",),
        expected_close=date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (DealDraft("", Money(1, "RUB")), "title"),
        (DealDraft("x", Money(-1, "RUB")), "value"),
        (DealDraft("x", Money(MAX_MINOR + 1, "RUB")), "value"),
        (DealDraft("x", Money(1, "XYZ")), "currency"),
        (DealDraft("x", Money(1, "RUB"), email="nope"), "email"),
        (DealDraft("x", Money(1, "RUB"), phone="call me"), "phone"),
        (DealDraft("x", Money(1, "RUB"), tags=("a,b",)), "tags"),
        (DealDraft("x", Money(1, "RUB"), expected_close=date(1899, 12, 31)), "expected_close"),
        (DealDraft("x", Money(1, "RUB"), expected_close=date(2201, 1, 1)), "expected_close"),
    ],
)
def test_clean_draft_refuses(draft: DealDraft, field: str) -> None:
    refused(field, clean_draft, draft)
