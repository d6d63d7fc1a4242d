"""The funnel screen, driven by keys with Pilot over a real temporary database.

The board fixture's six deals of "Sales" were all created in November 2026 (NOW is
2026-11-23): this month's cohort holds them all, last month's none. Anna is a lead, so her
board (and funnel) starts with everyone's deals; Ivan owns two of the six.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelReport, FunnelView
from funnel_tui.analytics.periods import PeriodName, named_period
from funnel_tui.bootstrap import open_services
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.render.funnel_table import percent
from funnel_tui.render.locale_format import format_amount
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.period_range import PeriodRangeModal
from funnel_tui.ui.screens import funnel as funnel_module
from funnel_tui.ui.screens.agenda import AgendaScreen
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.funnel import FunnelScreen

from .conftest import NOW, frozen_clock, settle, shown
from .test_board import make_app

pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (120, 60)
"""Tall enough that the chart, the table and the losses are all on screen."""


def funnel(app: FunnelApp) -> FunnelScreen:
    screen = app.screen
    assert isinstance(screen, FunnelScreen), f"expected the funnel, got {screen!r}"
    return screen


def header(app: FunnelApp, screen: FunnelScreen | None = None) -> str:
    return shown(screen or funnel(app), "#funnel-status").strip()


def chart_row(app: FunnelApp, stage: str) -> list[str]:
    """The figures on the chart's line for `stage` (side layout: bar, then the columns)."""
    line = next(line for line in shown(funnel(app), "#funnel-chart").splitlines() if stage in line)
    return re.split("[█│]", line)[-1].split()  # a stage nobody reached has a thin line


async def pick_ivan(app: FunnelApp, pilot: Any) -> None:
    """In the owner picker (just opened with `o`), choose Ivan."""
    picker = app.screen
    assert isinstance(picker, OwnerPickerModal)
    ivan = next(i for i, label in enumerate(picker._labels) if "(ivan)" in label)
    await pilot.press(*["down"] * (ivan - picker._current), "enter")
    await settle(pilot)


def board(app: FunnelApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def open_funnel(app: FunnelApp, pilot: Any) -> FunnelScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    return funnel(app)


def report_for(
    services: Services, pipeline: str, view: FunnelView, owner_id: int | None = None
) -> FunnelReport:
    """The report the CLI would print for this month, through the same function."""
    start, end = named_period(PeriodName.THIS_MONTH, NOW.date()).bounds(local_zone())
    query = FunnelQuery(services.pipelines.find(pipeline).id, start, end, owner_id)
    return funnel_report(services.context.store, query, view, fallback_currency="RUB")


async def test_f_on_the_board_opens_the_funnel_of_its_pipeline_and_esc_returns(
    board_db: Path,
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        assert header(app) == (
            "Sales · cohort view · This month, 11/01/2026 – 11/30/2026 · all owners"
        )
        chart = shown(screen, "#funnel-chart")
        assert "cohort view" not in chart  # the status line above says it, once
        assert "6 deals in the cohort" in chart
        assert chart_row(app, "Prospecting") == ["6", "3", "₽259,900", "0"]
        assert "Whole funnel: 0 %" in shown(screen, "#funnel-summary")
        assert screen.report is not None and screen.report.view is FunnelView.COHORT
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_the_funnel_starts_with_the_owner_the_board_shows(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pick_ivan(app, pilot)
        query = board(app).board_query
        assert query is not None and query.owner_id is not None
        await pilot.press("f")
        await settle(pilot)
        assert header(app).endswith("· Иван Петров")
        assert "2 deals in the cohort" in shown(funnel(app), "#funnel-chart")


async def test_v_toggles_between_cohort_and_snapshot(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "· snapshot view ·" in header(app)
        assert screen.report is not None and screen.report.view is FunnelView.SNAPSHOT
        chart = shown(screen, "#funnel-chart")
        assert "6 deals open" in chart
        assert "weighted" in chart
        await pilot.press("v")
        await settle(pilot)
        assert "· cohort view ·" in header(app)


async def test_period_keys_cycle_through_the_named_periods(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        seen = []
        for key in ("right_square_bracket", "right_square_bracket", "right", "right"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(header(app).split(" · ")[2])
        assert seen == [
            "Last month, 10/01/2026 – 10/31/2026",
            "This quarter, 10/01/2026 – 12/31/2026",
            "Last 12 months, 12/01/2025 – 11/30/2026",
            "This month, 11/01/2026 – 11/30/2026",
        ]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Last 12 months" in header(app)
        await pilot.press("left", "left")
        await settle(pilot)
        assert "Last month" in header(app)
        assert "0 deals in the cohort" in shown(screen, "#funnel-chart")


async def test_d_asks_for_dates_shows_errors_and_applies_a_good_range(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PeriodRangeModal)
        first = modal.query_one("#range-from", Input)
        last = modal.query_one("#range-to", Input)
        assert (first.value, last.value) == ("11/01/2026", "11/30/2026")  # what is shown now
        first.value = "32.13.2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal
        error = str(modal.query_one("#range-error", Static).render())
        assert error == "from: '32.13.2026' is not a date (use 12/25/2026)"
        first.value = "2026-11-20"
        last.value = "11/15/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal
        error = str(modal.query_one("#range-error", Static).render())
        assert error == "period: ends (11/15/2026) before it starts (11/20/2026)"
        assert "11/01/2026 – 11/30/2026" in header(app, screen)  # nothing applied
        assert screen.loads == 1
        last.value = "2026-11-30"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert header(app).split(" · ")[2] == "11/20/2026 – 11/30/2026"
        # Deals created 13..18 November: none from the 20th on.
        assert "0 deals in the cohort" in shown(screen, "#funnel-chart")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert header(app).split(" · ")[2] == "11/20/2026 – 11/30/2026"
        await pilot.press("right_square_bracket")  # from a custom range to the named ones
        await settle(pilot)
        assert "This month" in header(app)


async def test_p_switches_to_the_next_pipeline(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        await pilot.press("p")
        await settle(pilot)
        assert not header(app).startswith("Sales")
        assert screen.report is not None and screen.report.pipeline_name != "Sales"
        assert "0 deals in the cohort" in shown(screen, "#funnel-chart")
        await pilot.press("p")
        await settle(pilot)
        assert header(app).startswith("Sales ·")


async def test_o_picks_an_owner_and_the_numbers_follow(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        assert chart_row(app, "Prospecting")[0] == "6"
        await pilot.press("o")
        await settle(pilot)
        await pick_ivan(app, pilot)
        assert header(app).endswith("· Иван Петров")
        assert "2 deals in the cohort" in shown(screen, "#funnel-chart")
        assert chart_row(app, "Prospecting")[0] == "2"
        assert screen.report is not None and screen.report.owner_login == "ivan"


async def test_the_numbers_are_funnel_reports(demo_db: Path) -> None:
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    try:
        cohort = report_for(services, "New clients", FunnelView.COHORT)
        snapshot = report_for(services, "New clients", FunnelView.SNAPSHOT)
    finally:
        services.close()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        assert screen.report == cohort
        chart = shown(screen, "#funnel-chart")
        assert f"{cohort.cohort_size:,} deals in the cohort" in chart
        assert f"{cohort.won:,} won, {cohort.lost:,} lost" in chart
        for stage in cohort.stages:
            figures = chart_row(app, stage.name)
            assert figures[0] == f"{stage.reached:,}"
            assert figures[1] == f"{stage.count:,}"
        table = shown(screen, "#funnel-table")
        first = cohort.stages[0]
        row = next(line for line in table.splitlines() if line.startswith(first.name))
        # stage, reached, → next (n %), lost, open now, RUB, weighted
        assert row.split() == [
            first.name,
            str(first.reached),
            *percent(first.conversion_to_next).split(),
            str(first.dropoff),
            str(first.count),
            format_amount(first.amount, compact=True),
            format_amount(first.weighted_amount, compact=True),
        ]
        lost_rows = shown(screen, "#funnel-losses").splitlines()[2:]  # under the headings
        assert [line.split()[-2] for line in lost_rows] == [
            str(loss.count) for loss in cohort.losses
        ]
        await pilot.press("v")
        await settle(pilot)
        assert screen.report == snapshot
        for stage in snapshot.stages:
            assert chart_row(app, stage.name)[0] == f"{stage.count:,}"


async def test_hostile_names_show_literally_and_do_nothing(board_db: Path) -> None:
    connection = sqlite3.connect(board_db)
    connection.execute(
        "UPDATE stages SET name = '[@click=app.quit]x[/]'"
        " WHERE name = 'Prospecting' AND pipeline_id ="
        " (SELECT id FROM pipelines WHERE name = 'Sales')"
    )
    connection.execute("UPDATE pipelines SET name = '[b]Sales[/b] [/]' WHERE name = 'Sales'")
    connection.commit()
    connection.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        assert header(app).startswith("[b]Sales[/b] [/] · cohort view")
        assert screen.sub_title == "[b]Sales[/b] [/]"  # the Header draws it as plain text
        chart = shown(screen, "#funnel-chart")
        assert "[@click=app.quit]x[/]" in chart
        assert "[@click=app.quit]x[/]" in shown(screen, "#funnel-table")
        await pilot.click("#funnel-chart", offset=(5, 4))
        await pilot.click("#funnel-table", offset=(3, 2))
        await settle(pilot)
        assert app.is_running
        assert app.screen is screen


async def test_a_late_read_of_an_earlier_choice_is_not_shown(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cohort read is held back until the snapshot one has been shown: it must not win."""
    release = threading.Event()
    real = funnel_report

    def held_back(*args: Any, **kwargs: Any) -> FunnelReport:
        if args[2] is FunnelView.COHORT:
            release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(funnel_module, "funnel_report", held_back)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        for _ in range(50):  # until the screen knows the pipelines and asked for the cohort
            await pilot.pause(0.02)
            if isinstance(app.screen, FunnelScreen) and app.screen.choice is not None:
                break
        screen = funnel(app)
        await pilot.press("v")
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.loads:
                break
        assert screen.report is not None and screen.report.view is FunnelView.SNAPSHOT
        release.set()
        await settle(pilot)
        assert screen.report.view is FunnelView.SNAPSHOT
        assert "· snapshot view ·" in header(app)
        assert screen.loads == 1


async def test_a_store_error_is_told_in_one_line(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args: Any, **_kwargs: Any) -> FunnelReport:
        raise FunnelError("the database is locked by another program")

    monkeypatch.setattr(funnel_module, "funnel_report", failing)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        messages = [n.message for n in app._notifications]
        assert messages == ["the database is locked by another program"]
        assert not screen.query_one("#funnel-body").loading
        assert app.is_running and app.screen is screen


async def test_the_table_fits_the_width_after_a_resize(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_funnel(app, pilot)
        assert "weighted" in shown(screen, "#funnel-table")
        await pilot.resize_terminal(60, 40)
        await settle(pilot)
        table = shown(screen, "#funnel-table")
        assert "weighted" not in table and "reach" in table
        assert all(len(line) <= 60 for line in table.splitlines())


async def test_f_from_the_agenda_and_back_to_it(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("f")
        await settle(pilot)
        assert header(app).startswith("Sales · cohort view")
        await pilot.press("f")  # already there: nothing more is pushed
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)


async def test_the_figures_scroll_at_80_by_24(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_funnel(app, pilot)
        body = screen.query_one("#funnel-body")
        assert app.focused is body
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert body.scroll_y > 0
        assert body.region.contains_region(screen.query_one("#funnel-losses").region)


async def test_the_palette_offers_the_funnel_on_the_board_and_its_keys_on_it(
    board_db: Path,
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Funnel (f)" in [command.title for command in app.get_system_commands(app.screen)]
        await open_funnel(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"View (v)", "Dates… (d)", "Pipeline (p)", "Owner… (o)"} <= set(titles)
