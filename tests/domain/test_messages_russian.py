"""The domain's messages in Russian, and unchanged in English (issue 14). The `russian`
fixture (tests/conftest.py) switches the interface to Russian."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui import i18n
from funnel_tui.domain.dates import parse_date, parse_duration
from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import Pipeline, Stage, StageKind
from funnel_tui.domain.money import parse_money
from funnel_tui.domain.validation import clean_tags, clean_title
from funnel_tui.domain.when import describe, parse_when

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday, 12:00 in Moscow


def message_of(action: object) -> str:
    assert callable(action)
    with pytest.raises((ValidationError, NotFoundError)) as caught:
        action()
    return str(caught.value)


def bad_amount() -> object:
    return parse_money("12abc34", "RUB")


def bad_date() -> object:
    return parse_date("31.04.2026", "expected_close")


def test_english_messages_are_unchanged() -> None:
    assert message_of(bad_amount) == "value: not an amount: '12abc34'"
    assert message_of(bad_date) == "expected_close: '31.04.2026' is not a date (use 12/25/2026)"
    assert message_of(lambda: clean_title("  ")) == "title: is empty"
    assert message_of(lambda: parse_duration("soon")) == (
        "duration: 'soon' is not a duration (use 90s, 3m, 1h30m or 2:30)"
    )
    assert message_of(lambda: clean_tags([f"t{n}" for n in range(21)])) == "tags: at most 20 tags"
    assert message_of(lambda: parse_when("someday", NOW, MOSCOW)).startswith(
        "next contact: 'someday' is not a date or time (try: now, today 15:00"
    )


@pytest.mark.usefixtures("russian")
def test_russian_messages() -> None:
    assert message_of(bad_amount) == "сумма: не сумма: '12abc34'"
    assert message_of(bad_date) == (
        "ожидаемое закрытие: '31.04.2026' — не дата (пишите 25.12.2026)"
    )
    assert message_of(lambda: clean_title("  ")) == "название: не заполнено"
    assert message_of(lambda: clean_tags([f"t{n}" for n in range(21)])) == (
        "теги: не больше 20 тегов"
    )
    assert message_of(lambda: parse_when("someday", NOW, MOSCOW)).startswith(
        "следующий контакт: 'someday' — не дата и не время (например: сейчас, сегодня 15:00"
    )


@pytest.mark.usefixtures("russian")
def test_a_missing_stage_is_reported_in_russian() -> None:
    stage = Stage(1, 1, "Lead", 0, StageKind.OPEN, 10)
    pipeline = Pipeline(1, "Sales", 0, (stage,))
    assert message_of(lambda: pipeline.stage(7)) == "этапа 7 нет в воронке 'Sales'"


@pytest.mark.usefixtures("russian")
def test_the_examples_in_russian_are_forms_the_parser_reads() -> None:
    for example in ("сейчас", "сегодня 15:00", "завтра", "пт 10:00", "+3д", "через 2 часа"):
        parse_when(example, NOW, MOSCOW)


def test_describe_in_english_and_russian(request: pytest.FixtureRequest) -> None:
    later = parse_when("2026-12-25 15:30", NOW, MOSCOW)
    today = parse_when("15:00", NOW, MOSCOW)
    tomorrow = parse_when("tomorrow 10:00", NOW, MOSCOW)
    english = [describe(u, NOW) for u in (later, today, tomorrow)]
    assert english == [
        "Fri 25 Dec 2026, 15:30 (in 5 weeks)",
        "today 15:00 (in 3 h)",
        "tomorrow 10:00",
    ]
    request.getfixturevalue("russian")
    russian = [describe(u, NOW) for u in (later, today, tomorrow)]
    assert russian == [
        "пт, 25 дек. 2026, 15:30 (через 5 недель)",
        "сегодня 15:00 (через 3 ч)",
        "завтра 10:00",
    ]


@pytest.mark.usefixtures("russian")
def test_russian_plurals_of_days() -> None:
    for text, days in (("+2d", "2 дня"), ("+5d", "5 дней"), ("+11d", "11 дней")):
        assert describe(parse_when(text, NOW, MOSCOW), NOW).endswith(f"(через {days})")
    assert describe(parse_when("+3w", NOW, MOSCOW), NOW).endswith("(через 3 недели)")
    assert describe(parse_when("+9w", NOW, MOSCOW), NOW).endswith("(через 2 месяца)")


def test_english_plurals_of_weeks_and_months() -> None:
    assert describe(parse_when("+3w", NOW, MOSCOW), NOW).endswith("(in 3 weeks)")
    assert describe(parse_when("+9w", NOW, MOSCOW), NOW).endswith("(in 2 months)")


def test_english_plurals_of_days() -> None:
    assert describe(parse_when("+2d", NOW, MOSCOW), NOW).endswith("(in 2 days)")
    assert describe(parse_when("+3d", NOW, MOSCOW), NOW).endswith("(in 3 days)")


@given(st.text(max_size=30))
def test_parse_money_succeeds_or_says_why_in_both_languages(text: str) -> None:
    for language in ("en", "ru"):
        i18n.set_language(language)
        try:
            parse_money(text, "RUB")
        except ValidationError as err:
            assert err.message.strip()
            assert str(err).strip()
        finally:
            i18n.set_language("en")


def test_every_parse_date_failure_has_a_message() -> None:
    assert message_of(lambda: parse_date(date(2026, 1, 1).isoformat() + "x"))
