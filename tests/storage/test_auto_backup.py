"""The daily automatic backup: once a day, pruned after N days, one at a time, never in a
writer's way, and a failure is one line of warning."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from funnel_tui.bootstrap import auto_backup
from funnel_tui.cli import main
from funnel_tui.config import Settings
from funnel_tui.domain.errors import StoreError
from funnel_tui.storage.backups import (
    STALE_LOCK_S,
    auto_backups,
    backup_dir,
    list_backups,
    run_auto_backup,
)
from funnel_tui.storage.database import open_store

TODAY = date(2026, 11, 23)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team" / "funnel.db"
    open_store(path).close()  # creates the directory 0700 and the file 0600
    return path


def days(db: Path) -> list[date]:
    return [day for day, _ in auto_backups(db, backup_dir(db))]


def test_the_first_run_of_a_day_writes_a_dated_copy_with_the_databases_modes(db: Path) -> None:
    result = run_auto_backup(db, today=TODAY)
    assert result.written == db.parent / "backups" / "funnel-auto-2026-11-23.db"
    assert result.written.stat().st_mode & 0o777 == 0o600
    assert result.written.parent.stat().st_mode & 0o7777 == db.parent.stat().st_mode & 0o7777
    copy = sqlite3.connect(result.written)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT value FROM funnel_meta WHERE key='schema_version'").fetchone()
    copy.close()
    assert not list(result.written.parent.glob("*.partial"))
    assert not list(result.written.parent.glob(".*lock"))


def test_once_a_day_and_older_ones_pruned(db: Path) -> None:
    run_auto_backup(db, today=TODAY)
    again = run_auto_backup(db, today=TODAY)
    assert again.written is None and again.skipped == "today's backup exists"
    for offset in range(1, 20):
        run_auto_backup(db, today=TODAY + timedelta(days=offset), keep_days=14)
    last = TODAY + timedelta(days=19)
    assert days(db) == [last - timedelta(days=n) for n in range(14, -1, -1)]


def test_pruning_deletes_only_automatic_backups(db: Path) -> None:
    directory = backup_dir(db)
    run_auto_backup(db, today=TODAY)
    keep = [directory / "notes.txt", directory / "funnel-2026-01-01.db", db.parent / "x.db"]
    for path in keep:
        path.write_text("mine")
    run_auto_backup(db, today=TODAY + timedelta(days=30), keep_days=1)
    assert days(db) == [TODAY + timedelta(days=30)]
    assert all(path.read_text() == "mine" for path in keep)


def test_never_two_at_once_and_a_stale_lock_is_taken_over(db: Path) -> None:
    directory = backup_dir(db)
    directory.mkdir(mode=0o700)
    lock = directory / ".funnel.db.backup-lock"
    lock.write_text("12345")
    busy = run_auto_backup(db, today=TODAY)
    assert busy.written is None and busy.skipped == "another process is backing up"
    assert lock.exists()  # not ours to remove
    old = time.time() - STALE_LOCK_S - 60
    os.utime(lock, (old, old))
    assert run_auto_backup(db, today=TODAY).written is not None
    assert not lock.exists()


def test_a_writer_is_never_blocked_by_a_backup(db: Path) -> None:
    writer = sqlite3.connect(db, timeout=0, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO funnel_meta (key, value) VALUES ('during', 'backup')")
    result = run_auto_backup(db, today=TODAY)  # a write lock is held: the copy still runs
    writer.execute("COMMIT")
    writer.execute("BEGIN IMMEDIATE")  # and the writer gets the lock again at once
    writer.execute("COMMIT")
    writer.close()
    assert result.written is not None
    copy = sqlite3.connect(result.written)
    assert copy.execute("SELECT count(*) FROM funnel_meta WHERE key='during'").fetchone() == (0,)
    copy.close()


def test_failures_are_one_line_warnings_and_settings_are_obeyed(db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings = Settings(backup_dir=str(blocker / "backups"))
    warning = auto_backup(str(db), settings, today=TODAY)
    assert warning is not None and "\n" not in warning
    assert warning.startswith("automatic backup not written: cannot create")
    assert auto_backup(str(db), Settings(auto_backup=False), today=TODAY) is None
    assert days(db) == []
    assert auto_backup("sqlite://", Settings(), today=TODAY) is None
    elsewhere = tmp_path / "elsewhere"
    assert auto_backup(f"sqlite:///{db}", Settings(backup_dir=str(elsewhere)), today=TODAY) is None
    assert [p.name for _, p in auto_backups(db, elsewhere)] == ["funnel-auto-2026-11-23.db"]
    with pytest.raises(StoreError):
        run_auto_backup(db, today=TODAY, keep_days=0)


def test_a_command_backs_up_at_exit_and_backup_lists_them(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "add", "Chairs"]) == 0
    assert days(db) == [date.today()]
    assert main(["--db", str(db), "backup"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "backup", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert sorted(line.split()[2] for line in listed) == ["auto", "manual"]
    assert sorted(info.automatic for info in list_backups(db)) == [False, True]
