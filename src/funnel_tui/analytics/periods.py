"""Report periods: named ones (this month, last month, this quarter, the last 12 months) and
custom ranges of whole local days, as half-open [start, end) instants (DESIGN.md: periods
are half-open in the user's local time zone; `--from D --to D` include both days)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from funnel_tui.domain.dates import local_midnight
from funnel_tui.domain.errors import ValidationError


class PeriodName(enum.StrEnum):
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    THIS_QUARTER = "this-quarter"
    LAST_12_MONTHS = "last-12-months"
    """This month and the eleven before it, whole calendar months."""


PERIOD_LABELS = {
    PeriodName.THIS_MONTH: "This month",
    PeriodName.LAST_MONTH: "Last month",
    PeriodName.THIS_QUARTER: "This quarter",
    PeriodName.LAST_12_MONTHS: "Last 12 months",
}


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    """The first day, included."""
    last: date
    """The last day, included."""

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """[first day's local midnight, the day after the last's local midnight), in UTC."""
        return local_midnight(self.first, zone), local_midnight(self.last + timedelta(days=1), zone)

    def label(self) -> str:
        return f"{self.first:%d.%m.%Y} – {self.last:%d.%m.%Y}"


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    """The last day of the month starting at `first`."""
    return _month_start(first, -1) - timedelta(days=1)


def named_period(name: PeriodName, today: date) -> Period:
    if name is PeriodName.THIS_MONTH:
        first = _month_start(today)
        return Period(first, _month_end(first))
    if name is PeriodName.LAST_MONTH:
        first = _month_start(today, 1)
        return Period(first, _month_end(first))
    if name is PeriodName.THIS_QUARTER:
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return Period(first, _month_end(_month_start(first, -2)))
    return Period(_month_start(today, 11), _month_end(_month_start(today)))


def custom_period(first: date, last: date) -> Period:
    if last < first:
        raise ValidationError(
            "period", f"ends ({last:%d.%m.%Y}) before it starts ({first:%d.%m.%Y})"
        )
    return Period(first, last)
