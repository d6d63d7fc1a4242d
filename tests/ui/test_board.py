"""The board, driven by keys with Pilot over a real temporary database."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from funnel_tui.bootstrap import build_app, open_board, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import Role
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.new_deal import NewDealModal
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.stage_picker import StagePickerModal
from funnel_tui.ui.screens import board as board_screen
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.widgets.column_header import ColumnHeader
from funnel_tui.ui.widgets.stage_column import StageColumn

from .conftest import NOW, frozen_clock, settle

Reopen = Callable[[], Services]


def make_app(path: Path) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )


def board(app: FunnelApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def focused_column(app: FunnelApp) -> StageColumn:
    column = app.focused
    assert isinstance(column, StageColumn)
    return column


def counts(app: FunnelApp) -> list[int]:
    return [column.total for column in board(app).query(StageColumn).results(StageColumn)]


def stage_names(services: Services, deal_id: int) -> list[str]:
    deal = services.deals.get(deal_id, include_deleted=True)
    pipeline = services.pipelines.find(str(deal.pipeline_id))
    return [pipeline.stage(change.to_stage_id).name for change in services.deals.history(deal_id)]


async def test_board_shows_open_stages_with_counts_and_literal_titles(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.screen.title == "Sales"
        assert counts(app) == [3, 1, 1, 1, 0, 0, 0]
        first = focused_column(app)
        assert first.stage.name == "Prospecting"
        titles = [first._cards[i].title for i in range(first.total)]
        # Soonest next contact first.
        assert titles == ["Office chairs", "[@click=app.quit]Evil[/]", "Столы"]
        await pilot.click(StageColumn, offset=(3, 4))
        assert app.is_running


async def test_navigation_between_cards_and_columns(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("down", "j")
        assert focused_column(app).cursor == 2
        await pilot.press("k", "end", "home")
        assert focused_column(app).cursor == 0
        await pilot.press("right")
        assert focused_column(app).stage.name == "Qualification"
        await pilot.press("l", "l")
        assert focused_column(app).stage.name == "Proposal"
        await pilot.press("h", "left", "left", "left")
        assert focused_column(app).stage.name == "Prospecting"


async def test_move_forward_and_back_records_history(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        deal_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("shift+right")
        await settle(pilot)
        assert counts(app)[:2] == [2, 2]
        await pilot.press("greater_than_sign")  # Qualification's checklist is unanswered
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        assert "unanswered questions: Is there a budget?" in confirm._question.plain
        await pilot.press("y")
        await settle(pilot)
        assert counts(app)[:3] == [2, 1, 2]
        assert focused_column(app).stage.name == "Meeting"  # focus followed the card
        assert focused_column(app).current.deal_id == deal_id  # type: ignore[union-attr]
        await pilot.press("less_than_sign")  # back before the key stage: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert counts(app)[:3] == [2, 2, 1]
    assert stage_names(reopen(), deal_id) == [
        "Prospecting",
        "Qualification",
        "Meeting",
        "Qualification",
    ]


async def test_moving_back_before_a_key_stage_asks_first(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("right", "right")
        column = focused_column(app)
        assert column.stage.name == "Meeting" and column.stage.is_key
        deal_id = column.current.deal_id  # type: ignore[union-attr]
        await pilot.press("shift+left")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert counts(app)[1:3] == [1, 1]
        await pilot.press("shift+left")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert counts(app)[1:3] == [2, 0]
    assert stage_names(reopen(), deal_id)[-1] == "Qualification"


async def test_win_and_lose_with_a_reason(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        won_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("w")
        await settle(pilot)
        assert counts(app)[0] == 2
        lost_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, LoseModal)
        await pilot.press("down", "enter")  # the second reason: Competitor
        await pilot.press(*"went elsewhere", "enter")
        await settle(pilot)
        assert counts(app)[0] == 1
    services = reopen()
    assert stage_names(services, won_id)[-1] == "Won"
    lost = services.deals.get(lost_id)
    assert stage_names(services, lost_id)[-1] == "Lost"
    assert lost.loss_note == "went elsewhere"
    pipeline = services.pipelines.find("Sales")
    assert {r.id: r.name for r in pipeline.loss_reasons}[lost.loss_reason_id] == "Competitor"  # type: ignore[index]


async def test_lose_can_be_cancelled(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert counts(app)[0] == 3


async def test_new_deal_with_a_bad_value_shows_the_error_and_saves_nothing(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NewDealModal)
        await pilot.press(*"Desks", "tab", *"abc", "ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "not an amount" in str(modal.query_one("#field-value .field-error").render())
        assert modal.query_one("#field-value").has_class("-invalid")
        value = modal.query_one("#field-value Input", Input)
        value.value = "1 500,50"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert counts(app)[0] == 4
    services = reopen()
    with services.context.store.read() as uow:
        assert uow.deals.count() == 7
        created = uow.deals.get(7)
    assert created is not None and created.title == "Desks" and created.value.minor == 150050


async def test_escape_cancels_a_new_deal(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Half typed", "escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    with reopen().context.store.read() as uow:
        assert uow.deals.count() == 6


@pytest.mark.parametrize("in_place", [True, False], ids=["read-in-place", "read-in-worker"])
async def test_filter_as_you_type_in_any_case(
    board_db: Path, monkeypatch: pytest.MonkeyPatch, in_place: bool
) -> None:
    if not in_place:  # as on a database big enough for reads to go to a worker
        monkeypatch.setattr(board_screen, "IN_PLACE_READ_S", -1.0)
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ромашка")  # matches "РОМАШКА": folded, not ASCII-only
        await settle(pilot)
        assert counts(app) == [1, 0, 0, 0, 0, 0, 0]
        await pilot.press("escape")
        await settle(pilot)
        assert counts(app) == [3, 1, 1, 1, 0, 0, 0]
        await pilot.press("slash", *"GLOBEX")
        await settle(pilot)
        assert counts(app) == [0, 0, 1, 0, 0, 0, 0]


async def test_the_board_shows_before_the_store_opens_and_a_move_waits_for_it(
    board_db: Path, reopen: Reopen
) -> None:
    store_may_open = threading.Event()

    def open_slowly() -> Services:
        store_may_open.wait(10)
        return open_services(board_db, login="anna", clock=frozen_clock)

    app = FunnelApp(
        settings=Settings(currency="RUB", start_screen="board"),
        open_services=open_slowly,
        open_board=partial(open_board, board_db, login="anna", clock=frozen_clock),
    )
    async with app.run_test(size=(160, 45)) as pilot:
        while board(app).loads == 0:  # read by the lean reader: no store needed
            await pilot.pause(0.01)
        assert app.services is None
        assert counts(app) == [3, 1, 1, 1, 0, 0, 0]
        deal_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("shift+right")
        await pilot.pause(0.1)
        assert counts(app)[:2] == [3, 1]  # the move waits for the store...
        store_may_open.set()
        await settle(pilot)
        assert app.services is not None
        assert counts(app)[:2] == [2, 2]  # ... and then goes ahead
    assert stage_names(reopen(), deal_id) == ["Prospecting", "Qualification"]


async def test_undo_moves_the_deal_back_and_records_it(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        deal_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("shift+right")
        await settle(pilot)
        assert counts(app)[:2] == [2, 2]
        await pilot.press("u")
        await settle(pilot)
        assert counts(app)[:2] == [3, 1]
    assert stage_names(reopen(), deal_id) == ["Prospecting", "Qualification", "Prospecting"]


async def test_owner_picker_shows_mine_everyone_or_one_person(
    board_db: Path, reopen: Reopen
) -> None:
    with reopen().context.store.write() as uow:  # a name that would be markup, if parsed
        uow.users.add("eve", "[@click=app.quit]Eve[/]", Role.REP, NOW)
        uow.commit()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("right", "down")  # a place on the board to come back to
        await pilot.press("o")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, OwnerPickerModal)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == [
            "Mine",
            "Everyone  (now)",  # a lead starts on the team's deals
            "Anna Smirnova (anna)",
            "[@click=app.quit]Eve[/] (eve)",
            "Иван Петров (ivan)",
        ]
        assert options.highlighted == 1
        await pilot.press("up", "enter")  # Mine
        await settle(pilot)
        assert counts(app) == [2, 1, 0, 1, 0, 0, 0]
        assert app.screen.sub_title == "owner: Anna Smirnova"
        assert focused_column(app).stage.name == "Qualification"  # the board kept its place
        await pilot.press("o")
        await settle(pilot)
        assert app.screen.query_one(OptionList).highlighted == 0  # Mine, not Anna's own line
        await pilot.press("down", "down", "down", "down", "enter")  # Иван Петров
        await settle(pilot)
        assert counts(app) == [1, 0, 1, 0, 0, 0, 0]
        await pilot.press("o", "escape")  # cancelled: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert counts(app) == [1, 0, 1, 0, 0, 0, 0]
        assert focused_column(app).stage.name == "Qualification"
        await pilot.press("o", "home", "down", "enter")  # Everyone
        await settle(pilot)
        assert counts(app) == [3, 1, 1, 1, 0, 0, 0]
        assert app.is_running


async def test_pipeline_switch(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.title == "Холодные звонки"
        first = next(iter(board(app).query(StageColumn).results(StageColumn)))
        assert first.stage.name == "База для обзвона"


async def test_closed_columns_toggle(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        names = [c.stage.name for c in board(app).query(StageColumn).results(StageColumn)]
        assert names[-2:] == ["Won", "Lost"]
        assert counts(app)[-2:] == [1, 0]


async def test_move_to_any_stage_asks_before_skipping(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        deal_id = focused_column(app).current.deal_id  # type: ignore[union-attr]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StagePickerModal)
        await pilot.press("down", "down", "enter")  # Proposal: skips Qualification and Meeting
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert counts(app)[:4] == [2, 1, 1, 2]
        assert focused_column(app).stage.name == "Proposal"
    assert stage_names(reopen(), deal_id) == ["Prospecting", "Proposal"]


async def test_a_teammates_change_is_never_overwritten(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    notices: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        card = focused_column(app).current
        assert card is not None
        teammate = reopen()  # a second connection, as another person's funnel would be
        teammate.deals.move(
            card.deal_id, card.stage_id + 2, expected_version=card.version, by="ivan"
        )
        original_notify = app.notify

        def capture(message: str, **kwargs: object) -> None:
            notices.append(message)
            original_notify(message, **kwargs)  # type: ignore[arg-type]

        app.notify = capture  # type: ignore[method-assign]
        await pilot.press("shift+right")
        await settle(pilot)
        assert any("changed by someone else" in notice for notice in notices)
        assert counts(app)[:3] == [2, 1, 2]  # reloaded: the teammate's move is shown
    history = stage_names(reopen(), card.deal_id)
    assert history == ["Prospecting", "Meeting"]  # the stale move was refused, not applied


async def test_a_hostile_title_is_shown_literally_everywhere(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NewDealModal)
        modal.query_one(
            "#field-title Input", Input
        ).value = "[@click=app.quit]Boom[/] \x1b]52;c;aGk=\x07"
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = [n for n in app._notifications if n.message.startswith("Added deal")]
        assert added and added[0].message.endswith("[@click=app.quit]Boom[/] ␛]52;c;aGk=␇")
        # Shown as plain text: Textual parses a notification as markup unless told otherwise.
        assert not any(notification.markup for notification in app._notifications)
        assert app.is_running


async def test_column_headers_show_this_months_plan_when_one_is_set(board_db: Path) -> None:
    connection = sqlite3.connect(board_db)
    stage_id = connection.execute(
        "SELECT stages.id FROM stages JOIN pipelines ON pipelines.id = stages.pipeline_id"
        " WHERE pipelines.name = 'Sales' AND stages.name = 'Prospecting'"
    ).fetchone()[0]
    connection.execute(
        "INSERT INTO plan_targets (pipeline_id, stage_id, owner_id, month, target_count,"
        " target_amount_minor, currency) VALUES (1, ?, NULL, '2026-11-01', 10, 100000000, 'RUB')",
        (stage_id,),
    )
    connection.commit()
    connection.close()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        headers = [str(h.render()) for h in board(app).query(ColumnHeader)]
        assert "3 deals of 10 planned" in headers[0]
        assert "of ₽1,000,000 planned" in headers[0]
        assert "planned" not in headers[1]
