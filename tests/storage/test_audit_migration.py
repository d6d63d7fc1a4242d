"""A real version-6 database (frozen fixture, written by the services before schema 7)
upgrades to the current schema: an empty audit table, every row kept, and the same schema as
a fresh database, on SQLite and on PostgreSQL (tests/storage/old_schema.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from funnel_tui.domain.models import ActivityKind
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.storage.database import open_store
from funnel_tui.storage.migrations import SCHEMA_VERSION
from funnel_tui.storage.sqlite_board import READS_SCHEMA_VERSION
from tests.conftest import ENGINES
from tests.storage.old_schema import (
    fresh_database,
    old_database,
    schema_of,
    sqlite_file,
    table_counts,
    version_of,
)

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v6.sql"


def test_the_board_reads_the_current_schema() -> None:
    assert SCHEMA_VERSION == READS_SCHEMA_VERSION == 8


@pytest.mark.parametrize("engine", ENGINES)
def test_v6_database_upgrades_keeping_every_row(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = old_database(engine, FIXTURE, tmp_path, request)
    before = table_counts(old)
    assert version_of(old) == 6 and before["deals"] == 6 and before["activities"] == 18
    store = open_store(old.url)
    if engine == "sqlite":
        assert store.backup_path is not None and store.backup_path.name.startswith("old.db.v6-")
    with store.read() as uow:
        assert uow.events.for_deal(1) == []
        assert len(uow.deals.history(6)) == 3
    store.close()
    after = table_counts(old)
    assert version_of(old) == SCHEMA_VERSION
    assert after.pop("deal_events") == 0
    assert after == before
    if engine == "sqlite":
        assert store.backup_path is not None
        assert table_counts(sqlite_file(store.backup_path)) == before
        engine_ = old.connect()
        with engine_.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine_.dispose()
    assert schema_of(old) == schema_of(fresh_database(engine, tmp_path, request))


@pytest.mark.parametrize("engine", ENGINES)
def test_an_upgraded_v6_database_takes_new_rows(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """New ids follow the old ones (on PostgreSQL: the id sequences are past them)."""
    old = old_database(engine, FIXTURE, tmp_path, request)
    store = open_store(old.url)
    moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    deals = DealService(ServiceContext(store, login="newcomer", clock=lambda: moment))
    activity = deals.log_activity(1, ActivityKind.NOTE, body="after the upgrade")
    assert activity.id == 19
    with store.read() as uow:
        assert uow.users.by_login("newcomer") is not None
        assert [a.body for a in uow.activities.for_deal(1)].count("after the upgrade") == 1
    store.close()
