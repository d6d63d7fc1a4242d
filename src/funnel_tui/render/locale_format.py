"""Numbers, money and dates as the interface language writes them (CLDR data via Babel).

    English   ₽1,500.50   1,234,567   25 Nov   25 Nov 2026   yesterday 14:05
    Russian   1 500,50 ₽  1 234 567   25 нояб. 25.11.2026   вчера 14:05

English follows British conventions where English-speaking countries differ (day before
month, 24-hour clock): a CRM's dates are read across borders, and 12/11 must not be
ambiguous. Russian weeks start on Monday; English (British) ones too.

Numbers and money are on every card and column header, so they are formatted from
`NUMBER_STYLES`, the few CLDR values they need (a test checks them against Babel's data):
loading Babel and a locale costs ~40 ms, paid only by what shows month names or needs
other calendar data, when it first does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from typing import TYPE_CHECKING

from funnel_tui.domain.money import Money, currency_exponent
from funnel_tui.i18n import language

if TYPE_CHECKING:
    from babel import Locale

NBSP = "\u00a0"
CLDR_LOCALE = {"en": "en_GB", "ru": "ru_RU"}
"""The CLDR locale each interface language formats with."""


@dataclass(frozen=True, slots=True)
class NumberStyle:
    group: str
    decimal: str
    symbol_first: bool
    """The currency symbol before the digits (`₽1,500`) or after them (`1 500 ₽`)."""
    percent: str
    """How a percentage reads, `{}` for the number: `{}%` / `{} %`."""


NUMBER_STYLES = {
    "en": NumberStyle(group=",", decimal=".", symbol_first=True, percent="{}%"),
    "ru": NumberStyle(group=NBSP, decimal=",", symbol_first=False, percent=f"{{}}{NBSP}%"),
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


@cache
def _locale(language_code: str) -> Locale:
    from babel import Locale

    return Locale.parse(CLDR_LOCALE.get(language_code, "en_GB"))


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


def format_percent(fraction: float, *, decimals: int = 0) -> str:
    """`42%` / `42 %` for 0.42."""
    number = format_number(Decimal(str(fraction)) * 100, decimals=decimals)
    return NUMBER_STYLES[language()].percent.format(number)


def money_symbol(currency: str) -> str:
    return NARROW_SYMBOLS.get(currency, currency)


def format_money(money: Money, *, compact: bool = False) -> str:
    """`₽1,500.50` / `1 500,50 ₽`; with `compact`, a whole amount drops its decimals
    (`₽1,500`). A symbol that is a code stands apart from the digits (`CHF 1,500.00`)."""
    number = format_amount(money, compact=compact)
    symbol = money_symbol(money.currency)
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


def format_day(day: date, *, with_year: bool = True) -> str:
    """`25 Nov 2026` / `25.11.2026`; without the year `25 Nov` / `25 нояб.`."""
    from babel.dates import format_date, format_skeleton

    locale = _locale(language())
    if with_year:
        return format_date(day, "medium" if language() == "en" else "short", locale=locale)
    return format_skeleton("dMMM", day, locale=locale)


def format_clock(moment: datetime) -> str:
    """`14:05` in local time (24-hour in both languages)."""
    return moment.astimezone().strftime("%H:%M")


def first_weekday() -> int:
    """0 for Monday (both languages' calendars start the week on Monday)."""
    return int(_locale(language()).first_week_day)
