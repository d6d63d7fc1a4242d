"""Keys pressed in the first second, before the full store has opened: a screen that reads
through it is told to wait (and not opened); the deal pane opens once the store has."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.board import BoardScreen

from .conftest import settle
from .test_board import make_app


def app_opening_slowly(path: Path) -> tuple[FunnelApp, threading.Event]:
    """The app, with its full store opening only once the event is set."""
    app = make_app(path)
    opened = threading.Event()
    real_open = app._open_services

    def slow_open() -> Services:
        opened.wait(10)
        return real_open()

    app._open_services = slow_open
    return app, opened


async def board_shown(pilot: Pilot[None]) -> None:
    """The board shows from its own reads, before the full store has opened."""
    for _ in range(100):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, BoardScreen) and pilot.app.screen.loads:
            return


@pytest.mark.parametrize("key", ["f", "R", "D", "I", "S"])
async def test_a_screen_asked_for_before_the_store_is_open_is_said_to_wait(
    board_db: Path, key: str
) -> None:
    app, opened = app_opening_slowly(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await board_shown(pilot)
        await pilot.press(key)
        await pilot.pause(0.1)
        assert isinstance(app.screen, BoardScreen)
        assert "Still opening the database…" in [note.message for note in app._notifications]
        opened.set()
        await settle(pilot)
        assert app.services is not None
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, BoardScreen)


async def test_a_deal_opened_before_the_store_is_open_shows_once_it_is(board_db: Path) -> None:
    app, opened = app_opening_slowly(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await board_shown(pilot)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, BoardScreen)
        opened.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "DealScreen"
