"""The app in Russian: the modals, the command palette and the app's keys speak it when the
language is chosen before the app is built (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets._footer import FooterKey

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.log_activity import LogActivityModal
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.new_deal import NewDealModal
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.widgets.form_field import FormField

from .conftest import russian_app, settle

pytestmark = pytest.mark.usefixtures("russian")


def texts(app: FunnelApp, selector: str) -> list[str]:
    """What the widgets matching `selector` on the current screen say."""
    return [str(widget.render()) for widget in app.screen.query(selector)]


def key_descriptions(app: FunnelApp) -> set[str]:
    return {binding.description for _key, binding in app.screen._bindings if binding.description}


async def open_deal(app: FunnelApp, pilot: Pilot[None], deal_id: int) -> DealScreen:
    app.open_deal(deal_id)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DealScreen)
    return screen


async def test_the_footer_shows_the_app_keys_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        shown = {key.description for key in app.screen.query(FooterKey)}
        assert {"Выход", "Клавиши"} <= shown
        assert "Quit" not in shown and "Keys" not in shown


async def test_log_call_and_next_contact_modals_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 1)
        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, LogActivityModal)
        assert "Активность по «Office chairs»" in texts(app, ".heading")
        labels = texts(app, "Label")
        assert {"Направл.", "Итог", "Длит.", "Заметка"} <= set(labels)
        outcomes = modal.query_one("#activity-outcome", OptionList)
        first = outcomes.get_option_at_index(0).prompt
        assert str(first) == "дозвонились"
        assert {"Сохранить", "Отмена"} <= key_descriptions(app)
        assert "Сохранить" in [str(button.label) for button in modal.query(Button)]

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NextContactModal)
        assert "Следующий контакт по «Office chairs»" in texts(app, "Static")
        assert {"Когда", "Задача"} <= set(texts(app, "Label"))
        picks = modal.query_one("#when-quick", OptionList)
        assert str(picks.get_option_at_index(0).prompt) == "Через час"
        assert modal.query_one("#when-text", Input).placeholder.startswith("завтра 10:00")


async def test_lose_and_new_deal_modals_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, LoseModal)
        heading = texts(app, "Static")[0]
        assert heading.startswith("Сделка проиграна: «")
        assert {"Причина", "Заметка (необязательно)"} <= set(texts(app, "Label"))
        assert modal.query_one("#lose-note", Input).placeholder == "Почему — своими словами"
        assert "Отмена" in key_descriptions(app)

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NewDealModal)
        assert texts(app, "#new-deal-heading") == ["Новая сделка в воронке «Sales»"]
        title = modal.query_one("#field-title", FormField)
        assert str(title.query_one(Label).render()) == "Название *"
        assert title.input.placeholder == "Что продаёте, например: Офисные кресла"
        buttons = [str(button.label) for button in modal.query(Button)]
        assert buttons == ["Сохранить (ctrl+s)", "Отмена (esc)"]


async def test_the_command_palette_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(CommandInput).placeholder == "Поиск команд…"
        await pilot.pause(0.3)
        await settle(pilot)
        commands = palette.query_one(CommandList)
        prompts = [str(option.prompt) for option in commands.options]
        assert any("Тема" in prompt for prompt in prompts)
        assert any("Снимок экрана" in prompt for prompt in prompts)
        assert not any("Screenshot" in prompt for prompt in prompts)
        assert "Закрыть палитру команд" in key_descriptions(app)
