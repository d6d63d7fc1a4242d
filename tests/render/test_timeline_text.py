"""Relative times and timeline lines: plain words, local days, data shown literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from funnel_tui.domain.models import Activity, ActivityKind, Direction, Outcome, StageChange
from funnel_tui.render.format import relative_time
from funnel_tui.render.timeline import format_duration, timeline_text
from funnel_tui.services.deal_view import TimelineEntry

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


pytestmark = pytest.mark.usefixtures("moscow_time")


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (timedelta(seconds=-30), "just now"),
        (timedelta(minutes=-5), "5 min ago"),
        (timedelta(hours=-2), "2 h ago"),
        (timedelta(hours=-14), "yesterday 22:00"),  # 22:00 Moscow, the day before
        (timedelta(days=-3), "3 days ago"),
        (timedelta(days=-30), "24 Oct"),
        (timedelta(days=-400), "10/19/2025"),
        (timedelta(minutes=20), "in 20 min"),
        (timedelta(hours=2), "in 2 h"),
        (timedelta(hours=22), "tomorrow 10:00"),
        (timedelta(days=3), "in 3 days"),
    ],
)
def test_relative_time_says_it_as_people_do(delta: timedelta, said: str) -> None:
    assert relative_time(NOW + delta, NOW) == said


@pytest.mark.parametrize(
    ("seconds", "shown"), [(45, "45s"), (180, "3m"), (200, "3m 20s"), (3900, "1h 05m")]
)
def test_durations(seconds: int, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_an_activity_line_shows_what_who_and_the_note_literally() -> None:
    call = Activity(
        1,
        7,
        ActivityKind.CALL,
        NOW - timedelta(hours=2),
        1,
        Direction.OUT,
        Outcome.NO_ANSWER,
        180,
        "[bold]x[/] \x1b]52;c;aGk=\x07\nsecond line",
    )
    text = timeline_text(TimelineEntry(call.at, "Anna", activity=call), NOW)
    assert text.plain.splitlines() == [
        "2 h ago  ☎ Call out · no answer · 3m  — Anna",
        "[bold]x[/] ␛]52;c;aGk=␇",
        "second line",
    ]


def test_a_stage_change_and_the_creation() -> None:
    change = StageChange(3, 7, 1, 2, NOW - timedelta(days=1, hours=1), 1)
    moved = TimelineEntry(change.at, "Ivan", change=change, from_stage="Lead", to_stage="Deal")
    assert timeline_text(moved, NOW).plain == "yesterday 11:00  → Lead → Deal  — Ivan"
    created = TimelineEntry(change.at, "Ivan", change=change, to_stage="Lead")
    assert timeline_text(created, NOW).plain == "yesterday 11:00  ★ Created in Lead  — Ivan"
