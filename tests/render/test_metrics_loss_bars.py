"""Loss reasons as bars: one per reason, as long as its count, with the count, the share and
the amount; "no reason" kept apart; reasons shown literally."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from funnel_tui.analytics.metrics_model import LossReasonFigure, LossReport
from funnel_tui.domain.money import Money
from funnel_tui.render.loss_bars import LossBars
from tests.render.metrics_support import (
    FIT_WIDTHS,
    HOSTILE,
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


def reason(name: str | None, count: int, amount: int) -> LossReasonFigure:
    return LossReasonFigure(name, count, Money(amount * 100, "RUB"))


def losses(
    *reasons: LossReasonFigure,
    pipeline_name: str | None = "New clients",
    other_currencies: tuple[str, ...] = (),
) -> LossReport:
    return LossReport(
        pipeline_id=1 if pipeline_name is not None else None,
        pipeline_name=pipeline_name,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 12, 1, tzinfo=UTC),
        currency="RUB",
        reasons=reasons,
        other_currencies=other_currencies,
    )


NOVEMBER = losses(
    reason("Price", 32, 4_100_000),
    reason("Went with a competitor after a long tender", 18, 2_000_000),
    reason(None, 5, 120_000),
    reason("No budget", 1, 10_000),
    other_currencies=("USD",),
)
HOSTILE_REASONS = losses(reason(HOSTILE, 3, 1_000), pipeline_name=None)
NONE_LOST = losses()
REPORTS = {"november": NOVEMBER, "hostile": HOSTILE_REASONS, "none-lost": NONE_LOST}


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
def test_bars_without_colour(snapshot: Any, width: int) -> None:
    assert plain(LossBars(NOVEMBER, UTC), width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
def test_bars_in_colour(snapshot: Any, width: int) -> None:
    assert coloured(LossBars(NOVEMBER, UTC), width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", ["hostile", "none-lost"])
def test_edge_cases_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(LossBars(REPORTS[name], UTC), width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", FIT_WIDTHS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    assert_fits(plain(LossBars(REPORTS[name], UTC), width), width)


@pytest.mark.parametrize("width", [80, 120])
def test_bars_are_proportional_to_the_counts(width: int) -> None:
    output = plain(LossBars(NOVEMBER, UTC, heading=False), width)
    price = line_with(output, "Price").count("█")
    competitor = line_with(output, "competitor").count("█")
    assert abs(price * 18 - competitor * 32) <= 32  # within a cell
    assert 1 <= line_with(output, "No budget").count("█") < competitor  # one deal still shows


def test_each_reason_has_its_count_share_and_amount() -> None:
    output = plain(LossBars(NOVEMBER, UTC), 80)
    assert line_with(output, "Price").split()[-4:] == ["32", "57", "%", "4,100,000"]
    assert line_with(output, "no reason").split()[-4:] == ["5", "8.9", "%", "120,000"]
    assert "56 deals lost · worth ₽6,230,000" in output
    assert "amounts in RUB; deals in USD are counted but not summed" in output


def test_narrow_bars_name_their_figures() -> None:
    output = plain(LossBars(NOVEMBER, UTC, heading=False), 40)
    assert line_with(output, "Price") == "Price       32 deals · 57 % · ₽4,100,000"
    assert line_with(output, "1 deal ").endswith("1 deal · 1.8 % · ₽10,000")


def test_nothing_lost_is_said() -> None:
    assert "No deal was lost in this period." in plain(LossBars(NONE_LOST, UTC), 80)


def test_reasons_are_shown_literally() -> None:
    output = coloured(LossBars(HOSTILE_REASONS, UTC), 120)
    assert_shown_literally(output)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_color_keeps_the_bars(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    text = under_no_color(monkeypatch, LossBars(NOVEMBER, UTC), width)
    assert "█" in text and "no reason" in text
