"""The app writes the daily automatic backup in a thread once its store is open, and says
so in one line when it cannot."""

from __future__ import annotations

import threading
from pathlib import Path

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings

from .conftest import frozen_clock, settle


async def test_the_app_backs_up_in_the_background(board_db: Path) -> None:
    app = build_app(Settings(start_screen="board"), str(board_db), login="anna", clock=frozen_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        _join_backup()
        expected = board_db.parent / "backups" / "board-auto-2026-11-23.db"
        assert expected.exists()


async def test_a_failed_backup_is_a_notification_not_a_crash(
    board_db: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = Settings(start_screen="board", backup_dir=str(blocker / "sub"))
    app = build_app(settings, str(board_db), login="anna", clock=frozen_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        _join_backup()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("automatic backup not written") for m in messages)
        assert app.is_running


def _join_backup() -> None:
    for thread in threading.enumerate():
        if thread.name == "funnel-auto-backup":
            thread.join(10)
