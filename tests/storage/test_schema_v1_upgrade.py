"""A real version-1 database (frozen fixture) upgrades to the current schema without loss, on
SQLite and on PostgreSQL (tests/storage/old_schema.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION
from tests.conftest import ENGINES
from tests.storage.old_schema import (
    fresh_database,
    old_database,
    scalars,
    schema_of,
    sqlite_file,
    table_counts,
    version_of,
)

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.sql"

V1_ROWS = """
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
"""A few rows written as schema 1 stored them (SQLite statements; copied to PostgreSQL)."""


@pytest.mark.parametrize("engine", ENGINES)
def test_v1_database_upgrades_and_matches_a_fresh_schema(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = old_database(engine, FIXTURE, tmp_path, request, extra_sql=V1_ROWS)
    before = table_counts(old)
    assert version_of(old) == 1 and before["deals"] == 1
    store = open_store(old.url)
    with store.read() as uow:
        deal = uow.deals.get(1)
        assert deal is not None and deal.title == "Офисные КРЕСЛА"
        assert deal.external_id is None and deal.tags == ("VIP",)
        assert len(uow.deals.history(1)) == 1
        assert len(uow.activities.for_deal(1)) == 1
    store.close()
    if engine == "sqlite":  # a server's backup is database.py's business (pg_dump)
        assert store.backup_path is not None and store.backup_path.exists()
        assert store.backup_path.name.startswith("old.db.v1-")
        backup = sqlite_file(store.backup_path)
        assert version_of(backup) == 1 and table_counts(backup) == before
    assert version_of(old) == SCHEMA_VERSION
    after = table_counts(old)
    assert {name: after[name] for name in before} == before
    assert {name: count for name, count in after.items() if name not in before} == {
        "checklist_answers": 0,
        "deal_events": 0,
    }
    [search] = scalars(old, "SELECT search_text FROM deals WHERE id = 1")
    assert "офисные кресла" in search and "vip" in search and "79001112233" in search
    assert scalars(old, "SELECT on_hold FROM stages ORDER BY id") == [False, False, False]
    assert schema_of(old) == schema_of(fresh_database(engine, tmp_path, request))
