"""Plain-text formatting of figures for cards, tables and CLI output."""

from __future__ import annotations

from datetime import date, datetime

from funnel_tui.domain.money import Money


def format_money(money: Money, *, compact: bool = False) -> str:
    """`1,500.50 RUB`; with `compact`, whole amounts drop their decimals: `1,500 RUB`."""
    major = money.major
    if compact and major == major.to_integral_value():
        return f"{int(major):,} {money.currency}"
    return f"{major:,} {money.currency}"


def format_amounts(amounts: tuple[Money, ...], *, compact: bool = True) -> str:
    """Several currencies side by side (never added together), or an em dash for none."""
    return " + ".join(format_money(m, compact=compact) for m in amounts) if amounts else "—"


def short_when(moment: datetime, today: date) -> str:
    """A next-contact badge: `10:00` today, `25.11` this year, `25.11.27` otherwise."""
    local = moment.astimezone()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%d.%m")
    return local.strftime("%d.%m.%y")
