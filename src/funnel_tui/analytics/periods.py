"""Report periods: named ones (this month, last month, this quarter, the last 12 months) and
custom ranges of whole local days, as half-open [start, end) instants (DESIGN.md: periods
are half-open in the user's local time zone; `--from D --to D` include both days)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from funnel_tui.domain.date_format import format_day, format_range
from funnel_tui.domain.dates import local_midnight
from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import N_, _


class PeriodName(enum.StrEnum):
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    THIS_QUARTER = "this-quarter"
    LAST_12_MONTHS = "last-12-months"
    """This month and the eleven before it, whole calendar months."""


PERIOD_LABELS = {
    PeriodName.THIS_MONTH: N_("This month"),
    PeriodName.LAST_MONTH: N_("Last month"),
    PeriodName.THIS_QUARTER: N_("This quarter"),
    PeriodName.LAST_12_MONTHS: N_("Last 12 months"),
}
"""How each named period reads (translated where shown)."""


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
        return format_range(self.first, self.last)

    @property
    def whole_months(self) -> bool:
        """Whether the period is whole calendar months: from a 1st to a month's last day."""
        return self.first.day == 1 and (self.last + timedelta(days=1)).day == 1

    def previous(self) -> Period:
        """The period of the same length right before this one, to compare against: as many
        whole calendar months before a period of whole months (February before March, not
        the 31 days before it), else as many days."""
        day_before = self.first - timedelta(days=1)
        if self.whole_months:
            months = _month_index(self.last) - _month_index(self.first) + 1
            return Period(_month_start(self.first, months), day_before)
        return Period(self.first - (self.last - self.first) - timedelta(days=1), day_before)


def _month_index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def _month_start(day: date, months_back: int = 0) -> date:
    index = _month_index(day) - months_back
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
            "period",
            _("ends ({last}) before it starts ({first})").format(
                last=format_day(last), first=format_day(first)
            ),
        )
    return Period(first, last)


def previous_bounds(start: datetime, end: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants of the period before [start, end), to compare a report against.

    When both are local midnights in `zone` (a period of whole days, as `Period.bounds`
    gives), the days are `Period.previous()`'s: whole months stay whole months. Any other
    span is followed back by its own length.
    """
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    whole_days = (
        local_midnight(local_start.date(), zone) == start
        and local_midnight(local_end.date(), zone) == end
        and local_end.date() > local_start.date()
    )
    if whole_days:
        days = Period(local_start.date(), local_end.date() - timedelta(days=1))
        return days.previous().bounds(zone)
    return start - (end - start), start
