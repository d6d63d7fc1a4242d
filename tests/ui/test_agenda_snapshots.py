"""How the agenda looks, on `demo --seed 1` data with a frozen clock, at two terminal sizes.

Update only after looking at the report: `pytest tests/ui/test_agenda_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings

from .test_snapshots import _clock, _ready


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_agenda(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """Overdue, today, this week, no next contact, rotting: with counts, a row per deal."""
    settings = Settings(currency="RUB", start_screen="agenda")
    app = build_app(settings, str(demo_db), login="anna", clock=_clock)
    assert snap_compare(app, terminal_size=size, run_before=_ready)
