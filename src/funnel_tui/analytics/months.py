"""Calendar-month arithmetic for forecasts and plans: months as their first days, and "the 12
months before" a moment in the user's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo


def month_of(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def shift_month(first: date, months: int) -> date:
    """The first day of the month `months` after (negative: before) `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_before(moment: datetime, zone: tzinfo) -> datetime:
    """The same local wall time 12 months before `moment` (29 February: the 28th), as UTC."""
    local = moment.astimezone(zone)
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year - 1, day=day).astimezone(UTC)
