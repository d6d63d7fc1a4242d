"""How the wall dashboard looks, on `demo --seed 1` data with a plan and a frozen clock, at
two terminal sizes: plain lines at 80×24, large type beside the charts at 160×45.

Update only after looking at the report:
`pytest tests/ui/test_dashboard_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.dashboard import DashboardScreen, DashboardStart

from .conftest import frozen_clock, settle


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
    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )
    app.start_on_dashboard(DashboardStart(standalone=True))
    return app


async def _shown(pilot: Pilot[Any]) -> None:
    for _ in range(300):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, DashboardScreen) and screen.reads:
            break
    await settle(pilot)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_dashboard(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """The first pipeline this month: key figures (plain at 80×24, in large type at 160×45),
    the cohort funnel and the plan, "updated 09:00:00" at the bottom."""
    assert snap_compare(_app(planned_db), terminal_size=size, run_before=_shown)
