"""The database file itself: private modes, refusal of anything that is not ours, backups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from funnel_tui.domain.errors import StoreError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage.database import SqlStore, open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def write_something(store: SqlStore) -> None:
    context = ServiceContext(store, login="anna")
    pipeline = PipelineService(context).create_from_template("three")
    DealService(context).create(DealDraft("Chairs", Money(100, "RUB")), pipeline_id=pipeline.id)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o000, 0o077, 0o007], ids=oct)
def test_new_file_in_new_directories_is_private(tmp_path: Path, mask: int) -> None:
    path = tmp_path / "new" / "nested" / "funnel.db"
    with umask(mask):
        store = open_store(path)
        try:
            write_something(store)
            assert mode(path) == 0o600
            assert mode(tmp_path / "new") == 0o700
            assert mode(tmp_path / "new" / "nested") == 0o700
            sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
            assert any(side.exists() for side in sidecars), "expected WAL mode"
            for side in sidecars:
                if side.exists():
                    assert mode(side) & ~0o600 == 0, f"{side.name} is {oct(mode(side))}"
        finally:
            store.close()


def test_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o750)
    with umask(0o022):
        open_store(shared / "f.db").close()
    assert mode(shared) == 0o750
    assert mode(shared / "f.db") == 0o600


def snapshot(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_mode


def sidecars(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()} - {path.name}


def assert_refused(path: Path, *, create: bool = True, words: tuple[str, ...] = ()) -> StoreError:
    with pytest.raises(StoreError) as caught:
        open_store(path, create=create)
    message = str(caught.value)
    assert "\n" not in message
    assert message.strip()
    assert "Traceback" not in message
    for word in words:
        assert word in message, message
    return caught.value


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\nanna:x:1000:1000::/home/anna:/bin/sh\n")
    before, others = snapshot(path), sidecars(path)
    assert_refused(path, words=("not a Funnel database",))
    assert snapshot(path) == before
    assert sidecars(path) == others


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("INSERT INTO notes (body) VALUES ('precious')")
    connection.commit()
    connection.close()
    before, others = snapshot(path), sidecars(path)
    assert_refused(path, words=("not a Funnel one",))
    assert snapshot(path) == before
    assert sidecars(path) == others


def test_foreign_wal_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.commit()
    connection.close()
    before = snapshot(path)
    assert_refused(path)
    assert snapshot(path) == before


def test_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a-directory"
    path.mkdir()
    (path / "keep").write_text("x")
    assert_refused(path, words=("directory",))
    assert [p.name for p in path.iterdir()] == ["keep"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a mode-000 file")
def test_unreadable_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_store(path).close()
    path.chmod(0o000)
    try:
        stat = path.stat()
        assert_refused(path, words=("cannot read",))
        assert path.stat().st_mtime_ns == stat.st_mtime_ns
        assert path.stat().st_size == stat.st_size
    finally:
        path.chmod(0o600)


def test_missing_file_without_create_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "missing.db"
    assert_refused(path, create=False, words=("no database",))
    assert not path.exists()
    assert not path.parent.exists()


def test_dangling_symlink_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.db"
    path.symlink_to(tmp_path / "nowhere" / "target.db")
    assert_refused(path, words=("symbolic link",))
    assert not (tmp_path / "nowhere").exists()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    store = open_store(path)
    write_something(store)
    store.close()
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE funnel_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
    )
    connection.commit()
    connection.close()
    assert not path.with_name(path.name + "-wal").exists()
    before, others = snapshot(path), sidecars(path)
    assert_refused(path, words=("newer Funnel", str(SCHEMA_VERSION + 1)))
    assert snapshot(path) == before
    # A read-only look at a WAL database may leave empty -wal/-shm files: private ones.
    for name in sidecars(path) - others:
        assert name in {"future.db-wal", "future.db-shm"}
        assert mode(tmp_path / name) & ~0o600 == 0
    assert not list(tmp_path.glob("*.bak"))


def test_damaged_funnel_file_without_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    open_store(path).close()
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM funnel_meta WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    before = snapshot(path)
    assert_refused(path, words=("damaged",))
    assert snapshot(path) == before


def test_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o600)
    store = open_store(path)
    write_something(store)
    store.close()
    reopened = open_store(path, create=False)
    with reopened.read() as uow:
        assert uow.deals.count() == 1
    reopened.close()


def deals_of(store: SqlStore) -> list[tuple[int, str, Money]]:
    with store.read() as uow:
        return [(b.deal.id, b.deal.title, b.deal.value) for b in uow.bulk.iter_bundles()]


def test_backup_copies_a_live_database(tmp_path: Path) -> None:
    store = open_store(tmp_path / "live.db")
    write_something(store)
    context = ServiceContext(store, login="anna")
    pipeline = PipelineService(context).find(None)
    for index in range(5):
        DealService(context).create(
            DealDraft(f"Deal {index}", Money(index * 100, "USD")), pipeline_id=pipeline.id
        )
    destination = tmp_path / "copies" / "backup.db"
    destination.parent.mkdir()
    store.backup(destination)
    original = deals_of(store)
    store.close()

    assert mode(destination) == 0o600
    assert not destination.with_name(destination.name + ".partial").exists()
    assert not destination.with_name(destination.name + "-wal").exists()
    copy = open_store(destination, create=False)
    assert copy.backup_path is None
    assert deals_of(copy) == original
    assert len(original) == 6
    copy.close()


def test_backup_refuses_an_existing_destination(tmp_path: Path, store: SqlStore) -> None:
    write_something(store)
    destination = tmp_path / "exists.db"
    destination.write_bytes(b"do not overwrite me")
    before = snapshot(destination)
    with pytest.raises(StoreError) as caught:
        store.backup(destination)
    assert "already exists" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert snapshot(destination) == before


def test_backup_into_a_missing_directory_fails_cleanly(tmp_path: Path, store: SqlStore) -> None:
    destination = tmp_path / "no" / "such" / "dir" / "b.db"
    with pytest.raises(StoreError) as caught:
        store.backup(destination)
    assert "\n" not in str(caught.value)
    assert not destination.exists()


def test_in_memory_store_cannot_be_backed_up(tmp_path: Path) -> None:
    store = open_store("sqlite://")
    with pytest.raises(StoreError):
        store.backup(tmp_path / "x.db")
    store.close()
