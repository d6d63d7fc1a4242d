"""The wall dashboard, with Pilot over real temporary databases.

The board fixture's six deals of "Sales" were all created in November 2026 (NOW is
2026-11-23, frozen): this month's cohort holds them all, and none is won yet.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens import dashboard as dashboard_module
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.dashboard import DashboardFigures, DashboardScreen, DashboardStart
from funnel_tui.ui.widgets.kpi_digits import KpiDigits, compact_amount, compact_ratio

from .conftest import frozen_clock, settle
from .conftest import shown as drawn
from .test_board import make_app

pytestmark = pytest.mark.usefixtures("utc_zone")

BIG = (160, 45)
SMALL = (80, 24)


def wall(path: Path, **start: Any) -> FunnelApp:
    """The app as `funnel dashboard` starts it."""
    app = build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )
    app.start_on_dashboard(DashboardStart(standalone=True, **start))
    return app


def dashboard(app: FunnelApp) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), f"expected the dashboard, got {screen!r}"
    return screen


def shown(screen: DashboardScreen, selector: str) -> str:
    """The text a part of the screen draws, as the terminal gets it."""
    return drawn(screen, selector).strip()


def keys(screen: DashboardScreen) -> list[str]:
    """The descriptions of the keys the footer shows."""
    return [
        active.binding.description
        for active in screen.active_bindings.values()
        if active.binding.show
    ]


def tile(screen: DashboardScreen, name: str) -> str:
    return screen.query_one(f"#tile-{name}", KpiDigits).figure


async def first_read(pilot: Any) -> DashboardScreen:
    for _ in range(200):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, DashboardScreen) and screen.reads:
            break
    await settle(pilot)
    screen = dashboard(pilot.app)
    assert screen.reads >= 1
    return screen


def sales_id(path: Path) -> int:
    services = open_services(path, login="anna", clock=frozen_clock)
    try:
        return services.pipelines.find("Sales").id
    finally:
        services.close()


async def test_funnel_dashboard_starts_on_the_first_pipeline_with_its_figures(
    board_db: Path,
) -> None:
    app = wall(board_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert not app._board_screens()  # started on its own: no board below
        figures = screen.figures
        assert figures is not None and figures.pipeline.name == "Sales"
        assert shown(screen, "#dash-title").startswith("Sales · the whole team · November 2026")
        assert shown(screen, "#dash-clock") == "09:00:00"
        chart = shown(screen, "#dash-funnel")
        assert "6 deals in the cohort" in chart
        assert "Prospecting" in chart
        assert "No plan for November 2026" in shown(screen, "#dash-plan")
        assert shown(screen, "#dash-status") == "updated 09:00:00 · refreshes every 10 s"
        assert screen.large
        assert tile(screen, "new") == "6"
        assert not screen.query_one("#dash-body").loading


async def test_the_figures_are_the_reports_the_cli_prints(demo_db: Path) -> None:
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    try:
        start = DashboardStart()
        expected = dashboard_module.read_figures(services, start, local_zone(), "RUB")
    finally:
        services.close()
    app = wall(demo_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        figures = screen.figures
        assert figures is not None
        assert figures.funnel == expected.funnel
        assert figures.plan == expected.plan
        assert tile(screen, "new") == str(expected.funnel.cohort_size)


async def test_pipeline_and_owner_are_those_asked_for(board_db: Path) -> None:
    services = open_services(board_db, login="anna", clock=frozen_clock)
    try:
        with services.context.store.read() as uow:
            ivan = uow.users.by_login("ivan")
        assert ivan is not None
        cold = next(p for p in services.pipelines.list() if p.name != "Sales")
    finally:
        services.close()
    app = wall(board_db, pipeline_id=sales_id(board_db), owner_id=ivan.id)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert shown(screen, "#dash-title").startswith("Sales · Иван Петров ·")
        assert "2 deals in the cohort" in shown(screen, "#dash-funnel")
    app = wall(board_db, pipeline_id=cold.id)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert screen.figures is not None and screen.figures.pipeline.id == cold.id


async def test_small_terminal_gets_plain_lines_and_big_one_large_type(board_db: Path) -> None:
    app = wall(board_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await first_read(pilot)
        assert not screen.large
        assert not screen.query_one("#dash-tiles").display
        lines = shown(screen, "#dash-kpis").splitlines()
        assert lines[0].split()[:3] == ["Won", "Plan", "Win"]
        await pilot.resize_terminal(*BIG)
        await settle(pilot)
        assert screen.large
        assert screen.query_one("#dash-tiles").display
        assert not screen.query_one("#dash-kpis").display
        assert shown(screen, "#tile-new .kpi-caption") == "New leads"
        assert len(shown(screen, "#tile-new Digits").splitlines()) == 3


@pytest.mark.parametrize(
    ("language", "plan_note"), [("en", "of ₽"), ("ru", "из ")], ids=["en", "ru"]
)
async def test_at_80_columns_every_change_shows_whole(
    demo_db: Path, language: str, plan_note: str
) -> None:
    """A fifth of 80 columns does not hold "10 deals  ▲ 46 %" (nor "10 сделок  ▲ 46 %"): the
    won figure's note is then its change alone, never a cut "▲ 4…"; the plan note writes
    the amount as the language does ("of ₽2.6M", "из 2,6 млн ₽")."""
    settings = Settings(currency="RUB", start_screen="board", language=language)
    app = build_app(settings, str(demo_db), login="anna", clock=frozen_clock)
    app.start_on_dashboard(DashboardStart(standalone=True))
    async with app.run_test(size=SMALL) as pilot:
        screen = await first_read(pilot)
        notes = shown(screen, "#dash-kpis").splitlines()[2]
        assert "…" not in notes
        assert notes.count("%") + notes.count("pp") + notes.count("п.п.") >= 4, notes
        assert plan_note in notes and "RUB" not in notes
        await pilot.resize_terminal(100, 24)
        await settle(pilot)
        wider = shown(screen, "#dash-kpis").splitlines()[2]
        assert ("deals" if language == "en" else "сделок") in wider


async def test_a_refresh_updates_in_place_without_the_loading_overlay(board_db: Path) -> None:
    app = wall(board_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        before = [id(node) for node in screen.walk_children()]
        seen_loading: list[bool] = []
        screen.watch(screen.query_one("#dash-body"), "loading", seen_loading.append, init=False)
        parts = ("#dash-title", "#dash-kpis", "#dash-funnel", "#dash-plan")
        drawn = [screen.query_one(part, Static).content for part in parts]
        screen.refresh_figures()
        await settle(pilot)
        assert screen.reads == 2
        assert [id(node) for node in screen.walk_children()] == before
        assert seen_loading == []
        # Nothing new in the database: only the status line was drawn again.
        assert [screen.query_one(part, Static).content for part in parts] == drawn
        assert all(
            screen.query_one(part, Static).content is content
            for part, content in zip(parts, drawn, strict=True)
        )


async def test_a_tick_is_skipped_while_a_read_is_still_running(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    calls = []
    real = dashboard_module.read_figures

    def slow(*args: Any, **kwargs: Any) -> DashboardFigures:
        calls.append(time.monotonic())
        if len(calls) == 2:
            release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "read_figures", slow)
    app = wall(board_db, interval=0.05)
    async with app.run_test(size=BIG) as pilot:
        for _ in range(100):  # the first read, then a tick starts the slow second one
            await pilot.pause(0.02)
            if len(calls) >= 2:
                break
        screen = dashboard(app)
        await pilot.pause(0.3)  # ~6 ticks while the second read hangs
        assert len(calls) == 2
        assert screen.reading and screen.skipped >= 3
        release.set()
        for _ in range(100):
            await pilot.pause(0.02)
            if len(calls) >= 3:
                break
        assert len(calls) >= 3  # ticking again once the slow read came back


async def test_an_error_on_a_refresh_is_said_and_the_last_figures_stay(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = wall(board_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        chart = shown(screen, "#dash-funnel")
        figures = screen.figures

        def failing(*_args: Any, **_kwargs: Any) -> DashboardFigures:
            raise FunnelError("the database is locked by another program")

        monkeypatch.setattr(dashboard_module, "read_figures", failing)
        screen.refresh_figures()
        await settle(pilot)
        status = shown(screen, "#dash-status")
        assert status.startswith("⚠ refresh failed at 09:00:00: the database is locked")
        assert status.endswith("showing the figures of 09:00:00")
        assert screen.query_one("#dash-status").has_class("-error")
        assert screen.figures is figures
        assert shown(screen, "#dash-funnel") == chart
        assert app.is_running and not screen.reading

        def crashing(*_args: Any, **_kwargs: Any) -> DashboardFigures:
            raise RuntimeError("disk I/O error")

        monkeypatch.setattr(dashboard_module, "read_figures", crashing)
        screen.refresh_figures()
        await settle(pilot)
        assert "RuntimeError: disk I/O error" in shown(screen, "#dash-status")
        assert app.is_running
        monkeypatch.undo()
        screen.refresh_figures()
        await settle(pilot)
        assert shown(screen, "#dash-status").startswith("updated 09:00:00")
        assert not screen.query_one("#dash-status").has_class("-error")


async def test_dashboard_picks_up_another_process_change_within_its_interval(
    board_db: Path,
) -> None:
    """DESIGN.md: a teammate's change shows by itself. A deal is won by a separate `funnel`
    process; the dashboard, refreshing every 0.5 s, shows it within the interval plus a
    margin for the read and a frame."""
    interval = 0.5
    with sqlite3.connect(board_db) as connection:
        (deal_id,) = connection.execute("SELECT id FROM deals WHERE title = 'Printers'").fetchone()
    app = wall(board_db, interval=interval)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert "0 won" in shown(screen, "#dash-funnel")
        command = [
            sys.executable,
            "-m",
            "funnel_tui",
            "--db",
            str(board_db),
            "won",
            str(deal_id),
            "--at",
            "2026-11-22T12:00:00Z",
        ]
        done = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=60, check=False
        )
        committed = time.monotonic()
        assert done.returncode == 0, done.stderr
        deadline = committed + interval + 1.5
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            if "1 won" in shown(screen, "#dash-funnel"):
                break
        took = time.monotonic() - committed
        assert "1 won" in shown(screen, "#dash-funnel"), f"not shown after {took:.2f} s"
        assert screen.figures is not None and screen.figures.funnel.won == 1


async def test_d_on_the_board_opens_it_and_esc_goes_back(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert "Dashboard (D)" in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("D")
        screen = await first_read(pilot)
        assert not screen.start.standalone
        assert screen.figures is not None and screen.figures.pipeline.name == "Sales"
        assert "Back" in keys(screen)
        await pilot.press("D")  # already there: nothing more is pushed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_standalone_dashboard_has_nothing_to_go_back_to_and_q_quits(
    board_db: Path,
) -> None:
    app = wall(board_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert "Back" not in keys(screen) and "Quit" in keys(screen)
        await pilot.press("escape", "b")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_hostile_names_show_literally(board_db: Path) -> None:
    with sqlite3.connect(board_db) as connection:
        connection.execute(
            "UPDATE pipelines SET name = '[b]Sales[/b] [/]\x1b[2J' WHERE name = 'Sales'"
        )
        connection.execute(
            "UPDATE stages SET name = '[@click=app.quit]x[/]' WHERE name = 'Prospecting'"
            " AND pipeline_id = (SELECT id FROM pipelines WHERE name LIKE '[b]Sales%')"
        )
    app = wall(board_db)
    async with app.run_test(size=BIG) as pilot:
        screen = await first_read(pilot)
        assert shown(screen, "#dash-title").startswith("[b]Sales[/b] [/]␛[2J · ")
        assert "[@click=app.qu…" in shown(screen, "#dash-funnel")  # cut to fit, literally
        await pilot.click("#dash-funnel", offset=(5, 2))
        await settle(pilot)
        assert app.is_running


async def test_an_empty_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_services(path, login="anna", clock=frozen_clock).close()
    app = wall(path)
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if "no pipelines" in shown(dashboard(app), "#dash-status"):
                break
        assert "there are no pipelines yet" in shown(dashboard(app), "#dash-status")


def test_large_type_figures() -> None:
    from fractions import Fraction

    from funnel_tui.domain.money import Money

    assert [
        compact_amount(Money(minor, "RUB"))
        for minor in (0, 950_00, 9_999_49, 12_345_67, 812_000_00, 999_999_99, 435_193_000)
    ] == ["0", "950", "9999", "12.3K", "812K", "1M", "4.35M"]
    assert compact_amount(Money(123_000_000_000, "RUB")) == "1.23B"
    assert compact_ratio(Fraction(1, 3)) == "33%"
    assert compact_ratio(None) == "-"


async def test_leaving_while_a_read_runs_is_safe(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = dashboard_module.read_figures
    calls = []

    def held(*args: Any, **kwargs: Any) -> DashboardFigures:
        calls.append(1)
        if len(calls) == 2:
            release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "read_figures", held)
    app = make_app(board_db)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await pilot.press("D")
        screen = await first_read(pilot)
        await pilot.press("r")  # the second read hangs until released
        await pilot.pause(0.1)
        assert screen.reading
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BoardScreen)
        release.set()
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, BoardScreen)
