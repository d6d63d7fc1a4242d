"""The settings screen's Loss reasons, Team and Preferences tabs, driven by keys.

Each change is checked in a fresh services object over the same file (what was written),
and on the screen (what is shown at once).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from funnel_tui import paths
from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings, load_settings
from funnel_tui.domain.date_format import format_day
from funnel_tui.domain.models import Role
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.new_deal import NewDealModal
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.settings.pipeline_modals import NameModal
from funnel_tui.ui.settings.preferences_pane import PreferencesPane
from funnel_tui.ui.settings.reasons_pane import LossReasonsPane
from funnel_tui.ui.settings.screen import SettingsScreen
from funnel_tui.ui.settings.team_pane import TeamPane

from .conftest import frozen_clock, press_settled, screen_text, settle, shown
from .test_board import make_app


def fresh(path: Path) -> Services:
    return open_services(path, login="anna", clock=frozen_clock)


def reason_names(path: Path, pipeline: str = "Sales") -> dict[str, bool]:
    """The pipeline's loss reasons as written: name -> retired?"""
    services = fresh(path)
    try:
        found = services.pipelines.find(pipeline)
        return {reason.name: reason.retired_at is not None for reason in found.loss_reasons}
    finally:
        services.close()


def notices(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def open_tab(pilot: Pilot[Any], key: str) -> None:
    await settle(pilot)
    await press_settled(pilot, "S")
    assert isinstance(pilot.app.screen, SettingsScreen)
    await press_settled(pilot, key)


def reasons_pane(app: FunnelApp) -> LossReasonsPane:
    return app.screen.query_one(LossReasonsPane)


def name_modal(app: FunnelApp) -> NameModal[Any]:
    modal = app.screen
    assert isinstance(modal, NameModal)
    return modal


async def type_name(pilot: Pilot[Any], name: str) -> None:
    """Replace the name modal's text with `name` and press enter."""
    field = name_modal(pilot.app).query_one(Input)  # type: ignore[arg-type]
    field.value = ""
    await pilot.press(*name, "enter")
    await settle(pilot)


# --- Loss reasons ---------------------------------------------------------------------------


async def test_add_rename_retire_and_restore_a_loss_reason(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "2")
        pane = reasons_pane(app)
        assert pane.pipeline is not None and pane.pipeline.name == "Sales"
        await press_settled(pilot, "a")
        await type_name(pilot, "Too pricey")
        assert isinstance(app.screen, SettingsScreen)
        assert reason_names(board_db)["Too pricey"] is False
        assert pane.reason is not None and pane.reason.name == "Too pricey"  # shown at once
        assert "Too pricey" in screen_text(app)

        await press_settled(pilot, "r")
        assert name_modal(app).query_one(Input).value == "Too pricey"
        await type_name(pilot, "Too expensive")
        names = reason_names(board_db)
        assert "Too pricey" not in names and names["Too expensive"] is False
        assert "Too expensive" in screen_text(app)

        await press_settled(pilot, "x")
        assert reason_names(board_db)["Too expensive"] is True
        assert "Too expensive (retired)" in screen_text(app)

        await press_settled(pilot, "x")
        assert reason_names(board_db)["Too expensive"] is False
        assert "(retired)" not in screen_text(app)


async def test_reasons_of_the_other_pipeline(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_tab(pilot, "2")
        await press_settled(pilot, "p")
        pane = reasons_pane(app)
        assert pane.pipeline is not None and pane.pipeline.name != "Sales"
        await press_settled(pilot, "a")
        await type_name(pilot, "Дорого")
    cold = next(p for p in fresh(board_db).pipelines.list() if p.name != "Sales")
    assert "Дорого" in [reason.name for reason in cold.loss_reasons]
    assert "Дорого" not in reason_names(board_db)


async def test_a_retired_reason_stays_on_a_lost_deal_and_leaves_the_lose_dialog(
    board_db: Path,
) -> None:
    services = fresh(board_db)
    services.deals.lose(1, "Price", "too dear")
    services.close()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_tab(pilot, "2")
        pane = reasons_pane(app)
        assert pane.reason is not None and pane.reason.name == "Price"
        await press_settled(pilot, "x")
        assert "Price (retired)" in screen_text(app)
        await press_settled(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)
        app.poll_changes()  # the live refresh's tick (every 2 s) reads the board again
        await settle(pilot)
        await press_settled(pilot, "x")
        lose = app.screen
        assert isinstance(lose, LoseModal)
        offered = lose.query_one(OptionList)
        names = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert "Price" not in names and "Competitor" in names
        await press_settled(pilot, "escape")
    services = fresh(board_db)
    pipeline = services.pipelines.find("Sales")
    price = next(reason for reason in pipeline.loss_reasons if reason.name == "Price")
    assert price.retired_at is not None
    assert services.deals.get(1).loss_reason_id == price.id


async def test_a_duplicate_reason_is_refused_under_the_field(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "2")
        await press_settled(pilot, "a")
        await type_name(pilot, "price")
        modal = name_modal(app)  # still open, saying why
        assert "named 'price' exists" in shown(modal, "#modal-error")  # under the field
        await press_settled(pilot, "escape")
        assert isinstance(app.screen, SettingsScreen)
    assert "price" not in reason_names(board_db)


async def test_an_empty_reason_is_refused(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "2")
        await press_settled(pilot, "a", "enter")
        assert "empty" in shown(name_modal(app), "#modal-error")
    assert len(reason_names(board_db)) == 6


async def test_a_reason_written_as_markup_shows_literally(board_db: Path) -> None:
    services = fresh(board_db)
    sales = services.pipelines.find("Sales")
    services.loss_reasons.add(sales.id, "[red]x[/]")
    services.loss_reasons.add(sales.id, "[@click=app.quit]quit[/]")
    services.close()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_tab(pilot, "2")
        text = screen_text(app)
        assert "[red]x[/]" in text
        assert "[@click=app.quit]quit[/]" in text
        await pilot.press("end", "r")  # the rename dialog quotes it literally too
        await settle(pilot)
        assert "[@click=app.quit]quit[/]" in screen_text(app)


async def test_a_teammates_change_shows_on_the_live_refresh(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "2")
        await pilot.press("down", "down")  # No budget
        await settle(pilot)
        services = fresh(board_db)
        sales = services.pipelines.find("Sales")
        services.loss_reasons.add(sales.id, "Went quiet")
        services.users.change("ivan", name="Ivan the Rep")
        services.close()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.live_refresh()
        await settle(pilot)
        assert "Went quiet" in screen_text(app)
        pane = reasons_pane(app)
        assert pane.reason is not None and pane.reason.name == "No budget"  # the place kept
        await press_settled(pilot, "3")
        assert "Ivan the Rep" in screen_text(app)


async def test_a_rep_cannot_change_loss_reasons(board_db: Path) -> None:
    app = build_app(
        Settings(currency="RUB", start_screen="board"),
        str(board_db),
        login="ivan",
        clock=frozen_clock,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "2")
        await press_settled(pilot, "x")
        assert any("only a lead" in notice for notice in notices(app))
    assert reason_names(board_db)["Price"] is False


# --- Team -----------------------------------------------------------------------------------


def team_pane(app: FunnelApp) -> TeamPane:
    return app.screen.query_one(TeamPane)


async def test_rename_a_user_and_toggle_a_role(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "3")
        pane = team_pane(app)
        assert [user.login for user in pane.users] == ["anna", "ivan"]
        assert pane.user is not None and pane.user.login == "anna"
        await press_settled(pilot, "r")
        assert name_modal(app).query_one(Input).value == "Anna Smirnova"
        await type_name(pilot, "Anna S.")
        assert isinstance(app.screen, SettingsScreen)
        assert "Anna S." in screen_text(app)

        await pilot.press("down", "t")
        await settle(pilot)
        assert pane.user is not None and pane.user.login == "ivan"  # the place is kept
        assert pane.user.role is Role.LEAD
        await press_settled(pilot, "t", "t")
    users = {user.login: user for user in fresh(board_db).users.list()}
    assert users["anna"].display_name == "Anna S."
    assert users["ivan"].role is Role.LEAD


async def test_names_written_as_markup_show_literally(board_db: Path) -> None:
    services = fresh(board_db)
    services.users.change("ivan", name="[b]Boss[/b] [@click=app.quit]x[/]")
    services.users.set_default_owner("ivan")
    services.close()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_tab(pilot, "3")
        text = screen_text(app)
        assert text.count("[b]Boss[/b] [@click=app.quit]x[/]") == 2  # the table, the line
        await pilot.press("down", "r")
        await settle(pilot)
        assert name_modal(app).query_one(Input).value == "[b]Boss[/b] [@click=app.quit]x[/]"


async def test_the_only_lead_stays_a_lead(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "3")
        await pilot.press("t")  # anna, the only lead
        await settle(pilot)
        assert any("only lead" in notice for notice in notices(app))
    users = {user.login: user for user in fresh(board_db).users.list()}
    assert users["anna"].role is Role.LEAD


async def test_set_and_clear_the_default_owner(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_tab(pilot, "3")
        await pilot.press("down", "o")
        await settle(pilot)
        pane = team_pane(app)
        assert pane.default_login == "ivan"
        assert "go to Иван Петров (ivan)" in screen_text(app)
        default = fresh(board_db).users.default_owner()
        assert default is not None and default.login == "ivan"

        await pilot.press("escape")  # a new deal from the board goes to ivan
        await settle(pilot)
        await press_settled(pilot, "n")
        assert isinstance(app.screen, NewDealModal)
        await pilot.press(*"Desks", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        app.poll_changes()  # the live refresh's tick takes the new deal in
        await settle(pilot)

        await press_settled(pilot, "S", "3")
        pane = team_pane(app)
        await pilot.press("down", "o")
        await settle(pilot)
        assert pane.default_login is None
        assert "go to whoever creates them" in screen_text(app)
    services = fresh(board_db)
    assert services.users.default_owner() is None
    with services.context.store.read() as uow:
        desks = uow.deals.get(7)
        assert desks is not None and desks.title == "Desks"
        ivan = uow.users.by_login("ivan")
    assert ivan is not None and desks.owner_id == ivan.id


async def test_a_rep_is_refused_with_the_message(board_db: Path) -> None:
    app = build_app(
        Settings(currency="RUB", start_screen="board"),
        str(board_db),
        login="ivan",
        clock=frozen_clock,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "3")
        await pilot.press("down", "t")  # ivan makes himself a lead
        await settle(pilot)
        assert "only a lead can change roles; ask anna" in notices(app)
        await press_settled(pilot, "o")
        assert "only a lead can choose the default owner; ask anna" in notices(app)
        assert not any(notification.markup for notification in app._notifications)
        await pilot.press("up", "r")  # and renames anna
        await settle(pilot)
        await type_name(pilot, "Boss")
        assert "only a lead can rename other users" in shown(name_modal(app), "#modal-error")
        await press_settled(pilot, "escape")
        await pilot.press("down", "r")  # his own name is his to change
        await settle(pilot)
        await type_name(pilot, "Ivan P.")
        assert isinstance(app.screen, SettingsScreen)
    users = {user.login: user for user in fresh(board_db).users.list()}
    assert users["ivan"].role is Role.REP
    assert users["ivan"].display_name == "Ivan P."
    assert users["anna"].display_name == "Anna Smirnova"
    assert fresh(board_db).users.default_owner() is None


# --- Preferences ----------------------------------------------------------------------------


def preferences(app: FunnelApp) -> PreferencesPane:
    return app.screen.query_one(PreferencesPane)


def choose(app: FunnelApp, field: str, value: str) -> None:
    app.screen.query_one(f"#pref-{field}", Select).value = value


async def test_the_theme_applies_at_once_and_is_saved(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        assert app.theme != "nord"
        choose(app, "theme", "nord")
        await press_settled(pilot, "ctrl+s")
        assert app.theme == "nord"
        assert app.settings.theme == "nord"
        assert "Preferences saved." in notices(app)
    assert load_settings(paths.config_file()).theme == "nord"


async def test_the_date_format_changes_how_dates_show(board_db: Path) -> None:
    day = date(2026, 11, 23)
    services = open_services(board_db, login="anna", clock=frozen_clock)
    services.deals.set_next_contact(1, frozen_clock() + timedelta(days=3))  # a badge with a day
    services.close()
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        choose(app, "date-format", "mm/dd/yyyy")
        await press_settled(pilot, "ctrl+s")
        assert format_day(day) == "11/23/2026"
        assert load_settings().date_format == "mm/dd/yyyy"
        choose(app, "date-format", "dd.mm.yyyy")
        await press_settled(pilot, "ctrl+s")
        assert format_day(day) == "23.11.2026"
        assert load_settings().date_format == "dd.mm.yyyy"
        await pilot.press("escape")  # the board's badges are drawn in the new format
        await settle(pilot)
        await pilot.pause(1.2)  # the live refresh's next look
        await settle(pilot)
        board_text = screen_text(app)
        assert "◷26.11" in board_text and "◷11/26" not in board_text, board_text
        await pilot.press("S", "4")
        await settle(pilot)
        choose(app, "date-format", "")  # back to the language's usual one: the key goes
        await press_settled(pilot, "ctrl+s")
        assert format_day(day) == "11/23/2026"
    assert "date_format" not in paths.config_file().read_text(encoding="utf-8")


async def test_a_bad_currency_is_refused_and_nothing_written(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        choose(app, "theme", "nord")
        currency = app.screen.query_one("#pref-currency", Input)
        currency.focus()
        currency.value = ""
        await pilot.press("X", "X", "ctrl+s")
        await settle(pilot)
        assert "unknown currency 'XX'" in screen_text(app)
        assert app.focused is currency
        assert app.theme != "nord"
    assert not paths.config_file().exists()


async def test_the_currency_of_new_deals_follows_the_setting(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        app.screen.query_one("#pref-currency", Input).value = "eur"
        await press_settled(pilot, "ctrl+s")
        assert app.screen.query_one("#pref-currency", Input).value == "EUR"
        await press_settled(pilot, "escape", "n")
        assert isinstance(app.screen, NewDealModal)
        await pilot.press(*"Desks", "tab", *"1500", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert load_settings().currency == "EUR"
    with fresh(board_db).context.store.read() as uow:
        desks = uow.deals.get(7)
    assert desks is not None and desks.value.currency == "EUR"


async def test_a_save_keeps_the_comments_of_the_file(board_db: Path) -> None:
    config = paths.config_file()
    config.write_text('# mine: keep this\ncurrency = "RUB"  # roubles\n', encoding="utf-8")
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        choose(app, "theme", "gruvbox")
        choose(app, "language", "ru")
        await press_settled(pilot, "ctrl+s")
        assert any("from the next start" in notice for notice in notices(app))
    text = config.read_text(encoding="utf-8")
    assert "# mine: keep this" in text and "# roubles" in text
    saved = load_settings(config)
    assert (saved.currency, saved.theme, saved.language) == ("RUB", "gruvbox", "ru")


async def test_nothing_changed_writes_nothing(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        await press_settled(pilot, "ctrl+s")
        assert any("Nothing to save" in notice for notice in notices(app))
    assert not paths.config_file().exists()


async def test_keys_1_to_4_switch_tabs_from_the_preferences(board_db: Path) -> None:
    """The tab opens on a choice, not on the text field: digits still switch tabs."""
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "4")
        assert isinstance(app.focused, Select)
        await press_settled(pilot, "3")
        assert app.focused is team_pane(app).query_one("DataTable")
        await press_settled(pilot, "2")
        assert app.focused is reasons_pane(app).query_one("#reasons-list")
        assert preferences(app).values()["currency"] == "RUB"
