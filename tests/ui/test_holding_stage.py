"""A conditional refusal on the board: moving a deal into a holding stage asks for the day it
comes back, and the card shows that day (⏸) instead of a next-contact badge; it never rots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.widgets.stage_column import StageColumn

from .conftest import NOW, frozen_clock, settle


def refusals_db(tmp_path: Path) -> Path:
    """Only the "Refusals" pipeline: one deal held until next month, one back in talks
    (idle for 40 days) with no next contact."""
    path = tmp_path / "refusals.db"
    services = open_services(path, login="anna", clock=frozen_clock)
    refusals = services.pipelines.create_from_template("refusals", "en")
    held, talks = refusals.open_stages
    parked = services.deals.create(
        DealDraft("Parked chairs", Money(100_00, "RUB")),
        pipeline_id=refusals.id,
        stage_id=held.id,
        at=NOW - timedelta(days=40),
    )
    services.deals.set_next_contact(
        parked.id, NOW + timedelta(days=30), at=NOW - timedelta(days=40)
    )
    services.deals.create(
        DealDraft("Tables again", Money(200_00, "RUB")),
        pipeline_id=refusals.id,
        stage_id=talks.id,
        at=NOW - timedelta(days=40),
    )
    services.close()
    return path


def make_app(path: Path) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )


def card_text(column: StageColumn) -> str:
    return "\n".join(column.render_line(y).text for y in range(column.size.height))


async def test_moving_into_a_holding_stage_asks_for_the_revival_date(tmp_path: Path) -> None:
    path = refusals_db(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        held, talks = app.screen.query(StageColumn).results(StageColumn)
        assert held.stage.on_hold
        # Parked for a month: the day it comes back, muted, and no rotting mark after 40 days.
        assert "⏸" in card_text(held) and "⚑" not in card_text(held)
        assert "⚑" in card_text(talks)  # 40 idle days in a stage that rots after 14

        await pilot.press("right", "shift+left")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NextContactModal)
        assert "Revive “Tables again” on" in str(modal.query("Static").first().render())
        await pilot.press(*"+14d", "enter")
        await settle(pilot)
        held, _ = app.screen.query(StageColumn).results(StageColumn)
        assert held.total == 2
        assert card_text(held).count("⏸") == 2

        await pilot.press("u")  # the move can still be undone after the date was set
        await settle(pilot)
        _, talks = app.screen.query(StageColumn).results(StageColumn)
        assert talks.total == 1

    services = open_services(path, login="anna", clock=frozen_clock)
    try:
        deal = next(d for d in services.deals.search("Tables") if d.title == "Tables again")
        assert deal.next_contact_at == NOW + timedelta(days=14)
        names = [change.to_stage_id for change in services.deals.history(deal.id)]
        assert len(names) == 3  # created in talks, held, back in talks (undo)
    finally:
        services.close()


async def test_cancelling_the_revival_date_keeps_the_move(tmp_path: Path) -> None:
    path = refusals_db(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("right", "shift+left")
        await settle(pilot)
        assert isinstance(app.screen, NextContactModal)
        await pilot.press("escape")
        await settle(pilot)
        held, talks = app.screen.query(StageColumn).results(StageColumn)
        assert (held.total, talks.total) == (2, 0)


async def test_the_deal_pane_asks_for_the_revival_date_too(tmp_path: Path) -> None:
    path = refusals_db(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        await pilot.press("shift+left")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NextContactModal)
        assert modal._revival
        await pilot.press(*"25.12 10:00", "enter")
        await settle(pilot)
    services = open_services(path, login="anna", clock=frozen_clock)
    try:
        deal = next(d for d in services.deals.search("Tables") if d.title == "Tables again")
        assert deal.next_contact_at is not None
        assert deal.next_contact_at.astimezone().strftime("%d.%m %H:%M") == "25.12 10:00"
    finally:
        services.close()
