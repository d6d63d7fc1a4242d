"""The forecast chart: a weighted and a historical bar per month on one scale, told apart by
character as well as colour, with the months' totals, the deals no month counts, and the
table of configured against measured odds."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from rich.console import Group

from funnel_tui.analytics.metrics_model import ForecastMonth, ForecastReport, StageOdds
from funnel_tui.domain.money import Money
from funnel_tui.render.forecast_chart import ForecastChart, odds_table
from tests.render.metrics_support import (
    FIT_WIDTHS,
    HOSTILE,
    HOSTILE_SHOWN,
    WIDTHS,
    AnsiText,
    PlainText,
    assert_fits,
    assert_shown_literally,
    coloured,
    line_with,
    plain,
    plain_environment,  # noqa: F401 (autouse)
    under_no_color,
)


def rub(major: int) -> Money:
    return Money(major * 100, "RUB")


def month(first: date, deals: int, amount: int, weighted: int, historical: int) -> ForecastMonth:
    return ForecastMonth(first, deals, rub(amount), rub(weighted), rub(historical))


def odds(
    stage_id: int,
    stage: str,
    configured: Fraction,
    measured: Fraction | None,
    sample: int,
    pipeline: str = "New clients",
) -> StageOdds:
    return StageOdds(stage_id, pipeline, stage, configured, measured, sample)


def forecast(
    months: tuple[ForecastMonth, ...],
    stage_odds: tuple[StageOdds, ...],
    *,
    pipeline_name: str | None = "New clients",
    owner_login: str | None = None,
    overdue: int = 0,
    undated: int = 0,
    other_currencies: tuple[str, ...] = (),
) -> ForecastReport:
    return ForecastReport(
        pipeline_id=1 if pipeline_name is not None else None,
        pipeline_name=pipeline_name,
        owner_login=owner_login,
        currency="RUB",
        months=months,
        odds=stage_odds,
        overdue_deals=overdue,
        undated_deals=undated,
        other_currencies=other_currencies,
    )


# Three months of a team's open deals: December's historical forecast is above its weighted
# one (the team wins proposals more often than the stage probabilities say); January has
# nothing expected to close yet.
QUARTER = forecast(
    (
        month(date(2026, 11, 1), 12, 3_400_000, 1_240_000, 980_000),
        month(date(2026, 12, 1), 3, 700_000, 420_000, 455_000),
        month(date(2027, 1, 1), 0, 0, 0, 0),
    ),
    (
        odds(1, "Lead", Fraction(1, 10), Fraction(7, 100), 140),
        odds(2, "Qualification", Fraction(1, 5), Fraction(9, 40), 80),
        odds(3, "Proposal sent", Fraction(1, 2), None, 0),
    ),
    overdue=4,
    undated=7,
    other_currencies=("USD",),
)

EVERY_PIPELINE = forecast(
    QUARTER.months,
    (
        *QUARTER.odds,
        odds(4, "Offer", Fraction(3, 5), Fraction(2, 3), 12, pipeline="Repeat clients"),
        odds(5, HOSTILE, Fraction(0), Fraction(0), 3, pipeline=HOSTILE),
    ),
    pipeline_name=None,
    owner_login="anna",
)

NOTHING = forecast(
    (
        month(date(2026, 11, 1), 0, 0, 0, 0),
        month(date(2026, 12, 1), 0, 0, 0, 0),
        month(date(2027, 1, 1), 0, 0, 0, 0),
    ),
    (odds(1, "Lead", Fraction(1, 10), None, 0),),
)
REPORTS = {"quarter": QUARTER, "every-pipeline": EVERY_PIPELINE, "nothing": NOTHING}


def chart_and_odds(report: ForecastReport) -> Group:
    return Group(ForecastChart(report), odds_table(report))


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_without_colour(snapshot: Any, width: int) -> None:
    assert plain(chart_and_odds(QUARTER), width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_in_colour(snapshot: Any, width: int) -> None:
    assert coloured(chart_and_odds(QUARTER), width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", ["every-pipeline", "nothing"])
def test_edge_cases_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(chart_and_odds(REPORTS[name]), width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", FIT_WIDTHS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    assert_fits(plain(chart_and_odds(REPORTS[name]), width), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_both_forecasts_share_one_scale(width: int) -> None:
    output = plain(ForecastChart(QUARTER, heading=False), width)
    november = line_with(output, "1,240,000").count("█")
    december = line_with(output, "420,000").count("█")
    december_historical = line_with(output, "455,000").count("▒")
    assert november > december_historical > december >= 1
    assert abs(november * 420_000 - december * 1_240_000) <= 1_240_000  # within a cell


def test_every_month_has_its_deals_and_both_amounts() -> None:
    output = plain(ForecastChart(QUARTER), 80)
    assert "Nov 2026" in line_with(output, "1,240,000")
    assert "12 deals" in line_with(output, "980,000")
    assert "Jan 2027" in output and "0 deals" in output
    assert "15 deals due to close · worth ₽4,100,000 · weighted 1,660,000" in output
    assert "historical 1,435,000" in output


def test_deals_in_no_month_are_said() -> None:
    output = plain(ForecastChart(QUARTER), 120)
    assert "4 deals expected to close before these months, still open: in no month" in output
    assert "7 deals with no expected close: in no month" in output
    assert "amounts in RUB; deals in USD are counted but not summed" in output
    assert "in no month" not in plain(ForecastChart(NOTHING), 120)


def test_a_month_with_nothing_keeps_a_thin_line() -> None:
    output = plain(ForecastChart(NOTHING, heading=False), 80)
    bars = [line for line in output.splitlines() if "│" in line]
    assert len(bars) == 6
    assert "█" not in output.split("\n", 2)[2]  # only the legend has a full block


def test_odds_table_shows_undefined_measured_odds_as_a_dash() -> None:
    output = plain(odds_table(QUARTER), 80)
    assert line_with(output, "Lead").split() == ["Lead", "10", "%", "7.0", "%", "140"]
    assert line_with(output, "Proposal sent").split() == ["Proposal", "sent", "50", "%", "—", "0"]


def test_odds_of_several_pipelines_are_grouped_under_their_names() -> None:
    output = plain(odds_table(EVERY_PIPELINE), 80)
    lines = [line.rstrip() for line in output.splitlines()]
    offer = next(index for index, line in enumerate(lines) if line.startswith("  Offer "))
    assert lines[offer - 1] == "Repeat clients"
    assert lines[offer].split() == ["Offer", "60", "%", "67", "%", "12"]
    assert HOSTILE_SHOWN in output
    assert "Repeat clients" not in plain(odds_table(QUARTER), 80)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_color_tells_the_bars_apart_by_character(
    monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    text = under_no_color(monkeypatch, ForecastChart(QUARTER), width)
    assert "█ weighted" in text and "▒ historical" in text
    assert "█" in line_with(text, "1,240,000") and "▒" in line_with(text, "980,000")


def test_hostile_names_are_shown_literally() -> None:
    output = coloured(chart_and_odds(EVERY_PIPELINE), 120)
    assert_shown_literally(output)
