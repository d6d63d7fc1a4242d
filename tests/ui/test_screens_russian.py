"""The screens in Russian (issue 14): the board, the deal pane, the agenda and the funnel at
80×24, with the language chosen before the app is built, show their keys, titles and status
lines in Russian (counts in the right plural form) and none of their English words.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.agenda import AgendaScreen
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.screens.funnel import FunnelScreen

from .conftest import russian_app, screen_text, settle

pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (80, 24)


def english_words(text: str, words: tuple[str, ...]) -> list[str]:
    """Which of `words` (whole words, as spelled) appear in `text`."""
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


async def open_board(app: FunnelApp, pilot: Any) -> BoardScreen:
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


@pytest.mark.usefixtures("russian")
async def test_the_board_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(app, pilot)
        text = screen_text(app)
        # The footer's keys, the status line with its plural (6 open deals: «сделок»).
        assert "Открыть" in text
        assert "Вперёд ▶" in text
        assert "6 открытых сделок" in text
        assert screen.sub_title == "ответственный: все"
        assert "колонки" in text
        assert not english_words(
            text, ("Open", "Move", "Won", "Lost", "Filter", "open deals", "owner", "columns")
        )
        descriptions = {
            binding.action: binding.description
            for group in screen._bindings.key_to_bindings.values()
            for binding in group
        }
        assert descriptions["win"] == "Выиграна"
        assert descriptions["next_pipeline"] == "Воронка"
        assert descriptions["toggle_closed"] == "Закрытые"
        # The filter narrows the board to one deal: the singular form.
        await pilot.press("slash", *"Lamps")
        await settle(pilot)
        assert "1 открытая сделка по запросу «Lamps»" in screen_text(app)


@pytest.mark.usefixtures("russian")
async def test_the_deal_pane_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.screen
        assert isinstance(pane, DealScreen) and pane.view is not None
        text = screen_text(app)
        assert "Закрыть" in text
        assert "Сохранить" in text
        assert "Данные" in text
        assert re.search(r"История · \d+ запис(ь|и|ей), новые сверху", text)
        assert "дн. на этапе" in text
        assert (pane.sub_title or "").endswith(f"· сделка {pane.view.deal.id}")
        assert not english_words(
            text, ("Close", "Save", "Details", "Timeline", "entries", "in stage", "Next contact")
        )


@pytest.mark.usefixtures("russian")
async def test_the_agenda_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen) and agenda.agenda is not None
        text = screen_text(app)
        assert agenda.title == "Дела"
        assert "Просрочено · 2" in text
        assert "Сегодня · 4" in text
        assert "Звонок" in text  # the footer
        assert "просрочено: 2 · на сегодня: 4" in text
        assert agenda.sub_title == "просрочено: 2, на сегодня: 4"
        assert "Когда" in text and "Сделка" in text
        assert not english_words(
            text, ("Overdue", "Today", "When", "Deal", "Call", "overdue", "today", "owner")
        )


@pytest.mark.usefixtures("russian")
async def test_the_funnel_in_russian(board_db: Path) -> None:
    app = russian_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen)
        text = screen_text(app)
        assert funnel.title == "Воронка продаж"
        assert "по когорте" in text
        assert "Этот месяц" in text
        assert "Назад" in text  # the footer
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(app)
        assert "срез на сегодня" in text
        assert not english_words(text, ("cohort view", "snapshot view", "This month", "Back"))
