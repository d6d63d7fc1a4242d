"""The previous period a report compares against: whole months stay whole months, any other
span of days is followed back by its own length."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.analytics.periods import Period, previous_bounds

MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        # A month: the month before, whatever its length.
        (Period(date(2026, 3, 1), date(2026, 3, 31)), Period(date(2026, 2, 1), date(2026, 2, 28))),
        (Period(date(2026, 2, 1), date(2026, 2, 28)), Period(date(2026, 1, 1), date(2026, 1, 31))),
        (Period(date(2024, 3, 1), date(2024, 3, 31)), Period(date(2024, 2, 1), date(2024, 2, 29))),
        # Across a year.
        (Period(date(2026, 1, 1), date(2026, 1, 31)), Period(date(2025, 12, 1), date(2025, 12, 31))),
        # A quarter: the quarter before; twelve months: the twelve before.
        (Period(date(2026, 4, 1), date(2026, 6, 30)), Period(date(2026, 1, 1), date(2026, 3, 31))),
        (Period(date(2025, 11, 1), date(2026, 10, 31)), Period(date(2024, 11, 1), date(2025, 10, 31))),
        # Not whole months: as many days right before.
        (Period(date(2026, 3, 10), date(2026, 3, 16)), Period(date(2026, 3, 3), date(2026, 3, 9))),
        (Period(date(2026, 3, 1), date(2026, 3, 30)), Period(date(2026, 1, 30), date(2026, 2, 28))),
        (Period(date(2026, 3, 2), date(2026, 3, 31)), Period(date(2026, 1, 31), date(2026, 3, 1))),
        # One day: the day before.
        (Period(date(2026, 3, 1), date(2026, 3, 1)), Period(date(2026, 2, 28), date(2026, 2, 28))),
    ],
)  # fmt: skip
def test_previous_period(period: Period, previous: Period) -> None:
    assert period.previous() == previous


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(first=days, length=st.integers(0, 800))
def test_previous_period_ends_the_day_before(first: date, length: int) -> None:
    period = Period(first, first + timedelta(days=length))
    previous = period.previous()
    assert previous.last + timedelta(days=1) == period.first
    assert previous.first <= previous.last
    if not period.whole_months:
        assert previous.last - previous.first == period.last - period.first


@given(first=days, months=st.integers(1, 36))
def test_whole_months_stay_whole_months(first: date, months: int) -> None:
    start = first.replace(day=1)
    index = start.year * 12 + start.month - 1 + months
    following = date(index // 12, index % 12 + 1, 1)
    period = Period(start, following - timedelta(days=1))
    assert period.whole_months
    previous = period.previous()
    assert previous.whole_months
    assert previous.last + timedelta(days=1) == period.first
    count = (previous.last.year * 12 + previous.last.month) - (
        previous.first.year * 12 + previous.first.month
    )
    assert count + 1 == months


def test_previous_bounds_of_local_months() -> None:
    # October in Moscow (UTC+3): the previous bounds are September's local midnights.
    start, end = Period(date(2026, 10, 1), date(2026, 10, 31)).bounds(MOSCOW)
    assert previous_bounds(start, end, MOSCOW) == (
        datetime(2026, 8, 31, 21, tzinfo=UTC),
        datetime(2026, 9, 30, 21, tzinfo=UTC),
    )


def test_previous_bounds_across_a_clock_change() -> None:
    # April in Berlin starts at UTC+2; March began at UTC+1: the previous period is March's
    # local days (31 of them, one hour short of 31 × 24 h), not 30 days back.
    start, end = Period(date(2026, 4, 1), date(2026, 4, 30)).bounds(BERLIN)
    assert previous_bounds(start, end, BERLIN) == Period(
        date(2026, 3, 1), date(2026, 3, 31)
    ).bounds(BERLIN)
    assert previous_bounds(start, end, BERLIN)[0] == datetime(2026, 2, 28, 23, tzinfo=UTC)


def test_previous_bounds_of_other_spans() -> None:
    # Not local midnights: the same span right before.
    start = datetime(2026, 10, 5, 12, tzinfo=UTC)
    end = start + timedelta(hours=30)
    assert previous_bounds(start, end, MOSCOW) == (start - timedelta(hours=30), start)
