"""How the funnel screen looks, on `demo --seed 1` data with a frozen clock, at two terminal
sizes (reached with `f` from the board, as a user does).

Update only after looking at the report:
`pytest tests/ui/test_funnel_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings
from funnel_tui.ui.app import FunnelApp

from .conftest import settle, stop_blinking
from .test_snapshots import _clock


def _app(demo_db: Path) -> FunnelApp:
    settings = Settings(currency="RUB", start_screen="board")
    return build_app(settings, str(demo_db), login="anna", clock=_clock)


async def _keys(pilot: Pilot[Any], *keys: str) -> None:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _funnel(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f")


async def _snapshot_view(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f", "v")


async def _bad_dates(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f", "d", "tab", "ctrl+u", *"31.09.2026", "enter")
    stop_blinking(pilot)
    await settle(pilot)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_funnel(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """This month's cohort of the first pipeline: the chart with its marks, then the table."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_funnel)


@pytest.mark.usefixtures("utc_zone")
def test_funnel_snapshot_view(snap_compare: Any, demo_db: Path) -> None:
    """The open deals now, with amounts and weighted amounts beside the bars."""
    assert snap_compare(_app(demo_db), terminal_size=(120, 40), run_before=_snapshot_view)


@pytest.mark.usefixtures("utc_zone")
def test_funnel_custom_period_error(snap_compare: Any, demo_db: Path) -> None:
    """A day that does not exist: the modal says so on one line and stays open."""
    assert snap_compare(_app(demo_db), terminal_size=(80, 24), run_before=_bad_dates)
