"""Board fixtures: a small deterministic database and an app over it with a frozen clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import DealDraft, Role
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.demo import generate_demo
from funnel_tui.ui.app import FunnelApp

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


@pytest.fixture
def board_db(tmp_path: Path) -> Path:
    """Two pipelines; in "Sales" (B2B), six deals spread over the first stages."""
    path = tmp_path / "board.db"
    fill_board(str(path))
    return path


def fill_board(target: str) -> None:
    """The board fixture's data, written into the database at `target` (any engine)."""
    services = open_services(target, login="anna", clock=frozen_clock)
    sales = services.pipelines.create_from_template("b2b", "en", "Sales")
    services.pipelines.create_from_template("cold", "ru")
    with services.context.store.write() as uow:
        uow.users.add("anna", "Anna Smirnova", Role.LEAD, NOW)
        uow.users.add("ivan", "Иван Петров", Role.REP, NOW)
        uow.commit()
    deals = [
        ("Office chairs", "Romashka LLC", 150_000, 0, "anna"),
        ("[@click=app.quit]Evil[/]", "ACME", 10_000, 0, "anna"),
        ("Столы", "РОМАШКА", 99_900, 0, "ivan"),
        ("Lamps", None, 5_000, 1, "anna"),
        ("Server racks", "Globex", 1_000_000, 2, "ivan"),
        ("Printers", "Initech", 30_000, 3, "anna"),
    ]
    for index, (title, company, value, stage_index, owner) in enumerate(deals):
        deal = services.deals.create(
            DealDraft(title, Money(value * 100, "RUB"), company=company),
            pipeline_id=sales.id,
            stage_id=sales.open_stages[stage_index].id,
            owner=owner,
            at=NOW - timedelta(days=10 - index),
        )
        services.deals.set_next_contact(deal.id, NOW + timedelta(hours=index - 2))
    services.close()


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker has finished and the screen has repainted."""
    for _ in range(4):
        await pilot.pause()
        # Not the workers that wait on a dialog's answer: they finish when the test answers.
        busy = [w for w in pilot.app.workers if not w.group.endswith("-confirm")]
        for worker in busy:
            # Cancelled is finished too: a dialog's save worker is cancelled when the
            # dialog closes on its answer, which can come before the worker has returned.
            with suppress(WorkerCancelled):
                await worker.wait()
    await pilot.pause()


async def press_settled(pilot: Pilot[Any], *keys: str) -> None:
    """Press `keys` one by one, each let settle (its workers done, the screen repainted)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def pressing(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A snapshot's `run_before`: from the loaded board press `keys` one by one, letting
    each settle, then fix the text cursors on."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press_settled(pilot, *keys)
        stop_blinking(pilot)
        await settle(pilot)

    return run_before


def stop_blinking(pilot: Pilot[Any]) -> None:
    """Fix the text cursors of the screen's fields on: a blinking one would be drawn or not
    depending on how long the steps before a snapshot took."""
    for field in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(field, Input | TextArea)
        field.cursor_blink = False


@pytest.fixture
def reopen(board_db: Path) -> Callable[[], Services]:
    """A fresh services object over the board database, to check what was written."""

    def _open() -> Services:
        return open_services(board_db, login="anna", clock=frozen_clock)

    return _open


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """`demo --seed 1` with 2,000 deals, as of NOW (the snapshots' data)."""
    path = tmp_path / "demo.db"
    services = open_services(path, login="anna", clock=frozen_clock)
    generate_demo(services.context.store, deals=2000, seed=1, today=NOW.date())
    services.close()
    return path


def shown(screen: Screen[Any], selector: str) -> str:
    """The text a part of the screen draws, line by line, as the terminal gets it."""
    widget = screen.query_one(selector, Widget)
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text.rstrip() for strip in strips)


def russian_app(path: Path) -> FunnelApp:
    """The app as `funnel --lang ru` builds it on `path` (build_app sets the language of
    its settings: Russian)."""
    settings = Settings(currency="RUB", start_screen="board", language="ru")
    return build_app(settings, str(path), login="anna", clock=frozen_clock)


def screen_text(app: FunnelApp) -> str:
    """Everything the terminal shows, line by line, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
