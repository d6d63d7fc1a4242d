"""The board's SQL, run by both drivers: the lean `sqlite3` reader and SQLAlchemy's unit of work.

Both must give the same answers (it is one SQL text), use the board's indexes, and the lean
reader must refuse what it cannot read yet (no file, an old schema) without touching it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import open_services
from funnel_tui.domain.errors import StoreError
from funnel_tui.domain.models import DealDraft, Pipeline, Role
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.board import BoardService, StoreBoardSource, shown_stages
from funnel_tui.services.board_model import BoardQuery
from funnel_tui.storage import migrations
from funnel_tui.storage.board_sql import BoardQueries
from funnel_tui.storage.sqlite_board import READS_SCHEMA_VERSION, SqliteBoardReader

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEALS = [
    # title, company, value, currency, stage index, owner, next contact in hours (None: none)
    ("Office chairs", "Romashka LLC", 150_000, "RUB", 0, "anna", 5),
    ("100% cotton_towels", "ACME", 10_000, "USD", 0, "ivan", None),
    ("Столы", "РОМАШКА", 99_900, "RUB", 0, "ivan", -3),
    ("Lamps", None, 5_000, "RUB", 1, "anna", 1),
    ("Server racks", "Globex", 1_000_000, "USD", 2, "ivan", None),
    ("Deleted deal", "Globex", 7_000, "RUB", 0, "anna", None),
]


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    services = open_services(path, login="anna", clock=lambda: NOW)
    pipeline = services.pipelines.create_from_template("b2b", "en", "Sales")
    services.pipelines.create_from_template("cold", "ru")
    with services.context.store.write() as uow:
        uow.users.add("anna", "Anna Smirnova", Role.LEAD, NOW)
        uow.users.add("ivan", "Иван Петров", Role.REP, NOW)
        uow.commit()
    for title, company, value, currency, stage, owner, contact in DEALS:
        deal = services.deals.create(
            DealDraft(title, Money(value * 100, currency), company=company),
            pipeline_id=pipeline.id,
            stage_id=pipeline.open_stages[stage].id,
            owner=owner,
        )
        if contact is not None:
            services.deals.set_next_contact(deal.id, NOW + timedelta(hours=contact))
        if title == "Deleted deal":
            services.deals.delete(deal.id)
    services.close()
    return path


@pytest.fixture
def lean(board_file: Path) -> Iterator[SqliteBoardReader]:
    reader = SqliteBoardReader.open(board_file)
    assert reader is not None
    yield reader
    reader.close()


@pytest.fixture
def services(board_file: Path) -> Iterator[Services]:
    opened = open_services(board_file, login="anna", clock=lambda: NOW)
    yield opened
    opened.close()


def sales(reader: SqliteBoardReader) -> Pipeline:
    return next(p for p in reader.pipelines() if p.name == "Sales")


QUERIES = [
    {},
    {"text": "РОМАШКА"},  # case-folded in any script, not just ASCII
    {"text": "romashka"},
    {"text": "100%"},  # % and _ are literal, not wildcards
    {"text": "n_t"},
    {"text": "cotton_t"},
    {"owner": "ivan"},
    {"owner": "ivan", "text": "globex"},
]


@pytest.mark.parametrize("case", QUERIES, ids=str)
def test_both_drivers_answer_alike(
    lean: SqliteBoardReader, services: Services, case: dict[str, str]
) -> None:
    pipeline = sales(lean)
    users = {user.login: user.id for user in lean.users()}
    query = BoardQuery(pipeline.id, users.get(case.get("owner", "")), case.get("text", ""))
    stage_ids = [stage.id for stage in pipeline.stages]
    with services.context.store.read() as uow:
        assert set(lean.totals(query, stage_ids)) == set(uow.board.totals(query, stage_ids))
        for stage_id in stage_ids:
            assert lean.cards(query, stage_id, 0, 10) == uow.board.cards(query, stage_id, 0, 10)


def test_context_matches_the_repositories(lean: SqliteBoardReader, services: Services) -> None:
    with services.context.store.read() as uow:
        assert lean.pipelines() == uow.pipelines.list()
        assert lean.users() == uow.users.list()


def test_filter_counts_and_order(lean: SqliteBoardReader) -> None:
    pipeline = sales(lean)
    first = pipeline.open_stages[0].id
    everyone = BoardQuery(pipeline.id)
    titles = [card.title for card in lean.cards(everyone, first, 0, 10)]
    assert titles == ["Столы", "Office chairs", "100% cotton_towels"]  # soonest contact first
    assert [c.title for c in lean.cards(everyone, first, 1, 1)] == ["Office chairs"]
    folded = {t.stage_id: t.count for t in lean.totals(replace_text(everyone, "ромашка"), [first])}
    assert folded == {first: 1}  # "РОМАШКА" (not "Romashka LLC": another script)
    assert lean.totals(replace_text(everyone, "50%"), [first]) == []


def replace_text(query: BoardQuery, text: str) -> BoardQuery:
    return BoardQuery(query.pipeline_id, query.owner_id, text)


class _Plans:
    """Runs every board query as EXPLAIN QUERY PLAN, and keeps the plans."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path)
        self.plans: list[str] = []

    def __call__(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        rows = self.connection.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        self.plans.append(" / ".join(row[-1] for row in rows))
        return []


def test_the_board_queries_walk_the_board_indexes(
    board_file: Path, lean: SqliteBoardReader
) -> None:
    pipeline = sales(lean)
    plans = _Plans(board_file)
    queries = BoardQueries(plans)
    for query in (BoardQuery(pipeline.id), BoardQuery(pipeline.id, 2, "globex")):
        queries.totals(query, [stage.id for stage in pipeline.open_stages])
        queries.cards(query, pipeline.open_stages[0].id, 0, 20)
    totals, cards, filtered_totals, filtered_cards = plans.plans
    assert "USING COVERING INDEX ix_deals_board_totals" in totals  # no table when unfiltered
    for plan in (totals, filtered_totals):
        assert "INDEX ix_deals_board_totals" in plan
        assert "TEMP B-TREE" not in plan
    for plan in (cards, filtered_cards):
        assert "USING INDEX ix_deals_board_order" in plan
        assert "TEMP B-TREE" not in plan  # walks the index in board order: no sort
    plans.connection.close()


def test_the_schema_version_copied_from_the_orm_side_still_matches() -> None:
    assert READS_SCHEMA_VERSION == migrations.SCHEMA_VERSION


def test_the_lean_reader_leaves_new_and_old_files_to_the_store(tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    assert SqliteBoardReader.open(missing) is None
    assert not missing.exists()
    old = tmp_path / "old.db"
    fixture = Path(__file__).parent / "fixtures" / "schema_v1.sql"
    with sqlite3.connect(old) as connection:
        connection.executescript(fixture.read_text())
    before = old.read_bytes()
    assert SqliteBoardReader.open(old) is None
    assert old.read_bytes() == before


def test_the_lean_reader_refuses_other_files(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a Funnel one"):
        SqliteBoardReader.open(other)


def test_the_lean_reader_cannot_write(lean: SqliteBoardReader) -> None:
    with pytest.raises(StoreError, match=r"readonly|read-only|query_only"):
        lean._fetch("DELETE FROM deals", {})


def test_the_board_reads_alike_through_the_lean_reader_and_the_store(
    lean: SqliteBoardReader, services: Services
) -> None:
    """What the app uses: the lean reader for a file, the store for anything else."""
    through_file = BoardService(lean, login="ivan", clock=lambda: NOW)
    through_store = BoardService(
        StoreBoardSource(services.context.store), login="ivan", clock=lambda: NOW
    )
    context = through_file.context()
    assert context == through_store.context()
    assert context.me is not None and context.me.login == "ivan"
    query = through_file.first_query(context, "sales")
    assert query is not None and query.owner_id == context.me.id  # a rep starts on their own
    pipeline = next(p for p in context.pipelines if p.id == query.pipeline_id)
    stages = shown_stages(pipeline, closed=True)
    assert through_file.columns(query, stages, window=2) == through_store.columns(
        query, stages, window=2
    )


def test_the_lean_reader_reads_a_board_without_the_orm(board_file: Path) -> None:
    """The point of it: the app's first cards need no SQLAlchemy, SQLModel or pydantic."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from funnel_tui.bootstrap import open_board\n"
        "from funnel_tui.domain.dates import utc_now\n"
        f"board = open_board(Path({str(board_file)!r}), None, login='anna', clock=utc_now)\n"
        "context = board.context()\n"
        "query = board.first_query(context, None)\n"
        "pipeline = context.pipelines[0]\n"
        "columns = board.columns(query, pipeline.stages, window=5)\n"
        "assert sum(c.totals.count for c in columns) == 5, columns\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
