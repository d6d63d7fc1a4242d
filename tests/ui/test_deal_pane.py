"""The deal pane, driven by keys with Pilot over a real temporary database (frozen clock,
Moscow time: NOW is 2026-11-23 12:00 local, a Monday)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual._compositor import CompositorUpdate
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings
from funnel_tui.domain.models import ActivityKind, DealDraft, Direction, Outcome
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.modals.log_activity import LogActivityModal
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.widgets.form_field import FormField
from funnel_tui.ui.widgets.stage_column import StageColumn
from funnel_tui.ui.widgets.timeline import TimelineView

from .conftest import NOW, frozen_clock, settle

Reopen = Callable[[], Services]
MSK = timedelta(hours=3)


pytestmark = pytest.mark.usefixtures("moscow_time")


def make_app(path: Path) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )


def pane(app: FunnelApp) -> DealScreen:
    screen = app.screen
    assert isinstance(screen, DealScreen), f"expected the deal pane, got {screen!r}"
    return screen


def field(app: FunnelApp, name: str) -> FormField:
    return pane(app).query_one(f"#field-{name}", FormField)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Moscow wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - MSK


def terminal_frame(app: FunnelApp) -> str:
    """The whole screen as the text a terminal would be sent."""
    update = app.screen._compositor.render_update(full=True)
    assert isinstance(update, CompositorUpdate)
    return update.render_segments(app.console)


async def open_deal(app: FunnelApp, pilot: Pilot[None], deal_id: int) -> DealScreen:
    """Open the pane of `deal_id` over the board (as the palette's deal search does)."""
    app.open_deal(deal_id)
    await settle(pilot)
    return pane(app)


async def test_enter_opens_the_pane_and_escape_returns_to_the_same_card(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        column = app.focused
        assert isinstance(column, StageColumn) and column.current is not None
        deal_id = column.current.deal_id
        await pilot.press("enter")
        await settle(pilot)
        screen = pane(app)
        assert screen.view is not None and screen.view.deal.id == deal_id
        assert field(app, "title").text == column.current.title
        assert screen.query_one(TimelineView).current is not None
        # The newest entry's whole text shows under the list (here the fixture's next
        # contact, an audit event); the oldest is the creation.
        assert "Anna Smirnova" in str(screen.query_one("#timeline-note").render())
        created = screen.view.timeline[-1]
        assert created.from_stage is None and created.to_stage == "Prospecting"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        focused = app.focused
        assert isinstance(focused, StageColumn) and focused.current is not None
        assert focused.current.deal_id == deal_id


async def test_every_field_is_checked_where_it_is_typed_and_saved_in_one_go(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        version = (await open_deal(app, pilot, 1)).view.deal.version  # type: ignore[union-attr]
        bad = {
            "title": ("  ", "is empty"),
            "value": ("12 abc", "currency"),
            "phone": ("call me", "not a phone"),
            "email": ("ivan@", "not an e-mail"),
            "expected_close": ("31.02.2026", "not a date"),
        }
        for name, (typed, _) in bad.items():
            field(app, name).input.value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        for name, (_, message) in bad.items():
            assert field(app, name).has_class("-invalid"), name
            assert message in str(field(app, name).query_one(".field-error").render()), name
        assert app.focused is field(app, "title").input  # the first bad field
        with reopen().context.store.read() as uow:
            unchanged = uow.deals.get(1)
        assert unchanged is not None and unchanged.version == version  # nothing saved

        good = {
            "title": "Office chairs x40",
            "value": "1 500,50",
            "company": "Romashka",
            "contact": "Ivan Petrov",
            "phone": "+7 900 000-00-00",
            "email": "ivan@example.com",
            "source": "referral",
            "tags": "b2b, vip",
            "expected_close": "25.12.2026",
        }
        for name, typed in good.items():
            field(app, name).input.value = typed
        pane(app).query_one("#select-owner", Select).value = 2  # ivan
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not pane(app).query(".-invalid")
        assert not pane(app).dirty
        assert field(app, "value").text == "1500.50 RUB"
    services = reopen()
    deal = services.deals.get(1)
    assert (deal.title, deal.value, deal.company, deal.contact) == (
        "Office chairs x40",
        Money(150_050, "RUB"),
        "Romashka",
        "Ivan Petrov",
    )
    assert (deal.phone, deal.email, deal.source, deal.tags) == (
        "+7 900 000-00-00",
        "ivan@example.com",
        "referral",
        ("b2b", "vip"),
    )
    assert deal.expected_close is not None and deal.expected_close.isoformat() == "2026-12-25"
    assert deal.owner_id == 2 and deal.version == version + 1


async def test_a_teammates_change_is_never_overwritten(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 1)
        field(app, "title").input.value = "Chairs (mine)"
        teammate = reopen()
        theirs = teammate.deals.get(1)
        teammate.deals.edit(
            1,
            DealDraft(theirs.title, theirs.value, company="Their company"),
            expected_version=theirs.version,
            by="ivan",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("changed this deal" in message for message in warnings)
        assert teammate.deals.get(1).title == "Office chairs"  # mine was not written
        assert field(app, "company").text == "Their company"  # theirs is shown
        assert field(app, "title").text == "Chairs (mine)"  # mine is kept, still unsaved
        assert field(app, "title").dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = reopen().deals.get(1)
    assert (saved.title, saved.company) == ("Chairs (mine)", "Their company")


async def test_log_a_call_in_a_few_keys_then_set_the_next_contact(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 1)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, LogActivityModal)
        await pilot.press("down", "enter", *"3m", "enter", *"Left a message", "ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NextContactModal)  # offered at once
        await pilot.press(*"tomorrow 10:00")
        assert "tomorrow 10:00" in str(modal.query_one("#when-preview").render())
        await pilot.press("enter")
        await settle(pilot)
        screen = pane(app)
        first = str(screen.query_one("#timeline-note").render())  # the newest, highlighted
        assert "Call out · no answer · 3m" in first and "Left a message" in first
    services = reopen()
    call = services.deals.activities(1)[-1]
    assert (call.kind, call.direction, call.outcome, call.duration_s, call.body) == (
        ActivityKind.CALL,
        Direction.OUT,
        Outcome.NO_ANSWER,
        180,
        "Left a message",
    )
    assert services.deals.get(1).next_contact_at == local(24, 10)


async def test_each_activity_kind_can_be_logged(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 1)
        for kind in ActivityKind:
            await pilot.press("a")
            await settle(pilot)
            modal = app.screen
            assert isinstance(modal, LogActivityModal)
            modal.query_one("#activity-kind", Select).value = kind
            await pilot.pause()
            modal.query_one(TextArea).text = f"about the {kind.value}"
            await pilot.press("ctrl+s")
            await settle(pilot)
            if isinstance(app.screen, NextContactModal):
                await pilot.press("escape")
                await settle(pilot)
        # A note must say something: an empty one is refused at the form.
        await pilot.press("a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, LogActivityModal)
        modal.query_one("#activity-kind", Select).value = ActivityKind.NOTE
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "is empty" in str(modal.query_one("#activity-error").render())
    logged = reopen().deals.activities(1)
    assert [a.kind for a in logged] == list(ActivityKind)
    assert [a.body for a in logged] == [f"about the {kind.value}" for kind in ActivityKind]
    assert logged[0].outcome is Outcome.REACHED  # the first outcome offered for a call
    assert logged[1].outcome is Outcome.HELD and logged[1].direction is None  # a meeting


TYPED_FORMS = [
    ("today 15:00", local(23, 15)),
    ("tomorrow", local(24, 10)),
    ("fri", local(27, 10)),
    ("+3d", local(26, 12)),
    ("+2w", local(7, 12, month=12)),
    ("25.12", local(25, 10, month=12)),
    ("25.12 14:30", local(25, 14, 30, month=12)),
    ("2026-12-25 15:30", local(25, 15, 30, month=12)),
    ("завтра", local(24, 10)),
    ("послезавтра", local(25, 10)),
    ("пт", local(27, 10)),
    ("через 3 дня", local(26, 12)),
]


async def test_next_contact_by_quick_keys_and_by_each_typed_form(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    check = reopen()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 1)
        for key, expected in (
            ("1", NOW + timedelta(hours=1)),
            ("2", local(24, 10)),
            ("3", NOW + timedelta(weeks=1)),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert check.deals.get(1).next_contact_at == expected, key
        for typed, expected in TYPED_FORMS:
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, NextContactModal)
            await pilot.press(*typed, "enter")
            await settle(pilot)
            assert isinstance(app.screen, DealScreen), typed
            assert check.deals.get(1).next_contact_at == expected, typed
        # Nonsense is refused in the modal, with the reason, and nothing changes.
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        await pilot.press(*"someday", "enter")
        await settle(pilot)
        assert app.screen is modal
        assert "someday" in str(modal.query_one("#when-preview").render())
        assert check.deals.get(1).next_contact_at == TYPED_FORMS[-1][1]


async def test_leaving_a_stage_with_unanswered_checklist_questions_asks_first(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 4)  # Lamps, in Qualification (four BANT questions)
        await pilot.press(">")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        text = str(confirm._question)
        assert "Is there a budget?" in text and "By when?" in text
        await pilot.press("n")
        await settle(pilot)
        assert reopen().deals.get(4).stage_id == pane(app).view.pipeline.open_stages[1].id  # type: ignore[union-attr]
        answers = pane(app).query_one("#checklist").query(FormField).results(FormField)
        for answer in answers:
            answer.input.value = "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pane(app).view is not None and pane(app).view.unanswered == ()  # type: ignore[union-attr]
        await pilot.press(">")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)  # no question this time
    services = reopen()
    deal = services.deals.get(4)
    pipeline = services.pipelines.find("Sales")
    assert pipeline.stage(deal.stage_id).name == "Meeting"


async def test_delete_is_soft_confirmed_and_undone_from_the_board(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 4)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert reopen().deals.get(4, include_deleted=True).deleted_at is not None
        assert any("u restores" in n.message for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
    assert reopen().deals.get(4).deleted_at is None


async def test_a_hostile_title_is_shown_literally_in_the_pane(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_deal(app, pilot, 2)
        summary = str(pane(app).query_one("#deal-summary").render())
        assert "[@click=app.quit]Evil[/]" in summary
        assert field(app, "title").query_one(Input).value == "[@click=app.quit]Evil[/]"
        assert app.is_running


async def test_the_stage_and_pipeline_can_be_changed_in_the_form(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_deal(app, pilot, 1)
        assert screen.view is not None
        cold = next(p for p in screen.view.pipelines if p.name != "Sales")
        screen.query_one("#select-pipeline", Select).value = cold.id
        await settle(pilot)
        # Another pipeline: its first open stage is chosen, and can be changed.
        assert screen.query_one("#select-stage", Select).value == cold.open_stages[0].id
        screen.query_one("#select-stage", Select).value = cold.open_stages[1].id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.view is not None and screen.view.pipeline.id == cold.id
    services = reopen()
    deal = services.deals.get(1)
    assert (deal.pipeline_id, deal.stage_id) == (cold.id, cold.open_stages[1].id)
    last = services.deals.history(1)[-1]
    assert last.to_stage_id == cold.open_stages[1].id


async def test_the_palette_finds_a_deal_by_any_text_and_opens_it(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"ромашка")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pane(app)
        assert screen.view is not None and screen.view.deal.title == "Столы"


async def test_the_reused_pane_shows_another_deal_and_follows_a_theme_change(
    board_db: Path,
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        first = await open_deal(app, pilot, 1)
        before = first.styles.background
        await pilot.press("escape")
        await settle(pilot)
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await settle(pilot)
        second = await open_deal(app, pilot, 5)
        assert second is first  # composed once, reused
        assert second.view is not None and second.view.deal.title == "Server racks"
        assert field(app, "title").text == "Server racks" and not second.dirty
        assert second.styles.background != before


async def test_escapes_in_stored_text_never_reach_the_terminal_nor_change_on_save(
    board_db: Path, reopen: Reopen
) -> None:
    hostile = "Boom \x1b]52;c;aGk=\x07 \u202eevil"
    services = reopen()
    deal = services.deals.get(1)
    services.deals.edit(
        1,
        DealDraft(hostile, deal.value, company=deal.company),
        expected_version=deal.version,
    )
    services.deals.set_next_contact(1, NOW + timedelta(days=1), "call \x1b[2J back")
    services.close()
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_deal(app, pilot, 1)
        frame = terminal_frame(app)
        assert "\x1b]52" not in frame and "\x1b[2J" not in frame and "\u202e" not in frame
        assert field(app, "title").input.value == "Boom ␛]52;c;aGk=␇ <U+202E>evil"
        assert not screen.dirty  # shown cleaned, still the stored text
        field(app, "company").input.value = "Globex"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NextContactModal)
        frame = terminal_frame(app)
        assert "\x1b[2J" not in frame
        await pilot.press(*"+2d", "enter")
        await settle(pilot)
    saved = reopen().deals.get(1)
    assert (saved.title, saved.company) == (hostile, "Globex")
    assert saved.next_contact_note == "call \x1b[2J back"
