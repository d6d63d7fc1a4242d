"""The board keeps quiet under the deal pane (ui/screens/covered.py): what it repaints while
covered does not make the pane repaint, a see-through dialog over it still shows its
repaints, and what changed under the pane is on the terminal once the board is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual._compositor import CompositorUpdate, LayoutUpdate
from textual.pilot import Pilot
from textual.widgets import Static

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.stage_picker import StagePickerModal
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.widgets.stage_column import StageColumn

from .conftest import frozen_clock, settle

pytestmark = pytest.mark.usefixtures("moscow_time")

SIZE = (120, 40)


def make_app(path: Path) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )


def record_frames(app: FunnelApp) -> list[CompositorUpdate]:
    """Every update the app sends to the terminal from now on (headless included)."""
    frames: list[CompositorUpdate] = []
    original = app._display

    def display(screen: object, renderable: object) -> None:
        if isinstance(renderable, CompositorUpdate):
            frames.append(renderable)
        original(screen, renderable)  # type: ignore[arg-type]

    app._display = display  # type: ignore[method-assign]
    return frames


def repaint_board(board: BoardScreen) -> None:
    for column in board.query(StageColumn):
        column.refresh()


async def board_under(pilot: Pilot[None], key: str) -> BoardScreen:
    """The loaded board, once `key` has put a screen over it."""
    await settle(pilot)
    board = pilot.app.screen
    assert isinstance(board, BoardScreen)
    await pilot.press(key)
    await settle(pilot)
    assert pilot.app.screen is not board
    return board


async def test_the_board_repainting_under_the_pane_sends_nothing(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        board = await board_under(pilot, "enter")
        assert isinstance(app.screen, DealScreen)
        frames = record_frames(app)
        repaint_board(board)
        await pilot.pause(0.2)
        assert frames == []


async def test_a_see_through_dialog_still_shows_the_board_repainting(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        board = await board_under(pilot, "m")
        assert isinstance(app.screen, StagePickerModal)
        assert app.screen.styles.background.a < 1
        frames = record_frames(app)
        repaint_board(board)
        await pilot.pause(0.2)
        assert frames


async def test_what_changed_under_the_pane_is_sent_when_the_board_is_back(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        board = await board_under(pilot, "enter")
        assert isinstance(app.screen, DealScreen)
        mark = Static("changed while covered", id="covered-mark")
        await board.mount(mark)
        await pilot.pause(0.1)
        frames = record_frames(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        full = [frame for frame in frames if isinstance(frame, LayoutUpdate)]
        assert full, "the board came back without a full repaint"
        sent = "".join(frame.render_segments(app.console) for frame in frames)
        assert "changed while covered" in sent
