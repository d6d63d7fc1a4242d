"""A real version-6 file (frozen fixture, written by the services before schema 7) upgrades
to schema 7: an empty audit table, every row kept, and the same schema as a fresh file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION
from funnel_tui.storage.sqlite_board import READS_SCHEMA_VERSION
from tests.storage.test_migrations import load_sql_fixture, table_counts, version_of
from tests.storage.test_schema_v1_upgrade import _columns

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v6.sql"


def test_the_board_reads_the_current_schema() -> None:
    assert SCHEMA_VERSION == READS_SCHEMA_VERSION == 8


def test_v6_file_upgrades_to_v7_keeping_every_row(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    load_sql_fixture(old, FIXTURE)
    before = table_counts(old)
    assert version_of(old) == 6 and before["deals"] == 6 and before["activities"] == 18
    store = open_store(old)
    assert store.backup_path is not None and store.backup_path.name.startswith("old.db.v6-")
    with store.read() as uow:
        assert uow.events.for_deal(1) == []
        assert len(uow.deals.history(6)) == 3
    store.close()
    after = table_counts(old)
    assert version_of(old) == SCHEMA_VERSION
    assert after.pop("deal_events") == 0
    assert after == before
    assert table_counts(store.backup_path) == before
    fresh = tmp_path / "fresh.db"
    open_store(fresh).close()
    assert _columns(old) == _columns(fresh)
    connection = sqlite3.connect(old)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
