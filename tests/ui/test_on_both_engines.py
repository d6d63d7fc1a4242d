"""The app's main journeys on SQLite and on PostgreSQL alike (issue 13): the board (read by
the lean sqlite3 reader on a file, through the store on a server), moves with their history,
the deal pane with a call and the next contact, a teammate's change shown within 2 s (on
PostgreSQL heard by LISTEN/NOTIFY), and the funnel screen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import ActivityKind
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.log_activity import LogActivityModal
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.screens.funnel import FunnelScreen
from funnel_tui.ui.widgets.stage_column import StageColumn
from tests.conftest import ENGINES

from .conftest import NOW, fill_board, frozen_clock, settle, shown
from .test_live_refresh import opened, totals

pytestmark = pytest.mark.usefixtures("moscow_time")
MSK = timedelta(hours=3)


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The board fixture's data in an SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        where = str(tmp_path / "board.db")
    else:
        where = request.getfixturevalue("postgres_server").new_database()
    fill_board(where)
    return where


@pytest.fixture
def teammate(target: str) -> Iterator[Services]:
    services = open_services(target, login="ivan", clock=frozen_clock)
    yield services
    services.close()


def make_app(target: str) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), target, login="anna", clock=frozen_clock
    )


async def test_the_board_moves_a_deal_and_records_it(target: str, teammate: Services) -> None:
    app = make_app(target)
    async with app.run_test(size=(160, 45)) as pilot:
        await opened(app, pilot)
        assert totals(app)[:4] == [3, 1, 1, 1]
        column = app.focused
        assert isinstance(column, StageColumn) and column.current is not None
        moved = column.current.deal_id
        await pilot.press("shift+right")
        await settle(pilot)
        assert totals(app)[:4] == [2, 2, 1, 1]
    history = teammate.deals.history(moved)
    assert len(history) == 2 and history[-1].by_user_id is not None


async def test_a_call_and_the_next_contact_from_the_deal_pane(
    target: str, teammate: Services
) -> None:
    app = make_app(target)
    async with app.run_test(size=(160, 45)) as pilot:
        await opened(app, pilot)
        app.open_deal(1)
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, LogActivityModal)
        await pilot.press("down", "enter", *"3m", "enter", *"Left a message", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextContactModal)
        await pilot.press(*"tomorrow 10:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
    call = teammate.deals.activities(1)[-1]
    assert (call.kind, call.duration_s, call.body) == (ActivityKind.CALL, 180, "Left a message")
    assert teammate.deals.get(1).next_contact_at == datetime(2026, 11, 24, 10, tzinfo=UTC) - MSK


async def test_a_teammates_move_shows_within_2_s(target: str, teammate: Services) -> None:
    app = make_app(target)
    async with app.run_test(size=(160, 45)) as pilot:
        await opened(app, pilot)
        before = totals(app)
        deal = teammate.deals.get(4)  # Lamps, in the second stage
        stages = teammate.pipelines.find("Sales").open_stages
        teammate.deals.move(4, stages[2].id, expected_version=deal.version, at=NOW)
        started = time.monotonic()
        while totals(app) == before:
            assert time.monotonic() - started < 2.0, "not shown within 2 s"
            await pilot.pause(0.05)
        assert totals(app)[:4] == [3, 0, 2, 1]


async def test_the_funnel_screen_counts_the_cohort(target: str) -> None:
    app = make_app(target)
    async with app.run_test(size=(120, 60)) as pilot:
        await opened(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FunnelScreen)
        assert "6 deals in the cohort" in shown(screen, "#funnel-chart")
