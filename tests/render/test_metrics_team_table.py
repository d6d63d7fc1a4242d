"""The manager table: sorted by any column either way (ties by name, the undefined last),
the columns that fit the width (the sorted one always), first response as hours or days,
the team's totals, and names shown literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from funnel_tui.analytics.metrics_model import ManagerActivity, TeamReport
from funnel_tui.domain.money import Money
from funnel_tui.render.chart_parts import format_duration
from funnel_tui.render.team_table import (
    TEAM_SORT_KEYS,
    TeamTable,
    sorted_managers,
)
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
    without_styles,
)


def manager(
    user_id: int,
    login: str,
    name: str,
    *,
    calls: int = 0,
    meetings: int = 0,
    created: int = 0,
    moved: int = 0,
    won: int = 0,
    won_amount: int = 0,
    lost: int = 0,
    response: timedelta | None = None,
    overdue: int = 0,
    without_next: int = 0,
) -> ManagerActivity:
    return ManagerActivity(
        user_id=user_id,
        login=login,
        display_name=name,
        calls=calls,
        meetings=meetings,
        created=created,
        moved_forward=moved,
        won=won,
        won_amount=Money(won_amount * 100, "RUB"),
        lost=lost,
        median_first_response=response,
        overdue_now=overdue,
        without_next_contact=without_next,
    )


ANNA = manager(
    1,
    "anna",
    "Anna Petrova",
    calls=64,
    meetings=12,
    created=30,
    moved=41,
    won=8,
    won_amount=2_400_000,
    lost=5,
    response=timedelta(hours=3, minutes=30),
    overdue=2,
)
IVAN = manager(
    2,
    "ivan",
    "Ivan Sidorov-Kuznetsov",
    calls=120,
    meetings=3,
    created=44,
    moved=20,
    won=3,
    won_amount=600_000,
    lost=12,
    response=timedelta(days=2, hours=6),
    overdue=9,
    without_next=14,
)
OLGA = manager(3, "olga", "Olga", calls=64, won=8, won_amount=0, without_next=1)
HOSTILE_MANAGER = manager(4, "mallory", HOSTILE, calls=1)


def team(*managers: ManagerActivity, other_currencies: tuple[str, ...] = ()) -> TeamReport:
    return TeamReport(
        pipeline_id=None,
        pipeline_name=None,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 12, 1, tzinfo=UTC),
        currency="RUB",
        managers=managers,
        other_currencies=other_currencies,
    )


TEAM = team(ANNA, IVAN, OLGA, HOSTILE_MANAGER, other_currencies=("EUR",))
NOBODY = team()
REPORTS = {"team": TEAM, "nobody": NOBODY, "alone": team(ANNA)}


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
def test_table_without_colour(snapshot: Any, width: int) -> None:
    assert plain(TeamTable(TEAM, UTC), width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
def test_table_in_colour(snapshot: Any, width: int) -> None:
    assert coloured(TeamTable(TEAM, UTC), width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", [40, 80])
def test_sorted_by_first_response_without_colour(snapshot: Any, width: int) -> None:
    table = TeamTable(TEAM, UTC, sort_by="first_response", descending=False, heading=False)
    assert plain(table, width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", ["nobody", "alone"])
def test_edge_cases_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(TeamTable(REPORTS[name], UTC), width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", FIT_WIDTHS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    assert_fits(plain(TeamTable(REPORTS[name], UTC), width), width)


@pytest.mark.parametrize("sort_by", TEAM_SORT_KEYS)
@pytest.mark.parametrize("width", [40, 80])
def test_the_sorted_column_is_always_shown_with_its_arrow(sort_by: str, width: int) -> None:
    output = plain(TeamTable(TEAM, UTC, sort_by=sort_by, heading=False), width)
    assert_fits(output, width)
    assert "▼" in output.splitlines()[0]


def logins(sort_by: str, *, descending: bool) -> list[str]:
    return [m.login for m in sorted_managers(TEAM.managers, sort_by, descending=descending)]


def test_sorting_either_way_with_ties_by_name() -> None:
    assert logins("won_amount", descending=True) == ["anna", "ivan", "mallory", "olga"]
    # Anna and Olga both made 64 calls: by name in either direction.
    assert logins("calls", descending=True) == ["ivan", "anna", "olga", "mallory"]
    assert logins("calls", descending=False) == ["mallory", "anna", "olga", "ivan"]
    assert logins("name", descending=False) == ["mallory", "anna", "ivan", "olga"]


def test_undefined_first_responses_sort_last_both_ways() -> None:
    assert logins("first_response", descending=False)[:2] == ["anna", "ivan"]
    assert logins("first_response", descending=True)[:2] == ["ivan", "anna"]
    assert set(logins("first_response", descending=True)[2:]) == {"olga", "mallory"}


def test_an_unknown_sort_key_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="unknown column 'age'"):
        TeamTable(TEAM, sort_by="age")


@pytest.mark.parametrize(
    ("duration", "shown"),
    [
        (None, "—"),
        (timedelta(0), "0 min"),
        (timedelta(minutes=44, seconds=31), "45 min"),
        (timedelta(hours=3, minutes=30), "3.5 h"),
        (timedelta(hours=26), "26 h"),
        (timedelta(days=2, hours=6), "2.3 d"),
        (timedelta(days=12, hours=13), "13 d"),
    ],
)
def test_first_response_reads_as_hours_or_days(duration: timedelta | None, shown: str) -> None:
    assert format_duration(duration) == shown


def test_totals_add_up_and_the_median_has_none() -> None:
    output = plain(TeamTable(TEAM, UTC, heading=False), 120)
    totals = line_with(output, "team").split()
    assert totals == ["team", "249", "15", "74", "61", "19", "3,000,000", "17", "11", "15"]
    assert "team" not in plain(TeamTable(REPORTS["alone"], UTC), 120).split("\n", 1)[1]


def test_the_widest_table_has_every_column() -> None:
    heading = plain(TeamTable(TEAM, UTC, heading=False), 120).splitlines()[0].split()
    assert heading == [
        *["manager", "calls", "meetings", "created", "moved", "on", "won", "won", "RUB", "▼"],
        *["lost", "1st", "reply", "overdue", "no", "next"],
    ]


def test_names_are_shown_literally_and_the_currency_note_is_kept() -> None:
    output = coloured(TeamTable(TEAM, UTC), 160)
    assert_shown_literally(output)
    assert "deals in EUR are counted but not summed" in without_styles(output)


def test_nobody_in_the_period_is_said() -> None:
    assert "Nobody owned a deal or logged an activity in this period." in plain(
        TeamTable(NOBODY, UTC), 80
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_color_keeps_the_sort_arrow(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    text = under_no_color(monkeypatch, TeamTable(TEAM, UTC, descending=False), width)
    assert "▲" in text
