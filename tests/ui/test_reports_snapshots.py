"""How the reports screen looks, on `demo --seed 1` data with a plan and a frozen clock
(reached with `R` from the board, as a user does), at 80×24 and 160×45.

Update only after looking at the report:
`pytest tests/ui/test_reports_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.ui.app import FunnelApp

from .conftest import frozen_clock, pressing

SIZES = [(80, 24), (160, 45)]


@pytest.fixture
def planned_db(demo_db: Path) -> Path:
    """The demo data with a team plan for the first pipeline from October 2026."""
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    try:
        first = services.pipelines.find(None)
        services.plans.set_plan(first.id, "5 000 000", month=date(2026, 10, 1), currency="RUB")
    finally:
        services.close()
    return demo_db


def _app(path: Path) -> FunnelApp:
    settings = Settings(currency="RUB", start_screen="board")
    return build_app(settings, str(path), login="anna", clock=frozen_clock)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reports_kpis(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """The KPI tiles of this month with their change against last month (▲ ▼, coloured)."""
    assert snap_compare(_app(planned_db), terminal_size=size, run_before=pressing("R"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reports_forecast(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """Six months of weighted (█) and historical (▒) forecast bars."""
    assert snap_compare(_app(planned_db), terminal_size=size, run_before=pressing("R", "2"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reports_plan(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """The plan's fulfilment, then reached against needed per stage (░ the shortfall)."""
    assert snap_compare(_app(planned_db), terminal_size=size, run_before=pressing("R", "3"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reports_team(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """The manager table sorted by lost deals (`s`: the column after won amount), reversed
    with `S`: least first, ▲ on the sorted column."""
    assert snap_compare(
        _app(planned_db), terminal_size=size, run_before=pressing("R", "4", "s", "S")
    )


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reports_losses(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """Loss reasons as bars, the most first, with share and amount."""
    assert snap_compare(_app(planned_db), terminal_size=size, run_before=pressing("R", "5"))


@pytest.mark.usefixtures("utc_zone")
def test_reports_plan_modal_error(snap_compare: Any, planned_db: Path) -> None:
    """The plan modal with an amount that does not read: one line under the fields."""
    keys = pressing("R", "3", "P", *"many", "enter")
    assert snap_compare(_app(planned_db), terminal_size=(80, 24), run_before=keys)
