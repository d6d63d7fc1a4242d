"""Money as integer minor units plus an ISO 4217 code; never floats.

`parse_money` accepts what people type and what spreadsheets export:
`1500`, `1 500,50`, `1,500.50`, `1500 ₽`, `1500 RUB`, `$1,500.50`, `1'500.50`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.validation import shown
from funnel_tui.i18n import N_, _

# Active ISO 4217 codes (2024 list, without funds and precious metals).
_ISO_CODES = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)
_ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
_THREE_DECIMAL = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])

# Symbols people type instead of a code. Ambiguous "$" means USD, as every CRM assumes.
_SYMBOLS = {
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "р": "RUB",
    "р.": "RUB",
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₸": "KZT",
    "₴": "UAH",
    "₹": "INR",
    "₺": "TRY",
    "zł": "PLN",
    "₾": "GEL",
    "֏": "AMD",
}

# Largest amount we accept, in minor units (10^13: a hundred billion roubles or dollars); a
# signed 64-bit integer holds the sum of nearly a million such deals.
MAX_MINOR = 10**13
_TOO_LARGE = N_("is too large (more than {limit} minor units, the most Funnel accepts)")


def _too_large() -> str:
    return _(_TOO_LARGE).format(limit=f"{MAX_MINOR:,}")


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^\d[\d.,]*$")


def currency_exponent(code: str) -> int:
    """Digits after the decimal point in `code` (2 for most currencies)."""
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


def normalize_currency(code: str) -> str:
    """Return the ISO 4217 code for `code` (a code in any case, or a common symbol)."""
    if not isinstance(code, str):
        raise ValidationError(
            "currency", _("{code} is not a currency code").format(code=shown(code))
        )
    cleaned = code.strip()
    symbol = _SYMBOLS.get(cleaned.lower())
    if symbol:
        return symbol
    upper = cleaned.upper()
    if upper not in _ISO_CODES:
        raise ValidationError(
            "currency",
            _("unknown currency {code} (use an ISO code such as RUB, USD, EUR)").format(
                code=shown(code)
            ),
        )
    return upper


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in integer minor units (kopecks, cents) of one currency."""

    minor: int
    currency: str

    @classmethod
    def from_major(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Build from an amount in major units; refuses sub-minor precision and floats (a
        float has already lost the exact amount: 0.1 + 0.2 != 0.3)."""
        code = normalize_currency(currency)
        exponent = currency_exponent(code)
        if isinstance(amount, float | bool) or not isinstance(amount, Decimal | int | str):
            raise ValidationError(
                "value",
                _("{amount} is not an exact amount (give text or an integer, not a float)").format(
                    amount=shown(amount)
                ),
            )
        try:
            value = Decimal(amount.strip() if isinstance(amount, str) else amount)
        except (InvalidOperation, ValueError):
            raise ValidationError(
                "value", _("not a number: {amount}").format(amount=shown(amount))
            ) from None
        if not value.is_finite():
            raise ValidationError("value", _("not a number: {amount}").format(amount=shown(amount)))
        if value < 0:
            raise ValidationError("value", _("must not be negative"))
        # The bound first: a huge number would overflow the decimal context below.
        if value.adjusted() > 20 or value.scaleb(exponent) > MAX_MINOR:
            raise ValidationError("value", _too_large())
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            number = str(amount).strip()  # a valid number by now: no quotes needed
            number = number if len(number) <= 40 else number[:39] + "…"
            raise ValidationError(
                "value", f"{number} has more than {exponent} decimal places for {code}"
            )
        return cls(int(scaled), code)

    @property
    def major(self) -> Decimal:
        """The amount in major units, with the currency's number of decimals."""
        exponent = currency_exponent(self.currency)
        # From text, which is exact at any size (context arithmetic rounds past 28 digits).
        return Decimal(f"{self.minor}E-{exponent}")

    def to_decimal_string(self) -> str:
        """Major units as a plain decimal string, e.g. "1500.00" (the interchange format)."""
        return str(self.major)


def check_money(money: Money, field: str = "value") -> Money:
    """`money` if it is an amount a deal or plan may hold: integer minor units (never a float
    or a bool), not negative, at most MAX_MINOR, in an ISO 4217 currency (normalised)."""
    minor = money.minor
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise ValidationError(
            field, _("{minor} is not a whole number of minor units").format(minor=shown(minor))
        )
    if minor < 0:
        raise ValidationError(field, _("must not be negative"))
    if minor > MAX_MINOR:
        raise ValidationError(field, _too_large())
    try:
        code = normalize_currency(money.currency)
    except ValidationError as err:
        raise ValidationError("currency", err.message) from None
    return money if code == money.currency else Money(minor, code)


def parse_money(text: str, default_currency: str) -> Money:
    """Parse what a person types or a spreadsheet exports into `Money`.

    Grouping by spaces, apostrophes, commas or dots is understood. A single `,` or `.` followed
    by exactly three digits is a thousands separator (`1,500` is fifteen hundred) unless the
    currency has three decimals; otherwise the last separator is the decimal point.
    """
    raw = text.strip().replace("\u2212", "-")  # a typographic minus is a minus
    if not raw:
        raise ValidationError("value", _("is empty"))
    currency, number = _split_currency(raw, default_currency)
    number = _SPACES.sub("", number)
    if not _NUMBER.match(number):
        raise ValidationError("value", _("not an amount: {text}").format(text=shown(text)))
    exponent = currency_exponent(currency)
    return Money.from_major(_to_decimal_string(number, exponent, text), currency)


def _split_currency(raw: str, default_currency: str) -> tuple[str, str]:
    match = re.match(
        r"^(?P<pre>[^\d\s.,-]*)\s*(?P<num>[\d.,\s\u00a0\u202f\u2009']+?)\s*(?P<post>[^\d\s.,]*\.?)$",
        raw,
    )
    if match is None:
        if raw.lstrip().startswith("-"):
            raise ValidationError("value", _("must not be negative"))
        raise ValidationError("value", _("not an amount: {text}").format(text=shown(raw)))
    if match["num"].endswith((",", ".")) or match["post"] == ".":
        raise ValidationError("value", _("not an amount: {text}").format(text=shown(raw)))
    pre, num, post = match["pre"], match["num"], match["post"]
    if pre and post:
        raise ValidationError("value", _("not an amount: {text}").format(text=shown(raw)))
    label = pre or post
    currency = normalize_currency(label) if label else normalize_currency(default_currency)
    return currency, num


def _to_decimal_string(number: str, exponent: int, original: str) -> str:
    last_comma, last_dot = number.rfind(","), number.rfind(".")
    decimal_sep: str | None
    group_sep: str | None
    if last_comma >= 0 and last_dot >= 0:
        decimal_sep = "," if last_comma > last_dot else "."
        group_sep = "." if decimal_sep == "," else ","
    elif last_comma >= 0 or last_dot >= 0:
        sep = "," if last_comma >= 0 else "."
        digits_after = len(number) - number.rfind(sep) - 1
        # A thousands group never follows a lone 0: "0,500" is half a rouble, not 500.
        leading_zero = number.split(sep)[0] == "0"
        if number.count(sep) > 1 or (digits_after == 3 and exponent != 3 and not leading_zero):
            decimal_sep, group_sep = None, sep
        else:
            decimal_sep, group_sep = sep, None
    else:
        return number
    if decimal_sep:
        integer, _sep, fraction = number.rpartition(decimal_sep)
    else:
        integer, fraction = number, ""
    if (decimal_sep and decimal_sep in integer) or (group_sep and group_sep in fraction):
        raise ValidationError("value", _("not an amount: {text}").format(text=shown(original)))
    groups = integer.split(group_sep) if group_sep else [integer]
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3
        or groups[0] == "0"
        or any(len(group) != 3 for group in groups[1:])
    ):
        raise ValidationError(
            "value", _("misplaced thousands separator in {text}").format(text=shown(original))
        )
    joined = "".join(groups)
    return f"{joined}.{fraction}" if fraction else joined
