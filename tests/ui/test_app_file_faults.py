"""Database file faults in the app (issue 9): a file that cannot be opened makes the app leave
with one literal line and exit code 1, never a traceback; a fault met while it runs (a damaged
page, a lock held past every retry, a read-only file) is a one-line notice and the app stays
usable. The command line's side is in tests/storage/test_file_faults.py."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings
from funnel_tui.storage import database
from funnel_tui.storage.database import BusyRetry, SqlStore, open_store
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.board import BoardScreen
from tests.storage.test_file_faults import (
    random_after_header,
    random_bytes,
    text_file,
    truncate,
)
from tests.ui.conftest import frozen_clock, settle


def make_app(path: Path) -> FunnelApp:
    settings = Settings(currency="RUB", start_screen="board", auto_backup=False)
    return build_app(settings, str(path), login="anna", clock=frozen_clock)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exit_line(app: FunnelApp) -> str:
    """Why the app left (`run` prints it on stderr once the terminal is restored)."""
    assert app.return_code == 1
    assert app.failure is not None
    assert "\n" not in app.failure and "Traceback" not in app.failure
    return app.failure


def notices(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


OPEN_FAULTS: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("truncated", truncate, ("is damaged", "restore it from a backup")),
    ("random-bytes", random_bytes, ("not a Funnel database",)),
    ("sqlite-header-then-random", random_after_header, ("is damaged", "restore it from a backup")),
    ("text-file", text_file, ("not a Funnel database",)),
]


@pytest.mark.parametrize(
    ("damage", "words"), [(d, w) for _, d, w in OPEN_FAULTS], ids=[n for n, _, _ in OPEN_FAULTS]
)
async def test_a_file_that_cannot_be_opened_ends_the_app_with_one_line(
    board_db: Path,
    damage: Callable[[Path], None],
    words: tuple[str, ...],
) -> None:
    damage(board_db)
    before = digest(board_db)
    app = make_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    line = exit_line(app)
    assert str(board_db) in line
    for word in words:
        assert word in line, line
    assert digest(board_db) == before


async def test_a_directory_ends_the_app_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "funnel.db"
    folder.mkdir()
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert "is a directory" in exit_line(app)
    assert list(folder.iterdir()) == []


def test_the_app_prints_why_it_left_as_one_literal_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Printed after the terminal is restored: not broken at 80 columns, no markup read
    from the path, no escape from it reaching the terminal."""
    folder = tmp_path / ("a-long-directory-name-" * 4 + "[bold]x[red]\x1b[31m")
    folder.mkdir()
    path = folder / "[@click=app.quit]f.db"
    text_file(path)
    app = make_app(path)
    capsys.readouterr()
    app.run(headless=True, size=(80, 24))
    assert app.return_code == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("funnel: ") and "not a Funnel database" in line
    assert "[@click=app.quit]f.db" in line and "[bold]x[red]" in line
    assert "\x1b" not in line


def damage_root_page(path: Path, name: str) -> None:
    """Overwrite the root page of the table or index `name` with 0xFF bytes."""
    connection = sqlite3.connect(path)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
    finally:
        connection.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))


async def test_a_damaged_page_is_a_notice_and_the_app_stays_up(board_db: Path) -> None:
    """The board's totals come from one covering index: with its page damaged, the board
    says so in one line, and the app stays up (other screens, quitting)."""
    damage_root_page(board_db, "ix_deals_board_totals")
    before = digest(board_db)
    app = make_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.return_code is None  # still running
        assert isinstance(app.screen, BoardScreen)
        said = [text for text in notices(app) if "is damaged" in text]
        assert said, notices(app)
        assert all("\n" not in text for text in said)
        assert "restore it from a backup" in said[0]
        assert str(board_db) in said[0]
        await pilot.press("q")
    assert app.return_code == 0
    assert digest(board_db) == before


# --- faults met by a write while the app runs ----------------------------------------------


def _patch_connections(monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    def opened(*args: Any, **kwargs: Any) -> SqlStore:
        store = open_store(*args, **kwargs)
        event.listen(store.engine, "connect", lambda dbapi, _record: dbapi.execute(sql))
        store.engine.dispose()
        return store

    monkeypatch.setattr(database, "open_store", opened)


@pytest.fixture
def write_lock(board_db: Path) -> Iterator[Callable[[], None]]:
    """Call it to have another connection hold `BEGIN IMMEDIATE` until the test ends."""
    release = threading.Event()
    held = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(board_db, isolation_level=None, check_same_thread=False)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(30)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold, daemon=True)

    def start() -> None:
        thread.start()
        held.wait(10)

    yield start
    release.set()
    if thread.is_alive():
        thread.join(10)


async def _try_a_move(app: FunnelApp, pilot: Any) -> None:
    await settle(pilot)
    assert app.services is not None
    await pilot.press("right")  # a column over
    await pilot.press("left")
    await pilot.press("shift+right")  # move the current card a stage forward
    await settle(pilot)


def _stages(board_db: Path) -> list[tuple[int, int]]:
    connection = sqlite3.connect(f"{board_db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.execute("SELECT id, stage_id FROM deals ORDER BY id"))
    finally:
        connection.close()


async def test_a_write_on_a_read_only_file_is_a_notice_and_the_app_stays_up(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`PRAGMA query_only`: SQLite's read-only error, as for a chmod 0400 file (which root,
    running these tests in containers, could write anyway)."""
    _patch_connections(monkeypatch, "PRAGMA query_only = ON")
    stages = _stages(board_db)
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _try_a_move(app, pilot)
        assert app.return_code is None
        said = [text for text in notices(app) if "read-only" in text]
        assert said, notices(app)
        assert "\n" not in said[0]
        await pilot.press("q")
    assert _stages(board_db) == stages


async def test_a_write_on_a_long_locked_file_is_a_notice_and_the_app_stays_up(
    board_db: Path, monkeypatch: pytest.MonkeyPatch, write_lock: Callable[[], None]
) -> None:
    monkeypatch.setattr(
        database,
        "open_store",
        partial(open_store, busy_timeout_s=0.1, retry=BusyRetry(retries=1, pause_s=0.01)),
    )
    stages = _stages(board_db)
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        write_lock()
        await _try_a_move(app, pilot)
        assert app.return_code is None
        said = [text for text in notices(app) if "busy" in text]
        assert said, notices(app)
        assert "\n" not in said[0]
        await pilot.press("q")
    assert _stages(board_db) == stages


@pytest.mark.skipif(os.geteuid() != 0, reason="only to document why chmod is not used here")
def test_root_can_write_a_read_only_file_so_the_app_tests_simulate_it(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_text("a")
    path.chmod(0o400)
    path.write_text("b")  # no PermissionError for root
    assert path.read_text() == "b"
