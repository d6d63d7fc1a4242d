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


def relative_time(moment: datetime, now: datetime) -> str:
    """How long ago (or how soon) `moment` is, as people say it: `just now`, `5 min ago`,
    `2 h ago`, `yesterday 14:05`, `3 days ago`, `in 2 h`, `tomorrow 10:00`, else the date.

    Days are counted in the local time zone (yesterday is the previous calendar day).
    """
    local, local_now = moment.astimezone(), now.astimezone()
    seconds = (now - moment).total_seconds()
    days = (local_now.date() - local.date()).days
    clock = local.strftime("%H:%M")
    if abs(seconds) < 60:
        return "just now"
    if seconds > 0:
        if seconds < 3600:
            return f"{int(seconds // 60)} min ago"
        if days == 0:
            return f"{int(seconds // 3600)} h ago"
        if days == 1:
            return f"yesterday {clock}"
        if days < 7:
            return f"{days} days ago"
    else:
        if -seconds < 3600:
            return f"in {int(-seconds // 60) or 1} min"
        if days == 0:
            return f"in {int(-seconds // 3600)} h"
        if days == -1:
            return f"tomorrow {clock}"
        if days > -7:
            return f"in {-days} days"
    return local.strftime("%d.%m.%Y" if local.year != local_now.year else "%d %b")
