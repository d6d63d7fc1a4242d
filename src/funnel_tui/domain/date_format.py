"""How numeric dates are written and read: one preference for the whole process.

`dd.mm.yyyy` is Russian usage, `mm/dd/yyyy` American English (CLDR `en`), `dd/mm/yyyy`
British, `yyyy-mm-dd` ISO 8601. The user picks one in the settings (`date_format` in the
config); without a choice the language decides. Every date a screen, a report or a command
writes as numbers goes through this module, and the parsers read slashes the same way round
(dots are always day first, dashes always ISO), so what the app shows can be typed back.

Below `render/` on purpose: the analytics' period labels and the parsers need it too.
"""

from __future__ import annotations

from datetime import date, datetime

from funnel_tui.i18n import _, language

DATE_FORMATS = ("dd.mm.yyyy", "dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd")
BY_LANGUAGE = {"ru": "dd.mm.yyyy", "en": "mm/dd/yyyy"}
"""The usual format of each language (CLDR: ru `dd.MM.y`, en `M/d/y`), when none is chosen."""

_PATTERNS = {
    # format: (day with year, day without year, day with a two-digit year)
    "dd.mm.yyyy": ("%d.%m.%Y", "%d.%m", "%d.%m.%y"),
    "dd/mm/yyyy": ("%d/%m/%Y", "%d/%m", "%d/%m/%y"),
    "mm/dd/yyyy": ("%m/%d/%Y", "%m/%d", "%m/%d/%y"),
    "yyyy-mm-dd": ("%Y-%m-%d", "%m-%d", "%Y-%m-%d"),
}

EXAMPLE_DAY = date(2026, 12, 25)
"""The day hints and error messages show, in the format in use."""

_chosen = ""


def set_date_format(name: str) -> None:
    """Write and read dates as `name` from now on ("" : the language's usual format)."""
    global _chosen
    if name and name not in DATE_FORMATS:
        raise ValueError(f"unknown date format {name!r}")
    _chosen = name


def date_format() -> str:
    """The format in use: the chosen one, else the current language's."""
    return _chosen or BY_LANGUAGE.get(language(), "yyyy-mm-dd")


def month_first() -> bool:
    """Do slashed dates put the month first (`11/24`)? How parsers read `a/b`."""
    return date_format() == "mm/dd/yyyy"


def format_day(day: date) -> str:
    """`24.11.2026`, `11/24/2026`, `24/11/2026` or `2026-11-24`."""
    return day.strftime(_PATTERNS[date_format()][0])


def format_day_month(day: date) -> str:
    """The day without its year, for badges (`24.11`, `11/24`, `24/11`, `11-24`)."""
    return day.strftime(_PATTERNS[date_format()][1])


def format_day_short(day: date) -> str:
    """The day with a two-digit year where the format has one (`24.11.26`); ISO keeps four."""
    return day.strftime(_PATTERNS[date_format()][2])


def format_day_time(moment: datetime) -> str:
    """A day and a 24-hour clock time: `24.11.2026 14:05`."""
    return f"{format_day(moment.date())} {moment:%H:%M}"


def format_range(first: date, last: date) -> str:
    """Two days, both included: `01.11.2026 – 30.11.2026`."""
    return f"{format_day(first)} – {format_day(last)}"


def example() -> str:
    """How a user should type a date, for hints and error messages (`25.12.2026`)."""
    return format_day(EXAMPLE_DAY)


def example_day_month() -> str:
    """How a user should type a day of the coming year (`25.12`, `12/25`), for hints."""
    return format_day_month(EXAMPLE_DAY)


def day_month_order(first: int, second: int) -> tuple[int, int]:
    """The (day, month) of a slashed `first/second` as the format reads it: `12/25` is
    25 December under `mm/dd/yyyy`, `25/12` under every other format."""
    return (second, first) if month_first() else (first, second)


def format_month(month: date) -> str:
    """A month as numbers, for a month field: `11.2026`, `11/2026` or `2026-11` (month and
    year only: unambiguous whichever way days are written)."""
    name = date_format()
    if name == "yyyy-mm-dd":
        return month.strftime("%Y-%m")
    return month.strftime("%m/%Y" if "/" in name else "%m.%Y")


def month_typed_like() -> str:
    """A placeholder for a month field: the example month in the user's format, and in
    ISO, which is read too (`12/2026 or 2026-12`)."""
    return _or_iso(format_month(EXAMPLE_DAY), EXAMPLE_DAY.strftime("%Y-%m"))


def typed_like(day: date) -> str:
    """A placeholder for a date field: `day` in the user's format, and in ISO, which is
    read too (`12/25/2026 or 2026-12-25`)."""
    return _or_iso(format_day(day), day.isoformat())


def _or_iso(shown: str, iso: str) -> str:
    """`shown or iso`; `iso` alone when the user's format is ISO (the two are the same)."""
    if date_format() == "yyyy-mm-dd":
        return iso
    return _("{day} or {iso}").format(day=shown, iso=iso)
