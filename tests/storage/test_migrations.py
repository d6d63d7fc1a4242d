"""The schema-upgrade mechanism: backup first, foreign keys off, one transaction, no lost rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy import exc as sa_exc

from funnel_tui.domain.errors import StoreError
from funnel_tui.domain.models import ActivityKind, DealDraft, Direction, Outcome
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage import migrations
from funnel_tui.storage.database import SqlStore, open_store

CURRENT = migrations.SCHEMA_VERSION
NEXT = CURRENT + 1
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def populate(path: Path) -> None:
    """A real database with deals, stage history and activities, written by the services."""
    store = open_store(path)
    moments = iter(T0 + timedelta(minutes=minute) for minute in range(10_000))
    context = ServiceContext(store, login="anna", clock=lambda: next(moments))
    pipeline = PipelineService(context).create_from_template("b2b", "en", "New clients")
    deals = DealService(context)
    for index in range(6):
        deal = deals.create(
            DealDraft(f"Deal {index}", Money(1000 * index, "RUB"), company="Romashka"),
            pipeline_id=pipeline.id,
            by="ivan" if index % 2 else None,
        )
        for call in range(3):
            deals.log_activity(
                deal.id,
                ActivityKind.CALL,
                direction=Direction.OUT,
                outcome=Outcome.REACHED,
                duration_s=60 * call,
                body=f"call {call}",
            )
        deals.step(deal.id, +1)
        if index == 4:
            deals.win(deal.id)
        if index == 5:
            deals.lose(deal.id, "price")
    store.close()


def load_sql_fixture(path: Path, fixture: Path) -> None:
    """An old-schema file from a frozen SQL dump (tests/storage/fixtures/schema_vN.sql)."""
    connection = sqlite3.connect(path)
    connection.executescript(fixture.read_text(encoding="utf-8"))
    connection.commit()
    connection.close()


def table_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
        }
    finally:
        connection.close()


def version_of(path: Path) -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT value FROM funnel_meta WHERE key = 'schema_version'"
        ).fetchone()
        return int(row[0])
    finally:
        connection.close()


def columns_of(path: Path, table: str) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    finally:
        connection.close()


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def rebuild(table: str, new_column: str) -> Callable[[Connection], None]:
    """A migration that rebuilds `table` the SQLite way and adds `new_column` to it."""

    def migrate(connection: Connection) -> None:
        create_sql = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
        ).scalar_one()
        index_sql = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
            {"t": table},
        ).scalars()
        indexes = [sql for sql in index_sql if sql]
        prefix = f"CREATE TABLE {table} ("
        assert create_sql.startswith(prefix)
        connection.execute(text(f"CREATE TABLE {table}_new (" + create_sql[len(prefix) :]))
        connection.execute(text(f"INSERT INTO {table}_new SELECT * FROM {table}"))
        connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text(f"ALTER TABLE {table}_new RENAME TO {table}"))
        connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {new_column} VARCHAR"))
        for sql in indexes:
            connection.execute(text(sql))

    return migrate


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    populate(path)
    return path


def run_upgrade(path: Path, migration: Callable[[Connection], None]) -> Path | None:
    store = open_store(path)
    try:
        return migrations.upgrade(
            store.engine, path, CURRENT, migrations={NEXT: migration}, target=NEXT
        )
    finally:
        assert_foreign_keys_back_on(store)
        store.close()


def assert_foreign_keys_back_on(store: SqlStore) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def backups(path: Path, version: int) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.v{version}-*.bak"))


def test_table_rebuild_keeps_every_row_and_backs_up_first(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = table_counts(database)
    assert before["activities"] == 18 and before["stage_changes"] == 6 + 6 + 2
    foreign_keys_seen: list[int] = []
    rebuild_activities = rebuild("activities", "channel")

    def migration(connection: Connection) -> None:
        foreign_keys_seen.append(connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one())
        rebuild_activities(connection)

    backup = run_upgrade(database, migration)

    assert foreign_keys_seen == [0]
    assert backup is not None and backups(database, CURRENT) == [backup]
    assert backup.stat().st_mode & 0o777 == 0o600
    assert version_of(backup) == CURRENT
    assert table_counts(backup) == before
    assert "channel" not in columns_of(backup, "activities")

    assert version_of(database) == NEXT
    assert table_counts(database) == before
    assert "channel" in columns_of(database, "activities")
    # The upgraded file reads through the normal code path once it is the program's version.
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    store = open_store(database)
    assert store.backup_path is None
    with store.read() as uow:
        assert all(len(uow.activities.for_deal(deal_id)) == 3 for deal_id in range(1, 7))
    store.close()


def test_rebuilding_a_parent_table_needs_foreign_keys_off_and_loses_nothing(
    database: Path,
) -> None:
    before = table_counts(database)
    backup = run_upgrade(database, rebuild("deals", "region"))
    assert backup is not None
    assert version_of(database) == NEXT
    assert table_counts(database) == before
    assert "region" in columns_of(database, "deals")
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_a_migration_that_deletes_rows_is_refused(database: Path) -> None:
    before, contents = table_counts(database), dump(database)

    def lossy(connection: Connection) -> None:
        connection.execute(text("ALTER TABLE activities ADD COLUMN channel VARCHAR"))
        connection.execute(text("DELETE FROM activities WHERE id % 2 = 0"))

    with pytest.raises(StoreError) as caught:
        run_upgrade(database, lossy)
    assert "activities" in str(caught.value) and "\n" not in str(caught.value)
    assert version_of(database) == CURRENT
    assert table_counts(database) == before
    assert dump(database) == contents
    assert "channel" not in columns_of(database, "activities")


def test_a_migration_that_breaks_references_is_refused(database: Path) -> None:
    contents = dump(database)

    def dangling(connection: Connection) -> None:
        connection.execute(text("UPDATE activities SET deal_id = 999 WHERE id = 1"))

    with pytest.raises(StoreError) as caught:
        run_upgrade(database, dangling)
    assert "reference" in str(caught.value)
    assert version_of(database) == CURRENT
    assert dump(database) == contents


def test_a_migration_that_fails_midway_changes_nothing(database: Path) -> None:
    before, contents = table_counts(database), dump(database)

    def half_done(connection: Connection) -> None:
        connection.execute(text("ALTER TABLE deals ADD COLUMN region VARCHAR"))
        connection.execute(text("UPDATE deals SET title = 'overwritten'"))
        connection.execute(text("INSERT INTO funnel_meta (key, value) VALUES ('half', 'done')"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_upgrade(database, half_done)
    assert version_of(database) == CURRENT
    assert table_counts(database) == before
    assert dump(database) == contents
    assert "region" not in columns_of(database, "deals")


def test_a_migration_with_bad_sql_changes_nothing(database: Path) -> None:
    contents = dump(database)

    def bad_sql(connection: Connection) -> None:
        connection.execute(text("UPDATE deals SET title = 'overwritten'"))
        connection.execute(text("ALTER TABLE no_such_table ADD COLUMN x"))

    with pytest.raises(sa_exc.OperationalError):
        run_upgrade(database, bad_sql)
    assert version_of(database) == CURRENT
    assert dump(database) == contents


def test_a_missing_migration_is_refused_before_anything_happens(database: Path) -> None:
    contents = dump(database)
    store = open_store(database)
    with pytest.raises(StoreError, match=f"schema version {NEXT}"):
        migrations.upgrade(store.engine, database, CURRENT, migrations={}, target=NEXT)
    store.close()
    assert dump(database) == contents
    assert backups(database, CURRENT) == []


def test_upgrade_of_an_already_upgraded_database_is_a_no_op(database: Path) -> None:
    """A second process that found the old version runs upgrade after the first one finished."""
    calls: list[int] = []
    store = open_store(database)
    migrations.upgrade(
        store.engine,
        database,
        CURRENT,
        migrations={NEXT: rebuild("activities", "channel")},
        target=NEXT,
    )
    contents = dump(database)
    migrations.upgrade(
        store.engine, database, CURRENT, migrations={NEXT: lambda c: calls.append(1)}, target=NEXT
    )
    store.close()
    assert calls == []
    assert dump(database) == contents


def test_open_store_upgrades_an_older_file_with_a_backup(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last real migration replaced in place: open_store must back up, then run it."""
    connection = sqlite3.connect(database)
    connection.execute(
        "UPDATE funnel_meta SET value = ? WHERE key = 'schema_version'", (str(CURRENT - 1),)
    )
    connection.commit()
    connection.close()
    before = table_counts(database)
    monkeypatch.setitem(migrations.MIGRATIONS, CURRENT, rebuild("activities", "channel"))

    store = open_store(database)
    try:
        assert store.backup_path is not None
        assert backups(database, CURRENT - 1) == [store.backup_path]
        assert version_of(store.backup_path) == CURRENT - 1
        assert table_counts(store.backup_path) == before
        with store.read() as uow:
            assert uow.deals.count() == 6
        assert_foreign_keys_back_on(store)
    finally:
        store.close()
    assert version_of(database) == CURRENT
    assert table_counts(database) == before
    assert "channel" in columns_of(database, "activities")

    again = open_store(database)  # at the current version: no second backup
    assert again.backup_path is None
    again.close()
    assert len(backups(database, CURRENT - 1)) == 1


def test_open_store_follows_the_module_schema_version(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    monkeypatch.setattr(migrations, "MIGRATIONS", {NEXT: rebuild("activities", "channel")})
    store = open_store(database)
    store.close()
    assert store.backup_path is not None
    assert version_of(database) == NEXT
    assert "channel" in columns_of(database, "activities")
