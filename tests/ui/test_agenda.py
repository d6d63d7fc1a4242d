"""The agenda, driven by keys with Pilot over a real temporary database (a clock under the
test's control, Moscow time: NOW is Monday 2026-11-23 12:00 local).

The board fixture's six deals have next contacts at NOW-2h … NOW+3h: two overdue, four today.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.cli import main
from funnel_tui.config import Settings
from funnel_tui.domain.models import Outcome
from funnel_tui.services import Services
from funnel_tui.services.agenda_model import Section
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.screens.agenda import AgendaScreen
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.call_session import CallSessionScreen
from funnel_tui.ui.screens.deal import DealScreen

from .conftest import NOW, settle

Reopen = Callable[[], Services]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


pytestmark = pytest.mark.usefixtures("moscow_time")


def make_app(path: Path, clock: Callable[[], datetime], start: str = "auto") -> FunnelApp:
    settings = Settings(currency="RUB", start_screen=start)
    return build_app(settings, str(path), login="anna", clock=clock)


def agenda_of(app: FunnelApp) -> AgendaScreen:
    screen = app.screen
    assert isinstance(screen, AgendaScreen), f"expected the agenda, got {screen!r}"
    return screen


def titles(screen: AgendaScreen, section: Section) -> list[str]:
    assert screen.agenda is not None
    return [item.title for item in screen.agenda.section(section).items]


async def test_the_app_opens_on_the_agenda_when_something_is_due(board_db: Path) -> None:
    app = make_app(board_db, Clock())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = agenda_of(app)
        assert titles(screen, Section.OVERDUE) == ["Office chairs", "[@click=app.quit]Evil[/]"]
        assert titles(screen, Section.TODAY) == ["Столы", "Lamps", "Server racks", "Printers"]
        assert titles(screen, Section.WEEK) == []
        assert screen.agenda is not None and screen.agenda.due_count == 6
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)


@pytest.mark.parametrize("start", ["board", "auto-nothing-due"])
async def test_otherwise_it_opens_on_the_board(board_db: Path, start: str) -> None:
    if start == "auto-nothing-due":
        services = open_services(board_db, login="anna", clock=Clock())
        for deal_id in range(1, 7):
            services.deals.set_next_contact(deal_id, NOW + timedelta(days=1))
        services.close()
    app = make_app(board_db, Clock(), start="board" if start == "board" else "auto")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_the_setting_can_fix_the_agenda_as_start_screen(board_db: Path) -> None:
    services = open_services(board_db, login="anna", clock=Clock())
    for deal_id in range(1, 7):
        services.deals.set_next_contact(deal_id, NOW + timedelta(days=1))
    services.close()
    app = make_app(board_db, Clock(), start="agenda")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert titles(agenda_of(app), Section.WEEK)  # tomorrow is this week


async def test_pushing_a_contact_moves_it_between_sections(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db, Clock())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = agenda_of(app)
        assert screen.current is not None and screen.current.title == "Office chairs"
        await pilot.press("1")  # +1 day: due at 10:00 today (overdue), so tomorrow 10:00
        await settle(pilot)
        assert titles(screen, Section.OVERDUE) == ["[@click=app.quit]Evil[/]"]
        assert titles(screen, Section.WEEK) == ["Office chairs"]
        await pilot.press("2")  # the next row (Evil): a week from today
        await settle(pilot)
        assert titles(screen, Section.OVERDUE) == []
    services = reopen()
    tomorrow_10 = NOW.replace(hour=7) + timedelta(days=1)  # 10:00 Moscow
    assert services.deals.get(1).next_contact_at == tomorrow_10
    assert services.deals.get(2).next_contact_at == NOW.replace(hour=8) + timedelta(days=7)


async def test_enter_opens_the_deal_and_a_call_asks_for_the_next_contact(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db, Clock())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.screen
        assert isinstance(pane, DealScreen) and pane.view is not None
        assert pane.view.deal.title == "Office chairs"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter", "enter", *"Reached, wants a quote", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextContactModal)  # offered at once
        await pilot.press(*"+2d", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    services = reopen()
    assert services.deals.activities(1)[-1].body == "Reached, wants a quote"
    assert services.deals.get(1).next_contact_at == NOW + timedelta(days=2)


async def test_a_contact_falling_due_while_the_app_runs_is_announced(board_db: Path) -> None:
    clock = Clock()
    app = make_app(board_db, clock, start="board")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.check_due()  # the first check starts from when the store opened: nothing new
        await settle(pilot)
        assert not [n for n in app._notifications if n.title == "Contact due now"]
        clock.now = NOW + timedelta(hours=1, minutes=1)  # Lamps fell due at NOW+1h
        app.check_due()
        await settle(pilot)
        due = [n.message for n in app._notifications if n.title == "Contact due now"]
        assert due == ["Lamps"]
        assert not any(n.markup for n in app._notifications)


async def test_the_cli_agenda_shows_what_the_screen_shows_for_the_same_clock(
    board_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(board_db, Clock())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = agenda_of(app)
        assert screen.agenda is not None
        shown = {
            section: [item.deal_id for item in screen.agenda.section(section).items]
            for section in (Section.OVERDUE, Section.TODAY)
        }
    assert (
        main(["--db", str(board_db), "agenda", "--format", "json", "--as-of", NOW.isoformat()]) == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert [entry["deal_id"] for entry in document["overdue"]] == shown[Section.OVERDUE]
    assert [entry["deal_id"] for entry in document["today"]] == shown[Section.TODAY]


async def test_a_call_session_works_through_the_due_deals_one_key_each(
    board_db: Path, reopen: Reopen
) -> None:
    clock = Clock()
    app = make_app(board_db, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        session = app.screen
        assert isinstance(session, CallSessionScreen)
        assert session.view is not None and session.view.deal.title == "Office chairs"
        await pilot.press("2")  # no answer: tried again later today
        await settle(pilot)
        assert session.view is not None and session.view.deal.id == 2
        await pilot.press("5")  # refused: a reason, then on
        await settle(pilot)
        assert isinstance(app.screen, LoseModal)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert session.view is not None and session.view.deal.title == "Столы"
        await pilot.press("1")  # qualified: a stage on, and when to call next
        await settle(pilot)
        assert isinstance(app.screen, NextContactModal)
        await pilot.press(*"tomorrow", "enter")
        await settle(pilot)
        assert session.calls == 3
        await pilot.press("s", "escape")  # skip one, end the session
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert any("3 calls in" in n.message for n in app._notifications)
    services = reopen()
    assert services.deals.activities(1)[-1].outcome is Outcome.NO_ANSWER
    assert services.deals.get(1).next_contact_at == NOW + timedelta(hours=2)
    lost = services.deals.get(2)
    assert lost.closed_at is not None and lost.loss_reason_id is not None
    qualified = services.deals.get(3)
    assert [c.to_stage_id for c in services.deals.history(3)][-1] == qualified.stage_id
    assert len(services.deals.history(3)) == 2
    assert qualified.next_contact_at == NOW.replace(hour=7) + timedelta(days=1)
