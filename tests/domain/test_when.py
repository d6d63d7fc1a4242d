"""The "next contact" field: typed text to an aware UTC instant, and its description."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.when import (
    DEFAULT_HOUR,
    Due,
    Understood,
    describe,
    due_state,
    parse_when,
    pushed,
    retry_later,
)

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3 all year
BERLIN = ZoneInfo("Europe/Berlin")  # DST: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # a 30-minute DST shift
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+5:45

# Monday 23 Nov 2026, 09:47:13 in Moscow: seconds on purpose, results drop them.
NOW = datetime(2026, 11, 23, 9, 47, 13, tzinfo=MOSCOW)


def local(text: str, now: datetime = NOW, zone: tzinfo = MOSCOW) -> datetime:
    """The parsed instant as a naive wall-clock time in `zone` (easy to compare)."""
    return parse_when(text, now, zone).local.replace(tzinfo=None)


def error(text: str, now: datetime = NOW, zone: tzinfo = MOSCOW) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_when(text, now, zone)
    return str(caught.value)


# --- accepted forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("now", datetime(2026, 11, 23, 9, 47), True),
        ("right now", datetime(2026, 11, 23, 9, 47), True),
        ("today", datetime(2026, 11, 23, 10, 0), False),
        ("today 15:00", datetime(2026, 11, 23, 15, 0), True),
        ("today at 9:50", datetime(2026, 11, 23, 9, 50), True),
        ("tomorrow", datetime(2026, 11, 24, 10, 0), False),
        ("tomorrow 10:00", datetime(2026, 11, 24, 10, 0), True),
        ("tomorrow 8:05", datetime(2026, 11, 24, 8, 5), True),
        ("tomorrow at 15:30", datetime(2026, 11, 24, 15, 30), True),
        ("day after tomorrow", datetime(2026, 11, 25, 10, 0), False),
        ("the day after tomorrow 18:00", datetime(2026, 11, 25, 18, 0), True),
        ("fri", datetime(2026, 11, 27, 10, 0), False),
        ("friday", datetime(2026, 11, 27, 10, 0), False),
        ("on friday 12:30", datetime(2026, 11, 27, 12, 30), True),
        ("tue 9:00", datetime(2026, 11, 24, 9, 0), True),
        ("sun", datetime(2026, 11, 29, 10, 0), False),
        ("+1h", datetime(2026, 11, 23, 10, 47), True),
        ("+30m", datetime(2026, 11, 23, 10, 17), True),
        ("+90 min", datetime(2026, 11, 23, 11, 17), True),
        ("+48h", datetime(2026, 11, 25, 9, 47), True),
        ("+3d", datetime(2026, 11, 26, 9, 47), True),
        ("+ 3 d", datetime(2026, 11, 26, 9, 47), True),
        ("+3d 15:00", datetime(2026, 11, 26, 15, 0), True),
        ("+2w", datetime(2026, 12, 7, 9, 47), True),
        ("in 3 days", datetime(2026, 11, 26, 9, 47), True),
        ("in 1 day", datetime(2026, 11, 24, 9, 47), True),
        ("in 3 days at 11:00", datetime(2026, 11, 26, 11, 0), True),
        ("in 2 hours", datetime(2026, 11, 23, 11, 47), True),
        ("in an hour", datetime(2026, 11, 23, 10, 47), True),
        ("in 1 week", datetime(2026, 11, 30, 9, 47), True),
        ("in a week", datetime(2026, 11, 30, 9, 47), True),
        ("in 45 minutes", datetime(2026, 11, 23, 10, 32), True),
        ("15:00", datetime(2026, 11, 23, 15, 0), True),
        ("at 15:00", datetime(2026, 11, 23, 15, 0), True),
        ("9:50", datetime(2026, 11, 23, 9, 50), True),
        ("10am", datetime(2026, 11, 23, 10, 0), True),
        ("3pm", datetime(2026, 11, 23, 15, 0), True),
        ("3:30pm", datetime(2026, 11, 23, 15, 30), True),
        ("3:30 PM", datetime(2026, 11, 23, 15, 30), True),
        ("12pm", datetime(2026, 11, 23, 12, 0), True),
        ("12am", datetime(2026, 11, 24, 0, 0), True),
        ("tomorrow 3pm", datetime(2026, 11, 24, 15, 0), True),
        ("25.12", datetime(2026, 12, 25, 10, 0), False),
        ("25.12.", datetime(2026, 12, 25, 10, 0), False),
        ("5.1", datetime(2027, 1, 5, 10, 0), False),
        ("25.12 14:30", datetime(2026, 12, 25, 14, 30), True),
        ("25.12.2026", datetime(2026, 12, 25, 10, 0), False),
        ("25.12.2026 14:30", datetime(2026, 12, 25, 14, 30), True),
        ("2026-12-25", datetime(2026, 12, 25, 10, 0), False),
        ("2026-12-25 15:30", datetime(2026, 12, 25, 15, 30), True),
        ("2026-12-25T15:30", datetime(2026, 12, 25, 15, 30), True),
        ("2026-12-25T15:30:59", datetime(2026, 12, 25, 15, 30), True),
        ("2027-01-01 00:00", datetime(2027, 1, 1, 0, 0), True),
    ],
)
def test_english_and_numeric_forms(text: str, expected: datetime, has_time: bool) -> None:
    understood = parse_when(text, NOW, MOSCOW)
    assert understood.local.replace(tzinfo=None) == expected
    assert understood.has_time is has_time


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("сейчас", datetime(2026, 11, 23, 9, 47), True),
        ("сегодня", datetime(2026, 11, 23, 10, 0), False),
        ("сегодня в 15:00", datetime(2026, 11, 23, 15, 0), True),
        ("завтра", datetime(2026, 11, 24, 10, 0), False),
        ("завтра 15:00", datetime(2026, 11, 24, 15, 0), True),
        ("завтра в 15:00", datetime(2026, 11, 24, 15, 0), True),
        ("послезавтра", datetime(2026, 11, 25, 10, 0), False),
        ("послезавтра в 9:30", datetime(2026, 11, 25, 9, 30), True),
        ("пн", datetime(2026, 11, 30, 10, 0), False),
        ("вт", datetime(2026, 11, 24, 10, 0), False),
        ("ср", datetime(2026, 11, 25, 10, 0), False),
        ("чт", datetime(2026, 11, 26, 10, 0), False),
        ("пт", datetime(2026, 11, 27, 10, 0), False),
        ("сб", datetime(2026, 11, 28, 10, 0), False),
        ("вс", datetime(2026, 11, 29, 10, 0), False),
        ("понедельник", datetime(2026, 11, 30, 10, 0), False),
        ("вторник", datetime(2026, 11, 24, 10, 0), False),
        ("среда", datetime(2026, 11, 25, 10, 0), False),
        ("четверг", datetime(2026, 11, 26, 10, 0), False),
        ("пятница", datetime(2026, 11, 27, 10, 0), False),
        ("суббота", datetime(2026, 11, 28, 10, 0), False),
        ("воскресенье", datetime(2026, 11, 29, 10, 0), False),
        ("в пятницу", datetime(2026, 11, 27, 10, 0), False),
        ("в среду", datetime(2026, 11, 25, 10, 0), False),
        ("в субботу", datetime(2026, 11, 28, 10, 0), False),
        ("во вторник", datetime(2026, 11, 24, 10, 0), False),
        ("в пятницу в 15:00", datetime(2026, 11, 27, 15, 0), True),
        ("пт 15:00", datetime(2026, 11, 27, 15, 0), True),
        ("в 15:00", datetime(2026, 11, 23, 15, 0), True),
        ("через день", datetime(2026, 11, 24, 9, 47), True),
        ("через 1 день", datetime(2026, 11, 24, 9, 47), True),
        ("через 3 дня", datetime(2026, 11, 26, 9, 47), True),
        ("через 5 дней", datetime(2026, 11, 28, 9, 47), True),
        ("через 3 дня в 15:00", datetime(2026, 11, 26, 15, 0), True),
        ("через неделю", datetime(2026, 11, 30, 9, 47), True),
        ("через 2 недели", datetime(2026, 12, 7, 9, 47), True),
        ("через 5 недель", datetime(2026, 12, 28, 9, 47), True),
        ("через час", datetime(2026, 11, 23, 10, 47), True),
        ("через 2 часа", datetime(2026, 11, 23, 11, 47), True),
        ("через 5 часов", datetime(2026, 11, 23, 14, 47), True),
        ("через минуту", datetime(2026, 11, 23, 9, 48), True),
        ("через 2 минуты", datetime(2026, 11, 23, 9, 49), True),
        ("через 30 минут", datetime(2026, 11, 23, 10, 17), True),
        ("через полчаса", datetime(2026, 11, 23, 10, 17), True),
        ("25.12 в 14:30", datetime(2026, 12, 25, 14, 30), True),
    ],
)
def test_russian_forms(text: str, expected: datetime, has_time: bool) -> None:
    understood = parse_when(text, NOW, MOSCOW)
    assert understood.local.replace(tzinfo=None) == expected
    assert understood.has_time is has_time


@pytest.mark.parametrize(
    "text",
    ["  tomorrow 10:00  ", "TOMORROW 10:00", "Tomorrow   at\t10:00", "\nЗАВТРА В 10:00\n"],
)
def test_case_and_spaces_do_not_matter(text: str) -> None:
    assert local(text) == datetime(2026, 11, 24, 10, 0)


def test_default_hour_is_ten() -> None:
    assert DEFAULT_HOUR == 10
    assert local("fri").time() == time(DEFAULT_HOUR)


def test_result_is_aware_utc_and_local_is_the_same_instant() -> None:
    understood = parse_when("tomorrow 15:00", NOW, MOSCOW)
    assert understood.at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert understood.at.tzinfo is UTC
    assert understood.local.tzinfo is MOSCOW
    assert understood.local == understood.at


def test_now_may_be_given_in_any_zone() -> None:
    # The same instant as NOW, seen from New York: "tomorrow" is still Moscow's tomorrow.
    assert local("tomorrow", NOW.astimezone(NEW_YORK)) == datetime(2026, 11, 24, 10, 0)
    assert local("tomorrow", NOW.astimezone(UTC)) == datetime(2026, 11, 24, 10, 0)


def test_relative_forms_follow_the_users_zone_not_nows() -> None:
    # 23:30 UTC on Monday is already Tuesday 02:30 in Moscow.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert local("tomorrow", late, MOSCOW) == datetime(2026, 11, 25, 10, 0)
    assert local("tomorrow", late, UTC) == datetime(2026, 11, 24, 10, 0)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("tomorrow", datetime(2026, 11, 23, 9, 0), MOSCOW)


# --- decisions on the edges ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "weekday"),
    [
        ("mon", 0),
        ("monday", 0),
        ("tue", 1),
        ("tues", 1),
        ("tuesday", 1),
        ("wed", 2),
        ("wednesday", 2),
        ("thu", 3),
        ("thurs", 3),
        ("thursday", 3),
        ("fri", 4),
        ("friday", 4),
        ("sat", 5),
        ("saturday", 5),
        ("sun", 6),
        ("sunday", 6),
    ],
)
@pytest.mark.parametrize("today", [date(2026, 11, 23) + timedelta(days=n) for n in range(7)])
def test_weekday_is_the_next_such_day_strictly_after_today(
    name: str, weekday: int, today: date
) -> None:
    now = datetime.combine(today, time(8, 0), tzinfo=MOSCOW)
    result = local(name, now).date()
    assert result.weekday() == weekday
    assert 1 <= (result - today).days <= 7


def test_weekday_typed_on_that_day_means_next_week() -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=MOSCOW)
    assert local("fri", friday) == datetime(2026, 12, 4, 10, 0)
    assert local("пятница 9:00", friday) == datetime(2026, 12, 4, 9, 0)
    assert local("today", friday) == datetime(2026, 11, 27, 10, 0)


def test_bare_time_already_passed_means_tomorrow() -> None:
    assert local("09:00") == datetime(2026, 11, 24, 9, 0)
    assert local("9:46") == datetime(2026, 11, 24, 9, 46)
    assert local("8am") == datetime(2026, 11, 24, 8, 0)


def test_bare_time_in_the_current_minute_is_today() -> None:
    # Typed at 09:47:13, "09:47" means now, not tomorrow.
    assert local("09:47") == datetime(2026, 11, 23, 9, 47)


def test_today_without_time_after_ten_is_the_current_minute() -> None:
    afternoon = datetime(2026, 11, 23, 15, 20, 40, tzinfo=MOSCOW)
    understood = parse_when("today", afternoon, MOSCOW)
    assert understood.local.replace(tzinfo=None) == datetime(2026, 11, 23, 15, 20)
    assert understood.has_time is False


def test_relative_days_keep_the_time_of_day_rounded_down() -> None:
    now = datetime(2026, 11, 23, 9, 47, 59, 999999, tzinfo=MOSCOW)
    assert local("+3d", now) == datetime(2026, 11, 26, 9, 47)
    assert local("+1h", now) == datetime(2026, 11, 23, 10, 47)


def test_year_rollover_for_day_month() -> None:
    now = datetime(2026, 12, 28, 12, 0, tzinfo=MOSCOW)
    assert local("25.12", now) == datetime(2027, 12, 25, 10, 0)
    assert local("25.12 14:30", now) == datetime(2027, 12, 25, 14, 30)
    assert local("31.12", now) == datetime(2026, 12, 31, 10, 0)
    assert local("1.1", now) == datetime(2027, 1, 1, 10, 0)
    # Today: the default 10:00 has passed, so next year; a later time is still today.
    assert local("28.12", now) == datetime(2027, 12, 28, 10, 0)
    assert local("28.12 15:00", now) == datetime(2026, 12, 28, 15, 0)


def test_february_29_without_a_year_is_the_next_leap_year() -> None:
    assert local("29.02") == datetime(2028, 2, 29, 10, 0)
    assert local("29.02.2028") == datetime(2028, 2, 29, 10, 0)


def test_an_explicit_offset_wins_over_the_users_zone() -> None:
    expectations = {
        "2026-12-25T15:30Z": datetime(2026, 12, 25, 15, 30, tzinfo=UTC),
        "2026-12-25t15:30z": datetime(2026, 12, 25, 15, 30, tzinfo=UTC),
        "2026-12-25 15:30+05:00": datetime(2026, 12, 25, 10, 30, tzinfo=UTC),
        "2026-12-25T15:30-0800": datetime(2026, 12, 25, 23, 30, tzinfo=UTC),
        "2026-12-25T15:30:45.123+01:00": datetime(2026, 12, 25, 14, 30, tzinfo=UTC),
    }
    for text, expected in expectations.items():
        understood = parse_when(text, NOW, MOSCOW)
        assert understood.at == expected, text
        assert understood.at.tzinfo is UTC
        assert understood.local.tzinfo is MOSCOW
        assert understood.has_time


def test_results_have_minute_precision() -> None:
    understood = parse_when("now", NOW, MOSCOW)
    assert understood.at == datetime(2026, 11, 23, 6, 47, tzinfo=UTC)
    assert understood.at.second == understood.at.microsecond == 0


def test_fractional_offset_zones() -> None:
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    understood = parse_when("tomorrow 9:00", now, KATHMANDU)
    assert understood.at == datetime(2026, 6, 2, 3, 15, tzinfo=UTC)


# --- DST (Europe/Berlin) ---------------------------------------------------------------------


def test_spring_forward_day_arithmetic_keeps_wall_time() -> None:
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN)  # CET, 09:00 UTC
    assert parse_when("tomorrow", saturday, BERLIN).at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert parse_when("+1d", saturday, BERLIN).at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert parse_when("sun 10:00", saturday, BERLIN).at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    # Hours are elapsed time: 24 real hours later is 11:00 on the wall.
    plus_24h = parse_when("+24h", saturday, BERLIN)
    assert plus_24h.at == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    assert plus_24h.local.replace(tzinfo=None) == datetime(2026, 3, 29, 11, 0)


def test_spring_forward_hours_are_real_hours() -> None:
    night = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)  # CET, 00:30 UTC
    understood = parse_when("in 2 hours", night, BERLIN)
    assert understood.at == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    assert understood.local.replace(tzinfo=None) == datetime(2026, 3, 29, 4, 30)


@pytest.mark.parametrize("text", ["29.03.2026 02:30", "2026-03-29 02:30", "29.03 02:30"])
def test_nonexistent_local_time_moves_forward_by_the_gap(text: str) -> None:
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN)
    understood = parse_when(text, saturday, BERLIN)
    assert understood.at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert understood.local.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    assert describe(understood, saturday) == "tomorrow 03:30"


def test_bare_time_inside_the_gap_does_not_crash() -> None:
    night = datetime(2026, 3, 29, 1, 10, tzinfo=BERLIN)  # CET, 00:10 UTC
    assert parse_when("02:30", night, BERLIN).at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert parse_when("+1d", night, BERLIN).at == datetime(2026, 3, 29, 23, 10, tzinfo=UTC)


def test_fall_back_day_arithmetic_keeps_wall_time() -> None:
    saturday = datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN)  # CEST, 08:00 UTC
    assert parse_when("tomorrow", saturday, BERLIN).at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert parse_when("+1d", saturday, BERLIN).at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert parse_when("+24h", saturday, BERLIN).at == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


def test_ambiguous_local_time_is_its_first_occurrence() -> None:
    saturday = datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN)
    understood = parse_when("25.10.2026 02:30", saturday, BERLIN)
    assert understood.at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_ambiguous_local_time_typed_between_occurrences_is_the_coming_one() -> None:
    # 02:10 CET, the second pass through 02:xx; the first 02:30 (CEST) is 40 minutes ago.
    between = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    assert parse_when("02:30", between, BERLIN).at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parse_when("today 02:30", between, BERLIN).at == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert parse_when("+1h", between, BERLIN).at == datetime(2026, 10, 25, 2, 10, tzinfo=UTC)
    # 02:05 has passed in both occurrences: tomorrow.
    assert parse_when("02:05", between, BERLIN).at == datetime(2026, 10, 26, 1, 5, tzinfo=UTC)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_rejected(text: str) -> None:
    message = error(text)
    assert message.startswith("next contact: is empty")
    assert "tomorrow" in message


@pytest.mark.parametrize(
    "text",
    [
        "blah",
        "tomorow",
        "next week",
        "fri fri",
        "10",
        "+d",
        "+3x",
        "-3d",
        "3d",
        "2026-12-25 15:30 +03:00",
        "25/12/26",
        "25.12.26",
        "завтра вечером",
        "через пару дней",
        "٢٥.١٢",  # Arabic-Indic digits look like digits to \d, not to us
    ],
)
def test_garbage_is_rejected_with_examples(text: str) -> None:
    message = error(text)
    assert "is not a date or time" in message
    assert "try: now, today 15:00, tomorrow" in message
    assert "завтра в 15:00" in message


@pytest.mark.parametrize("text", ["in days", "через дней", "через недели"])
def test_a_plural_unit_needs_a_number(text: str) -> None:
    assert "needs a number" in error(text)


@pytest.mark.parametrize("text", ["31.02", "30.02.2027", "31.04.2026", "29.02.2027", "2026-02-30"])
def test_impossible_dates_are_rejected(text: str) -> None:
    assert "is not a date" in error(text)


@pytest.mark.parametrize(
    "text", ["25:00", "24:00", "15:60", "tomorrow 25:00", "25.12 99:99", "13pm", "0am", "3:75pm"]
)
def test_impossible_times_are_rejected(text: str) -> None:
    assert "is not a time" in error(text)


@pytest.mark.parametrize("text", ["+0d", "+0h", "in 0 days", "через 0 минут"])
def test_zero_amounts_are_rejected(text: str) -> None:
    assert "at least 1" in error(text)


@pytest.mark.parametrize(
    "text",
    [
        "+9999d",
        "+99999999999999999999d",
        "in 300 weeks",
        "+50000h",
        "через 2000 дней",
        "2032-01-01",
        "25.12.2031",
        "9999-12-31 23:59",
    ],
)
def test_more_than_five_years_ahead_is_rejected(text: str) -> None:
    assert "more than 5 years ahead" in error(text)


def test_five_years_ahead_is_the_limit() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert parse_when("2031-11-23 09:00", now, UTC).at == datetime(2031, 11, 23, 9, 0, tzinfo=UTC)
    assert "more than 5 years ahead" in error("2031-11-23 09:01", now, UTC)


@pytest.mark.parametrize(
    "text",
    [
        "25.12.2025",
        "2026-11-22",
        "today 09:00",
        "сегодня в 9:00",
        "2026-11-23 09:46",
        "2026-11-23T06:00Z",
        "0001-01-01",
    ],
)
def test_past_is_rejected(text: str) -> None:
    assert "is in the past" in error(text)


def test_a_minute_of_grace_for_the_past() -> None:
    # Typed at 09:47:13: 09:47 is fine (rounded "now"), 09:46 is more than a minute ago.
    assert local("2026-11-23 09:47") == datetime(2026, 11, 23, 9, 47)
    assert "is in the past" in error("2026-11-23 09:46")


@pytest.mark.parametrize(
    "text", ["+2h 15:00", "in 30 minutes 15:00", "через час в 15:00", "now 15:00"]
)
def test_a_time_of_day_cannot_follow_hours_minutes_or_now(text: str) -> None:
    assert "a time can follow a day only" in error(text)


def test_out_of_range_years_do_not_crash() -> None:
    assert "year 1 is not between 1900 and 2200" in error("0001-01-01T00:00+05:00")
    assert "is in the past" in error("0001-01-01 00:00")
    assert "more than 5 years ahead" in error("9999-12-31")


def test_error_names_the_field_quotes_the_text_and_is_one_line() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_when("  блабла\nещё  ", NOW, MOSCOW, field="follow-up")
    assert caught.value.field == "follow-up"
    assert caught.value.message.startswith("'блабла ещё' is not a date or time (try: ")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("follow-up: ")


def test_long_text_is_shortened_in_the_message() -> None:
    message = error("x" * 500)
    assert "x" * 39 + "…" in message
    assert len(message) < 300


# --- describe --------------------------------------------------------------------------------

MONDAY_NINE = datetime(2026, 11, 23, 9, 0, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri", "Fri 27 Nov 2026, 10:00 (in 4 days)"),
        ("today 15:00", "today 15:00 (in 6 h)"),
        ("today 10:30", "today 10:30 (in 1 h 30 min)"),
        ("+20m", "today 09:20 (in 20 min)"),
        ("+1m", "today 09:01 (in 1 min)"),
        ("now", "today 09:00 (now)"),
        ("tomorrow", "tomorrow 10:00"),
        ("завтра в 8:05", "tomorrow 08:05"),
        ("day after tomorrow", "Wed 25 Nov 2026, 10:00 (in 2 days)"),
        ("+1d 23:59", "tomorrow 23:59"),
        ("in 13 days", "Sun 6 Dec 2026, 09:00 (in 13 days)"),
        ("in 3 weeks", "Mon 14 Dec 2026, 09:00 (in 3 weeks)"),
        ("25.12", "Fri 25 Dec 2026, 10:00 (in 5 weeks)"),
        ("10.1", "Sun 10 Jan 2027, 10:00 (in 7 weeks)"),
        ("1.6", "Tue 1 Jun 2027, 10:00 (in 6 months)"),
        ("2029-11-23", "Fri 23 Nov 2029, 10:00 (in 3 years)"),
    ],
)
def test_describe(text: str, expected: str) -> None:
    assert describe(parse_when(text, MONDAY_NINE, MOSCOW), MONDAY_NINE) == expected


def test_describe_counts_from_the_minute_the_user_sees() -> None:
    # "+2h" typed at 09:00:45 is 11:00; the user expects "in 2 h", not "in 1 h 59 min".
    now = datetime(2026, 11, 23, 9, 0, 45, tzinfo=MOSCOW)
    assert describe(parse_when("+2h", now, MOSCOW), now) == "today 11:00 (in 2 h)"


def test_describe_uses_the_users_zone_whatever_nows_zone() -> None:
    understood = parse_when("today 15:00", MONDAY_NINE, MOSCOW)
    assert describe(understood, MONDAY_NINE.astimezone(NEW_YORK)) == "today 15:00 (in 6 h)"


def test_describe_a_moment_in_the_past() -> None:
    # parse_when never returns one, but an Understood can be built by hand or go stale.
    moment = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    stale = Understood(at=moment, local=moment.astimezone(MOSCOW), has_time=True)
    assert describe(stale, MONDAY_NINE) == "Fri 20 Nov 2026, 10:00 (3 days ago)"
    earlier_today = Understood(
        at=datetime(2026, 11, 23, 5, 30, tzinfo=UTC),
        local=datetime(2026, 11, 23, 8, 30, tzinfo=MOSCOW),
        has_time=True,
    )
    assert describe(earlier_today, MONDAY_NINE) == "today 08:30 (30 min ago)"


# --- properties ------------------------------------------------------------------------------

# Zones with unusual rules: half-hour DST, 45-minute offsets, the date line, no DST.
ZONES: list[tzinfo] = [
    UTC,
    MOSCOW,
    BERLIN,
    NEW_YORK,
    LORD_HOWE,
    KATHMANDU,
    ZoneInfo("Pacific/Chatham"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("America/Santiago"),
    ZoneInfo("Asia/Tehran"),
]
zones = st.one_of(st.sampled_from(ZONES), st.timezones())
nows = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=zones)

WEEKDAY_WORDS = [
    "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thurs", "thursday",
    "fri", "friday", "sat", "saturday", "sun", "sunday", "пн", "вт", "ср", "чт", "пт", "сб",
    "вс", "понедельник", "вторник", "среда", "среду", "четверг", "пятница", "пятницу",
    "суббота", "субботу", "воскресенье", "в пятницу", "во вторник", "on friday",
]  # fmt: skip
DAY_WORDS = ["tomorrow", "day after tomorrow", "завтра", "послезавтра", *WEEKDAY_WORDS]

clocks = st.one_of(
    st.builds("{}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    st.builds(
        "{}:{:02d}{}".format, st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm"])
    ),
    st.builds("{}{}".format, st.integers(1, 12), st.sampled_from(["am", " pm"])),
)
optional_clock = st.one_of(
    st.just(""), st.builds("{}{}".format, st.sampled_from([" ", " at ", " в "]), clocks)
)
# Amounts stay well inside five years for every unit.
relative_units = st.sampled_from(
    [
        (100_000, ["m", "min", "minutes", "минут", "минуты"]),
        (20_000, ["h", "hours", "часа", "часов"]),
        (1_500, ["d", "days", "дня", "дней"]),
        (200, ["w", "weeks", "недели", "недель"]),
    ]
)


@st.composite
def relative_forms(draw: st.DrawFn) -> str:
    limit, units = draw(relative_units)
    amount = draw(st.integers(1, limit))
    unit = draw(st.sampled_from(units))
    lead = draw(st.sampled_from(["+", "+ ", "in ", "через "]))
    clock = draw(optional_clock) if unit in ("d", "days", "дня", "дней", "w", "weeks") else ""
    return f"{lead}{amount} {unit}{clock}" if lead != "+" else f"+{amount}{unit}{clock}"


@st.composite
def day_month_forms(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))  # a leap year
    return f"{day.day}.{day.month:02d}{draw(optional_clock)}"


valid_forms = st.one_of(
    st.sampled_from(["now", "сейчас", "today", "сегодня"]),
    st.builds("{}{}".format, st.sampled_from(DAY_WORDS), optional_clock),
    st.builds("{}{}".format, st.sampled_from(["", "at ", "в "]), clocks),
    relative_forms(),
    day_month_forms(),
)


@settings(deadline=None)
@given(now=nows, zone=zones, text=valid_forms)
def test_any_valid_form_gives_a_future_utc_instant(now: datetime, zone: tzinfo, text: str) -> None:
    understood = parse_when(text, now, zone)
    # Arithmetic on `now` itself would be wall-clock arithmetic in its zone (and a generated
    # `now` may sit in a DST gap): compare instants.
    instant = now.astimezone(UTC)
    assert understood.at.tzinfo is UTC
    assert understood.at.second == understood.at.microsecond == 0
    assert understood.at >= instant - timedelta(minutes=1)
    assert understood.at <= instant + timedelta(days=5 * 366)
    assert understood.local.tzinfo is zone
    # Not `local == at`: Python says False across zones for a repeated hour's second pass.
    assert understood.local.astimezone(UTC) == understood.at
    assert understood.local.replace(tzinfo=None) == understood.at.astimezone(zone).replace(
        tzinfo=None
    )
    assert describe(understood, now)


@settings(deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2080, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
    minutes_ahead=st.integers(2, (5 * 365 - 2) * 24 * 60),
)
def test_exact_forms_round_trip(now: datetime, zone: tzinfo, minutes_ahead: int) -> None:
    wall_now = now.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    wanted = (wall_now + timedelta(minutes=minutes_ahead)).replace(tzinfo=zone)
    expected = wanted.astimezone(UTC)  # fold=0, as the parser reads it
    assume(expected >= now)  # a wall time can be ahead while the instant is not (fall back)
    for text in (wanted.strftime("%Y-%m-%d %H:%M"), wanted.strftime("%d.%m.%Y %H:%M")):
        understood = parse_when(text, now, zone)
        assert understood.at == expected, text
        assert understood.has_time


near_miss_text = st.text(
    alphabet="0123456789:.+-Tt Zz apm в завтрачерез дня недели часов мин fri tomorrow in days",
    max_size=24,
)


@settings(deadline=None)
@given(text=st.one_of(st.text(), near_miss_text), now=nows, zone=zones)
def test_any_text_either_parses_or_raises_validation_error(
    text: str, now: datetime, zone: tzinfo
) -> None:
    with contextlib.suppress(ValidationError):
        understood = parse_when(text, now, zone)
        assert understood.at >= now.astimezone(UTC) - timedelta(minutes=1)
        assert describe(understood, now)


# --- pushing a contact (the agenda's +1 day / +1 week) --------------------------------------

_MOSCOW = ZoneInfo("Europe/Moscow")
_PUSH_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 12:00 in Moscow


def _msk(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=_MOSCOW).astimezone(UTC)


@pytest.mark.parametrize(
    ("current", "days", "expected"),
    [
        (_msk(23, 15), 1, _msk(24, 15)),  # later today: tomorrow, same time
        (_msk(25, 9), 7, _msk(2, 9, month=12)),  # ahead: a week later
        (_msk(22, 10), 1, _msk(24, 10)),  # yesterday's: tomorrow, not today
        (_msk(16, 10), 7, _msk(30, 10)),  # a week overdue: a week from today
        (None, 1, _msk(24, 10)),  # none: tomorrow at the default hour
    ],
)
def test_pushing_a_contact(current: datetime | None, days: int, expected: datetime) -> None:
    assert pushed(current, days, _PUSH_NOW, _MOSCOW) == expected


def test_pushing_keeps_the_wall_clock_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2026, 10, 24, 10, 0, tzinfo=berlin)
    now = datetime(2026, 10, 24, 8, 0, tzinfo=berlin)
    assert pushed(before, 1, now, berlin).astimezone(berlin).hour == 10


@given(
    current=st.none()
    | st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)),
    days=st.integers(1, 30),
)
def test_a_pushed_contact_is_always_in_the_future(current: datetime | None, days: int) -> None:
    assert pushed(current, days, _PUSH_NOW, _MOSCOW) > _PUSH_NOW


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_msk(23, 12), _msk(23, 14)),  # noon: two hours later
        (_msk(23, 16), _msk(23, 18)),  # 18:00 is still a working hour
        (_msk(23, 17), _msk(24, 10)),  # 19:00 is too late: tomorrow morning
        (_msk(23, 23), _msk(24, 10)),  # late at night: tomorrow, not the day after
    ],
)
def test_an_unanswered_call_is_retried_later_today_or_next_morning(
    now: datetime, expected: datetime
) -> None:
    assert retry_later(now, _MOSCOW) == expected


def test_due_state_is_overdue_before_now_and_today_until_local_midnight() -> None:
    now = _PUSH_NOW  # 12:00 in Moscow
    assert due_state(now - timedelta(minutes=1), now, _MOSCOW) is Due.OVERDUE
    assert due_state(now, now, _MOSCOW) is Due.TODAY
    assert due_state(_msk(23, 23), now, _MOSCOW) is Due.TODAY
    assert due_state(_msk(24, 0), now, _MOSCOW) is Due.LATER
