"""`assemble_plan` without a database: which odds a stage's required count comes from (the
measured ones when above 0, else the configured ones, else none), and the edge cases of the
required wins (a plan of 0, no average deal size)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from funnel_tui.analytics.metrics_model import PlanReport, StageOdds
from funnel_tui.analytics.plan import WonCounts, assemble_plan
from funnel_tui.domain.models import Pipeline, Stage, StageKind
from funnel_tui.domain.money import Money

PIPELINE = Pipeline(
    id=1,
    name="Sales",
    position=1,
    stages=(
        Stage(1, 1, "Measured", 1, StageKind.OPEN, 20),
        Stage(2, 1, "Measured zero", 2, StageKind.OPEN, 40),
        Stage(3, 1, "Unmeasured", 3, StageKind.OPEN, 80),
        Stage(4, 1, "Never wins", 4, StageKind.OPEN, 0),
        Stage(5, 1, "Won", 5, StageKind.WON, 100),
        Stage(6, 1, "Lost", 6, StageKind.LOST, 0),
    ),
)
ODDS = {
    1: StageOdds(1, "Sales", "Measured", Fraction(1, 5), Fraction(1, 4), 8),
    2: StageOdds(2, "Sales", "Measured zero", Fraction(2, 5), Fraction(0), 3),
    3: StageOdds(3, "Sales", "Unmeasured", Fraction(4, 5), None, 0),
    4: StageOdds(4, "Sales", "Never wins", Fraction(0), None, 0),
}
REACHED = {1: 30, 2: 12, 3: 9, 4: 1}


def report(plan: Money | None, year: WonCounts) -> PlanReport:
    return assemble_plan(
        PIPELINE,
        date(2026, 11, 1),
        plan,
        "RUB",
        won_month=WonCounts(2, 1, 5000),
        won_year=year,
        odds=ODDS,
        reached=REACHED,
        owner_login=None,
    )


def test_required_counts_come_from_measured_then_configured_odds() -> None:
    # Average 900000 / 3 = 300000 minor; plan 1000000: ⌈10/3⌉ = 4 wins.
    # Measured 1/4: ⌈16⌉ = 16, deficit 0 (30 reached). Measured 0: configured 2/5:
    # ⌈10⌉ = 10, deficit 0 (12). Unmeasured: configured 4/5: ⌈5⌉ = 5, deficit 0 (9).
    # 0 both ways: no number of deals is enough: None.
    result = report(Money(1_000_000, "RUB"), WonCounts(4, 3, 900_000))
    assert result.average_deal_size == Money(300_000, "RUB")
    assert result.required_wins == 4
    assert (result.won, result.won_amount) == (2, Money(5000, "RUB"))
    assert [(s.win_odds, s.measured, s.required, s.actual, s.deficit) for s in result.stages] == [
        (Fraction(1, 4), True, 16, 30, 0),
        (Fraction(2, 5), False, 10, 12, 0),
        (Fraction(4, 5), False, 5, 9, 0),
        (None, False, None, 1, None),
    ]


def test_a_deficit_is_what_is_missing() -> None:
    # Average 100 (exact: 1000 / 10); plan 2001: ⌈20.01⌉ = 21 wins. Measured 1/4: 84,
    # 30 reached: 54 missing.
    result = report(Money(2001, "RUB"), WonCounts(10, 10, 1000))
    assert result.required_wins == 21
    assert (result.stages[0].required, result.stages[0].deficit) == (84, 54)


def test_the_exact_average_not_the_rounded_one_divides_the_plan() -> None:
    # Three deals worth 100 in all: the average shown is 33 (33.33… rounded), but
    # 100 / (100/3) = 3 wins, where 100 / 33 would ask for 4.
    result = report(Money(100, "RUB"), WonCounts(3, 3, 100))
    assert result.average_deal_size == Money(33, "RUB")
    assert result.required_wins == 3


def test_without_a_plan_or_an_average_nothing_is_required() -> None:
    for plan, year in (
        (None, WonCounts(3, 3, 900)),
        (Money(1000, "RUB"), WonCounts(0, 0, 0)),
        (Money(1000, "RUB"), WonCounts(2, 2, 0)),  # won deals worth nothing
    ):
        result = report(plan, year)
        assert result.required_wins is None
        assert all(s.required is None and s.deficit is None for s in result.stages)
    assert report(None, WonCounts(0, 0, 0)).average_deal_size is None


def test_a_plan_of_zero_requires_nothing() -> None:
    result = report(Money(0, "RUB"), WonCounts(3, 3, 900))
    assert result.required_wins == 0
    assert [s.required for s in result.stages] == [0, 0, 0, None]
    assert result.fulfilment is None
