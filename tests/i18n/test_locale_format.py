"""Numbers, money and days as each language writes them: the fast path agrees with CLDR
(Babel) everywhere, and what is written reads back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain.money import Money, parse_money
from funnel_tui.i18n import set_language
from funnel_tui.render.locale_format import (
    CLDR_LOCALE,
    NUMBER_STYLES,
    format_money,
    format_number,
    format_short_money,
)

LANGUAGES = ["en", "ru"]
CURRENCIES = ["RUB", "USD", "EUR", "KZT", "JPY", "CHF", "BHD"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_number_styles_are_cldrs(language: str) -> None:
    locale = Locale.parse(CLDR_LOCALE[language])
    symbols = locale.number_symbols["latn"]
    style = NUMBER_STYLES[language]
    assert (style.group, style.decimal) == (symbols["group"], symbols["decimal"])
    pattern = str(locale.currency_formats["standard"].pattern)
    assert style.symbol_first == pattern.startswith("¤")


@given(
    st.sampled_from(LANGUAGES),
    st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_numbers_read_as_babel_writes_them(language: str, value: Decimal, decimals: int) -> None:
    set_language(language)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(value, format=pattern, locale=CLDR_LOCALE[language])
    if not any(digit in expected for digit in "123456789"):
        expected = expected.lstrip("-")  # a negative that rounds to zero reads as zero
    assert format_number(value, decimals=decimals) == expected


@given(
    st.sampled_from(LANGUAGES),
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(CURRENCIES),
    st.booleans(),
)
def test_money_as_written_parses_back(
    language: str, minor: int, currency: str, compact: bool
) -> None:
    set_language(language)
    money = Money(minor, currency)
    written = format_money(money, compact=compact)
    assert parse_money(written, "USD") == money


def test_money_in_each_language() -> None:
    set_language("en")
    assert format_money(Money(150050, "RUB")) == "₽1,500.50"
    assert format_money(Money(150000, "RUB"), compact=True) == "₽1,500"
    assert format_money(Money(150050, "CHF")) == "CHF\u00a01,500.50"
    set_language("ru")
    assert format_money(Money(150050, "RUB")) == "1\u00a0500,50\u00a0₽"
    assert format_money(Money(150000, "USD"), compact=True) == "1\u00a0500\u00a0$"


def test_short_money_in_each_language() -> None:
    """The dashboard's plan note: CLDR's short words for thousands and millions, the
    currency where each language puts it."""
    set_language("en")
    assert format_short_money(Money(2_600_000_00, "RUB")) == "₽2.6M"
    assert format_short_money(Money(950_00, "USD")) == "$950"
    assert format_short_money(Money(12_345_00, "CHF")) == "CHF\u00a012.3K"
    set_language("ru")
    assert format_short_money(Money(2_600_000_00, "RUB")) == "2,6\u00a0млн\u00a0₽"
    assert format_short_money(Money(12_345_00, "RUB")) == "12,3\u00a0тыс.\u00a0₽"
