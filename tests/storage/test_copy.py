"""`funnel copy`: a whole database into an empty one, row for row, on either engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from funnel_tui.bootstrap import copy_database
from funnel_tui.cli import main
from funnel_tui.domain.errors import StoreError
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.demo import generate_demo
from funnel_tui.services.interchange import InterchangeService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage.database import SqlStore, open_store
from tests.conftest import ENGINES, target_of


@pytest.fixture
def source(tmp_path: Path) -> str:
    """A demo file with a deleted deal in it (a copy must keep those too)."""
    path = tmp_path / "source.db"
    store = open_store(path)
    try:
        generate_demo(store, deals=120, seed=7, today=date(2026, 11, 20))
        DealService(ServiceContext(store, login="anna")).delete(5)
    finally:
        store.close()
    return str(path)


def document(target: str) -> str:
    store = open_store(target, create=False)
    try:
        return InterchangeService(ServiceContext(store, login="anna")).export_json()
    finally:
        store.close()


def counts(target: str) -> dict[str, int]:
    store = open_store(target, create=False)
    try:
        with store.engine.connect() as connection:
            return {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables
                if table.name != "funnel_meta"
            }
    finally:
        store.close()


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_everything_arrives_with_its_ids_and_new_rows_follow_them(
    source: str, store: SqlStore
) -> None:
    target = target_of(store)
    store.close()
    rows = copy_database(source, target)
    assert rows == counts(source) == counts(target)
    assert rows["deals"] == 120 and rows["deal_events"] > 0 and rows["plan_targets"] >= 0
    assert document(target) == document(source)  # every deal, as the export reads it
    reopened = open_store(target, create=False)
    try:
        deals = DealService(ServiceContext(reopened, login="anna"))
        assert deals.get(7).title  # deal 7 is deal 7 on both
        added = deals.create(DealDraft("After the copy", Money(1, "RUB")), pipeline_id=1)
        assert added.id == 121  # the engine's next id is after the copied ones
    finally:
        reopened.close()


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_a_database_with_data_is_refused_and_left_as_it_was(source: str, store: SqlStore) -> None:
    PipelineService(ServiceContext(store, login="anna")).create_from_template("b2b", "en", "Mine")
    target = target_of(store)
    before = counts(target)
    with pytest.raises(StoreError, match="already holds data"):
        copy_database(source, target)
    assert counts(target) == before


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_a_copy_that_fails_midway_leaves_the_target_empty(source: str, store: SqlStore) -> None:
    target = target_of(store)
    empty = counts(target)

    def fail_at_activities(table: str, done: int, total: int) -> None:
        if table == "activities" and done:
            raise KeyboardInterrupt  # the user's ^C halfway through

    with pytest.raises(KeyboardInterrupt):
        copy_database(source, target, fail_at_activities)
    assert counts(target) == empty


def test_a_new_file_is_removed_when_the_copy_fails(source: str, tmp_path: Path) -> None:
    destination = tmp_path / "new.db"

    def fail(table: str, done: int, total: int) -> None:
        if table == "deals" and done:
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        copy_database(source, str(destination), fail)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("new.db")] == []


def test_the_command_copies_and_says_what(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destination = tmp_path / "copy.db"
    assert main(["--db", source, "copy", str(destination)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Copied 120 deals (") and str(destination) in said
    assert main(["--db", source, "copy", str(destination)]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert document(str(destination)) == document(source)
