"""A real version-1 file (frozen fixture) upgrades to the current schema without loss."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.sql"


def _v1_file(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(FIXTURE.read_text(encoding="utf-8"))
    connection.executescript(
        """
        INSERT INTO users VALUES (1, 'anna', 'Anna', 'lead', '2026-01-01 10:00:00.000000', NULL);
        INSERT INTO pipelines VALUES (1, 'Sales', 1, '2026-01-01 10:00:00.000000', NULL);
        INSERT INTO stages VALUES (1, 1, 'Lead', 1, 'open', 10, 0, NULL, '[]', NULL);
        INSERT INTO stages VALUES (2, 1, 'Won', 2, 'won', 100, 0, NULL, '[]', NULL);
        INSERT INTO stages VALUES (3, 1, 'Lost', 3, 'lost', 0, 0, NULL, '[]', NULL);
        INSERT INTO deals (id, pipeline_id, stage_id, title, value_minor, currency, owner_id,
            company, phone, tags, created_at, updated_at, stage_entered_at, version)
            VALUES (1, 1, 1, 'Офисные КРЕСЛА', 150000, 'RUB', 1, 'Ромашка', '+7 900 111-22-33',
            '["VIP"]', '2026-01-02 10:00:00.000000', '2026-01-02 10:00:00.000000',
            '2026-01-02 10:00:00.000000', 1);
        INSERT INTO stage_changes VALUES (1, 1, NULL, 1, '2026-01-02 10:00:00.000000', 1);
        INSERT INTO activities VALUES (1, 1, 'call', 'out', 'reached', 60, 'hi',
            '2026-01-03 10:00:00.000000', 1, NULL);
        """
    )
    connection.commit()
    connection.close()


def _columns(path: Path) -> dict[str, list[str]]:
    connection = sqlite3.connect(path)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    result = {
        table: sorted(r[1] for r in connection.execute(f'PRAGMA table_info("{table}")'))
        for table in tables
    }
    indexes = connection.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    result["indexes"] = sorted(f"{table}.{name}" for name, table in indexes)
    connection.close()
    return result


def test_v1_file_upgrades_with_backup_and_matches_a_fresh_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _v1_file(old)
    store = open_store(old)
    assert store.backup_path is not None and store.backup_path.exists()
    assert store.backup_path.name.startswith("old.db.v1-")
    with store.read() as uow:
        deal = uow.deals.get(1)
        assert deal is not None and deal.title == "Офисные КРЕСЛА"
        assert len(uow.deals.history(1)) == 1
        assert len(uow.activities.for_deal(1)) == 1
    store.close()
    backup = sqlite3.connect(store.backup_path)
    assert backup.execute(
        "SELECT value FROM funnel_meta WHERE key='schema_version'"
    ).fetchone() == ("1",)
    backup.close()
    upgraded = sqlite3.connect(old)
    assert upgraded.execute(
        "SELECT value FROM funnel_meta WHERE key='schema_version'"
    ).fetchone() == (str(SCHEMA_VERSION),)
    search = upgraded.execute("SELECT search_text FROM deals WHERE id = 1").fetchone()[0]
    upgraded.close()
    assert "офисные кресла" in search and "vip" in search and "79001112233" in search
    fresh = tmp_path / "fresh.db"
    open_store(fresh).close()
    assert _columns(old) == _columns(fresh)
