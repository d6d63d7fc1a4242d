"""The deal pane's timeline shows a teammate's field edit with who made it (Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.widgets.timeline import TimelineView

from .conftest import frozen_clock, settle

pytestmark = pytest.mark.usefixtures("moscow_time")


async def test_an_edit_by_a_teammate_shows_in_the_timeline(board_db: Path) -> None:
    services = open_services(board_db, login="ivan", clock=frozen_clock)
    deal = services.deals.get(1)
    draft = DealDraft(deal.title, Money(18_000_000, "RUB"), company=deal.company)
    services.deals.edit(deal.id, draft, expected_version=deal.version)
    services.close()

    app = build_app(
        Settings(currency="RUB", start_screen="board"),
        str(board_db),
        login="anna",
        clock=frozen_clock,
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.open_deal(deal.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen)
        timeline = screen.query_one(TimelineView)
        newest = timeline.current
        assert newest is not None and newest.event is not None
        assert newest.who == "Иван Петров"
        lines = [strip.text for strip in (timeline.render_line(y) for y in range(2))]
        assert "✎ value ₽150,000 → ₽180,000  — Иван Петров" in lines[0]
