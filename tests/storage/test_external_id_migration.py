"""A real version-7 database (frozen fixture: three deals imported from an amoCRM CSV before
schema 8, their source ids kept as `ext:amocrm:N` tags) upgrades to schema 8: the ids move
into `deals.external_id`, the tags and the search text lose them, nothing else changes. On
SQLite and on PostgreSQL (tests/storage/old_schema.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION
from tests.conftest import ENGINES
from tests.storage.old_schema import (
    fresh_database,
    old_database,
    scalars,
    schema_of,
    table_counts,
    version_of,
)

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v7.sql"


@pytest.mark.parametrize("engine", ENGINES)
def test_v7_database_moves_ext_tags_into_external_id(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = old_database(engine, FIXTURE, tmp_path, request)
    before = table_counts(old)
    assert version_of(old) == 7 and before["deals"] == 3
    store = open_store(old.url)
    if engine == "sqlite":
        assert store.backup_path is not None and store.backup_path.name.startswith("old.db.v7-")
    with store.read() as uow:
        deals = [uow.deals.get(deal_id) for deal_id in (1, 2, 3)]
    store.close()
    assert [d.external_id for d in deals if d] == ["amocrm:11", "amocrm:12", "amocrm:13"]
    assert [d.tags for d in deals if d] == [("окна", "опт"), (), ("кровля",)]
    assert scalars(old, "SELECT external_id FROM deals ORDER BY id") == [
        "amocrm:11",
        "amocrm:12",
        "amocrm:13",
    ]
    searched = scalars(old, "SELECT search_text FROM deals ORDER BY id")
    assert not any("ext:" in text for text in searched) and "окна" in searched[0]
    assert searched[1] == "двери"
    if engine == "sqlite":
        engine_ = old.connect()
        with engine_.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine_.dispose()
    assert version_of(old) == SCHEMA_VERSION
    assert table_counts(old) == before
    assert schema_of(old) == schema_of(fresh_database(engine, tmp_path, request))


@pytest.mark.parametrize("engine", ENGINES)
def test_two_deals_cannot_share_an_external_id(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = old_database(engine, FIXTURE, tmp_path, request)
    open_store(old.url).close()
    database = old.connect()
    try:
        with pytest.raises(sa_exc.IntegrityError), database.begin() as connection:
            connection.execute(text("UPDATE deals SET external_id = 'amocrm:11' WHERE id = 2"))
        with database.begin() as connection:  # many NULLs
            connection.execute(text("UPDATE deals SET external_id = NULL WHERE id IN (2, 3)"))
    finally:
        database.dispose()
    assert scalars(old, "SELECT external_id FROM deals ORDER BY id") == ["amocrm:11", None, None]
