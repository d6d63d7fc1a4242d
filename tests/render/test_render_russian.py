"""The charts, tables and words of the render layer in Russian: headings, plural forms of
counts, Russian number style, months in words; and English exactly as it was."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import Activity, ActivityKind, Direction, Outcome
from funnel_tui.render.chart_parts import deals, format_days, format_duration, number
from funnel_tui.render.format import relative_time
from funnel_tui.render.funnel_chart import FunnelChart, format_conversion
from funnel_tui.render.funnel_table import stage_table, summary_line
from funnel_tui.render.kpi_tiles import KpiTiles
from funnel_tui.render.plan_chart import PlanChart
from funnel_tui.render.timeline import event_text, timeline_text
from funnel_tui.render.timeline import format_duration as call_duration
from funnel_tui.services.deal_view import TimelineEntry
from tests.render.metrics_support import assert_fits, clear_rich_environment, plain
from tests.render.test_funnel_chart import B2B_COHORT, B2B_SNAPSHOT
from tests.render.test_metrics_kpi_tiles import MONTH
from tests.render.test_metrics_plan_chart import NOVEMBER

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def plain_rich_in_russian(monkeypatch: pytest.MonkeyPatch, russian: None) -> None:
    clear_rich_environment(monkeypatch)


# The funnel: chart and table


@pytest.mark.parametrize("width", [40, 80, 160])
def test_the_funnel_chart_speaks_russian_and_fits(width: int) -> None:
    output = plain(FunnelChart(B2B_COHORT, UTC), width)
    assert_fits(output, width)
    assert output.startswith("New clients · по когорте")
    flat = " ".join(output.split())  # narrow, a sentence wraps between words
    for said in (
        "все ответственные",
        "⚠ узкое место",
        "вся воронка 0 %",
        "120 сделок в когорте",
        "выиграно: 0, проиграно: 70",
        "★ ключевой этап",
        "суммы в RUB; сделки в USD, EUR посчитаны, но не суммированы",
    ):
        assert said in flat
    for english in ("reached", "cohort", "bottleneck", "whole funnel", "deals", "key stage"):
        assert english not in output


def test_the_funnel_chart_headings_in_russian() -> None:
    output = plain(FunnelChart(B2B_COHORT, UTC), 120)
    headings = next(line for line in output.splitlines() if "дошли" in line).split()
    assert headings == ["дошли", "в", "работе", "сумма", "отказ"]


def test_the_snapshot_view_in_russian() -> None:
    output = plain(FunnelChart(B2B_SNAPSHOT, UTC), 100)
    assert "срез на сегодня" in output
    assert "101 сделка в работе" in output  # 101: the form of 1
    headings = next(line for line in output.splitlines() if "сделки" in line).split()
    assert headings == ["сделки", "сумма", "взвеш."]


def test_the_stacked_chart_counts_in_russian() -> None:
    output = plain(FunnelChart(B2B_COHORT, UTC), 40)
    assert "дошли: 120" in output
    assert "в работе: 15" in output


def test_the_funnel_table_headings_and_summary_in_russian() -> None:
    table = plain(stage_table(B2B_COHORT, 80), 80)
    assert table.splitlines()[0].split() == [
        "этап",
        "дошли",
        "→",
        "след.",
        "отказ",
        "в",
        "работе",
        "RUB",
        "взвеш.",
    ]
    assert_fits(table, 80)
    narrow = plain(stage_table(B2B_COHORT, 60), 60)
    assert "конв." in narrow.splitlines()[0]
    summary = summary_line(B2B_COHORT).plain
    assert summary.startswith("Вся воронка: 0 % (выиграно 0 из 120, дошедших до первого этапа;")
    assert "Узкое место: Negotiation → Contract (0 %)" in summary
    assert "Суммы в RUB; сделки в USD, EUR посчитаны, но не суммированы." in summary


def test_the_inverse_funnel_in_russian_says_stage_or_stages() -> None:
    one = dataclasses.replace(B2B_COHORT, inverse_at=(2,))
    assert "Обратная воронка: на этапе Proposal sent больше сделок" in summary_line(one).plain
    two = dataclasses.replace(B2B_COHORT, inverse_at=(2, 3))
    said = summary_line(two).plain
    assert "на этапах Proposal sent, Negotiation больше сделок" in said


# Counts, numbers and durations


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (1, "1 сделка"),
        (2, "2 сделки"),
        (4, "4 сделки"),
        (5, "5 сделок"),
        (11, "11 сделок"),
        (21, "21 сделка"),
        (22, "22 сделки"),
        (1234, f"1{NBSP}234 сделки"),
    ],
)
def test_deals_take_the_russian_plural_forms(count: int, said: str) -> None:
    assert deals(count) == said


def test_numbers_group_and_decimals_the_russian_way() -> None:
    assert number(1_234_567) == f"1{NBSP}234{NBSP}567"
    assert format_conversion(Fraction(45, 1000)) == "4,5 %"
    assert format_conversion(Fraction(1, 10_000)) == "<0,1 %"
    assert format_conversion(Fraction(63, 100)) == "63 %"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (Fraction(1), "1,0 дня"),
        (Fraction(7, 2), "3,5 дня"),
        (Fraction(21), "21 день"),
        (Fraction(23), "23 дня"),
        (Fraction(25), "25 дней"),
    ],
)
def test_days_in_russian(days: Fraction, said: str) -> None:
    assert format_days(days) == said


def test_durations_in_russian() -> None:
    assert format_duration(timedelta(minutes=45)) == "45 мин"
    assert format_duration(timedelta(hours=5, minutes=30)) == "5,5 ч"
    assert format_duration(timedelta(days=3, hours=12)) == "3,5 дн."
    assert call_duration(45) == "45 с"
    assert call_duration(180) == "3 мин"
    assert call_duration(200) == "3 мин 20 с"
    assert call_duration(3900) == "1 ч 05 мин"


# Relative times


@pytest.mark.usefixtures("moscow_time")
@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (timedelta(seconds=-30), "только что"),
        (timedelta(minutes=-5), "5 мин назад"),
        (timedelta(hours=-2), "2 ч назад"),
        (timedelta(hours=-14), "вчера 22:00"),
        (timedelta(days=-2), "2 дня назад"),
        (timedelta(days=-5), "5 дней назад"),
        (timedelta(days=-30), "24 окт."),
        (timedelta(days=-400), "19.10.2025"),
        (timedelta(minutes=20), "через 20 мин"),
        (timedelta(hours=2), "через 2 ч"),
        (timedelta(hours=22), "завтра 10:00"),
        (timedelta(days=2), "через 2 дня"),
        (timedelta(days=5), "через 5 дней"),
    ],
)
def test_relative_time_in_russian(delta: timedelta, said: str) -> None:
    assert relative_time(NOW + delta, NOW) == said


def test_the_forms_of_a_day_in_russian() -> None:
    """relative_time says "вчера" for one day: the catalog still has all three forms."""
    from funnel_tui.i18n import ngettext

    said = [ngettext("{n} day ago", "{n} days ago", n).format(n=n) for n in (1, 2, 5, 11, 21, 24)]
    assert said == [
        "1 день назад",
        "2 дня назад",
        "5 дней назад",
        "11 дней назад",
        "21 день назад",
        "24 дня назад",
    ]
    assert [ngettext("in {n} day", "in {n} days", n).format(n=n) for n in (1, 3, 6)] == [
        "через 1 день",
        "через 3 дня",
        "через 6 дней",
    ]


# The metrics charts and the timeline


def test_kpi_tiles_in_russian() -> None:
    output = plain(KpiTiles(MONTH, UTC), 100)
    assert output.startswith("KPI · New clients · 01.11.2026 – 30.11.2026")
    assert "в сравнении с 01.10.2026 – 31.10.2026" in output
    for label in ("Новые лиды", "Доля побед", "Цикл сделки, медиана", "Выиграно"):
        assert label in output
    assert "п.п." in output
    assert "было " in output
    assert "/день" in output


def test_plan_chart_in_russian() -> None:
    output = plain(PlanChart(NOVEMBER), 100)
    assert "План · New clients · ноябрь 2026" in output
    assert "выиграно 2\u00a0100\u00a0000\u00a0₽ (8 сделок)" in output
    assert "нужно выиграть 20 сделок" in output
    for heading in ("этап", "дошли", "нужно", "недобор", "шансы"):
        assert heading in output
    no_plan = dataclasses.replace(NOVEMBER, plan=None, required_wins=None)
    said = plain(PlanChart(no_plan), 100)
    assert "Нет плана на ноябрь 2026: задайте его командой `funnel plan set`" in said


def test_timeline_in_russian() -> None:
    call = Activity(
        1, 7, ActivityKind.CALL, NOW - timedelta(hours=2), 1, Direction.OUT, Outcome.BUSY, 180, ""
    )
    line = timeline_text(TimelineEntry(call.at, "Anna", activity=call), NOW).plain
    assert line == "2 ч назад  ☎ Звонок исх. · занято · 3 мин  — Anna"
    deleted = DealEvent(1, 7, NOW, 1, EventKind.DELETE)
    assert event_text(deleted).plain == "✗ Удалена"


def test_english_is_as_it_was() -> None:
    from funnel_tui.i18n import set_language

    set_language("en")
    assert deals(1) == "1 deal"
    assert number(1_234_567) == "1,234,567"
    assert format_conversion(Fraction(45, 1000)) == "4.5 %"
    assert format_days(Fraction(1)) == "1.0 day"
    assert relative_time(NOW - timedelta(days=30), NOW).endswith(" Oct")
    one = dataclasses.replace(B2B_COHORT, inverse_at=(2,))
    assert "Proposal sent hold more deals than an earlier stage" in summary_line(one).plain
    assert "1 win needed" in plain(PlanChart(dataclasses.replace(NOVEMBER, required_wins=1)), 100)
