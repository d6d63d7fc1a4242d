"""One date format for the whole app: how numeric dates are written, and read back."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain.date_format import (
    DATE_FORMATS,
    date_format,
    example,
    example_day_month,
    format_day,
    format_day_month,
    format_day_short,
    format_day_time,
    format_month,
    format_range,
    month_first,
    month_typed_like,
    set_date_format,
)
from funnel_tui.domain.dates import MAX_YEAR, MIN_YEAR, parse_date, parse_datetime
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.when import parse_when
from funnel_tui.i18n import set_language
from funnel_tui.services.plans import parse_month

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 47, tzinfo=MOSCOW)  # a Monday
DAY = date(2026, 11, 24)
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)


@pytest.mark.parametrize(
    ("name", "day", "day_month", "short", "period"),
    [
        ("dd.mm.yyyy", "24.11.2026", "24.11", "24.11.26", "01.11.2026 – 30.11.2026"),
        ("dd/mm/yyyy", "24/11/2026", "24/11", "24/11/26", "01/11/2026 – 30/11/2026"),
        ("mm/dd/yyyy", "11/24/2026", "11/24", "11/24/26", "11/01/2026 – 11/30/2026"),
        ("yyyy-mm-dd", "2026-11-24", "11-24", "2026-11-24", "2026-11-01 – 2026-11-30"),
    ],
)
def test_each_format_writes_days_its_own_way(
    name: str, day: str, day_month: str, short: str, period: str
) -> None:
    set_date_format(name)
    assert date_format() == name
    assert format_day(DAY) == day
    assert format_day_month(DAY) == day_month
    assert format_day_short(DAY) == short
    assert format_range(FIRST, LAST) == period
    assert format_day_time(datetime(2026, 11, 24, 14, 5)) == f"{day} 14:05"


def test_the_language_decides_when_nothing_is_chosen() -> None:
    set_date_format("")
    set_language("en")
    assert date_format() == "mm/dd/yyyy"
    assert month_first()
    assert format_day(DAY) == "11/24/2026"
    assert example() == "12/25/2026"
    assert example_day_month() == "12/25"
    set_language("ru")
    assert date_format() == "dd.mm.yyyy"
    assert not month_first()
    assert format_day(DAY) == "24.11.2026"
    assert example() == "25.12.2026"


def test_a_chosen_format_wins_over_the_language() -> None:
    set_language("ru")
    set_date_format("yyyy-mm-dd")
    assert format_day(DAY) == "2026-11-24"
    set_language("en")
    set_date_format("dd/mm/yyyy")
    assert format_day(DAY) == "24/11/2026"
    assert not month_first()


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        set_date_format("yyyy.mm.dd")


@given(
    day=st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)),
    name=st.sampled_from(DATE_FORMATS),
)
def test_every_day_written_in_any_format_reads_back(day: date, name: str) -> None:
    set_date_format(name)
    try:
        assert parse_date(format_day(day)) == day
    finally:
        set_date_format("")


@given(
    month=st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)).map(
        lambda day: day.replace(day=1)
    ),
    name=st.sampled_from(DATE_FORMATS),
)
def test_every_month_written_in_any_format_reads_back(month: date, name: str) -> None:
    set_date_format(name)
    try:
        assert parse_month(format_month(month)) == month
    finally:
        set_date_format("")


@pytest.mark.parametrize(
    ("name", "month", "hint"),
    [
        ("dd.mm.yyyy", "11.2026", "12.2026 or 2026-12"),
        ("dd/mm/yyyy", "11/2026", "12/2026 or 2026-12"),
        ("mm/dd/yyyy", "11/2026", "12/2026 or 2026-12"),
        ("yyyy-mm-dd", "2026-11", "2026-12"),
    ],
)
def test_month_fields_follow_the_format(name: str, month: str, hint: str) -> None:
    set_date_format(name)
    try:
        assert (format_month(FIRST), month_typed_like()) == (month, hint)
    finally:
        set_date_format("")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("mm/dd/yyyy", "12/25/2026", date(2026, 12, 25)),
        ("mm/dd/yyyy", "1/2/2026", date(2026, 1, 2)),
        ("dd/mm/yyyy", "25/12/2026", date(2026, 12, 25)),
        ("dd/mm/yyyy", "1/2/2026", date(2026, 2, 1)),
        ("dd.mm.yyyy", "25/12/2026", date(2026, 12, 25)),
        ("yyyy-mm-dd", "25/12/2026", date(2026, 12, 25)),
        # dots are day first and dashes ISO whatever the format
        ("mm/dd/yyyy", "01.02.2026", date(2026, 2, 1)),
        ("mm/dd/yyyy", "2026-02-01", date(2026, 2, 1)),
        ("dd/mm/yyyy", "01.02.2026", date(2026, 2, 1)),
    ],
)
def test_slashes_are_read_the_way_the_format_writes_them(
    name: str, text: str, expected: date
) -> None:
    set_date_format(name)
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("name", "text"), [("mm/dd/yyyy", "25/12/2026"), ("dd/mm/yyyy", "12/25/2026")]
)
def test_a_slashed_date_the_wrong_way_round_is_refused(name: str, text: str) -> None:
    set_date_format(name)
    with pytest.raises(ValidationError) as caught:
        parse_date(text)
    assert example() in str(caught.value)


def test_errors_show_the_example_in_the_format_in_use() -> None:
    set_date_format("mm/dd/yyyy")
    with pytest.raises(ValidationError, match="12/25/2026"):
        parse_date("soon")
    with pytest.raises(ValidationError, match="12/25/2026 15:30"):
        parse_datetime("soon")
    set_date_format("dd.mm.yyyy")
    with pytest.raises(ValidationError, match=r"25\.12\.2026"):
        parse_date("soon")


def test_a_slashed_date_and_time_reads_in_the_format() -> None:
    set_date_format("mm/dd/yyyy")
    moment = parse_datetime("12/25/2026 15:30", local=MOSCOW)
    assert moment.astimezone(MOSCOW).replace(tzinfo=None) == datetime(2026, 12, 25, 15, 30)
    set_date_format("dd/mm/yyyy")
    moment = parse_datetime("25/12/2026 15:30", local=MOSCOW)
    assert moment.astimezone(MOSCOW).replace(tzinfo=None) == datetime(2026, 12, 25, 15, 30)


# --- the next-contact field ------------------------------------------------------------------


def when(text: str) -> datetime:
    return parse_when(text, NOW, MOSCOW).local.replace(tzinfo=None)


@pytest.mark.parametrize("name", DATE_FORMATS)
def test_dotted_day_and_month_are_day_first_in_every_format(name: str) -> None:
    set_date_format(name)
    assert when("25.12") == datetime(2026, 12, 25, 10, 0)
    assert when("25.12 14:30") == datetime(2026, 12, 25, 14, 30)
    assert when("25.12.2026") == datetime(2026, 12, 25, 10, 0)


def test_month_first_slashes_in_the_next_contact() -> None:
    set_date_format("mm/dd/yyyy")
    assert when("12/25") == datetime(2026, 12, 25, 10, 0)
    assert when("12/25 14:30") == datetime(2026, 12, 25, 14, 30)
    assert when("12/25/2026") == datetime(2026, 12, 25, 10, 0)
    assert when("1/2") == datetime(2027, 1, 2, 10, 0)  # 2 January: passed this year
    with pytest.raises(ValidationError, match="12/25"):
        when("25/12")


def test_day_first_slashes_in_the_next_contact() -> None:
    set_date_format("dd/mm/yyyy")
    assert when("25/12") == datetime(2026, 12, 25, 10, 0)
    assert when("25/12 14:30") == datetime(2026, 12, 25, 14, 30)
    assert when("25/12/2026") == datetime(2026, 12, 25, 10, 0)
    assert when("1/2") == datetime(2027, 2, 1, 10, 0)
    with pytest.raises(ValidationError, match="25/12"):
        when("12/25")


def test_iso_day_and_month_in_the_next_contact() -> None:
    set_date_format("yyyy-mm-dd")
    assert when("12-25") == datetime(2026, 12, 25, 10, 0)
    assert when("2026-12-25 14:30") == datetime(2026, 12, 25, 14, 30)


def test_the_next_contact_examples_follow_the_format() -> None:
    set_date_format("mm/dd/yyyy")
    with pytest.raises(ValidationError) as caught:
        when("whenever")
    assert "12/25 14:30" in str(caught.value)
    assert "12/25/2026 15:30" in str(caught.value)
    set_date_format("dd.mm.yyyy")
    with pytest.raises(ValidationError) as caught:
        when("whenever")
    assert "25.12 14:30" in str(caught.value)
