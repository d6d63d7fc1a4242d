"""The plan chart: the actual funnel drawn over the reference one, the shortfall per stage as
░ and as a number, ✓ where the plan is met, the fulfilment line, and a helpful line where no
plan (or no average deal size) is set."""

from __future__ import annotations

import dataclasses
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from funnel_tui.analytics.metrics_model import PlanReport, PlanStage
from funnel_tui.domain.money import Money
from funnel_tui.render.plan_chart import PlanChart
from tests.render.metrics_support import (
    FIT_WIDTHS,
    HOSTILE,
    HOSTILE_SHOWN,
    WIDTHS,
    AnsiText,
    PlainText,
    assert_fits,
    coloured,
    line_with,
    plain,
    plain_environment,  # noqa: F401 (autouse)
    under_no_color,
)


def rub(major: int) -> Money:
    return Money(major * 100, "RUB")


# A 5,000,000 plan at 250,000 a deal needs 20 wins; Qualification is ahead of plan, Negotiation
# has odds of 0 (no number of deals is enough), Proposal's odds are configured, not measured.
NOVEMBER = PlanReport(
    pipeline_id=1,
    pipeline_name="New clients",
    month=date(2026, 11, 1),
    owner_login=None,
    currency="RUB",
    plan=rub(5_000_000),
    won_amount=rub(2_100_000),
    won=8,
    average_deal_size=rub(250_000),
    required_wins=20,
    stages=(
        PlanStage(1, "Lead", Fraction(1, 16), True, 320, 260, 60),
        PlanStage(2, "Qualification", Fraction(1, 8), True, 160, 170, 0),
        PlanStage(3, "Proposal sent", Fraction(5, 16), False, 64, 25, 39),
        PlanStage(4, "Negotiation", None, False, None, 12, None),
    ),
)
NO_PLAN = dataclasses.replace(
    NOVEMBER,
    plan=None,
    required_wins=None,
    stages=tuple(
        dataclasses.replace(stage, required=None, deficit=None) for stage in NOVEMBER.stages
    ),
)
NO_AVERAGE = dataclasses.replace(
    NO_PLAN,
    plan=rub(1_000_000),
    won_amount=rub(0),
    won=0,
    average_deal_size=None,
    pipeline_name=HOSTILE,
    owner_login="anna",
)
OVERDONE = dataclasses.replace(
    NOVEMBER,
    won_amount=rub(6_000_000),
    won=24,
    stages=tuple(
        dataclasses.replace(stage, actual=stage.required or stage.actual, deficit=0)
        for stage in NOVEMBER.stages[:3]
    ),
)
REPORTS = {"november": NOVEMBER, "no-plan": NO_PLAN, "no-average": NO_AVERAGE, "overdone": OVERDONE}


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_without_colour(snapshot: Any, width: int) -> None:
    assert plain(PlanChart(NOVEMBER), width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_in_colour(snapshot: Any, width: int) -> None:
    assert coloured(PlanChart(NOVEMBER), width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", ["no-plan", "no-average", "overdone"])
def test_edge_cases_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(PlanChart(REPORTS[name]), width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", FIT_WIDTHS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    assert_fits(plain(PlanChart(REPORTS[name]), width), width)


def test_each_stage_shows_reached_needed_and_short() -> None:
    output = plain(PlanChart(NOVEMBER), 80)
    assert line_with(output, "Lead").split()[-5:] == ["260", "320", "60", "6.3", "%"]
    assert line_with(output, "Qualification").split()[-5:] == ["170", "160", "✓", "13", "%"]
    assert line_with(output, "Proposal sent").split()[-5:] == ["25", "64", "39", "31", "%*"]
    assert line_with(output, "Negotiation").split()[-4:] == ["12", "—", "—", "—"]
    assert line_with(output, "Won ").split()[-3:] == ["8", "20", "12"]
    assert "plan ₽5,000,000 · won ₽2,100,000 (8 deals) · 42 % of plan" in output
    assert "average deal ₽250,000 (12 months) · 20 wins needed" in output


def test_a_shortfall_is_drawn_behind_the_bar() -> None:
    output = plain(PlanChart(NOVEMBER, heading=False), 80)
    lead, qualification = line_with(output, "Lead"), line_with(output, "Qualification")
    assert "░" in lead and "░" not in qualification
    # One scale for every stage: Qualification's 170 (ahead of its 160) draws shorter than
    # Lead's 260 and longer than Proposal's 25.
    assert lead.count("█") > qualification.count("█") > line_with(output, "Proposal").count("█")
    needed = lead.count("█") + lead.count("░")
    assert abs(needed * 260 - lead.count("█") * 320) <= 320  # within a cell


def test_no_plan_says_how_to_set_one() -> None:
    output = plain(PlanChart(NO_PLAN), 120)
    assert "No plan for November 2026: set one with `funnel plan set`" in output
    assert "needed" not in output and "░" not in output
    assert line_with(output, "Lead").split()[-1] == "260"
    in_app = plain(PlanChart(NO_PLAN, no_plan_hint="press p to set one"), 120)
    assert "No plan for November 2026: press p to set one" in in_app


def test_no_average_deal_size_is_explained() -> None:
    output = plain(PlanChart(NO_AVERAGE), 120)
    assert "0 % of plan" in output
    assert "no average deal size to work the needed deals back from" in output
    assert HOSTILE_SHOWN in output


def test_a_plan_met_is_ticked_and_over_100_percent() -> None:
    output = plain(PlanChart(OVERDONE), 80)
    assert "120 % of plan" in output
    assert line_with(output, "Won ").split()[-3:] == ["24", "20", "✓"]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_color_keeps_every_mark(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    text = under_no_color(monkeypatch, PlanChart(NOVEMBER), width)
    assert "░" in text and "✓" in text and "*" in text
