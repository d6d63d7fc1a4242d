"""How the board looks, on `demo --seed 1` data with a frozen clock, at two terminal sizes.

Update only after looking at the report: `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.services.demo import generate_demo

from .conftest import settle

TODAY = date(2026, 11, 23)


def _clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cards show local times: pin the zone so snapshots match on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    services = open_services(path, login="anna", clock=_clock)
    generate_demo(services.context.store, deals=2000, seed=1, today=TODAY)
    services.close()
    return path


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
    app = build_app(Settings(currency="RUB"), str(demo_db), login="anna", clock=_clock)
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.usefixtures("utc_zone")
def test_board_cursor_in_second_column(snap_compare: Any, demo_db: Path) -> None:
    """After moving down and right, the highlighted card is the third of Qualification."""
    app = build_app(Settings(currency="RUB"), str(demo_db), login="anna", clock=_clock)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_moved)
