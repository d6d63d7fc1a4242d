"""Dates and times: exact typed forms, naive means local time, UTC in storage and interchange."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain.dates import (
    format_utc,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_utc,
    to_utc,
)
from funnel_tui.domain.errors import ValidationError

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3, no DST since 2014
BERLIN = ZoneInfo("Europe/Berlin")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-25", date(2026, 12, 25)),
        (" 2026-12-25 ", date(2026, 12, 25)),
        ("25.12.2026", date(2026, 12, 25)),
        ("5.1.2026", date(2026, 1, 5)),
        ("05.01.2026", date(2026, 1, 5)),
        ("29.02.2028", date(2028, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "tomorrow", "31.02.2026", "29.02.2026", "2026-13-01", "25/12/2026", "12.25", "25.12.26"],
)
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, "expected_close")
    assert caught.value.field == "expected_close"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Naive forms are Moscow local time (UTC+3).
        ("2026-12-25", datetime(2026, 12, 24, 21, 0, tzinfo=UTC)),
        ("25.12.2026", datetime(2026, 12, 24, 21, 0, tzinfo=UTC)),
        ("2026-12-25 15:30", datetime(2026, 12, 25, 12, 30, tzinfo=UTC)),
        ("2026-12-25T15:30", datetime(2026, 12, 25, 12, 30, tzinfo=UTC)),
        ("25.12.2026 15:30", datetime(2026, 12, 25, 12, 30, tzinfo=UTC)),
        ("25.12.2026 9:05", datetime(2026, 12, 25, 6, 5, tzinfo=UTC)),
        ("25.12.2026 15:30:10", datetime(2026, 12, 25, 12, 30, 10, tzinfo=UTC)),
        # Explicit offsets win over the local zone.
        ("2026-12-25T12:00:00Z", datetime(2026, 12, 25, 12, 0, tzinfo=UTC)),
        ("2026-12-25T12:00:00z", datetime(2026, 12, 25, 12, 0, tzinfo=UTC)),
        ("2026-12-25T15:30+03:00", datetime(2026, 12, 25, 12, 30, tzinfo=UTC)),
        ("2026-12-25 15:30:00+05:00", datetime(2026, 12, 25, 10, 30, tzinfo=UTC)),
        ("2026-12-25T15:30-02:00", datetime(2026, 12, 25, 17, 30, tzinfo=UTC)),
    ],
)
def test_parse_datetime_accepts(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text, local=MOSCOW)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_naive_forms_follow_the_local_zone_and_its_dst() -> None:
    assert parse_datetime("2026-07-01 12:00", local=BERLIN) == datetime(2026, 7, 1, 10, tzinfo=UTC)
    assert parse_datetime("01.01.2026 12:00", local=BERLIN) == datetime(2026, 1, 1, 11, tzinfo=UTC)
    utc_plus_5 = timezone(timedelta(hours=5))
    assert parse_datetime("2026-01-01", local=utc_plus_5) == datetime(2025, 12, 31, 19, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "31.02.2026 10:00",
        "25.12.2026 25:00",
        "25.12.2026 10:61",
        "25.12.2026 1530",
        "2026-13-01 10:00",
        "25/12/2026 10:00",
        "2026-12-25 15:30 extra",
    ],
)
def test_parse_datetime_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_datetime(text, "next contact", local=MOSCOW)
    assert caught.value.field == "next contact"
    assert "\n" not in str(caught.value)


def test_to_utc() -> None:
    aware = datetime(2026, 3, 1, 12, tzinfo=MOSCOW)
    assert to_utc(aware) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert to_utc(aware).tzinfo is UTC
    assert to_utc(datetime(2026, 3, 1, 12), MOSCOW) == datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_format_utc_shape() -> None:
    assert format_utc(datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)) == "2026-11-25T07:00:00Z"
    assert format_utc(datetime(2026, 11, 25, 7, 0, 0, 5, tzinfo=UTC)) == (
        "2026-11-25T07:00:00.000005Z"
    )


@pytest.mark.parametrize(
    "text", ["2026-11-25T07:00:00", "2026-11-25", "nonsense", "", "25.11.2026 07:00Z"]
)
def test_parse_utc_refuses_naive_or_malformed(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_utc(text)


def test_parse_utc_refuses_non_text() -> None:
    with pytest.raises(ValidationError):
        parse_utc(None)  # type: ignore[arg-type]


aware_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 12, 31),
    timezones=st.one_of(
        st.just(UTC),
        st.timezones(),
        st.builds(
            timezone,
            st.timedeltas(
                min_value=timedelta(hours=-23, minutes=-59),
                max_value=timedelta(hours=23, minutes=59),
            ),
        ),
    ),
)


@given(moment=aware_datetimes)
def test_format_utc_parse_utc_round_trip(moment: datetime) -> None:
    text = format_utc(moment)
    assert text.endswith("Z")
    parsed = parse_utc(text)
    assert parsed.utcoffset() == timedelta(0)
    # Subtraction compares instants even for folded/gap local times (== would not, PEP 495).
    assert parsed - EPOCH == moment - EPOCH
    assert format_utc(parsed) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("0", 0),
        ("90s", 90),
        ("3m", 180),
        ("3min", 180),
        ("45min", 2700),
        ("1h", 3600),
        ("1h30m", 5400),
        (" 1 h 30 m ", 5400),
        ("1H30M", 5400),
        ("2h5s", 7205),
        ("1h2m3s", 3723),
        ("2:30", 150),
        ("0:05", 5),
    ],
)
def test_parse_duration_accepts(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", " ", "abc", "h", "m", "s", "1:5", "-5", "1.5m", "5m1h", "1d"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_duration(text)
    assert caught.value.field == "duration"


def test_parse_duration_refuses_seconds_over_59() -> None:
    with pytest.raises(ValidationError):
        parse_duration("2:75")
