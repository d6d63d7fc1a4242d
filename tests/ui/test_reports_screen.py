"""The reports screen, driven by keys with Pilot over real temporary databases.

The board fixture's six deals of "Sales" were all created in November 2026 (NOW is
2026-11-23, frozen); Anna is a lead (her reports start with everyone's deals), Ivan a rep
who owns two of the six.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from funnel_tui.analytics.forecast import forecast_report
from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.losses import loss_report
from funnel_tui.analytics.metrics_model import ForecastQuery, MetricsQuery, PlanQuery
from funnel_tui.analytics.periods import PeriodName, named_period
from funnel_tui.analytics.plan import plan_report
from funnel_tui.analytics.team import team_report
from funnel_tui.bootstrap import open_services
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.money import Money
from funnel_tui.render.team_table import TEAM_SORT_KEYS, sorted_managers
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.period_range import PeriodRangeModal
from funnel_tui.ui.modals.plan_modal import PlanModal
from funnel_tui.ui.screens import reports as reports_module
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.reports import ReportSet, ReportsScreen

from .conftest import NOW, frozen_clock, settle, shown
from .test_board import make_app

pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (120, 50)


def reports(app: FunnelApp) -> ReportsScreen:
    screen = app.screen
    assert isinstance(screen, ReportsScreen), f"expected the reports, got {screen!r}"
    return screen


def header(app: FunnelApp) -> str:
    return shown(reports(app), "#reports-status").strip()


def loaded(screen: ReportsScreen) -> ReportSet:
    assert screen.reports is not None
    return screen.reports


async def open_reports(app: FunnelApp, pilot: Any) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    return reports(app)


async def tab(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)


async def test_r_on_the_board_opens_the_reports_of_its_pipeline_and_esc_returns(
    board_db: Path,
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Reports (R)" in [c.title for c in app.get_system_commands(app.screen)]
        screen = await open_reports(app, pilot)
        assert header(app) == "Sales · This month, 11/01/2026 – 11/30/2026 · all owners"
        assert screen.tab == "kpis"
        kpis = shown(screen, "#reports-kpis")
        assert "New leads" in kpis and "Open opportunities" in kpis
        for key, name in (("2", "forecast"), ("3", "plan"), ("4", "team"), ("5", "losses")):
            await tab(pilot, key)
            assert screen.tab == name
            assert app.focused is screen.query_one(f"#body-{name}")
        assert "No deal" in shown(screen, "#reports-losses") or "0 deals lost" in shown(
            screen, "#reports-losses"
        )
        await tab(pilot, "1")
        assert screen.tab == "kpis"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_the_numbers_are_the_analytics_reports(demo_db: Path) -> None:
    """Every part shows what the analytics compute (the CLI prints the same functions)."""
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    try:
        pipeline = services.pipelines.find(None)
        zone = local_zone()
        start, end = named_period(PeriodName.THIS_MONTH, NOW.date()).bounds(zone)
        query = MetricsQuery(pipeline.id, start, end)
        store = services.context.store
        kpi = kpi_report(store, query, now=NOW, zone=zone, fallback_currency="RUB")
        team = team_report(store, query, now=NOW, fallback_currency="RUB")
        losses = loss_report(store, query, fallback_currency="RUB")
        forecast = forecast_report(
            store,
            ForecastQuery(pipeline.id, date(2026, 11, 1), 6),
            now=NOW,
            zone=zone,
            fallback_currency="RUB",
        )
        plan = plan_report(
            store,
            PlanQuery(pipeline.id, date(2026, 11, 1)),
            now=NOW,
            zone=zone,
            fallback_currency="RUB",
        )
    finally:
        services.close()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        got = loaded(screen)
        assert (got.kpi, got.team, got.losses, got.forecast, got.plan) == (
            kpi,
            team,
            losses,
            forecast,
            plan,
        )
        kpis = shown(screen, "#reports-kpis")
        assert f"{kpi.current.new_leads:,}" in kpis
        await tab(pilot, "4")
        table = shown(screen, "#reports-team").splitlines()
        for manager in team.managers:
            row = next(line for line in table if line.startswith(manager.display_name))
            assert row.split()[len(manager.display_name.split()) :][:3] == [
                f"{manager.calls:,}",
                f"{manager.meetings:,}",
                f"{manager.created:,}",
            ]
        await tab(pilot, "5")
        bars = shown(screen, "#reports-losses")
        for reason in losses.reasons:
            assert reason.reason is not None
            line = next(line for line in bars.splitlines() if line.startswith(reason.reason))
            assert f" {reason.count} " in line


async def test_period_keys_and_custom_dates(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        assert loaded(screen).kpi.current.new_leads == 6
        seen = []
        for key in ("right_square_bracket", "right", "right", "right"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(header(app).split(" · ")[1])
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
        assert loaded(screen).kpi.current.new_leads == 0
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PeriodRangeModal)
        modal.query_one("#range-from", Input).value = "11/15/2026"
        modal.query_one("#range-to", Input).value = "2026-11-30"
        await pilot.press("enter")
        await settle(pilot)
        assert header(app).split(" · ")[1] == "11/15/2026 – 11/30/2026"
        # Deals created 13..18 November: the 15th to the 18th.
        assert loaded(screen).kpi.current.new_leads == 4


async def test_p_cycles_the_pipelines_then_all_of_them(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        await tab(pilot, "3")
        assert "November 2026 · the plan of the team" in shown(screen, "#reports-plan")
        await pilot.press("p")
        await settle(pilot)
        assert not header(app).startswith("Sales")
        await pilot.press("p")
        await settle(pilot)
        assert header(app).startswith("All pipelines · ")
        got = loaded(screen)
        assert got.plan is None and got.kpi.pipeline_id is None
        assert got.kpi.current.new_leads == 6  # the other pipeline has no deals
        assert "press p to choose one" in shown(screen, "#reports-plan")
        await pilot.press("P")  # a plan belongs to one pipeline
        await settle(pilot)
        assert app.screen is screen
        assert "press p to choose one first" in list(app._notifications)[-1].message
        await pilot.press("p")
        await settle(pilot)
        assert header(app).startswith("Sales · ")


async def test_o_picks_an_owner_and_the_numbers_follow(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        await pilot.press("o")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, OwnerPickerModal)
        ivan = next(i for i, label in enumerate(picker._labels) if "(ivan)" in label)
        await pilot.press(*["down"] * (ivan - picker._current), "enter")
        await settle(pilot)
        assert header(app).endswith("· Иван Петров")
        got = loaded(screen)
        assert got.kpi.owner_login == "ivan"
        assert got.kpi.current.new_leads == 2


async def test_s_sorts_the_team_by_the_next_column_and_S_reverses(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        footer_keys = {a.binding.description for a in screen.active_bindings.values()}
        assert "Sort" not in footer_keys  # only on the team's tab
        await tab(pilot, "4")
        footer_keys = {a.binding.description for a in screen.active_bindings.values()}
        assert {"Sort", "Reverse", "Plan…"} <= footer_keys
        assert screen.sort_by == "won_amount" and screen.descending
        team = loaded(screen).team

        def names_shown() -> list[str]:
            lines = shown(screen, "#reports-team").splitlines()
            return [
                name
                for line in lines
                for name in ("Anna Smirnova", "Иван Петров")
                if line.startswith(name)
            ]

        assert "won RUB ▼" in shown(screen, "#reports-team")
        await pilot.press("s")
        await settle(pilot)
        following = TEAM_SORT_KEYS[TEAM_SORT_KEYS.index("won_amount") + 1]
        assert screen.sort_by == following
        expected = sorted_managers(team.managers, following, descending=True)
        assert names_shown() == [m.display_name for m in expected]
        await pilot.press("S")
        await settle(pilot)
        assert not screen.descending
        expected = sorted_managers(team.managers, following, descending=False)
        assert names_shown() == [m.display_name for m in expected]
        assert "least first" in shown(screen, "#reports-team")
        for _ in TEAM_SORT_KEYS:  # round the columns back to the start
            await pilot.press("s")
        await settle(pilot)
        assert screen.sort_by == following
        assert loaded(screen) is not None and screen.loads == 1  # sorting reads nothing


async def test_p_sets_the_plan_with_errors_said_in_the_modal(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        await tab(pilot, "3")
        assert "No plan for November 2026: press P to set one" in shown(screen, "#reports-plan")
        await pilot.press("P")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PlanModal)
        amount = modal.query_one("#plan-amount", Input)
        currency = modal.query_one("#plan-currency", Input)
        month = modal.query_one("#plan-month", Input)
        assert (amount.value, currency.value, month.value) == ("", "RUB", "11/2026")

        async def error_after(field: Input, value: str) -> str:
            field.value = value
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is modal
            return str(modal.query_one("#plan-error", Static).render())

        assert await error_after(amount, "") == "amount: enter the amount to close a month"
        assert await error_after(amount, "lots") == "amount: not an amount: 'lots'"
        assert await error_after(amount, "-5") == "amount: must not be negative"
        amount.value = "1 500 000"
        assert await error_after(currency, "XYZ") == (
            "currency: unknown currency 'XYZ' (use an ISO code such as RUB, USD, EUR)"
        )
        currency.value = "rub"
        assert await error_after(month, "13.2026") == (
            "month: '13.2026' is not a month (use 2026-10)"
        )
        month.value = "2026-11"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert list(app._notifications)[-1].message == (
            "Plan set: ₽1,500,000 a month for the team in Sales from November 2026 on"
        )
        plan = loaded(screen).plan
        assert plan is not None and plan.plan == Money(150_000_000, "RUB")
        assert "plan ₽1,500,000" in shown(screen, "#reports-plan")
        # Ivan's own plan, from December: the team's stays.
        await pilot.press("P")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, PlanModal)
        assert again.query_one("#plan-amount", Input).value == "1,500,000"
        again.query_one("#plan-amount", Input).value = "300000"
        again.query_one("#plan-month", Input).value = "12.2026"
        owners = again.query_one("#plan-owner", OptionList)
        owners.focus()
        ivan = next(
            i
            for i in range(owners.option_count)
            if "(ivan)" in str(owners.get_option_at_index(i).prompt)
        )
        owners.highlighted = ivan
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    services = open_services(board_db, login="anna", clock=frozen_clock)
    try:
        sales = services.pipelines.find("Sales").id
        with services.context.store.read() as uow:
            ivan_user = uow.users.by_login("ivan")
        assert ivan_user is not None
        team_plan = services.plans.in_effect(sales, date(2026, 12, 1))
        ivan_plan = services.plans.in_effect(sales, date(2026, 12, 1), ivan_user.id)
        assert ivan_plan == Money(30_000_000, "RUB")
        assert team_plan == Money(150_000_000, "RUB")
        assert services.plans.in_effect(sales, date(2026, 11, 1), ivan_user.id) is None
    finally:
        services.close()


async def test_escape_leaves_the_plan_modal_without_saving(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        await pilot.press("P")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PlanModal)
        modal.query_one("#plan-amount", Input).value = "999"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert loaded(screen).plan is not None and loaded(screen).plan.plan is None  # type: ignore[union-attr]


async def test_a_failed_save_is_said_in_the_modal_which_stays(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise FunnelError("pipeline: 'Sales' is archived")

    monkeypatch.setattr(reports_module, "save_plan", refused)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        await pilot.press("P")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PlanModal)
        modal.query_one("#plan-amount", Input).value = "1000"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal
        error = str(modal.query_one("#plan-error", Static).render())
        assert error == "pipeline: 'Sales' is archived"
        assert isinstance(modal, PlanModal) and not modal.saving


async def test_hostile_names_show_literally_and_do_nothing(board_db: Path) -> None:
    with sqlite3.connect(board_db) as connection:
        connection.execute("UPDATE pipelines SET name = '[b]Sales[/b] [/]' WHERE name = 'Sales'")
        connection.execute(
            "UPDATE users SET display_name = '[@click=app.quit]Ivan[/]' WHERE login = 'ivan'"
        )
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        assert header(app).startswith("[b]Sales[/b] [/] · This month")
        await tab(pilot, "4")
        assert "[@click=app.quit]Ivan[/]" in shown(screen, "#reports-team")
        await pilot.click("#reports-team", offset=(3, 3))
        await pilot.press("P")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PlanModal)
        options = modal.query_one("#plan-owner", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "[@click=app.quit]Ivan[/] (ivan)" in prompts
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and app.screen is screen


async def test_a_store_error_is_told_in_one_line(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args: Any, **_kwargs: Any) -> ReportSet:
        raise FunnelError("the database is locked by another program")

    monkeypatch.setattr(reports_module, "read_reports", failing)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(app, pilot)
        assert [n.message for n in app._notifications] == [
            "the database is locked by another program"
        ]
        assert not screen.query_one("#reports-tabs").loading


async def test_every_tab_fits_80_by_24(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        for key, name in zip("12345", ("kpis", "forecast", "plan", "team", "losses"), strict=True):
            await tab(pilot, key)
            lines = shown(screen, f"#reports-{name}").splitlines()
            assert lines and all(len(line) <= 78 for line in lines), name
        await tab(pilot, "2")
        body = screen.query_one("#body-forecast")
        assert app.focused is body
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert body.scroll_y > 0


async def test_the_palette_offers_the_reports_keys(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Plan… (P)", "Pipeline (p)", "Owner… (o)", "Dates… (d)", "Team (4)"} <= titles
        assert "Dashboard" in titles and "Reports" not in titles
