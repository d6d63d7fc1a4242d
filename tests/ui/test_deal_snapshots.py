"""How the deal pane looks: a demo deal with a long history, frozen clock, two sizes.

Update only after looking at the report: `pytest tests/ui/test_deal_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.services.demo import generate_demo
from funnel_tui.ui.app import FunnelApp

from .conftest import settle

TODAY = date(2026, 11, 23)


def _clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def busiest_deal(tmp_path: Path) -> tuple[Path, int]:
    """A demo database, and its open deal with the longest timeline."""
    path = tmp_path / "demo.db"
    services = open_services(path, login="anna", clock=_clock)
    generate_demo(services.context.store, deals=300, seed=1, today=TODAY)
    open_ids = [
        deal_id
        for deal_id in range(1, 301)
        if services.deals.get(deal_id, include_deleted=True).closed_at is None
    ]
    busiest = max(open_ids, key=lambda deal_id: len(services.deals.view(deal_id).timeline))
    services.close()
    return path, busiest


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_deal_pane(
    snap_compare: Any, busiest_deal: tuple[Path, int], size: tuple[int, int]
) -> None:
    """Summary, every field, the checklist when the stage has one, and the timeline."""
    path, deal_id = busiest_deal
    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=_clock
    )

    async def open_the_deal(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert isinstance(pilot.app, FunnelApp)
        pilot.app.open_deal(deal_id)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_the_deal)
