"""The acceptance test of the forecasts and the reference funnel: a hand-built fixture of 33
deals, imported from the interchange format, and every figure for it computed by hand from
DESIGN.md's definitions and the docstrings of `analytics/metrics_model.py` (not by code).

The local zone is Europe/Moscow (UTC+3, no DST). Now is 2026-11-15 09:00 UTC (12:00 Moscow).
The odds are measured over the deals created in [2025-11-15 09:00Z, 2026-11-15 09:00Z) that
are closed now. November 2026 is [2026-10-31 21:00Z, 2026-11-30 21:00Z).

Pipeline "Sales": Lead 10 % (rank 0), Meeting 30 % key (1), Proposal 60 % (2), Won (3), Lost.
Pipeline "Renewals": Offer 50 % (0), Contract 80 % (1), Won (2), Lost.

Each deal's comment says what it counts for: "won"/"lost max N" for the odds (the highest
rank its history reached in its own pipeline), "avg" for the average deal size of the plan,
"Nov cohort" for the plan's actual counts, and "open <month>" for the forecasts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.analytics.forecast import forecast_report
from funnel_tui.analytics.metrics_model import (
    ForecastMonth,
    ForecastQuery,
    PlanQuery,
    PlanReport,
    StageOdds,
)
from funnel_tui.analytics.plan import plan_report
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.interchange import InterchangeService
from funnel_tui.storage.database import SqlStore, open_store
from tests.analytics.fixture_support import database_for, deal_document
from tests.conftest import ENGINES

NOW = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")
SALES = "Sales"
RENEWALS = "Renewals"


deal = partial(deal_document, pipeline=SALES)
"""A deal document: steps "YYYY-MM-DD HH:MM Stage" (UTC), the first its creation."""


# fmt: off
DEALS = [
    # --- Sales, closed: the odds, the average deal size ------------------------------------
    # 1. L→M→P→Won. won. avg (closed 20 Mar).
    deal("Won A", "anna", "100000.00", "2026-03-02 09:00 Lead", "2026-03-05 09:00 Meeting",
         "2026-03-10 09:00 Proposal", "2026-03-20 09:00 Won"),
    # 2. L→P→Won: skips Meeting. won. avg (25 Jun). Boris's.
    deal("Won B", "boris", "60000.00", "2026-06-01 09:00 Lead", "2026-06-10 09:00 Proposal",
         "2026-06-25 09:00 Won"),
    # 3. Created at Proposal → Won. won. avg (10 Oct).
    deal("Won C", "anna", "80000.00", "2026-09-01 09:00 Proposal", "2026-10-10 09:00 Won"),
    # 4. L→Won in November: won. avg. Nov cohort (reached every stage); won in November.
    #    Its expected close is in November, but it is not open: in no forecast.
    deal("Won D", "anna", "40000.00", "2026-11-02 09:00 Lead", "2026-11-05 09:00 Won",
         expected_close="2026-11-20"),
    # 5. L→M→P→Won in USD. won (the odds count deals, any currency); not in the RUB average.
    deal("Won USD", "anna", "1000.00", "2026-05-05 09:00 Lead", "2026-05-10 09:00 Meeting",
         "2026-05-20 09:00 Proposal", "2026-05-30 09:00 Won", currency="USD"),
    # 6. Created before the odds window: not in the odds. Closed 30 Nov 2025 21:00Z = 1 Dec
    #    00:00 Moscow, the first moment of the 12 months up to November 2026's end: avg.
    deal("Old won", "anna", "20000.00", "2025-10-01 09:00 Lead", "2025-11-30 21:00 Won"),
    # 7. Created one minute before the odds window opens: not in the odds. Closed at 23:59
    #    Moscow on 30 Nov 2025: not in the average either.
    deal("Won before window", "anna", "7000.00", "2025-11-15 08:59 Lead",
         "2025-11-30 20:59 Won"),
    # 8-10. L→Lost. lost max 0.
    deal("Lost L1", "anna", "5000.00", "2026-01-12 09:00 Lead", "2026-01-20 09:00 Lost"),
    deal("Lost L2", "anna", "5000.00", "2026-02-03 09:00 Lead", "2026-02-10 09:00 Lost"),
    deal("Lost L3", "anna", "5000.00", "2026-07-07 09:00 Lead", "2026-07-08 09:00 Lost"),
    # 11. L→M→Lost. lost max 1.
    deal("Lost M1", "anna", "5000.00", "2026-04-01 09:00 Lead", "2026-04-03 09:00 Meeting",
         "2026-04-09 09:00 Lost"),
    # 12. L→M→Lost. lost max 1. Boris's.
    deal("Lost M2", "boris", "5000.00", "2026-08-11 09:00 Lead", "2026-08-12 09:00 Meeting",
         "2026-08-20 09:00 Lost"),
    # 13. L→M→P→Lost. lost max 2.
    deal("Lost P1", "anna", "5000.00", "2026-05-11 09:00 Lead", "2026-05-12 09:00 Meeting",
         "2026-05-13 09:00 Proposal", "2026-05-20 09:00 Lost"),
    # 14. L→M→P→M→Lost: back, then lost. lost max 2 (the furthest, not the last).
    deal("Lost back", "anna", "5000.00", "2026-06-15 09:00 Lead", "2026-06-16 09:00 Meeting",
         "2026-06-17 09:00 Proposal", "2026-06-18 09:00 Meeting", "2026-06-25 09:00 Lost"),
    # 15. L→M→P→Won→Lost: won, then lost. lost max 3: it reached every stage.
    deal("Won then lost", "anna", "5000.00", "2026-02-16 09:00 Lead",
         "2026-02-17 09:00 Meeting", "2026-02-18 09:00 Proposal", "2026-02-20 09:00 Won",
         "2026-02-27 09:00 Lost"),
    # 16. Created straight into Lost: reached no stage; in no sample.
    deal("Lost direct", "anna", "5000.00", "2026-03-16 09:00 Lost"),
    # 17. Renewals Offer→Contract (rank 1 there), then Sales Lead→Lost. lost max 0: only
    #     its rows into Sales count (taken with Renewals' ranks it would look max 1).
    deal("Moved", "anna", "5000.00", f"2026-04-13 09:00 {RENEWALS}/Offer",
         f"2026-04-14 09:00 {RENEWALS}/Contract", "2026-04-20 09:00 Lead",
         "2026-04-27 09:00 Lost"),
    # 18. Created at the very first moment of the odds window (it is half-open). lost max 1.
    deal("Lost at window start", "anna", "5000.00", "2025-11-15 09:00 Lead",
         "2025-11-16 09:00 Meeting", "2025-11-20 09:00 Lost"),
    # 19. Created and lost before the window: in nothing.
    deal("Old lost", "anna", "5000.00", "2025-09-01 09:00 Lead", "2025-10-01 09:00 Lost"),
    # 20. Lost, but deleted: in nothing.
    deal("Deleted lost", "anna", "5000.00", "2026-03-23 09:00 Lead",
         "2026-03-24 09:00 Meeting", "2026-03-25 09:00 Lost", deleted="2026-03-26 09:00"),
    # --- Sales, open: the forecasts ---------------------------------------------------------
    # 21. At Lead, 10000.00, open Nov. Created 31 Oct 21:30Z = 1 Nov 00:30 Moscow: Nov
    #     cohort (reached Lead).
    deal("Open L Nov", "anna", "10000.00", "2026-10-31 21:30 Lead",
         expected_close="2026-11-30"),
    # 22. At Meeting, 50000.00, open Nov (its first day). Nov cohort (reached Lead, Meeting).
    deal("Open M Nov", "anna", "50000.00", "2026-11-04 09:00 Lead", "2026-11-06 09:00 Meeting",
         expected_close="2026-11-01"),
    # 23. Created at Proposal, 120000.00, open Dec (its last day). Nov cohort (reached all
    #     three stages: skipped ones count as passed).
    deal("Open P Dec", "anna", "120000.00", "2026-11-05 09:00 Proposal",
         expected_close="2026-12-31"),
    # 24. At Meeting, 33333.35, open Dec (its first day). Boris's.
    deal("Open M Dec", "boris", "33333.35", "2026-10-20 09:00 Lead",
         "2026-10-22 09:00 Meeting", expected_close="2026-12-01"),
    # 25. At Lead, 25000.00, open Jan.
    deal("Open L Jan", "anna", "25000.00", "2026-09-15 09:00 Lead",
         expected_close="2027-01-15"),
    # 26. At Proposal, expected 1 Feb 2027: after the three months; in no count.
    deal("Open P Feb", "anna", "90000.00", "2026-08-03 09:00 Lead", "2026-08-05 09:00 Proposal",
         expected_close="2027-02-01"),
    # 27. At Meeting, expected 31 Oct: before the first month: overdue.
    deal("Open overdue", "anna", "15000.00", "2026-07-01 09:00 Lead",
         "2026-07-02 09:00 Meeting", expected_close="2026-10-31"),
    # 28. At Lead, no expected close: undated.
    deal("Open undated", "anna", "8000.00", "2026-10-01 09:00 Lead"),
    # 29. At Proposal, 5000.00 USD, open Dec: not in the RUB sums; USD is named.
    deal("Open USD Dec", "anna", "5000.00", "2026-10-05 09:00 Lead", "2026-10-06 09:00 Proposal",
         currency="USD", expected_close="2026-12-10"),
    # 30. Open Nov, but deleted: in nothing (and not in the Nov cohort).
    deal("Open deleted Nov", "anna", "99000.00", "2026-11-06 09:00 Lead",
         expected_close="2026-11-10", deleted="2026-11-07 09:00"),
    # --- Renewals ----------------------------------------------------------------------------
    # 31. At Offer, 70000.00, open Nov: only in the forecast of every pipeline.
    deal("Renewal Nov", "boris", "70000.00", "2026-10-12 09:00 Offer",
         pipeline=RENEWALS, expected_close="2026-11-20"),
    # 32. Offer→Contract→Won: won (Renewals).
    deal("Renewal won", "boris", "30000.00", "2026-01-05 09:00 Offer",
         "2026-01-12 09:00 Contract", "2026-01-20 09:00 Won", pipeline=RENEWALS),
    # 33. Offer→Lost: lost max 0 (Renewals).
    deal("Renewal lost", "boris", "30000.00", "2026-02-05 09:00 Offer",
         "2026-02-12 09:00 Lost", pipeline=RENEWALS),
]
# fmt: on


def plan(month: str, amount: str | None, owner: str | None = None) -> dict[str, Any]:
    return {
        "month": month,
        "owner": owner,
        "amount": amount,
        "currency": "RUB" if amount is not None else None,
    }


DOCUMENT: dict[str, Any] = {
    "format": "funnel/1",
    "users": [
        {"login": "anna", "name": "Anna", "role": "lead"},
        {"login": "boris", "name": "Boris", "role": "rep"},
    ],
    "pipelines": [
        {
            "name": SALES,
            "stages": [
                {"name": "Lead", "probability": 10},
                {"name": "Meeting", "probability": 30, "key": True},
                {"name": "Proposal", "probability": 60},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
            # The team's plan changes in January, October and December 2026 and is cleared
            # from February 2027; Boris has his own from November 2026.
            "plans": [
                plan("2026-01", "100000.00"),
                plan("2026-10", "310000.00"),
                plan("2026-12", "500000.00"),
                plan("2027-02", None),
                plan("2026-11", "100000.00", owner="boris"),
            ],
        },
        {
            "name": RENEWALS,
            "stages": [
                {"name": "Offer", "probability": 50},
                {"name": "Contract", "probability": 80},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        },
    ],
    "deals": DEALS,
}


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A new database with the fixture imported: SQLite and PostgreSQL give the same numbers."""
    opened = open_store(database_for(request) or tmp_path / "fixture.db")
    InterchangeService(ServiceContext(opened, login="anna")).import_document(DOCUMENT)
    yield opened
    opened.close()


def pipelines(store: SqlStore) -> dict[str, Pipeline]:
    with store.read() as uow:
        return {p.name: p for p in uow.pipelines.list()}


def user_id(store: SqlStore, login: str) -> int:
    with store.read() as uow:
        user = uow.users.by_login(login)
    assert user is not None
    return user.id


def rub(text: str) -> Money:
    return Money.from_major(text, "RUB")


def month(first: date, deals: int, amount: str, weighted: str, historical: str) -> ForecastMonth:
    return ForecastMonth(first, deals, rub(amount), rub(weighted), rub(historical))


# The odds of Sales, over everyone's deals (rows 1-20; 6, 7, 19 and 20 are out):
#   won: Won A, B, C, D, USD = 5.
#   lost by the furthest rank reached: 0: L1, L2, L3, Moved = 4; 1: M1, M2, Lost at window
#   start = 3; 2: P1, Lost back = 2; 3: Won then lost = 1; none: Lost direct.
#   Lost that reached Lead: 4 + 3 + 2 + 1 = 10; Meeting: 3 + 2 + 1 = 6; Proposal: 2 + 1 = 3.
#   Lead 5 / (5 + 10) = 1/3 (sample 15); Meeting 5 / (5 + 6) = 5/11 (11); Proposal
#   5 / (5 + 3) = 5/8 (8).
SALES_ODDS = (
    ("Lead", Fraction(1, 10), Fraction(1, 3), 15),
    ("Meeting", Fraction(3, 10), Fraction(5, 11), 11),
    ("Proposal", Fraction(3, 5), Fraction(5, 8), 8),
)
# The odds of Renewals: won: Renewal won = 1; lost: Renewal lost, max 0 (Moved is lost in
# Sales, not here). Offer 1 / (1 + 1) = 1/2 (sample 2); Contract 1 / (1 + 0) = 1 (1).
RENEWALS_ODDS = (
    ("Offer", Fraction(1, 2), Fraction(1, 2), 2),
    ("Contract", Fraction(4, 5), Fraction(1), 1),
)

# Sales' open deals by month, amounts in minor units (weighted and historical rounded once
# per month, half to even):
#   Nov: Open L Nov 1000000 at Lead, Open M Nov 5000000 at Meeting: 2 deals, 60000.00.
#     weighted 1000000 × 1/10 + 5000000 × 3/10 = 100000 + 1500000 = 1600000 → 16000.00.
#     historical 1000000 × 1/3 + 5000000 × 5/11 = 333333.33… + 2272727.27… = 2606060.60…
#     → 2606061 → 26060.61.
#   Dec: Open P Dec 12000000 at Proposal, Open M Dec 3333335 at Meeting (Open USD Dec is
#     not summed): 2 deals, 153333.35.
#     weighted 12000000 × 3/5 + 3333335 × 3/10 = 7200000 + 1000000.5 = 8200000.5 → 8200000
#     (half to even; rounding each deal would give 8200001) → 82000.00.
#     historical 12000000 × 5/8 + 3333335 × 5/11 = 7500000 + 1515152.27… = 9015152.27…
#     → 9015152 → 90151.52.
#   Jan: Open L Jan 2500000 at Lead: 1 deal, 25000.00; weighted 250000 → 2500.00;
#     historical 2500000 / 3 = 833333.33… → 833333 → 8333.33.
SALES_MONTHS = (
    month(date(2026, 11, 1), 2, "60000.00", "16000.00", "26060.61"),
    month(date(2026, 12, 1), 2, "153333.35", "82000.00", "90151.52"),
    month(date(2027, 1, 1), 1, "25000.00", "2500.00", "8333.33"),
)


def odds(pipeline: Pipeline, rows: tuple[tuple[str, Fraction, Fraction, int], ...]) -> list[Any]:
    names = {stage.name: stage.id for stage in pipeline.open_stages}
    return [
        StageOdds(names[name], pipeline.name, name, configured, measured, sample)
        for name, configured, measured, sample in rows
    ]


def test_forecast_of_one_pipeline(store: SqlStore) -> None:
    # Overdue: Open overdue (31 Oct). Undated: Open undated. Open P Feb is after the three
    # months: in neither. USD: Open USD Dec, in December.
    sales = pipelines(store)[SALES]
    query = ForecastQuery(sales.id, date(2026, 11, 1), months=3)
    report = forecast_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="USD")
    assert report.pipeline_name == SALES
    assert report.currency == "RUB"
    assert report.owner_login is None
    assert report.months == SALES_MONTHS
    assert list(report.odds) == odds(sales, SALES_ODDS)
    assert (report.overdue_deals, report.undated_deals) == (1, 1)
    assert report.other_currencies == ("USD",)


def test_forecast_of_every_pipeline(store: SqlStore) -> None:
    # November gains Renewal Nov, 7000000 at Offer: 3 deals, 130000.00; weighted
    # 1600000 + 7000000 × 1/2 = 5100000 → 51000.00; historical 2606060.60… + 3500000 =
    # 6106060.60… → 6106061 → 61060.61. December and January as in Sales. The odds of
    # Sales are the same as measured alone: Moved's rows into Renewals stay out of them.
    found = pipelines(store)
    query = ForecastQuery(None, date(2026, 11, 1), months=3)
    report = forecast_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="USD")
    assert report.pipeline_name is None
    assert report.months == (
        month(date(2026, 11, 1), 3, "130000.00", "51000.00", "61060.61"),
        *SALES_MONTHS[1:],
    )
    assert list(report.odds) == [
        *odds(found[SALES], SALES_ODDS),
        *odds(found[RENEWALS], RENEWALS_ODDS),
    ]
    assert (report.overdue_deals, report.undated_deals) == (1, 1)


def test_forecast_in_dollars_and_over_more_months(store: SqlStore) -> None:
    # USD: only Open USD Dec, 500000 at Proposal: weighted × 3/5 = 300000 → 3000.00;
    # historical × 5/8 = 312500 → 3125.00. Four months: February 2027 holds Open P Feb in
    # RUB (not summed here). RUB is named as the other currency.
    sales = pipelines(store)[SALES]
    query = ForecastQuery(sales.id, date(2026, 11, 1), months=4, currency="USD")
    report = forecast_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="RUB")
    usd = Money.from_major
    assert [(m.month, m.deals, m.amount, m.weighted, m.historical) for m in report.months] == [
        (date(2026, 11, 1), 0, usd("0", "USD"), usd("0", "USD"), usd("0", "USD")),
        (date(2026, 12, 1), 1, usd("5000", "USD"), usd("3000", "USD"), usd("3125", "USD")),
        (date(2027, 1, 1), 0, usd("0", "USD"), usd("0", "USD"), usd("0", "USD")),
        (date(2027, 2, 1), 0, usd("0", "USD"), usd("0", "USD"), usd("0", "USD")),
    ]
    assert report.other_currencies == ("RUB",)


@pytest.mark.parametrize("months", [2, 10])
def test_a_forecast_covers_three_to_nine_months(store: SqlStore, months: int) -> None:
    query = ForecastQuery(None, date(2026, 11, 1), months=months)
    with pytest.raises(ValidationError, match="months: must be 3 to 9"):
        forecast_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="RUB")


def stages(report: PlanReport) -> list[tuple[str, Fraction | None, bool, Any, int, Any]]:
    return [
        (s.name, s.win_odds, s.measured, s.required, s.actual, s.deficit) for s in report.stages
    ]


def test_reference_funnel_of_the_team(store: SqlStore) -> None:
    # The plan in effect in November: the team's from October, 310000.00 RUB.
    # Won in November (Moscow): Won D, 40000.00.
    # Average deal size: Sales deals won in [1 Dec 2025, 1 Dec 2026) Moscow, in RUB: Won A
    # 100000, Won B 60000, Won C 80000, Won D 40000, Old won 20000 = 300000.00 / 5 =
    # 60000.00 (Won USD: another currency; Won before window: closed a minute too early).
    # Required wins ⌈310000 / 60000⌉ = ⌈5.17⌉ = 6.
    # Required per stage, ⌈6 / measured odds⌉: Lead 6 × 3 = 18; Meeting 6 × 11/5 = 13.2
    # → 14; Proposal 6 × 8/5 = 9.6 → 10.
    # Actual, the November cohort: Open L Nov (Lead), Won D (all), Open M Nov (Lead,
    # Meeting), Open P Dec (all three): Lead 4, Meeting 3, Proposal 2.
    # Deficit: 18 − 4 = 14, 14 − 3 = 11, 10 − 2 = 8.
    sales = pipelines(store)[SALES]
    query = PlanQuery(sales.id, date(2026, 11, 1))
    report = plan_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="USD")
    assert report.pipeline_name == SALES
    assert report.month == date(2026, 11, 1)
    assert report.owner_login is None
    assert report.currency == "RUB"
    assert report.plan == rub("310000.00")
    assert (report.won, report.won_amount) == (1, rub("40000.00"))
    assert report.fulfilment == Fraction(40000, 310000)
    assert report.average_deal_size == rub("60000.00")
    assert report.required_wins == 6
    assert stages(report) == [
        ("Lead", Fraction(1, 3), True, 18, 4, 14),
        ("Meeting", Fraction(5, 11), True, 14, 3, 11),
        ("Proposal", Fraction(5, 8), True, 10, 2, 8),
    ]


def test_reference_funnel_of_one_owner(store: SqlStore) -> None:
    # Boris's plan from November: 100000.00 (the team's 310000.00 is not his).
    # His odds: won: Won B; lost: Lost M2, max 1. Lead 1 / (1 + 1) = 1/2, Meeting 1/2,
    # Proposal 1 / (1 + 0) = 1. His average: Won B alone, 60000.00. Required wins
    # ⌈100000 / 60000⌉ = 2; per stage ⌈2 × 2⌉ = 4, 4, ⌈2 / 1⌉ = 2. He created nothing in
    # November: actual 0, 0, 0; deficit 4, 4, 2. He won nothing in November.
    sales = pipelines(store)[SALES]
    query = PlanQuery(sales.id, date(2026, 11, 1), owner_id=user_id(store, "boris"))
    report = plan_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="USD")
    assert report.owner_login == "boris"
    assert report.plan == rub("100000.00")
    assert (report.won, report.won_amount) == (0, rub("0"))
    assert report.average_deal_size == rub("60000.00")
    assert report.required_wins == 2
    assert stages(report) == [
        ("Lead", Fraction(1, 2), True, 4, 0, 4),
        ("Meeting", Fraction(1, 2), True, 4, 0, 4),
        ("Proposal", Fraction(1), True, 2, 0, 2),
    ]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (date(2025, 12, 1), None),  # before the first plan
        (date(2026, 1, 1), "100000.00"),  # the month it was set from
        (date(2026, 9, 1), "100000.00"),  # still in effect: set once, it holds
        (date(2026, 12, 1), "500000.00"),  # changed from December
        (date(2027, 2, 1), None),  # cleared from February 2027
        (date(2027, 6, 1), None),
    ],
)
def test_the_plan_in_effect_holds_until_changed(
    store: SqlStore, first: date, expected: str | None
) -> None:
    sales = pipelines(store)[SALES]
    query = PlanQuery(sales.id, first)
    report = plan_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="RUB")
    assert report.plan == (rub(expected) if expected else None)
    if expected is None:
        assert report.required_wins is None
        assert all(s.required is None and s.deficit is None for s in report.stages)


def test_the_forecast_odds_can_be_handed_to_the_plan(store: SqlStore) -> None:
    sales = pipelines(store)[SALES]
    first = date(2026, 11, 1)
    forecast = forecast_report(
        store, ForecastQuery(sales.id, first), now=NOW, zone=MOSCOW, fallback_currency="RUB"
    )
    query = PlanQuery(sales.id, first)
    shared = plan_report(
        store, query, now=NOW, zone=MOSCOW, fallback_currency="RUB", odds=forecast.odds
    )
    assert shared == plan_report(store, query, now=NOW, zone=MOSCOW, fallback_currency="RUB")
