"""The acceptance test of the funnel analytics: a hand-built fixture of 33 deals, imported
from the interchange format, and every number of `funnel report --format json` for it,
computed by hand from DESIGN.md's definitions (not by code).

The local zone is Europe/Moscow (UTC+3, no DST): October 2026 is
[2026-09-30T21:00Z, 2026-10-31T21:00Z).

Pipeline "New clients": Lead 10 % (rank 0), Qualified 25 % key (1), Meeting 40 % (2),
Proposal 60 % (3), Negotiation 80 % (4), Won (rank 5), Lost (no rank).
Pipeline "Repeat clients": Contact 20 %, Offer 50 %, Won, Lost (only to move deals across).

How to re-check a figure: each deal's comment gives its path, the highest rank it reached
("max N"), where it is now, and its drop-off stage when it is lost now. Figures per test
are worked out in the comments above each expected document.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.cli import main
from tests.analytics.fixture_support import database_for, deal_document, import_fixture
from tests.conftest import ENGINES

pytestmark = pytest.mark.usefixtures("moscow_time")

NEW = "New clients"
REPEAT = "Repeat clients"
STAGES = ("Lead", "Qualified", "Meeting", "Proposal", "Negotiation")


deal = partial(deal_document, pipeline=NEW, year=2026)
"""A deal document: steps "MM-DD HH:MM Stage" (2026, UTC), the first its creation."""


# fmt: off
DEALS = [
    # --- created in October (Moscow time): the cohort of "New clients", 23 deals -----------
    # 1. L→Q→M→P→N→Won: straight through. max 5. Won now.
    deal("Alpha", "anna", "100000.00", "10-01 09:00 Lead", "10-03 09:00 Qualified",
         "10-06 09:00 Meeting", "10-09 09:00 Proposal", "10-12 09:00 Negotiation",
         "10-15 09:00 Won"),
    # 2. L→M→P→N→Won: skips Qualified (counted as passed). max 5. Won now.
    deal("Bravo", "anna", "50000.00", "10-02 09:00 Lead", "10-04 09:00 Meeting",
         "10-07 09:00 Proposal", "10-10 09:00 Negotiation", "10-14 09:00 Won"),
    # 3. L→Q→M→P→Lost (Price). max 3. Lost now; drop-off Proposal.
    deal("Charlie", "anna", "30000.00", "10-03 09:00 Lead", "10-05 09:00 Qualified",
         "10-08 09:00 Meeting", "10-11 09:00 Proposal", "10-16 09:00 Lost", reason="Price"),
    # 4. L→Lost (Competitor), created 20 Oct. max 0. Lost now; drop-off Lead.
    deal("Delta", "anna", "7000.00", "10-20 10:00 Lead", "10-22 10:00 Lost",
         reason="Competitor"),
    # 5. L→Q→Lost (Price). max 1. Lost now; drop-off Qualified.
    deal("Echo", "anna", "12000.00", "10-04 09:00 Lead", "10-06 09:00 Qualified",
         "10-09 09:00 Lost", reason="Price"),
    # 6. L→Q→M→P→Q: a backward move. max 3. At Qualified now.
    deal("Foxtrot", "anna", "45000.00", "10-05 09:00 Lead", "10-07 09:00 Qualified",
         "10-09 09:00 Meeting", "10-12 09:00 Proposal", "10-15 09:00 Qualified"),
    # 7. L→Q→M→Lost→M: lost, then reopened. max 2. At Meeting now (not lost).
    deal("Golf", "anna", "20000.00", "10-06 09:00 Lead", "10-07 09:00 Qualified",
         "10-09 09:00 Meeting", "10-12 09:00 Lost", "10-14 09:00 Meeting"),
    # 8. L→Q→M→P→N→Won→N: won, then reopened. max 5. At Negotiation now (not won).
    deal("Hotel", "anna", "80000.00", "10-07 09:00 Lead", "10-08 09:00 Qualified",
         "10-10 09:00 Meeting", "10-12 09:00 Proposal", "10-14 09:00 Negotiation",
         "10-16 09:00 Won", "10-18 09:00 Negotiation"),
    # 9. L, created 20 Oct. max 0. At Lead now.
    deal("India", "anna", "1000.05", "10-20 12:00 Lead"),
    # 10. L→Lost→L→Q→Lost (Price): lost twice. max 1. Lost now; drop-off Qualified.
    deal("Juliet", "anna", "15000.00", "10-08 09:00 Lead", "10-09 09:00 Lost",
         "10-10 09:00 Lead", "10-12 09:00 Qualified", "10-15 09:00 Lost", reason="Price"),
    # 11. Created straight into Lost (Competitor). Reached nothing. Lost now; no drop-off
    #     stage, so in no `dropoff` and not in `losses`.
    deal("Kilo", "anna", "9000.00", "10-09 09:00 Lost", reason="Competitor"),
    # 12. L→Q→M→P→Q→Lost (No budget): back, then lost. max 3. Lost now; drop-off
    #     Qualified (the latest open stage before the loss, not the furthest).
    deal("Lima", "anna", "25000.00", "10-10 09:00 Lead", "10-11 09:00 Qualified",
         "10-12 09:00 Meeting", "10-13 09:00 Proposal", "10-15 09:00 Qualified",
         "10-17 09:00 Lost", reason="No budget"),
    # 13. L→Q→M, in USD. max 2. At Meeting now.
    deal("Mike", "anna", "3000.01", "10-11 09:00 Lead", "10-12 09:00 Qualified",
         "10-13 09:00 Meeting", currency="USD"),
    # 14. L→Q→M→Lost, no reason, in USD. max 2. Lost now; drop-off Meeting.
    deal("November", "boris", "1800.00", "10-02 12:00 Lead", "10-04 12:00 Qualified",
         "10-06 12:00 Meeting", "10-08 12:00 Lost", currency="USD"),
    # 15. L→Q→M→P→N→Lost (Competitor). max 4. Lost now; drop-off Negotiation.
    deal("Oscar", "boris", "60000.00", "10-03 12:00 Lead", "10-04 12:00 Qualified",
         "10-05 12:00 Meeting", "10-06 12:00 Proposal", "10-07 12:00 Negotiation",
         "10-09 12:00 Lost", reason="Competitor"),
    # 16. L→Q. max 1. At Qualified now.
    deal("Papa", "boris", "15000.02", "10-04 12:00 Lead", "10-06 12:00 Qualified"),
    # 17. Created at Qualified (Lead skipped, counted as passed). max 1. At Qualified now.
    deal("Quebec", "boris", "22000.00", "10-05 12:00 Qualified"),
    # 18. L→Q→M→P→N→Won, in USD. max 5. Won now.
    deal("Romeo", "boris", "5000.00", "10-06 12:00 Lead", "10-07 12:00 Qualified",
         "10-08 12:00 Meeting", "10-09 12:00 Proposal", "10-10 12:00 Negotiation",
         "10-11 12:00 Won", currency="USD"),
    # 19. L→N→Lost (Price): skips three stages. max 4. Lost now; drop-off Negotiation.
    deal("Sierra", "boris", "40000.00", "10-07 12:00 Lead", "10-08 12:00 Negotiation",
         "10-10 12:00 Lost", reason="Price"),
    # 20. L→Q→M→P→N. max 4. At Negotiation now.
    deal("Tango", "boris", "35000.00", "10-08 12:00 Lead", "10-09 12:00 Qualified",
         "10-10 12:00 Meeting", "10-11 12:00 Proposal", "10-12 12:00 Negotiation"),
    # 21. L, created 30 Sep 21:30 UTC = 1 Oct 00:30 Moscow: inside October. max 0. At Lead.
    deal("Uniform", "boris", "2000.05", "09-30 21:30 Lead"),
    # 22. New clients L→Q, then moved to Repeat clients/Offer. In the cohort (its history
    #     has stages of New clients). max 1. Now in another pipeline: no count, not won/lost.
    deal("Victor", "boris", "10000.00", f"10-09 12:00 {NEW}/Lead",
         f"10-10 12:00 {NEW}/Qualified", "10-12 12:00 Offer", pipeline=REPEAT),
    # 23. Repeat clients/Contact, then moved to New clients/Meeting. max 2. At Meeting now.
    deal("Whiskey", "boris", "14000.00", f"10-10 12:00 {REPEAT}/Contact",
         "10-12 12:00 Meeting"),
    # --- not in the October cohort ---------------------------------------------------------
    # 24. Created 31 Oct 21:30 UTC = 1 Nov 00:30 Moscow: outside. At Qualified (snapshot).
    deal("X-ray", "boris", "11000.00", "10-31 21:30 Lead", "11-02 10:00 Qualified"),
    # 25. Created 30 Sep 20:30 UTC = 23:30 Moscow: outside. At Lead (snapshot).
    deal("Yankee", "anna", "13000.00", "09-30 20:30 Lead"),
    # 26. Created in September, at Proposal now (snapshot).
    deal("Zulu", "anna", "70000.00", "09-10 09:00 Lead", "09-12 09:00 Qualified",
         "09-15 09:00 Meeting", "09-20 09:00 Proposal"),
    # 27. Created in September, at Negotiation now (snapshot).
    deal("Atlas", "boris", "90000.00", "09-12 09:00 Lead", "09-14 09:00 Qualified",
         "09-16 09:00 Meeting", "09-18 09:00 Proposal", "09-22 09:00 Negotiation"),
    # 28. Created in September, won in October: in no figure (not in the cohort, not open).
    deal("Boreas", "anna", "55000.00", "09-15 09:00 Lead", "09-20 09:00 Qualified",
         "09-25 09:00 Meeting", "09-28 09:00 Proposal", "10-01 09:00 Negotiation",
         "10-05 09:00 Won"),
    # 29. Created in September, lost in October: in no figure.
    deal("Cygnus", "boris", "8000.00", "09-20 09:00 Lead", "10-10 09:00 Lost", reason="Price"),
    # 30. Created in November, at Lead now (snapshot).
    deal("Draco", "anna", "6000.00", "11-05 10:00 Lead"),
    # 31. Created in October but deleted: in no figure.
    deal("Eridanus", "anna", "4000.00", "10-12 09:00 Lead", deleted="10-13 09:00"),
    # 32. Only ever in Repeat clients: in no figure of New clients.
    deal("Fornax", "boris", "30000.00", "10-14 09:00 Contact", "10-16 09:00 Offer",
         pipeline=REPEAT),
    # 33. Created in September, at Negotiation now (snapshot).
    deal("Gemini", "boris", "27500.00", "09-25 09:00 Lead", "09-27 09:00 Qualified",
         "09-29 09:00 Meeting", "09-30 09:00 Proposal", "10-02 09:00 Negotiation"),
]
# fmt: on

DOCUMENT: dict[str, Any] = {
    "format": "funnel/1",
    "users": [
        {"login": "anna", "name": "Anna", "role": "lead"},
        {"login": "boris", "name": "Boris", "role": "rep"},
    ],
    "pipelines": [
        {
            "name": NEW,
            "stages": [
                {"name": "Lead", "probability": 10},
                {"name": "Qualified", "probability": 25, "key": True},
                {"name": "Meeting", "probability": 40},
                {"name": "Proposal", "probability": 60},
                {"name": "Negotiation", "probability": 80},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
            "loss_reasons": ["Price", "Competitor", "No budget"],
        },
        {
            "name": REPEAT,
            "stages": [
                {"name": "Contact", "probability": 20},
                {"name": "Offer", "probability": 50},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        },
    ],
    "deals": DEALS,
}


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database with the fixture imported: SQLite and PostgreSQL give the same numbers."""
    return import_fixture(tmp_path, DOCUMENT, database_for(request))


def report(capsys: pytest.CaptureFixture[str], db: str, *options: str) -> Any:
    """`funnel report` of New clients as JSON, parsed."""
    capsys.readouterr()
    assert main(["--db", db, "report", "--pipeline", NEW, *options, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def ratio(numerator: int, denominator: int) -> float:
    """A conversion as the report gives it: the exact fraction as a float."""
    return float(Fraction(numerator, denominator))


def stage(
    name: str,
    reached: int,
    conversion_to_next: float | None,
    dropoff: int,
    count: int,
    amount: str,
    weighted_amount: str,
) -> dict[str, Any]:
    return {
        "name": name,
        "reached": reached,
        "conversion_to_next": conversion_to_next,
        "dropoff": dropoff,
        "count": count,
        "amount": amount,
        "weighted_amount": weighted_amount,
    }


def loss(stage_name: str, reason: str | None, count: int, amount: str) -> dict[str, Any]:
    return {"stage": stage_name, "reason": reason, "count": count, "amount": amount}


OCTOBER = ("--from", "2026-10-01", "--to", "2026-10-31")

# The October cohort: deals 1-23 (Uniform, #21, is in; X-ray, #24, Yankee, #25, Eridanus,
# #31, deleted, Fornax, #32, never in New clients, are out): cohort_size 23.
# Highest rank reached:
#   5: Alpha, Bravo, Hotel, Romeo                  (4)
#   4: Oscar, Sierra, Tango                        (3)
#   3: Charlie, Foxtrot, Lima                      (3)
#   2: Golf, Mike, November, Whiskey               (4)
#   1: Echo, Juliet, Papa, Quebec, Victor          (5)
#   0: Delta, India, Uniform                       (3)
#   none: Kilo                                     (1)
# reached = [22, 19, 14, 10, 7]; won now: Alpha, Bravo, Romeo = 3 (Hotel was reopened).
# lost now: Charlie, Delta, Echo, Juliet, Kilo, Lima, November, Oscar, Sierra = 9.
# Conversions 19/22, 14/19, 10/14, 7/10, 3/7; whole 3/22. All reached >= 5: the lowest is
# Negotiation→Won 3/7 (≈0.43; the others ≈0.86, 0.74, 0.71, 0.70).
# Drop-off: Lead: Delta; Qualified: Echo, Juliet, Lima; Meeting: November; Proposal:
# Charlie; Negotiation: Oscar, Sierra. (Kilo: none.)
# Losses: Lead/Competitor Delta 7000; Qualified/Price Echo 12000 + Juliet 15000 (count 2,
# first despite "No budget" < "Price"); Qualified/No budget Lima 25000; Meeting/none
# November (USD: counted, 0 RUB); Proposal/Price Charlie 30000; Negotiation: Competitor
# (Oscar 60000) before Price (Sierra 40000): a tie in count, by name.
# USD in view (Mike, November, Romeo): other_currencies ["USD"].
COHORT_FUNNEL = [
    ("Lead", 22, ratio(19, 22), 1),
    ("Qualified", 19, ratio(14, 19), 3),
    ("Meeting", 14, ratio(10, 14), 1),
    ("Proposal", 10, ratio(7, 10), 1),
    ("Negotiation", 7, ratio(3, 7), 2),
]
COHORT_COMMON: dict[str, Any] = {
    "pipeline": NEW,
    "from": "2026-10-01",
    "to": "2026-10-31",
    "owner": None,
    "won": 3,
    "lost": 9,
    "cohort_size": 23,
    "whole_conversion": ratio(3, 22),
    "bottleneck": {"from": "Negotiation", "to": "Won", "conversion": ratio(3, 7)},
}


def test_cohort_view_of_october(capsys: pytest.CaptureFixture[str], db: str) -> None:
    # Now, among the cohort (amounts in RUB; weighted = Σ minor × p / 100, rounded once,
    # half to even):
    #   Lead: India 1000.05 + Uniform 2000.05 = 3000.10; 300010 × 10 / 100 = 30001 → 300.01
    #     (rounding each deal would give 300.00).
    #   Qualified: Foxtrot 45000 + Papa 15000.02 + Quebec 22000 = 82000.02;
    #     8200002 × 25 / 100 = 2050000.5 → 2050000 (even) → 20500.00.
    #   Meeting: Golf 20000 + Mike (USD: counted, not summed) + Whiskey 14000: 3 deals,
    #     34000.00; × 0.4 = 13600.00.
    #   Proposal: nobody (Foxtrot and Lima went back, Charlie was lost, Tango went on).
    #   Negotiation: Hotel 80000 + Tango 35000 = 115000.00; × 0.8 = 92000.00.
    # Counts 2, 3, 3, 0, 2: Qualified and Meeting hold more than Lead; Negotiation more
    # than Proposal.
    assert report(capsys, db, *OCTOBER) == COHORT_COMMON | {
        "view": "cohort",
        "currency": "RUB",
        "stages": [
            stage(*COHORT_FUNNEL[0], 2, "3000.10", "300.01"),
            stage(*COHORT_FUNNEL[1], 3, "82000.02", "20500.00"),
            stage(*COHORT_FUNNEL[2], 3, "34000.00", "13600.00"),
            stage(*COHORT_FUNNEL[3], 0, "0.00", "0.00"),
            stage(*COHORT_FUNNEL[4], 2, "115000.00", "92000.00"),
        ],
        "inverse": True,
        "inverse_at": ["Qualified", "Meeting", "Negotiation"],
        "losses": [
            loss("Lead", "Competitor", 1, "7000.00"),
            loss("Qualified", "Price", 2, "27000.00"),
            loss("Qualified", "No budget", 1, "25000.00"),
            loss("Meeting", None, 1, "0.00"),
            loss("Proposal", "Price", 1, "30000.00"),
            loss("Negotiation", "Competitor", 1, "60000.00"),
            loss("Negotiation", "Price", 1, "40000.00"),
        ],
        "other_currencies": ["USD"],
    }


def test_snapshot_view_of_october(capsys: pytest.CaptureFixture[str], db: str) -> None:
    # reached, conversions, drop-off, won, lost, bottleneck and losses: the October cohort,
    # as above. count / amount / weighted: every live open deal of New clients now:
    #   Lead: India 1000.05, Uniform 2000.05, Draco 6000, Yankee 13000: 4, 22000.10;
    #     2200010 × 10 / 100 = 220001 → 2200.01.
    #   Qualified: Foxtrot 45000, Papa 15000.02, Quebec 22000, X-ray 11000: 4, 93000.02;
    #     9300002 × 25 / 100 = 2325000.5 → 2325000 (even) → 23250.00.
    #   Meeting: Golf 20000, Mike (USD), Whiskey 14000: 3, 34000.00 → 13600.00.
    #   Proposal: Zulu 70000: 1, 70000.00 → 42000.00.
    #   Negotiation: Hotel 80000, Tango 35000, Atlas 90000, Gemini 27500: 4, 232500.00
    #     → 186000.00.
    # (Not: Eridanus, deleted; Victor, in another pipeline; won and lost deals.)
    # Counts 4, 4, 3, 1, 4: only Negotiation holds more than an earlier stage (Meeting,
    # Proposal); Qualified equals Lead, which is not more.
    assert report(capsys, db, *OCTOBER, "--view", "snapshot") == COHORT_COMMON | {
        "view": "snapshot",
        "currency": "RUB",
        "stages": [
            stage(*COHORT_FUNNEL[0], 4, "22000.10", "2200.01"),
            stage(*COHORT_FUNNEL[1], 4, "93000.02", "23250.00"),
            stage(*COHORT_FUNNEL[2], 3, "34000.00", "13600.00"),
            stage(*COHORT_FUNNEL[3], 1, "70000.00", "42000.00"),
            stage(*COHORT_FUNNEL[4], 4, "232500.00", "186000.00"),
        ],
        "inverse": True,
        "inverse_at": ["Negotiation"],
        "losses": [
            loss("Lead", "Competitor", 1, "7000.00"),
            loss("Qualified", "Price", 2, "27000.00"),
            loss("Qualified", "No budget", 1, "25000.00"),
            loss("Meeting", None, 1, "0.00"),
            loss("Proposal", "Price", 1, "30000.00"),
            loss("Negotiation", "Competitor", 1, "60000.00"),
            loss("Negotiation", "Price", 1, "40000.00"),
        ],
        "other_currencies": ["USD"],
    }


def test_cohort_view_in_dollars(capsys: pytest.CaptureFixture[str], db: str) -> None:
    # The same deals and counts; only USD values summed:
    #   Meeting: Mike 3000.01; 300001 × 40 / 100 = 120000.4 → 120000 → 1200.00.
    #   Losses: only November (Meeting, no reason) is in USD: 1800.00.
    # Romeo (USD) is won: in no amount.
    assert report(capsys, db, *OCTOBER, "--currency", "USD") == COHORT_COMMON | {
        "view": "cohort",
        "currency": "USD",
        "stages": [
            stage(*COHORT_FUNNEL[0], 2, "0.00", "0.00"),
            stage(*COHORT_FUNNEL[1], 3, "0.00", "0.00"),
            stage(*COHORT_FUNNEL[2], 3, "3000.01", "1200.00"),
            stage(*COHORT_FUNNEL[3], 0, "0.00", "0.00"),
            stage(*COHORT_FUNNEL[4], 2, "0.00", "0.00"),
        ],
        "inverse": True,
        "inverse_at": ["Qualified", "Meeting", "Negotiation"],
        "losses": [
            loss("Lead", "Competitor", 1, "0.00"),
            loss("Qualified", "Price", 2, "0.00"),
            loss("Qualified", "No budget", 1, "0.00"),
            loss("Meeting", None, 1, "1800.00"),
            loss("Proposal", "Price", 1, "0.00"),
            loss("Negotiation", "Competitor", 1, "0.00"),
            loss("Negotiation", "Price", 1, "0.00"),
        ],
        "other_currencies": ["RUB"],
    }


def test_cohort_view_of_one_owner(capsys: pytest.CaptureFixture[str], db: str) -> None:
    # Boris's October cohort: November, Oscar, Papa, Quebec, Romeo, Sierra, Tango,
    # Uniform, Victor, Whiskey = 10 (X-ray, Atlas, Gemini, Cygnus: created outside).
    # Highest rank: Romeo 5; Oscar, Sierra, Tango 4; November, Whiskey 2; Papa, Quebec,
    # Victor 1; Uniform 0. reached = [10, 9, 6, 4, 4]; won: Romeo = 1; lost: November,
    # Oscar, Sierra = 3.
    # Conversions 9/10, 6/9, 4/6, 4/4, 1/4; whole 1/10. reached >= 5 only for Lead (10),
    # Qualified (9) and Meeting (6): 9/10, 2/3, 2/3: a tie, the earliest wins:
    # Qualified→Meeting.
    # Drop-off: Meeting: November; Negotiation: Oscar, Sierra.
    # Now: Lead: Uniform 2000.05; 200005 × 10 / 100 = 20000.5 → 20000 (even) → 200.00.
    #   Qualified: Papa 15000.02 + Quebec 22000 = 37000.02; 3700002 × 25 / 100 =
    #   925000.5 → 925000 (even) → 9250.00. Meeting: Whiskey 14000 → 5600.00.
    #   Proposal: nobody. Negotiation: Tango 35000 → 28000.00.
    # Counts 1, 2, 1, 0, 1: Qualified (> Lead) and Negotiation (> Proposal).
    # Currencies: 8 RUB deals, 2 USD (November, Romeo): RUB, and USD listed.
    assert report(capsys, db, *OCTOBER, "--owner", "boris") == {
        "pipeline": NEW,
        "from": "2026-10-01",
        "to": "2026-10-31",
        "owner": "boris",
        "view": "cohort",
        "currency": "RUB",
        "stages": [
            stage("Lead", 10, ratio(9, 10), 0, 1, "2000.05", "200.00"),
            stage("Qualified", 9, ratio(6, 9), 0, 2, "37000.02", "9250.00"),
            stage("Meeting", 6, ratio(4, 6), 1, 1, "14000.00", "5600.00"),
            stage("Proposal", 4, ratio(4, 4), 0, 0, "0.00", "0.00"),
            stage("Negotiation", 4, ratio(1, 4), 2, 1, "35000.00", "28000.00"),
        ],
        "won": 1,
        "lost": 3,
        "cohort_size": 10,
        "whole_conversion": ratio(1, 10),
        "bottleneck": {"from": "Qualified", "to": "Meeting", "conversion": ratio(2, 3)},
        "inverse": True,
        "inverse_at": ["Qualified", "Negotiation"],
        "losses": [
            loss("Meeting", None, 1, "0.00"),
            loss("Negotiation", "Competitor", 1, "60000.00"),
            loss("Negotiation", "Price", 1, "40000.00"),
        ],
        "other_currencies": ["USD"],
    }


def test_cohort_view_of_one_day(capsys: pytest.CaptureFixture[str], db: str) -> None:
    # 20 October (Moscow) = [10-19T21:00Z, 10-20T21:00Z): Delta (L→Lost, Competitor) and
    # India (at Lead). reached = [2, 0, 0, 0, 0]: Lead→Qualified is 0/2 = 0, every later
    # conversion 0/0 = null; won 0, lost 1; whole 0/2 = 0; no stage reached >= 5: no
    # bottleneck. Drop-off Lead: Delta. Now: Lead: India 1000.05; 100005 × 10 / 100 =
    # 10000.5 → 10000 (even) → 100.00. Counts 1, 0, 0, 0, 0: not inverse.
    assert report(capsys, db, "--from", "2026-10-20", "--to", "2026-10-20") == {
        "pipeline": NEW,
        "from": "2026-10-20",
        "to": "2026-10-20",
        "owner": None,
        "view": "cohort",
        "currency": "RUB",
        "stages": [
            stage("Lead", 2, 0.0, 1, 1, "1000.05", "100.00"),
            stage("Qualified", 0, None, 0, 0, "0.00", "0.00"),
            stage("Meeting", 0, None, 0, 0, "0.00", "0.00"),
            stage("Proposal", 0, None, 0, 0, "0.00", "0.00"),
            stage("Negotiation", 0, None, 0, 0, "0.00", "0.00"),
        ],
        "won": 0,
        "lost": 1,
        "cohort_size": 2,
        "whole_conversion": 0.0,
        "bottleneck": None,
        "inverse": False,
        "inverse_at": [],
        "losses": [loss("Lead", "Competitor", 1, "7000.00")],
        "other_currencies": [],
    }


def test_cohort_view_of_a_period_without_deals(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    # August 2026: nobody was created then. Every ratio is 0/0: null. With no deal in view
    # the currency is the configured one.
    (tmp_path / "config.toml").write_text('currency = "RUB"\n', encoding="utf-8")
    assert report(capsys, db, "--from", "2026-08-01", "--to", "2026-08-31") == {
        "pipeline": NEW,
        "from": "2026-08-01",
        "to": "2026-08-31",
        "owner": None,
        "view": "cohort",
        "currency": "RUB",
        "stages": [stage(name, 0, None, 0, 0, "0.00", "0.00") for name in STAGES],
        "won": 0,
        "lost": 0,
        "cohort_size": 0,
        "whole_conversion": None,
        "bottleneck": None,
        "inverse": False,
        "inverse_at": [],
        "losses": [],
        "other_currencies": [],
    }
