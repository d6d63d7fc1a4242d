"""Numbers and money as the interface language writes them (CLDR's en_GB and ru_RU).

    English   ₽1,500.50   1,234,567.5
    Russian   1 500,50 ₽  1 234 567,5

Numbers and money are on every card and column header, so they are formatted from
`NUMBER_STYLES`, the few CLDR values they need (a test checks them against Babel's data):
loading Babel and a locale costs ~40 ms, paid only where month names are written
(`format.date_in_words`, with `CLDR_LOCALE`), when it first is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from funnel_tui.domain.money import Money, currency_exponent
from funnel_tui.i18n import language

NBSP = "\u00a0"
CLDR_LOCALE = {"en": "en_GB", "ru": "ru_RU"}
"""The CLDR locale each interface language formats with."""


@dataclass(frozen=True, slots=True)
class NumberStyle:
    group: str
    decimal: str
    symbol_first: bool
    """The currency symbol before the digits (`₽1,500`) or after them (`1 500 ₽`)."""


NUMBER_STYLES = {
    "en": NumberStyle(group=",", decimal=".", symbol_first=True),
    "ru": NumberStyle(group=NBSP, decimal=",", symbol_first=False),
}
"""CLDR's en_GB and ru_RU number symbols and patterns (tests/i18n compares them with Babel)."""

NARROW_SYMBOLS = {
    "RUB": "₽",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "KZT": "₸",
    "UAH": "₴",
    "BYN": "Br",
    "CNY": "¥",
    "JPY": "¥",
    "TRY": "₺",
    "INR": "₹",
    "GEL": "₾",
    "AMD": "֏",
    "AZN": "₼",
    "KGS": "⃀",
    "ILS": "₪",
    "KRW": "₩",
    "PLN": "zł",
}
"""CLDR's narrow symbols of the currencies people here deal in (Babel carries only the
standard ones, which in English spell most of these as the code: "RUB1,500.50"). Others
show as their code."""


def format_number(value: int | Decimal | float, *, decimals: int = 0) -> str:
    """`1,234,567` / `1 234 567`; `decimals` fixed digits after the point (half to even,
    as Babel rounds)."""
    style = NUMBER_STYLES[language()]
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", style.group)
    return f"{sign}{grouped}{style.decimal}{fraction}" if decimals else f"{sign}{grouped}"


def format_money(money: Money, *, compact: bool = False) -> str:
    """`₽1,500.50` / `1 500,50 ₽`; with `compact`, a whole amount drops its decimals
    (`₽1,500`). A symbol that is a code stands apart from the digits (`CHF 1,500.00`)."""
    return _with_symbol(format_amount(money, compact=compact), money.currency)


def format_short_money(money: Money) -> str:
    """An amount rounded to a few digits with CLDR's short word for its size, the currency
    placed as `format_money` places it: `₽2.6M`, `$950` / `2,6 млн ₽` (Babel, loaded on
    first use: only the dashboard writes these)."""
    from babel.numbers import format_compact_decimal

    locale = CLDR_LOCALE[language()]
    number = format_compact_decimal(money.major, locale=locale, fraction_digits=1)
    return _with_symbol(number, money.currency)


def _with_symbol(number: str, currency: str) -> str:
    symbol = NARROW_SYMBOLS.get(currency, currency)
    sign = ""
    if number.startswith("-"):
        sign, number = "-", number[1:]
    if NUMBER_STYLES[language()].symbol_first:
        gap = NBSP if symbol[-1].isalpha() else ""
        return f"{sign}{symbol}{gap}{number}"
    return f"{sign}{number}{NBSP}{symbol}"


def format_amount(money: Money, *, compact: bool = False) -> str:
    """The digits of `format_money` without the currency (`1,500.50` / `1 500,50`), for a
    column or a field whose heading names the currency."""
    major = money.major
    digits = currency_exponent(money.currency)
    if compact and major == major.to_integral_value():
        digits = 0
    return format_number(major, decimals=digits)


def format_amounts(amounts: tuple[Money, ...], *, compact: bool = True) -> str:
    """Several currencies side by side (never added together), or an em dash for none."""
    return " + ".join(format_money(m, compact=compact) for m in amounts) if amounts else "—"
