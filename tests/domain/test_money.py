"""`parse_money` and `Money`: what people type, what spreadsheets export, and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.money import MAX_MINOR, Money, currency_exponent, parse_money

CURRENCIES = ("RUB", "USD", "JPY", "KWD")


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("1500", "RUB", Money(150_000, "RUB")),
        ("  1500  ", "RUB", Money(150_000, "RUB")),
        ("0", "RUB", Money(0, "RUB")),
        ("1 500,50", "RUB", Money(150_050, "RUB")),
        ("12 345 678,90", "RUB", Money(1_234_567_890, "RUB")),
        ("1,500.50", "RUB", Money(150_050, "RUB")),
        ("1.500,50", "EUR", Money(150_050, "EUR")),
        ("1,5", "RUB", Money(150, "RUB")),
        ("1.5", "USD", Money(150, "USD")),
        ("1,500", "RUB", Money(150_000, "RUB")),  # one group of three: thousands
        ("1,500", "KWD", Money(1_500, "KWD")),  # three-decimal currency: a decimal comma
        ("1500 ₽", "USD", Money(150_000, "RUB")),
        ("1500₽", "USD", Money(150_000, "RUB")),
        ("1500 RUB", "USD", Money(150_000, "RUB")),
        ("1500 rub", "USD", Money(150_000, "RUB")),
        ("1500 руб.", "USD", Money(150_000, "RUB")),
        ("USD 10", "RUB", Money(1_000, "USD")),
        ("$1,500.50", "RUB", Money(150_050, "USD")),
        ("€ 99,90", "RUB", Money(9_990, "EUR")),
        ("1'500.50", "RUB", Money(150_050, "RUB")),
        ("1\u00a0500,50", "RUB", Money(150_050, "RUB")),  # no-break space
        ("1\u202f500\u202f000", "RUB", Money(150_000_000, "RUB")),  # narrow no-break space
        ("1\u2009500", "RUB", Money(150_000, "RUB")),  # thin space
        ("1 500 ¥", "RUB", Money(1_500, "JPY")),
        ("1,500", "JPY", Money(1_500, "JPY")),
        ("2.125", "KWD", Money(2_125, "KWD")),
        ("1.999", "USD", Money(199_900, "USD")),  # one dot then three digits: a group
    ],
)
def test_accepted_forms(text: str, default: str, expected: Money) -> None:
    assert parse_money(text, default) == expected


@pytest.mark.parametrize(
    ("text", "default", "field"),
    [
        ("", "RUB", "value"),
        ("   ", "RUB", "value"),
        ("abc", "RUB", "value"),
        ("twelve", "RUB", "value"),
        ("1e5", "RUB", "value"),
        ("NaN", "RUB", "value"),
        ("Infinity", "RUB", "value"),
        ("-5", "RUB", "value"),
        ("-5 RUB", "RUB", "value"),
        ("-$5", "RUB", "value"),
        ("1,50,0", "RUB", "value"),
        ("15,00.50", "RUB", "value"),
        ("1,234,5", "RUB", "value"),
        ("1.2.3", "RUB", "value"),
        ("1,500.50.25", "RUB", "value"),
        ("1500.", "RUB", "value"),  # a trailing separator is a typo, not a currency label
        ("1500,", "RUB", "value"),
        ("1500.5", "JPY", "value"),
        ("1500,50 ¥", "RUB", "value"),
        ("1.0001", "KWD", "value"),
        ("10 XYZ", "RUB", "currency"),
        ("1500", "XYZ", "currency"),
        ("$ 5 RUB", "RUB", "value"),
        ("10**100", "RUB", "value"),
        ("1" + "0" * 20, "RUB", "value"),  # far above MAX_MINOR
    ],
)
def test_rejected_forms(text: str, default: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text, default)
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["0.500", "0,500", "0.001"])
def test_leading_zero_is_never_a_thousands_group(text: str) -> None:
    try:
        parsed = parse_money(text, "RUB")
    except ValidationError:
        return
    assert parsed.minor < 100, f"{text!r} parsed as {parsed.major} RUB"


def test_money_never_takes_floats_into_minor_units() -> None:
    assert Money.from_major("0.10", "USD").minor + Money.from_major("0.20", "USD").minor == 30
    assert Money.from_major(Decimal("1500.5"), "RUB") == Money(150_050, "RUB")
    assert Money(150_050, "RUB").to_decimal_string() == "1500.50"
    assert Money(1_500, "JPY").to_decimal_string() == "1500"
    assert Money(1_500, "KWD").to_decimal_string() == "1.500"
    assert Money(0, "KWD").to_decimal_string() == "0.000"


def test_from_major_limits() -> None:
    assert Money.from_major(Decimal(MAX_MINOR).scaleb(-2), "RUB").minor == MAX_MINOR
    with pytest.raises(ValidationError):
        Money.from_major(Decimal(MAX_MINOR + 1).scaleb(-2), "RUB")
    with pytest.raises(ValidationError):
        Money.from_major("-0.01", "RUB")
    with pytest.raises(ValidationError):
        Money.from_major("0.001", "RUB")
    with pytest.raises(ValidationError):
        Money.from_major("nan", "RUB")


minor_amounts = st.integers(min_value=0, max_value=MAX_MINOR)
currencies = st.sampled_from(CURRENCIES)


@given(minor=minor_amounts, currency=currencies)
def test_decimal_string_round_trips(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert parse_money(money.to_decimal_string(), currency) == money
    assert parse_money(f"{money.to_decimal_string()} {currency}", "RUB") == money


def russian_style(money: Money, group: str) -> str:
    """`1 234 567,89`: groups of three separated by `group`, a decimal comma."""
    integer, _, fraction = money.to_decimal_string().partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = group.join(groups)
    return f"{text},{fraction}" if fraction else text


@given(
    minor=minor_amounts,
    currency=currencies,
    group=st.sampled_from([" ", "\u00a0", "\u202f"]),
)
def test_russian_style_round_trips(minor: int, currency: str, group: str) -> None:
    money = Money(minor, currency)
    text = russian_style(money, group)
    assert parse_money(text, currency) == money, text
    assert parse_money(text + " " + currency, "USD" if currency != "USD" else "RUB") == money


@given(minor=minor_amounts, currency=st.sampled_from(("RUB", "USD")))
def test_english_style_round_trips(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    text = f"{money.major:,}"  # 1,234,567.89
    assert parse_money(text, currency) == money, text


@given(
    text=st.text(
        st.sampled_from(list("0123456789 ,.'-+$₽€¥eE\u00a0\u202fRUBusdрyб")) | st.characters()
    ),
    currency=currencies,
)
def test_arbitrary_text_fails_only_with_validation_error(text: str, currency: str) -> None:
    try:
        result = parse_money(text, currency)
    except ValidationError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(result, Money)
    assert 0 <= result.minor <= MAX_MINOR
    assert currency_exponent(result.currency) in (0, 2, 3)
