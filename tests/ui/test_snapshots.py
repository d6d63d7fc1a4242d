"""How the board looks, on `demo --seed 1` data with a frozen clock, at two terminal sizes.

Update only after looking at the report: `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings

from .conftest import settle

TODAY = date(2026, 11, 23)


def _clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _ready(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def _moved(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("down", "right", "down", "down")
    await settle(pilot)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_board(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """The first pipeline's open stages: headers with counts and sums, cards with badges."""
    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(demo_db), login="anna", clock=_clock
    )
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.usefixtures("utc_zone")
def test_board_cursor_in_second_column(snap_compare: Any, demo_db: Path) -> None:
    """After moving down and right, the highlighted card is the third of Qualification."""
    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(demo_db), login="anna", clock=_clock
    )
    assert snap_compare(app, terminal_size=(120, 36), run_before=_moved)
