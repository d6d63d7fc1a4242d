"""The first screen, driven with Pilot over a real temporary database."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money


def _seed(path: Path) -> None:
    services = open_services(path, login="anna")
    pipeline = services.pipelines.create_from_template("three", "en", "[@click=app.quit]Sales[/]")
    for value in (1000, 2500):
        services.deals.create(DealDraft("Deal", Money(value * 100, "RUB")), pipeline_id=pipeline.id)
    services.close()


async def test_overview_shows_counts_and_sums_with_names_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _seed(path)
    app = build_app(Settings(), str(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [[cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
                for i in range(table.row_count)]
        assert rows[0] == ["[@click=app.quit]Sales[/]", "Calls", "2", "3,500.00 RUB"]
        assert [row[1] for row in rows] == ["Calls", "Meetings", "Contracts", "Won", "Lost"]
        await pilot.click(DataTable, offset=(2, 1))
        assert app.is_running
        await pilot.press("q")
    assert not app.is_running


async def test_unopenable_database_exits_with_the_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database", encoding="utf-8")
    app = build_app(Settings(), str(bad))
    async with app.run_test():
        # The app exits from inside the worker, which cancels what is left of it.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
    assert app.return_code == 1
