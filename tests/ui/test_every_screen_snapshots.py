"""Every screen and modal, at 80×24 and 160×45, on `demo --seed 1` data with a frozen clock.

The other `*_snapshots.py` files cover the main screens; this one covers what they do not
(the modals, the call session, the help panel, the command palette) and the sizes they miss.
Each screen is reached by the keys a user presses, from the board. `SNAPSHOTS` maps every
Screen and ModalScreen class of `funnel_tui.ui` to the snapshots that show it:
`test_every_screen_has_a_snapshot` fails when a new screen has none.

Update only after looking at the report:
`pytest tests/ui/test_every_screen_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import LoadingIndicator, OptionList

import funnel_tui.ui
from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.services.demo import generate_demo
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.call_session import CallSessionScreen

from .conftest import NOW, frozen_clock, settle, stop_blinking
from .test_board import make_app
from .test_import_snapshots import export_dir  # noqa: F401 - a fixture, used by name

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]
LARGE = (160, 45)
SNAPSHOTS_DIR = Path(__file__).parent / "__snapshots__"
ALL_SIZES = ("80x24", "160x45")


def _both(test: str) -> list[str]:
    return [f"test_every_screen_snapshots::{test}[{size}]" for size in ALL_SIZES]


def _settings(test: str) -> list[str]:
    """`module::test` of the settings' snapshot files, at both sizes."""
    return [f"{test}[{size}]" for size in ALL_SIZES]


SNAPSHOTS: dict[str, list[str]] = {
    "BoardScreen": ["test_snapshots::test_board[size0]", "test_snapshots::test_board[size1]"],
    # The board's base (ui/screens/covered.py): it draws nothing of its own.
    "QuietWhenCovered": ["test_snapshots::test_board[size0]", "test_snapshots::test_board[size1]"],
    "AgendaScreen": [
        "test_agenda_snapshots::test_agenda[size0]",
        "test_agenda_snapshots::test_agenda[size1]",
    ],
    "DealScreen": [
        "test_deal_snapshots::test_deal_pane[size0]",
        "test_deal_snapshots::test_deal_pane[size1]",
    ],
    "FunnelScreen": [
        "test_funnel_snapshots::test_funnel[size0]",
        "test_every_screen_snapshots::test_funnel_large",
    ],
    "ReportsScreen": [
        "test_reports_snapshots::test_reports_kpis[size0]",
        "test_reports_snapshots::test_reports_kpis[size1]",
    ],
    "DashboardScreen": [
        "test_dashboard_snapshots::test_dashboard[size0]",
        "test_dashboard_snapshots::test_dashboard[size1]",
    ],
    "ImportScreen": [
        "test_import_snapshots::test_import_preview[size0]",
        "test_every_screen_snapshots::test_import_preview_large",
    ],
    "PeriodRangeModal": [
        "test_funnel_snapshots::test_funnel_custom_period_error",
        "test_every_screen_snapshots::test_period_range_large",
    ],
    "PlanModal": [
        "test_reports_snapshots::test_reports_plan_modal_error",
        "test_every_screen_snapshots::test_plan_modal_large",
    ],
    # Abstract bases: shown through the screens built on them.
    "ContactScreen": [
        "test_agenda_snapshots::test_agenda[size0]",
        "test_agenda_snapshots::test_agenda[size1]",
    ],
    "ReportScreen": [
        "test_funnel_snapshots::test_funnel[size0]",
        "test_every_screen_snapshots::test_funnel_large",
    ],
    "CallSessionScreen": _both("test_call_session"),
    "ConfirmModal": _both("test_move_question"),
    "LogActivityModal": _both("test_log_call"),
    "LoseModal": _both("test_lose"),
    "NewDealModal": _both("test_new_deal"),
    "NextContactModal": _both("test_next_contact"),
    "OwnerPickerModal": _both("test_owner_picker"),
    "StagePickerModal": _both("test_stage_picker"),
    # Settings (issue 15): each tab of the screen, and its dialogs.
    "SettingsScreen": [
        *_settings("test_settings_snapshots::test_pipelines_tab"),
        *_settings("test_settings_more_snapshots::test_reasons_tab"),
        *_settings("test_settings_more_snapshots::test_team_tab"),
        *_settings("test_settings_more_snapshots::test_preferences_tab"),
    ],
    "SavingModal": _settings("test_settings_snapshots::test_rename_modal"),
    "NameModal": [
        *_settings("test_settings_snapshots::test_rename_modal"),
        *_settings("test_settings_more_snapshots::test_name_modal"),
    ],
    "NewPipelineModal": _settings("test_settings_snapshots::test_new_pipeline_modal"),
    "StageEditModal": _settings("test_settings_snapshots::test_stage_edit_modal"),
    "StageDeleteModal": _settings("test_settings_snapshots::test_stage_delete_modal"),
    "StageTargetsModal": _settings("test_settings_snapshots::test_stage_targets_modal"),
}
"""Screen or modal class → the snapshots that show it (`module::test id`), at both sizes."""

EXTRA = {
    "help panel (?)": _both("test_help_panel"),
    "command palette (ctrl+p)": _both("test_command_palette"),
    "deal search in the palette": _both("test_deal_search"),
}
"""What is not a Screen class of its own but is customised by the app."""

Run = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """conftest's `demo_db` data (`demo --seed 1`, 2,000 deals, as of NOW), generated once per
    worker: ~1 s each time otherwise."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    services = open_services(path, login="anna", clock=frozen_clock)
    generate_demo(services.context.store, deals=2000, seed=1, today=NOW.date())
    services.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template for each test (the app writes: it records the login)."""
    path = tmp_path / "demo.db"
    with sqlite3.connect(demo_template) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return path


def _app(path: Path) -> FunnelApp:
    settings = Settings(currency="RUB", start_screen="board")
    return build_app(settings, str(path), login="anna", clock=frozen_clock)


def _keys(*keys: str, until: Callable[[Pilot[Any]], bool] | None = None) -> Run:
    """Press `keys` one by one on the loaded board, letting each settle; then wait for
    `until` (a screen that shows what it read), if given."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if until is not None:
            for _ in range(250):
                if until(pilot):
                    break
                await pilot.pause(0.02)
            assert until(pilot), "the screen did not finish loading"
        stop_blinking(pilot)
        await settle(pilot)

    return run_before


def _on(kind: type[Screen[Any]]) -> Callable[[Pilot[Any]], bool]:
    return lambda pilot: isinstance(pilot.app.screen, kind)


# --- screens and sizes the other snapshot files miss ---------------------------------------


@pytest.mark.usefixtures("utc_zone")
def test_funnel_large(snap_compare: Any, demo_db: Path) -> None:
    """`f` from the board: the funnel at 160×45 (the other file has 80×24 and 120×40)."""
    assert snap_compare(_app(demo_db), terminal_size=LARGE, run_before=_keys("f"))


@pytest.mark.usefixtures("utc_zone")
def test_period_range_large(snap_compare: Any, demo_db: Path) -> None:
    """`d` on the funnel: the period modal with this month's dates, at 160×45."""
    assert snap_compare(_app(demo_db), terminal_size=LARGE, run_before=_keys("f", "d"))


@pytest.mark.usefixtures("utc_zone")
def test_plan_modal_large(snap_compare: Any, demo_db: Path) -> None:
    """`P` on the reports' plan tab: the plan modal, empty, at 160×45."""
    keys = _keys("R", "3", "P")
    assert snap_compare(_app(demo_db), terminal_size=LARGE, run_before=keys)


@pytest.mark.usefixtures("utc_zone", "export_dir")
def test_import_preview_large(snap_compare: Any, board_db: Path) -> None:
    """`I`, a file name: the import preview at 160×45 (the other file has 80×24, 120×40)."""
    keys = _keys("I", *"amo.csv", "enter")
    assert snap_compare(make_app(board_db), terminal_size=LARGE, run_before=keys)


# --- from the board -------------------------------------------------------------------------


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_new_deal(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`n`: the new deal form over the board."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("n"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_lose(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`x` on the highlighted card: the loss reasons of its pipeline."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("x"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_stage_picker(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`m`: every stage of the pipeline, the card's own one dim, the next one highlighted."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("m"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_move_question(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`m`, then a stage two on: the confirm modal asks about the stage it skips."""
    keys = _keys("m", "down", "enter")
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=keys)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_owner_picker(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`o`: the whole team, then each user."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("o"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_help_panel(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`?`: the keys of the board in the help panel beside it."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("question_mark"))


def _palette_lists(pilot: Pilot[Any]) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, CommandPalette)
        and screen.query_one(OptionList).option_count > 0
        and not screen.query_one(LoadingIndicator).has_class("--visible")
    )


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_command_palette(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`ctrl+p`: the palette's commands, the board's keys among them."""
    keys = _keys("ctrl+p", until=_palette_lists)
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=keys)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_deal_search(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`ctrl+p`, "staff": the deals that contain it, the typed text underlined."""
    keys = _keys("ctrl+p", *"staff", until=_palette_lists)
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=keys)


# --- from the agenda ------------------------------------------------------------------------


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_call_session(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`a`, then `s`: the first overdue deal with its phone and last notes."""
    keys = _keys("a", "s", until=_on(CallSessionScreen))
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=keys)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_log_call(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`a`, then `c`: logging a call with the agenda's first deal (direction, outcome)."""
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=_keys("a", "c"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_next_contact(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    """`a`, `n`, and "tomorrow 10:00" typed: what was understood, before saving."""
    keys = _keys("a", "n", "ctrl+u", *"tomorrow 10:00")
    assert snap_compare(_app(demo_db), terminal_size=size, run_before=keys)


# --- the inventory ---------------------------------------------------------------------------


def _screen_classes() -> Iterator[str]:
    """Every Screen (ModalScreen included) subclass defined in a module of funnel_tui.ui."""
    package = funnel_tui.ui
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == module.__name__:
                yield name


def test_every_screen_has_a_snapshot() -> None:
    """A new screen or modal without a snapshot at two sizes fails here: add one (in this
    file, or another `*_snapshots.py`) and list it in `SNAPSHOTS`."""
    found = set(_screen_classes())
    assert found, "no screens found: has funnel_tui.ui moved?"
    missing = sorted(found - SNAPSHOTS.keys())
    assert not missing, f"screens with no snapshot listed in SNAPSHOTS: {missing}"
    gone = sorted(SNAPSHOTS.keys() - found)
    assert not gone, f"SNAPSHOTS lists screens that no longer exist: {gone}"
    for name, ids in {**SNAPSHOTS, **EXTRA}.items():
        assert len(ids) >= 2, f"{name}: snapshots at two sizes wanted"
        for test_id in ids:
            module, test = test_id.split("::")
            assert (SNAPSHOTS_DIR / module / f"{test}.svg").is_file(), f"{name}: no {test_id}"
