"""Validation in one layer: each rule by example, then properties over arbitrary input.

The properties: for any text, the money parser, the date parsers, the next-contact parser and
each validator either give a valid value or raise the documented ValidationError (one line,
naming its field); nothing else escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui.domain.dates import (
    MAX_YEAR,
    MIN_YEAR,
    check_moment,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_utc,
)
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import PipelineSpec, StageKind, StageSpec
from funnel_tui.domain.money import (
    _ISO_CODES,
    MAX_MINOR,
    Money,
    check_money,
    currency_exponent,
    normalize_currency,
    parse_money,
)
from funnel_tui.domain.pipeline_rules import (
    MAX_LABEL,
    check_name_free,
    check_pipeline_spec,
    check_unique_names,
    clean_label,
)
from funnel_tui.domain.validation import (
    MAX_BODY,
    MAX_NAME,
    MAX_SOURCE,
    MAX_TAG,
    MAX_TITLE,
    clean_company,
    clean_contact,
    clean_duration,
    clean_email,
    clean_login,
    clean_long_text,
    clean_note,
    clean_phone,
    clean_source,
    clean_tags,
    clean_text,
    clean_title,
)
from funnel_tui.domain.when import MAX_YEARS_AHEAD, parse_when
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.plans import parse_month

NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")


def refused(field: str, call: Callable[..., object], *args: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    assert caught.value.field == field
    assert "\n" not in str(caught.value)
    return caught.value.message


# --- lengths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clean", "field", "limit"),
    [
        (clean_title, "title", MAX_TITLE),
        (clean_company, "company", MAX_NAME),
        (clean_contact, "contact", MAX_NAME),
        (clean_source, "source", MAX_SOURCE),
        (lambda text: clean_long_text("loss note", text), "loss note", MAX_BODY),
        (lambda text: clean_note(text, required=True), "note", MAX_BODY),
        (lambda text: clean_tags([text]), "tags", MAX_TAG),
        (lambda text: clean_label("stage", text), "stage", MAX_LABEL),
    ],
)
def test_each_length_limit_is_inclusive(
    clean: Callable[[str], object], field: str, limit: int
) -> None:
    assert clean("я" * limit)
    assert clean(f"  {'я' * limit}\n")  # surrounding spaces do not count
    assert f"longer than {limit} characters" in refused(field, clean, "я" * (limit + 1))


def test_the_documented_limits() -> None:
    assert (MAX_TITLE, MAX_BODY) == (200, 20_000)


# --- money ---------------------------------------------------------------------------------


def test_the_largest_amount_is_ten_to_the_thirteenth_minor_units() -> None:
    assert MAX_MINOR == 10**13
    assert parse_money("100 000 000 000,00", "RUB") == Money(MAX_MINOR, "RUB")
    assert "too large" in refused("value", parse_money, "100 000 000 000,01", "RUB")
    assert "10,000,000,000,000 minor units" in refused(
        "value", parse_money, "10000000000001", "JPY"
    )
    assert check_money(Money(MAX_MINOR, "RUB")) == Money(MAX_MINOR, "RUB")
    assert "too large" in refused("value", check_money, Money(MAX_MINOR + 1, "RUB"))


@pytest.mark.parametrize("amount", [0.1, 1500.0, float("nan"), True])
def test_a_float_is_never_an_amount(amount: object) -> None:
    assert "not an exact amount" in refused("value", Money.from_major, cast(Any, amount), "RUB")
    assert "whole number" in refused("value", check_money, Money(cast(Any, amount), "RUB"))


@pytest.mark.parametrize("text", ["-1", "-0.01", "- 5", "−5", "-1 500 RUB", "RUB -5"])
def test_a_negative_amount_is_refused(text: str) -> None:
    refused("value", parse_money, text, "RUB")
    assert "negative" in refused("value", check_money, Money(-1, "RUB"))


def test_currencies_are_iso_4217() -> None:
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in _ISO_CODES)
    assert {"RUB", "USD", "EUR", "JPY", "KWD", "KZT", "VED", "VES", "ZWG", "SLE"} <= _ISO_CODES
    # Withdrawn (HRK 2023, CUC 2021, BYR 2016, LTL 2015), funds and metals are not currencies.
    assert not {"HRK", "CUC", "BYR", "LTL", "XAU", "XDR", "BOV", "USN"} & _ISO_CODES
    assert normalize_currency(" usd ") == "USD"
    assert normalize_currency("₽") == "RUB"
    assert "unknown currency" in refused("currency", normalize_currency, "XYZ")
    assert "unknown currency" in refused("currency", check_money, Money(1, "XYZ"))
    assert check_money(Money(1, "usd")) == Money(1, "USD")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1900-01-01", "01.01.1900", "2200-12-31", "29.02.2028"])
def test_dates_within_the_years_are_accepted(text: str) -> None:
    assert MIN_YEAR <= parse_date(text).year <= MAX_YEAR


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1899-12-31", "year 1899 is not between 1900 and 2200"),
        ("01.01.2201", "year 2201 is not between 1900 and 2200"),
        ("0001-01-01", "year 1 is not between"),
        ("9999-12-31", "year 9999 is not between"),
        ("31.04.2026", "is not a date"),
        ("29.02.2027", "is not a date"),
        ("2026-02-30", "is not a date"),
        ("2026-13-01", "is not a date"),
        ("00.01.2026", "is not a date"),
    ],
)
def test_bad_dates_are_refused(text: str, message: str) -> None:
    assert message in refused("expected_close", parse_date, text, "expected_close")


@pytest.mark.parametrize(
    "text", ["1899-12-31 23:00", "2201-01-01T00:00Z", "0001-01-01T00:00+05:00", "31.12.9999"]
)
def test_timestamps_outside_the_years_are_refused(text: str) -> None:
    assert "is not between 1900 and 2200" in refused("at", parse_datetime, text, "at", UTC)


def test_imported_timestamps_and_months_keep_to_the_years() -> None:
    assert "is not between" in refused(
        "created_at", parse_utc, "1800-01-01T00:00:00Z", "created_at"
    )
    assert parse_utc("2200-12-31T23:59:59Z", "x").year == 2200
    assert "is not between" in refused("month", parse_month, "1899-12")
    assert parse_month("12.2200") == date(2200, 12, 1)


def test_at_on_the_services_keeps_to_the_years() -> None:
    context = ServiceContext(cast(Any, None), login="anna")
    assert context.moment(datetime(2026, 1, 1, 12, tzinfo=MOSCOW)) == datetime(
        2026, 1, 1, 9, tzinfo=UTC
    )
    assert "needs a time zone" in refused("at", context.moment, datetime(2026, 1, 1))
    assert "is not between" in refused("at", context.moment, datetime(1850, 1, 1, tzinfo=UTC))
    assert "is not between" in refused(
        "next contact", check_moment, datetime(2300, 1, 1, tzinfo=UTC), "next contact"
    )


# DST: a local time in a spring-forward gap moves forward by the gap; a repeated (fall-back)
# time is its first occurrence. Wall time typed -> the UTC instant it means.
DST_CASES = [
    # America/New_York, 2026-03-08: 02:00 EST -> 03:00 EDT. 02:30 is 03:30 EDT.
    (NEW_YORK, "2026-03-08 02:30", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
    (NEW_YORK, "08.03.2026 02:00", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    # 2026-11-01: 02:00 EDT -> 01:00 EST. 01:30 happens twice: the first one is EDT.
    (NEW_YORK, "2026-11-01 01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    # Europe/Moscow, 2010-03-28: 02:00 MSK (+3) -> 03:00 MSD (+4).
    (MOSCOW, "2010-03-28 02:30", datetime(2010, 3, 27, 23, 30, tzinfo=UTC)),
    # 2011-03-27: the last spring-forward, to permanent +4.
    (MOSCOW, "27.03.2011 02:15", datetime(2011, 3, 26, 23, 15, tzinfo=UTC)),
    # 2010-10-31: 03:00 MSD -> 02:00 MSK; 02:30 twice, the first at +4.
    (MOSCOW, "2010-10-31 02:30", datetime(2010, 10, 30, 22, 30, tzinfo=UTC)),
    # 2014-10-26: 02:00 (+4) -> 01:00 (+3), back to permanent +3; 01:30 first at +4.
    (MOSCOW, "2014-10-26 01:30", datetime(2014, 10, 25, 21, 30, tzinfo=UTC)),
    # 1918-05-31 22:00: a two-hour gap (+2:31:19 -> +4:31:19); 23:30 moves to 01:30.
    (MOSCOW, "1918-05-31 23:30", datetime(1918, 5, 31, 20, 58, 41, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "text", "expected"), DST_CASES)
def test_dst_gaps_move_forward_and_repeats_take_the_first(
    zone: tzinfo, text: str, expected: datetime
) -> None:
    assert parse_datetime(text, "at", zone) == expected


@pytest.mark.parametrize(
    ("zone", "text", "now", "expected"),
    [
        # Typed a week before: the gap moves the contact forward by an hour.
        (NEW_YORK, "2027-03-14 02:30", datetime(2027, 3, 7, tzinfo=UTC),
         datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),
        (NEW_YORK, "14.03 02:30", datetime(2027, 3, 7, tzinfo=UTC),
         datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),
        (NEW_YORK, "2027-11-07 01:30", datetime(2027, 11, 1, tzinfo=UTC),
         datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
        (MOSCOW, "2010-03-28 02:30", datetime(2010, 3, 20, tzinfo=UTC),
         datetime(2010, 3, 27, 23, 30, tzinfo=UTC)),
        (MOSCOW, "31.10 02:30", datetime(2010, 10, 20, tzinfo=UTC),
         datetime(2010, 10, 30, 22, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_next_contact_dst_rules(zone: tzinfo, text: str, now: datetime, expected: datetime) -> None:
    assert parse_when(text, now, zone).at == expected


# --- e-mails and phones --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["+7 (900) 000-00-00", "8 900 000 00 00", "12345", "+1.555.123.4567 ext. 12",
             "+49 30 1234567 x9", "8 800 100-00-00 доб. 123", "+7\u00a0900\u00a0000-00-00"]
)  # fmt: skip
def test_phones_accepted(text: str) -> None:
    assert clean_phone(text) == text.strip()


@pytest.mark.parametrize(
    "text", ["1234", "12-34", "call me", "+7 900 abc", "١٢٣٤٥٦٧", "12345 ext", "++7 900 000",
             "1" * 18, "+7 900\n000 00 00"]
)  # fmt: skip
def test_phones_refused(text: str) -> None:
    refused("phone", clean_phone, text)


def test_an_email_needs_one_at_and_a_dotted_domain() -> None:
    assert clean_email("a@b.co") == "a@b.co"
    for text in ("a@b", "a@@b.co", "a@b@c.co", "@b.co", "a@.co", "a b@c.co", "a@b.co."):
        refused("email", clean_email, text)
    assert "longer than 254" in refused("email", clean_email, "a" * 250 + "@b.co")


# --- names unique per scope ----------------------------------------------------------------


def _spec(*names: str, reasons: tuple[str, ...] = ()) -> PipelineSpec:
    stages = tuple(StageSpec(name) for name in names)
    closing = (StageSpec("Won", StageKind.WON, 100), StageSpec("Lost", StageKind.LOST))
    return PipelineSpec("Sales", stages + closing, reasons)


def test_stage_names_are_unique_within_a_pipeline_ignoring_case() -> None:
    check_pipeline_spec(_spec("Call", "Meeting"))
    message = refused("stage", check_pipeline_spec, _spec("Meeting", " meeting "))
    assert message == "a stage in this pipeline named 'meeting' exists ('Meeting')"
    refused("stage", check_pipeline_spec, _spec("Встреча", "ВСТРЕЧА"))
    refused("stage", check_pipeline_spec, _spec("Won"))  # also against won/lost
    refused("loss_reasons", check_pipeline_spec, _spec("Call", reasons=("Price", "price")))
    refused("loss_reasons", check_pipeline_spec, _spec("Call", reasons=("Price", " ")))
    refused("stage", check_pipeline_spec, _spec("Call", "x" * (MAX_LABEL + 1)))
    refused("stage", check_pipeline_spec, _spec("Call", "two\nlines"))
    refused("pipeline", check_pipeline_spec, PipelineSpec(" ", _spec("Call").stages))


def test_one_function_decides_a_name_is_taken() -> None:
    check_name_free("pipeline", "Sales", ["Refusals", "Sales 2"], "pipeline")
    assert (
        refused("pipeline", check_name_free, "pipeline", " SALES ", ["Sales"], "pipeline")
        == "a pipeline named 'SALES' exists ('Sales')"
    )
    check_unique_names("stage", ["a", "b", "c"], "stage")
    refused("stage", check_unique_names, "stage", ["a", "b", "A"], "stage")


# --- properties: arbitrary text gives a valid value or the documented error ------------------

texts = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .,:-+/TZz@()x'₽$€", max_size=30),
    st.text(max_size=25_000).map(lambda s: s * 2),
)
money_texts = st.one_of(
    texts,
    st.text(st.sampled_from(list("0123456789 ,.'-+$₽€¥eE\u00a0\u202fRUBusdKWDJPY")), max_size=30),
)
currencies = st.sampled_from(["RUB", "USD", "JPY", "KWD", "EUR", "nope", "₽", ""])


def _either(call: Callable[[], object], field: str | None = None) -> object | None:
    """The value, or None after the documented ValidationError (one line, naming `field`)."""
    try:
        return call()
    except ValidationError as err:
        assert "\n" not in str(err)
        assert err.message
        assert len(str(err)) <= 400  # whatever was typed, the message stays a short line
        if field is not None:
            assert err.field == field
        return None


@given(text=money_texts, currency=currencies)
def test_money_parser_gives_a_valid_amount_or_the_documented_error(
    text: str, currency: str
) -> None:
    money = _either(lambda: parse_money(text, currency))
    if money is not None:
        assert isinstance(money, Money)
        assert type(money.minor) is int
        assert 0 <= money.minor <= MAX_MINOR
        assert money.currency in _ISO_CODES
        assert check_money(money) == money


@given(minor=st.integers(0, MAX_MINOR), currency=st.sampled_from(sorted(_ISO_CODES)))
def test_money_formatted_then_parsed_is_the_same(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    text = money.to_decimal_string()
    assert parse_money(text, currency) == money
    assert parse_money(f"{text} {currency}", "RUB") == money
    assert Money.from_major(text, currency) == money
    assert Money.from_major(money.major, currency) == money
    assert currency_exponent(currency) in (0, 2, 3)


@given(minor=st.integers(MAX_MINOR + 1, 10**30) | st.integers(max_value=-1))
def test_amounts_out_of_range_are_refused_however_given(minor: int) -> None:
    money = Money(minor, "RUB")
    refused("value", check_money, money)
    refused("value", parse_money, money.to_decimal_string(), "RUB")
    refused("value", Money.from_major, money.major, "RUB")


@given(text=texts)
def test_date_parsers_give_a_date_in_range_or_the_documented_error(text: str) -> None:
    day = _either(lambda: parse_date(text, "expected_close"), "expected_close")
    if day is not None:
        assert isinstance(day, date)
        assert MIN_YEAR <= day.year <= MAX_YEAR
    moment = _either(lambda: parse_datetime(text, "at", NEW_YORK), "at")
    if moment is not None:
        assert isinstance(moment, datetime) and moment.tzinfo is UTC
    moment = _either(lambda: parse_utc(text, "created_at"), "created_at")
    if moment is not None:
        assert isinstance(moment, datetime) and moment.tzinfo is UTC
    _either(lambda: parse_duration(text), "duration")
    month = _either(lambda: parse_month(text), "month")
    if month is not None:
        assert MIN_YEAR <= cast(date, month).year <= MAX_YEAR


@given(day=st.dates(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)))
def test_dates_formatted_then_parsed_are_the_same(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d.%m.") + f"{day.year:04d}") == day


zones = st.sampled_from([UTC, NEW_YORK, MOSCOW, ZoneInfo("Europe/Berlin")])


@given(
    wall=st.datetimes(datetime(MIN_YEAR, 1, 2), datetime(MAX_YEAR, 12, 30)).map(
        lambda moment: moment.replace(second=0, microsecond=0, fold=0)  # text has no fold
    ),
    zone=zones,
)
def test_a_local_time_is_read_with_fold_zero(wall: datetime, zone: tzinfo) -> None:
    """Gaps move forward by the gap, repeats take the first occurrence: fold=0 exactly."""
    expected = wall.replace(tzinfo=zone).astimezone(UTC)
    assert parse_datetime(wall.strftime("%Y-%m-%d %H:%M"), "at", zone) == expected
    # Shown again, it is the wall time typed, or (in a gap) that time moved forward by
    # exactly the gap (Moscow's 1918 gap was two hours).
    shown = expected.astimezone(zone).replace(tzinfo=None)
    offset_before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    offset_after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    assert offset_before is not None and offset_after is not None
    assert shown in (wall, wall + (offset_after - offset_before))
    assert shown >= wall


nows = st.datetimes(datetime(1990, 1, 1), datetime(2190, 1, 1), timezones=st.just(UTC))


@settings(deadline=None)
@given(text=st.one_of(texts, st.sampled_from(["+3d", "fri 10:00", "31.02", "9999-01-01"])),
       now=nows, zone=zones)  # fmt: skip
def test_next_contact_parser_gives_an_allowed_moment_or_the_documented_error(
    text: str, now: datetime, zone: tzinfo
) -> None:
    understood = _either(lambda: parse_when(text, now, zone, field="next contact"), "next contact")
    if understood is not None:
        at = cast(Any, understood).at
        assert at.tzinfo is UTC
        assert now - timedelta(minutes=1) <= at <= now + timedelta(days=366 * MAX_YEARS_AHEAD)
        assert MIN_YEAR <= at.year <= MAX_YEAR
        assert check_moment(at, "next contact") == at


@settings(deadline=None)
@given(
    now=st.datetimes(datetime(2000, 1, 1), datetime(2190, 1, 1), timezones=st.just(UTC)),
    zone=st.sampled_from([NEW_YORK, MOSCOW]),
    days=st.integers(1, 365 * MAX_YEARS_AHEAD - 1),
    # Typed text has no fold: a repeated time is read as its first occurrence (fold=0).
    clock=st.times().map(lambda t: t.replace(second=0, microsecond=0, fold=0)),
)
def test_a_next_contact_typed_as_a_date_and_time_reads_back(
    now: datetime, zone: tzinfo, days: int, clock: time
) -> None:
    day = now.astimezone(zone).date() + timedelta(days=days)
    understood = parse_when(f"{day.isoformat()} {clock:%H:%M}", now, zone)
    assert understood.at == datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
    assert MIN_YEAR <= understood.at.year <= MAX_YEAR


validators: list[tuple[str, Callable[[str], object]]] = [
    ("title", clean_title),
    ("company", clean_company),
    ("contact", clean_contact),
    ("source", clean_source),
    ("email", clean_email),
    ("phone", clean_phone),
    ("tags", lambda text: clean_tags(text.split(","))),
    ("login", clean_login),
    ("note", lambda text: clean_note(text, required=True)),
    ("loss note", lambda text: clean_long_text("loss note", text)),
    ("name", lambda text: clean_text("name", text)),
    ("stage", lambda text: clean_label("stage", text)),
    ("currency", normalize_currency),
]


@given(text=texts, which=st.sampled_from(validators))
def test_each_validator_gives_a_clean_value_or_the_documented_error(
    text: str, which: tuple[str, Callable[[str], object]]
) -> None:
    field, validate = which
    value = _either(lambda: validate(text), field)
    if isinstance(value, str):
        assert value == value.strip()
        assert value  # empties become None, never ""
        assert len(value) <= MAX_BODY
        assert validate(value) == value  # cleaning is idempotent
    if field == "email" and value is not None:
        local, _, domain = cast(str, value).partition("@")
        assert local and "." in domain and "@" not in domain
    if field == "phone" and value is not None:
        assert sum(char in "0123456789" for char in cast(str, value)) >= 5


@given(seconds=st.integers(-(10**6), 10**6) | st.none())
def test_durations_are_within_a_day(seconds: int | None) -> None:
    value = _either(lambda: clean_duration(seconds), "duration")
    if seconds is not None and value is not None:
        assert 0 <= cast(int, value) <= 24 * 3600


@given(amount=st.decimals(allow_nan=True, allow_infinity=True) | st.integers() | texts)
def test_from_major_gives_an_amount_or_the_documented_error(amount: Decimal | int | str) -> None:
    money = _either(lambda: Money.from_major(amount, "RUB"), "value")
    if money is not None:
        assert 0 <= cast(Money, money).minor <= MAX_MINOR
