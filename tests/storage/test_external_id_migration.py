"""A real version-7 file (frozen fixture: three deals imported from an amoCRM CSV before
schema 8, their source ids kept as `ext:amocrm:N` tags) upgrades to schema 8: the ids move
into `deals.external_id`, the tags and the search text lose them, nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION
from tests.storage.test_migrations import load_sql_fixture, table_counts, version_of
from tests.storage.test_schema_v1_upgrade import _columns

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v7.sql"


def test_v7_file_moves_ext_tags_into_external_id(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    load_sql_fixture(old, FIXTURE)
    before = table_counts(old)
    assert version_of(old) == 7 and before["deals"] == 3
    store = open_store(old)
    assert store.backup_path is not None and store.backup_path.name.startswith("old.db.v7-")
    with store.read() as uow:
        deals = [uow.deals.get(deal_id) for deal_id in (1, 2, 3)]
    store.close()
    assert [d.external_id for d in deals if d] == ["amocrm:11", "amocrm:12", "amocrm:13"]
    assert [d.tags for d in deals if d] == [("окна", "опт"), (), ("кровля",)]
    connection = sqlite3.connect(old)
    searched = [row[0] for row in connection.execute("SELECT search_text FROM deals ORDER BY id")]
    assert not any("ext:" in text for text in searched) and "окна" in searched[0]
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert version_of(old) == SCHEMA_VERSION
    assert table_counts(old) == before
    fresh = tmp_path / "fresh.db"
    open_store(fresh).close()
    assert _columns(old) == _columns(fresh)


def test_two_deals_cannot_share_an_external_id(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    load_sql_fixture(path, FIXTURE)
    open_store(path).close()
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("UPDATE deals SET external_id = 'amocrm:11' WHERE id = 2")
    connection.execute("UPDATE deals SET external_id = NULL WHERE id IN (2, 3)")  # many NULLs
    connection.close()
