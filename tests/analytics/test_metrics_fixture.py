"""The acceptance test of the KPI, team and loss analytics: a hand-built fixture of 30 deals,
imported from the interchange format, and every figure of October 2026 and of the period
before it (September), computed by hand from DESIGN.md's definitions (not by code).

The local zone is Europe/Moscow (UTC+3, no DST): October is [09-30T21:00Z, 10-31T21:00Z),
September [08-31T21:00Z, 09-30T21:00Z). "Now" is 2026-10-20T12:00Z: October has not ended,
so its open opportunities are those open now; September's are those open at its end
(the state before 09-30T21:00Z).

Pipeline "Sales": Lead 10 % (rank 0), Meeting 40 % (1), Proposal 60 % (2), Won (3), Lost.
Pipeline "Partners": Contact 30 %, Won, Lost.
People: anna, boris and gleb own deals; vera owns none but calls and moves deals; dmitry
owns only a deal won in August (in no figure, so in no table).

Each deal's comment says where it counts. Cycle days are creation → close of won deals.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.losses import loss_report
from funnel_tui.analytics.metrics_model import (
    KpiValues,
    LossReasonFigure,
    ManagerActivity,
    MetricsQuery,
)
from funnel_tui.analytics.periods import Period
from funnel_tui.analytics.team import team_report
from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.money import Money
from funnel_tui.storage.database import SqlStore, open_store
from tests.analytics.fixture_support import database_for, deal_document, import_fixture
from tests.analytics.fixture_support import moment as fixture_moment
from tests.conftest import ENGINES

ZONE = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31)).bounds(ZONE)
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30)).bounds(ZONE)
SALES = "Sales"
PARTNERS = "Partners"


def moment(text: str) -> str:
    """The moment "MM-DD HH:MM" of 2026, UTC, as the interchange format writes it."""
    return fixture_moment(text, 2026)


def activity(kind: str, at: str, by: str, outcome: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "at": moment(at), "by": by, "outcome": outcome}


deal = partial(deal_document, pipeline=SALES, year=2026)
"""A deal document: steps "MM-DD HH:MM Stage" (2026, UTC), the first its creation, with
"@login" at the end when someone else than the owner made the move."""


# fmt: off
DEALS = [
    # --- created before September --------------------------------------------------------
    # Won 15 Aug: closed outside both periods, in no figure; dmitry's only deal.
    deal("Walnut", "dmitry", "33000.00", "08-01 09:00 Lead", "08-15 09:00 Won"),
    # Lost 18 Sep (No budget): September lost. Open at no period end.
    deal("Juniper", "boris", "60000.00", "08-20 09:00 Lead", "08-25 09:00 Meeting",
         "09-18 09:00 Lost", reason="No budget"),
    # At Proposal since 15 Sep: open at September's end and now. Overdue next contact.
    # anna's meeting on 10 Oct: an October meeting (not a first response: created in Aug).
    deal("Kale", "anna", "25000.00", "08-10 09:00 Lead", "09-05 09:00 Meeting",
         "09-15 09:00 Proposal", next_contact="10-19 12:00",
         activities=(activity("meeting", "10-10 09:00", "anna", "held"),)),
    # gleb's only deal: open at Lead all along, next contact in the future. He shows in the
    # team table only because he owns an open deal (every figure 0).
    deal("Clover", "gleb", "4000.00", "08-05 09:00 Lead", next_contact="11-02 09:00"),
    # --- created in September (Moscow time) -------------------------------------------------
    # Won 21 Sep: cycle 20 days.
    deal("Apple", "anna", "100000.00", "09-01 09:00 Lead", "09-03 09:00 Meeting",
         "09-10 09:00 Proposal", "09-21 09:00 Won"),
    # Won 12 Sep 21:00: cycle 10.5 days.
    deal("Birch", "anna", "50000.00", "09-02 09:00 Lead", "09-05 09:00 Meeting",
         "09-12 21:00 Won"),
    # Lost 8 Sep (Price).
    deal("Cedar", "boris", "30000.00", "09-05 10:00 Lead", "09-08 10:00 Lost", reason="Price"),
    # Created in September, at Meeting at its end; won 12 Oct: an October win, cycle 32 days.
    # boris moved it forward twice in October (Meeting→Proposal, Proposal→Won).
    deal("Dogwood", "boris", "20000.00", "09-10 12:00 Lead", "09-15 12:00 Meeting",
         "10-05 12:00 Proposal", "10-12 12:00 Won"),
    # At Meeting since 20 Sep: open at both moments; next contact overdue now.
    deal("Elm", "boris", "40000.00", "09-15 08:00 Lead", "09-20 08:00 Meeting",
         next_contact="10-18 09:00",
         activities=(activity("call", "09-29 10:00", "vera", "reached"),)),
    # Lost 25 Sep, reopened 3 Oct: open now, not at September's end; not lost in September
    # (it is not at the lost stage now). The reopening (Lost→Lead) is no forward move; the
    # Lead→Meeting of 8 Oct is (anna).
    deal("Fir", "anna", "15000.00", "09-20 09:00 Lead", "09-25 09:00 Lost",
         "10-03 09:00 Lead", "10-08 09:00 Meeting", next_contact="10-22 09:00"),
    # Won 28 Sep in USD: a September win (counted; not summed in RUB), cycle 3 days.
    deal("Ginkgo", "boris", "1000.00", "09-25 09:00 Lead", "09-28 09:00 Won", currency="USD"),
    # Created 30 Sep 20:30Z = 23:30 Moscow: September. At Lead, no next contact. anna's call
    # at 21:00Z sharp = 1 Oct 00:00 Moscow: an October call.
    deal("Hazel", "anna", "8000.00", "09-30 20:30 Lead",
         activities=(activity("call", "09-30 21:00", "anna", "no_answer"),)),
    # Lost at 30 Sep 21:00Z sharp = 1 Oct 00:00 Moscow (Competitor): open at September's
    # end (the end is excluded: the state before it), lost in October.
    deal("Basil", "anna", "7000.00", "09-12 09:00 Lead", "09-30 21:00 Lost",
         reason="Competitor"),
    # Sales/Lead, Sales/Meeting, then moved to Partners on 12 Oct: at Sales/Meeting at
    # September's end (counted open there for Sales), now a Partners deal: not a Sales new
    # lead of September (the deals in view are those now in the pipeline).
    deal("Zinnia", "anna", "11000.00", f"09-22 09:00 {SALES}/Lead",
         f"09-26 09:00 {SALES}/Meeting", "10-12 09:00 Contact", pipeline=PARTNERS),
    # Partners only: open since 10 Sep.
    deal("Yarrow", "anna", "10000.00", "09-10 09:00 Contact", pipeline=PARTNERS),
    # --- created in October (Moscow time) ---------------------------------------------------
    # Created 30 Sep 21:30Z = 1 Oct 00:30 Moscow: October. At Lead; next contact later.
    # First response: vera's call 12 h later (a response to anna's deal; vera's call).
    deal("Ivy", "anna", "9000.00", "09-30 21:30 Lead", next_contact="10-25 09:00",
         activities=(activity("call", "10-01 09:30", "vera", "reached"),)),
    # Won 9 Oct 21:00: cycle 8.5 days; three forward moves by anna. A past next contact on a
    # won deal is no overdue one. First response 2 h.
    deal("Larch", "anna", "70000.00", "10-01 09:00 Lead", "10-02 09:00 Meeting",
         "10-06 09:00 Proposal", "10-09 21:00 Won", next_contact="10-05 09:00",
         activities=(activity("call", "10-01 11:00", "anna", "reached"),)),
    # Lost 4 Oct (Price). First response 4 h (a call).
    deal("Maple", "anna", "12000.00", "10-02 10:00 Lead", "10-04 10:00 Lost", reason="Price",
         activities=(activity("call", "10-02 14:00", "anna", "no_answer"),)),
    # Lead→Proposal (forward, skipping Meeting), then back to Meeting: one forward move.
    # Open now, next contact tomorrow. First response 30 min.
    deal("Nutmeg", "boris", "45000.00", "10-03 09:00 Lead", "10-05 09:00 Proposal",
         "10-10 09:00 Meeting", next_contact="10-21 09:00",
         activities=(activity("call", "10-03 09:30", "boris", "reached"),)),
    # Won 14 Oct, reopened to Proposal 16 Oct: not won (not at the won stage now), open now;
    # two forward moves (Lead→Meeting, Meeting→Won), Won→Proposal is back. No next contact.
    # First response 3 h (a call), then a meeting.
    deal("Oak", "boris", "35000.00", "10-04 09:00 Lead", "10-07 09:00 Meeting",
         "10-14 09:00 Won", "10-16 09:00 Proposal",
         activities=(activity("call", "10-04 12:00", "boris", "reached"),
                     activity("meeting", "10-07 08:00", "boris", "held"))),
    # Won 11 Oct in EUR: cycle 6 days; counted as won, never summed in RUB. First response
    # 1 h: an email (any activity is a response; not a call or meeting).
    deal("Pine", "anna", "2000.00", "10-05 09:00 Lead", "10-11 09:00 Won", currency="EUR",
         activities=(activity("email", "10-05 10:00", "anna"),)),
    # Lost 9 Oct (Competitor). First response 24 h.
    deal("Quince", "boris", "18000.00", "10-06 09:00 Lead", "10-09 09:00 Lost",
         reason="Competitor",
         activities=(activity("call", "10-07 09:00", "boris", "busy"),)),
    # Deleted: in no figure, its call and its forward move neither.
    deal("Rowan", "anna", "5000.00", "10-07 09:00 Lead", "10-10 09:00 Won",
         deleted="10-11 09:00",
         activities=(activity("call", "10-07 10:00", "anna", "reached"),)),
    # At Lead, no next contact, no activity.
    deal("Spruce", "boris", "22000.00", "10-08 09:00 Lead"),
    # Lost 13 Oct without a reason. No activity.
    deal("Teak", "anna", "16000.00", "10-10 09:00 Lead", "10-13 09:00 Lost"),
    # Won 18 Oct 15:00: cycle 7.25 days. Lead→Meeting (boris), Meeting→Proposal (vera),
    # Proposal→Won (boris). First response 1 h (a meeting).
    deal("Umbrella", "boris", "90000.00", "10-11 09:00 Lead", "10-12 09:00 Meeting",
         "10-15 09:00 Proposal @vera", "10-18 15:00 Won",
         activities=(activity("meeting", "10-11 10:00", "boris", "held"),)),
    # Lost 16 Oct (Price). First response 12 h (a meeting).
    deal("Vine", "anna", "40000.00", "10-15 09:00 Lead", "10-16 09:00 Lost", reason="Price",
         activities=(activity("meeting", "10-15 21:00", "anna", "held"),)),
    # At Lead in USD, next contact a minute before now: overdue.
    deal("Aster", "boris", "3000.00", "10-13 09:00 Lead", currency="USD",
         next_contact="10-20 11:59"),
    # Lost 18 Oct in USD (Price): counted, not summed in RUB.
    deal("Daisy", "boris", "500.00", "10-17 09:00 Lead", "10-18 09:00 Lost", currency="USD",
         reason="Price"),
    # Partners: won 15 Oct, cycle 10 days; Contact→Won is forward (boris). First response
    # 6 h (a call). Only in the every-pipeline figures.
    deal("Xenon", "boris", "50000.00", "10-05 09:00 Contact", "10-15 09:00 Won",
         pipeline=PARTNERS,
         activities=(activity("call", "10-05 15:00", "boris", "reached"),)),
]
# fmt: on

DOCUMENT: dict[str, Any] = {
    "format": "funnel/1",
    "users": [
        {"login": "anna", "name": "Anna", "role": "lead"},
        {"login": "boris", "name": "Boris", "role": "rep"},
        {"login": "dmitry", "name": "Dmitry", "role": "rep"},
        {"login": "gleb", "name": "Gleb", "role": "rep"},
        {"login": "vera", "name": "Vera", "role": "rep"},
    ],
    "pipelines": [
        {
            "name": SALES,
            "stages": [
                {"name": "Lead", "probability": 10},
                {"name": "Meeting", "probability": 40},
                {"name": "Proposal", "probability": 60},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
            "loss_reasons": ["Price", "Competitor", "No budget"],
        },
        {
            "name": PARTNERS,
            "stages": [
                {"name": "Contact", "probability": 30},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
            "loss_reasons": ["Price"],
        },
    ],
    "deals": DEALS,
}


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A new database with the fixture imported: SQLite and PostgreSQL give the same numbers."""
    opened = open_store(import_fixture(tmp_path, DOCUMENT, database_for(request)))
    yield opened
    opened.close()


def ids(store: SqlStore) -> dict[str, int]:
    """Pipeline names and logins -> ids."""
    with store.read() as uow:
        found = {pipeline.name: pipeline.id for pipeline in uow.pipelines.list()}
        found |= {user.login: user.id for user in uow.users.list()}
    return found


def query(
    store: SqlStore,
    bounds: tuple[datetime, datetime] = OCTOBER,
    pipeline: str | None = SALES,
    owner: str | None = None,
) -> MetricsQuery:
    known = ids(store)
    return MetricsQuery(
        pipeline_id=known[pipeline] if pipeline else None,
        start=bounds[0],
        end=bounds[1],
        owner_id=known[owner] if owner else None,
    )


def rub(amount: str) -> Money:
    return Money.from_major(amount, "RUB")


def kpis(
    new_leads: int,
    open_opportunities: int,
    won: int,
    lost: int,
    won_amount: str,
    average: str | None,
    cycle_mean: Fraction | None,
    cycle_median: Fraction | None,
    velocity: str | None,
    velocity_open_deals: int,
) -> KpiValues:
    return KpiValues(
        new_leads=new_leads,
        open_opportunities=open_opportunities,
        won=won,
        lost=lost,
        win_rate=Fraction(won, won + lost) if won + lost else None,
        won_amount=rub(won_amount),
        average_deal_size=rub(average) if average is not None else None,
        cycle_mean_days=cycle_mean,
        cycle_median_days=cycle_median,
        velocity=rub(velocity) if velocity is not None else None,
        velocity_open_deals=velocity_open_deals,
    )


# October, Sales:
#   New leads (created in October, now in Sales, live): anna: Ivy, Larch, Maple, Pine, Teak,
#     Vine (6; Rowan is deleted); boris: Nutmeg, Oak, Quince, Spruce, Umbrella, Aster, Daisy
#     (7): 13.
#   Open now: Kale, Clover, Elm, Fir, Hazel, Ivy, Nutmeg, Oak, Spruce, Aster (USD): 10, 9 in
#     RUB. (Zinnia is in Partners now.)
#   Won (closed in October, at Won now): Dogwood 20000, Larch 70000, Pine (EUR),
#     Umbrella 90000: 4 (Oak was reopened, Rowan is deleted). Lost: Basil, Maple, Quince,
#     Teak, Vine, Daisy (USD): 6. Win rate 4/10 = 2/5.
#   Won in RUB: 180000.00 from 3 deals: average 60000.00.
#   Cycle days: Dogwood 32, Larch 8.5, Pine 6, Umbrella 7.25: mean 53.75 / 4 = 215/16;
#     median (7.25 + 8.5) / 2 = 63/8.
#   Velocity: 9 × 2/5 × 6000000 kopecks × 16/215 = 1728000000/1075 = 1607441.86… →
#     1607442 → 16074.42 a day.
OCTOBER_SALES = kpis(
    13, 10, 4, 6, "180000.00", "60000.00", Fraction(215, 16), Fraction(63, 8), "16074.42", 9
)
# September, Sales:
#   New leads: Apple, Birch, Cedar, Dogwood, Elm, Fir, Ginkgo, Hazel, Basil: 9 (Zinnia is
#     in Partners now; Ivy was created in October, Moscow time).
#   Open at 09-30T21:00Z: Kale (Proposal), Clover (Lead), Dogwood (Meeting), Elm (Meeting),
#     Hazel (Lead), Basil (Lead: its loss at 21:00Z sharp is not before the end), Zinnia
#     (Sales/Meeting then): 7, all RUB. (Fir was lost then; Juniper lost; Ivy not created.)
#   Won: Apple 100000, Birch 50000, Ginkgo (USD): 3. Lost: Cedar, Juniper: 2 (Fir is not
#     at Lost now). Win rate 3/5.
#   Won in RUB: 150000.00 from 2: average 75000.00.
#   Cycle days: 20, 10.5, 3: mean 33.5 / 3 = 67/6; median 21/2.
#   Velocity: 7 × 3/5 × 7500000 × 6/67 = 945000000/335 = 2820895.52… → 28208.96.
SEPTEMBER_SALES = kpis(
    9, 7, 3, 2, "150000.00", "75000.00", Fraction(67, 6), Fraction(21, 2), "28208.96", 7
)


def test_kpis_of_october_and_september(store: SqlStore) -> None:
    report = kpi_report(store, query(store), now=NOW, zone=ZONE, fallback_currency="EUR")
    assert (report.pipeline_name, report.owner_login, report.currency) == (SALES, None, "RUB")
    assert (report.start, report.end) == OCTOBER
    assert (report.previous_start, report.previous_end) == SEPTEMBER
    assert report.current == OCTOBER_SALES
    assert report.previous == SEPTEMBER_SALES
    assert report.other_currencies == ("EUR", "USD")


def test_kpis_of_every_pipeline(store: SqlStore) -> None:
    # Sales and Partners together.
    # October: new leads 13 + Xenon = 14. Open now: 10 + Yarrow + Zinnia = 12, 11 in RUB.
    #   Won 4 + Xenon 50000 = 5, lost 6: 5/11. Won in RUB 230000.00 from 4: 57500.00.
    #   Cycle days 32, 8.5, 6, 7.25, 10: mean 63.75 / 5 = 51/4; median 8.5 = 17/2.
    #   Velocity 11 × 5/11 × 5750000 × 4/51 = 115000000/51 = 2254901.96… → 22549.02.
    # September: new leads 9 + Yarrow + Zinnia = 11. Open at its end: Sales's 7 (Zinnia
    #   among them, counted once) + Yarrow = 8. Won, lost, amounts and cycle as for Sales.
    #   Velocity 8 × 3/5 × 7500000 × 6/67 = 1080000000/335 = 3223880.59… → 32238.81.
    report = kpi_report(store, query(store, pipeline=None), now=NOW, zone=ZONE,
                        fallback_currency="EUR")  # fmt: skip
    assert (report.pipeline_id, report.pipeline_name, report.currency) == (None, None, "RUB")
    assert report.current == kpis(
        14, 12, 5, 6, "230000.00", "57500.00", Fraction(51, 4), Fraction(17, 2), "22549.02", 11
    )
    assert report.previous == kpis(
        11, 8, 3, 2, "150000.00", "75000.00", Fraction(67, 6), Fraction(21, 2), "32238.81", 8
    )


def test_kpis_of_one_owner(store: SqlStore) -> None:
    # boris, Sales.
    # October: new leads Nutmeg, Oak, Quince, Spruce, Umbrella, Aster, Daisy: 7. Open now:
    #   Elm, Nutmeg, Oak, Spruce, Aster (USD): 5, 4 in RUB. Won Dogwood 20000, Umbrella
    #   90000; lost Quince, Daisy: 1/2. Average 55000.00. Cycle 32 and 7.25: mean and median
    #   39.25 / 2 = 157/8. Velocity 4 × 1/2 × 5500000 × 8/157 = 88000000/157 = 560509.55… →
    #   5605.10.
    # September: new leads Cedar, Dogwood, Elm, Ginkgo: 4. Open at its end: Dogwood, Elm: 2.
    #   Won Ginkgo (USD) only; lost Cedar, Juniper: 1/3. Nothing won in RUB: no average, so
    #   no velocity. Cycle 3 days.
    # Currency: most of October's counted deals are in RUB.
    report = kpi_report(store, query(store, owner="boris"), now=NOW, zone=ZONE,
                        fallback_currency="EUR")  # fmt: skip
    assert (report.owner_login, report.currency) == ("boris", "RUB")
    assert report.current == kpis(
        7, 5, 2, 2, "110000.00", "55000.00", Fraction(157, 8), Fraction(157, 8), "5605.10", 4
    )
    assert report.previous == kpis(4, 2, 1, 2, "0.00", None, Fraction(3), Fraction(3), None, 2)
    assert report.other_currencies == ("USD",)


def test_kpis_of_a_period_without_deals(store: SqlStore) -> None:
    # June 2026, previous May: nothing was created, open or closed then. Every ratio is
    # undefined; the currency is the fallback.
    june = Period(date(2026, 6, 1), date(2026, 6, 30)).bounds(ZONE)
    report = kpi_report(store, query(store, june), now=NOW, zone=ZONE, fallback_currency="EUR")
    nothing = KpiValues(0, 0, 0, 0, None, Money(0, "EUR"), None, None, None, None, 0)
    assert (report.current, report.previous, report.currency) == (nothing, nothing, "EUR")
    assert (report.previous_start, report.previous_end) == Period(
        date(2026, 5, 1), date(2026, 5, 31)
    ).bounds(ZONE)


def manager(
    login: str,
    user_id: int,
    *,
    calls: int = 0,
    meetings: int = 0,
    created: int = 0,
    moved_forward: int = 0,
    won: int = 0,
    won_amount: str = "0.00",
    lost: int = 0,
    median_first_response: timedelta | None = None,
    overdue_now: int = 0,
    without_next_contact: int = 0,
) -> ManagerActivity:
    return ManagerActivity(
        user_id=user_id,
        login=login,
        display_name=login.capitalize(),
        calls=calls,
        meetings=meetings,
        created=created,
        moved_forward=moved_forward,
        won=won,
        won_amount=rub(won_amount),
        lost=lost,
        median_first_response=median_first_response,
        overdue_now=overdue_now,
        without_next_contact=without_next_contact,
    )


def test_manager_table_of_october(store: SqlStore) -> None:
    known = ids(store)
    # anna: calls Hazel (09-30T21:00Z = 1 Oct 00:00), Larch, Maple: 3 (Rowan's is on a
    #   deleted deal); meetings Kale, Vine: 2 (Pine's email is neither). Created: Ivy, Larch,
    #   Maple, Pine, Teak, Vine: 6. Forward: Fir Lead→Meeting, Larch ×3, Pine Lead→Won: 5.
    #   Won Larch 70000 and Pine (EUR): 2, 70000.00. Lost Basil, Maple, Teak, Vine: 4.
    #   First responses of her October deals: Pine 1 h, Larch 2 h, Maple 4 h, Ivy 12 h (vera's
    #   call), Vine 12 h (Teak has none): median 4 h. Open now: Kale (overdue), Fir, Ivy
    #   (later), Hazel (none): 1 overdue, 1 without.
    # boris: calls Nutmeg, Oak, Quince: 3; meetings Oak, Umbrella: 2. Created: Nutmeg, Oak,
    #   Quince, Spruce, Umbrella, Aster, Daisy: 7. Forward: Dogwood ×2, Nutmeg Lead→Proposal,
    #   Oak Lead→Meeting and Meeting→Won, Umbrella Lead→Meeting and Proposal→Won: 7. Won
    #   Dogwood 20000, Umbrella 90000: 2, 110000.00. Lost Quince, Daisy: 2. First responses:
    #   Nutmeg 30 min, Umbrella 1 h, Oak 3 h, Quince 24 h: median (1 h + 3 h) / 2 = 2 h.
    #   Open now: Elm (overdue), Aster (overdue by a minute), Nutmeg (later), Oak, Spruce
    #   (none): 2 overdue, 2 without.
    # vera: owns nothing; the call on Ivy (1 Oct; the one on Elm was in September); the move
    #   of Umbrella Meeting→Proposal.
    # gleb: owns Clover, open, next contact later: all 0. dmitry: nothing in view: no row.
    report = team_report(store, query(store), now=NOW, fallback_currency="EUR")
    assert (report.pipeline_name, report.currency) == (SALES, "RUB")
    assert report.other_currencies == ("EUR", "USD")
    assert report.managers == (
        manager("anna", known["anna"], calls=3, meetings=2, created=6, moved_forward=5,
                won=2, won_amount="70000.00", lost=4,
                median_first_response=timedelta(hours=4), overdue_now=1,
                without_next_contact=1),
        manager("boris", known["boris"], calls=3, meetings=2, created=7, moved_forward=7,
                won=2, won_amount="110000.00", lost=2,
                median_first_response=timedelta(hours=2), overdue_now=2,
                without_next_contact=2),
        manager("gleb", known["gleb"]),
        manager("vera", known["vera"], calls=1, moved_forward=1),
    )  # fmt: skip


def test_manager_table_of_every_pipeline_for_one_owner(store: SqlStore) -> None:
    known = ids(store)
    # boris in Sales and Partners: Xenon adds a call, a deal created, a forward move
    # (Contact→Won), a win of 50000.00, and a first response of 6 h: 30 min, 1 h, 3 h, 6 h,
    # 24 h: median 3 h. Only his row.
    report = team_report(store, query(store, pipeline=None, owner="boris"), now=NOW,
                         fallback_currency="EUR")  # fmt: skip
    assert report.managers == (
        manager("boris", known["boris"], calls=4, meetings=2, created=8, moved_forward=8,
                won=3, won_amount="160000.00", lost=2,
                median_first_response=timedelta(hours=3), overdue_now=2,
                without_next_contact=2),
    )  # fmt: skip


def test_loss_reasons_of_october(store: SqlStore) -> None:
    # Lost in October (Sales): Basil Competitor 7000, Maple Price 12000, Quince Competitor
    # 18000, Teak no reason 16000, Vine Price 40000, Daisy Price (USD). By count: Price 3
    # (52000.00 RUB; Daisy counted, not summed), Competitor 2 (25000.00), none 1 (16000.00).
    report = loss_report(store, query(store), fallback_currency="EUR")
    assert (report.pipeline_name, report.currency) == (SALES, "RUB")
    assert report.reasons == (
        LossReasonFigure("Price", 3, rub("52000.00")),
        LossReasonFigure("Competitor", 2, rub("25000.00")),
        LossReasonFigure(None, 1, rub("16000.00")),
    )
    assert report.other_currencies == ("USD",)


def test_loss_reasons_of_september(store: SqlStore) -> None:
    # Lost in September: Cedar Price 30000, Juniper No budget 60000 (Fir was reopened; Basil
    # was lost in October, Moscow time). A tie of 1: by name.
    report = loss_report(store, query(store, SEPTEMBER), fallback_currency="EUR")
    assert report.reasons == (
        LossReasonFigure("No budget", 1, rub("60000.00")),
        LossReasonFigure("Price", 1, rub("30000.00")),
    )
    assert report.other_currencies == ()


def test_an_unknown_pipeline_is_an_error(store: SqlStore) -> None:
    missing = MetricsQuery(pipeline_id=999, start=OCTOBER[0], end=OCTOBER[1])
    with pytest.raises(NotFoundError, match="999"):
        kpi_report(store, missing, now=NOW, zone=ZONE, fallback_currency="RUB")
    with pytest.raises(NotFoundError, match="999"):
        team_report(store, missing, now=NOW, fallback_currency="RUB")
    with pytest.raises(NotFoundError, match="999"):
        loss_report(store, missing, fallback_currency="RUB")
