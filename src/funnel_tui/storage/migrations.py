"""Schema versions: a small ordered list of upgrade functions keyed on a version number.

Why not Alembic: the schema is ours alone, migrations must run on SQLite and PostgreSQL from
the same definitions, and the SQLite-specific dangers (a table rebuild with foreign keys on
deletes child rows through cascades: shared/FINDINGS.md) are handled here once, around every
migration: a backup copy first, foreign keys off, one transaction, `foreign_key_check`, and
row counts that must not shrink. A fresh database gets the current schema from the table
definitions and is stamped with the newest version.

To change the schema: bump SCHEMA_VERSION, add `MIGRATIONS[n] = upgrade_fn` that takes a
version n-1 database to n using only DDL/DML written out in the function (never the current
table classes, which will keep changing), and add a fixture of the old schema to the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    inspect,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from funnel_tui import __version__
from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _, ngettext
from funnel_tui.storage import tables as _tables  # noqa: F401  (registers the tables)
from funnel_tui.storage.files import APPLICATION_ID, backup_file
from funnel_tui.storage.search import search_text
from funnel_tui.storage.types import UTCDateTime

SCHEMA_VERSION = 8
Migration = Callable[[Connection], None]


def _add_deal_search_text(connection: Connection) -> None:
    """v2: a case-folded search column on deals, and the board's two indexes."""
    connection.execute(text("ALTER TABLE deals ADD COLUMN search_text VARCHAR NOT NULL DEFAULT ''"))
    rows = connection.execute(text("SELECT id, title, company, contact, phone, tags FROM deals"))
    updates = [
        {
            "id": row.id,
            "search": search_text(
                row.title,
                row.company,
                row.contact,
                row.phone,
                json.loads(row.tags) if isinstance(row.tags, str) else (row.tags or []),
            ),
        }
        for row in rows
    ]
    if updates:
        connection.execute(text("UPDATE deals SET search_text = :search WHERE id = :id"), updates)
    # The board's indexes (see tables.DealRow), written out: tables.py will keep changing.
    connection.execute(
        text(
            "CREATE INDEX ix_deals_board_totals ON deals (pipeline_id, stage_id, currency, owner_id, "
            "value_minor) WHERE deleted_at IS NULL"
        )
    )
    connection.execute(
        text(
            "CREATE INDEX ix_deals_board_order ON deals (pipeline_id, stage_id, "
            "coalesce(next_contact_at, '9999-12-31 00:00:00'), id) WHERE deleted_at IS NULL"
        )
    )


def _add_checklist_answers(connection: Connection) -> None:
    """v3: answers to the stages' exit-checklist questions, one row per deal/stage/question."""
    # A frozen Core definition (not tables.ChecklistAnswerRow, which will keep changing), so
    # that SQLite and PostgreSQL each get their own column types from one description.
    metadata = MetaData()
    for name in ("deals", "stages", "users"):
        Table(name, metadata, Column("id", Integer, primary_key=True))
    answers = Table(
        "checklist_answers",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("deal_id", Integer, ForeignKey("deals.id"), nullable=False),
        Column("stage_id", Integer, ForeignKey("stages.id"), nullable=False),
        Column("question", String, nullable=False),
        Column("answer", String, nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("by_user_id", Integer, ForeignKey("users.id"), nullable=False),
        UniqueConstraint("deal_id", "stage_id", "question", name="uq_checklist_answer"),
    )
    answers.create(connection)


def _add_stage_on_hold(connection: Connection) -> None:
    """v4: a stage flag for holding stages (a conditional refusal), off for every stage."""
    # FALSE is a keyword on PostgreSQL and, since 3.23, on SQLite (stored there as 0).
    connection.execute(text("ALTER TABLE stages ADD COLUMN on_hold BOOLEAN NOT NULL DEFAULT FALSE"))


def _add_analytics_indexes(connection: Connection) -> None:
    """v5: covering indexes for the funnel analytics (see tables.DealRow, StageChangeRow)."""
    connection.execute(text("DROP INDEX ix_stage_changes_deal"))
    connection.execute(
        text(
            "CREATE INDEX ix_stage_changes_deal_path ON stage_changes (deal_id, at, id, to_stage_id)"
        )
    )
    connection.execute(
        text(
            "CREATE INDEX ix_deals_cohort ON deals (created_at, owner_id, stage_id, currency, "
            "value_minor, loss_reason_id, deleted_at) WHERE deleted_at IS NULL"
        )
    )


_V6_INDEXES = {
    # name: (whether it replaces an index of that name, the new definition)
    "ix_deals_board_totals": (
        True,
        "deals (pipeline_id, stage_id, currency, owner_id, value_minor, next_contact_at, "
        "expected_close, closed_at, deleted_at) WHERE deleted_at IS NULL",
    ),
    "ix_deals_closed": (
        False,
        "deals (closed_at, stage_id, owner_id, currency, value_minor, created_at, "
        "loss_reason_id, deleted_at) WHERE deleted_at IS NULL",
    ),
    "ix_stage_changes_to_stage": (
        True,
        "stage_changes (to_stage_id, at, from_stage_id, by_user_id, deal_id)",
    ),
    "ix_activities_by_user": (True, "activities (by_user_id, at, kind, deal_id, deleted_at)"),
    "ix_activities_deal": (True, "activities (deal_id, at, deleted_at)"),
}


def _add_report_indexes(connection: Connection) -> None:
    """v6: covering indexes for the KPI, forecast, team and loss reports (see tables.py):
    deals closed in a period, open deals by expected close and next contact, forward moves,
    and activities by person and kind, each read from its index alone."""
    for name, (replaces, definition) in _V6_INDEXES.items():
        if replaces:
            connection.execute(text(f"DROP INDEX {name}"))
        connection.execute(text(f"CREATE INDEX {name} ON {definition}"))


def _add_deal_events(connection: Connection) -> None:
    """v7: the audit trail of deal edits, next contacts, checklist answers, delete/restore."""
    # A frozen Core definition (not tables.DealEventRow, which will keep changing): SQLite
    # and PostgreSQL each get their own column types from it.
    metadata = MetaData()
    for name in ("deals", "users"):
        Table(name, metadata, Column("id", Integer, primary_key=True))
    events = Table(
        "deal_events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("deal_id", Integer, ForeignKey("deals.id"), nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("by_user_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("field", String, nullable=True),
        Column("old_value", String, nullable=True),
        Column("new_value", String, nullable=True),
        Index("ix_deal_events_deal", "deal_id", "at", "id"),
    )
    events.create(connection)


def _add_deal_external_id(connection: Connection) -> None:
    """v8: where an imported deal came from, unique, moved out of the `ext:SOURCE:ID` tags
    that earlier imports kept it in."""
    connection.execute(text("ALTER TABLE deals ADD COLUMN external_id VARCHAR(120)"))
    connection.execute(
        text(
            "CREATE UNIQUE INDEX ix_deals_external_id ON deals (external_id) "
            "WHERE external_id IS NOT NULL"
        )
    )
    rows = connection.execute(
        text("SELECT id, tags, title, company, contact, phone FROM deals ORDER BY id")
    )
    seen: set[str] = set()
    updates = []
    for row in rows:
        tags = json.loads(row.tags) if isinstance(row.tags, str) else list(row.tags or [])
        ids = [tag[len("ext:") :] for tag in tags if tag.startswith("ext:")]
        if not ids:
            continue
        kept = [tag for tag in tags if not tag.startswith("ext:")]
        # Two deals can't share a source record any more: the later one keeps its tag.
        external = ids[0] if ids[0] not in seen else None
        if external is None:
            continue
        seen.add(external)
        updates.append(
            {
                "row_id": row.id,
                "ext": external,
                "new_tags": kept,
                "search": search_text(row.title, row.company, row.contact, row.phone, kept),
            }
        )
    if updates:
        # Core with a frozen description, so that `tags` is bound as JSON on either engine.
        deals = Table(
            "deals",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("tags", JSON),
            Column("external_id", String(120)),
            Column("search_text", String),
        )
        statement = (
            update(deals)
            .where(deals.c.id == bindparam("row_id"))
            .values(
                external_id=bindparam("ext"),
                tags=bindparam("new_tags"),
                search_text=bindparam("search"),
            )
        )
        connection.execute(statement, updates)


MIGRATIONS: dict[int, Migration] = {
    2: _add_deal_search_text,
    3: _add_checklist_answers,
    4: _add_stage_on_hold,
    5: _add_analytics_indexes,
    6: _add_report_indexes,
    7: _add_deal_events,
    8: _add_deal_external_id,
}
"""MIGRATIONS[n] upgrades a database at version n-1 to version n."""


def stored_version(connection: Connection) -> int | None:
    """The schema version recorded in the database, or None when it has no Funnel schema."""
    if not inspect(connection).has_table("funnel_meta"):
        return None
    value = connection.execute(
        text("SELECT value FROM funnel_meta WHERE key = 'schema_version'")
    ).scalar()
    return int(value) if value is not None else None


def _set_version(connection: Connection, version: int) -> None:
    connection.execute(
        text("UPDATE funnel_meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
    )


def create_schema(engine: Engine) -> None:
    """Create the current schema in an empty database (safe if another process races us)."""
    with engine.execution_options(funnel_write=True).begin() as connection:
        if stored_version(connection) is not None:
            return  # someone else created it between our check and our lock
        SQLModel.metadata.create_all(connection)
        connection.execute(
            text(
                "INSERT INTO funnel_meta (key, value) VALUES ('schema_version', :v), "
                "('created_by', :by)"
            ),
            {"v": str(SCHEMA_VERSION), "by": f"funnel-tui {__version__}"},
        )
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def backup_path_for(path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.name}.v{version}-{stamp}-{counter}.bak")
    return candidate


def upgrade(
    engine: Engine,
    path: Path | None,
    from_version: int,
    *,
    migrations: Mapping[int, Migration] | None = None,
    target: int | None = None,
) -> Path | None:
    """Bring a database at `from_version` up to `target`; returns the backup's path.

    The backup is written before anything changes; the upgrade is one transaction, so a
    failure (or a kill) leaves the database exactly as it was.
    """
    # Looked up now, not at import: the module's values are the truth (and tests replace them).
    migrations = MIGRATIONS if migrations is None else migrations
    target = SCHEMA_VERSION if target is None else target
    missing = [
        version for version in range(from_version + 1, target + 1) if version not in migrations
    ]
    if missing:
        raise StoreError(
            _("no migration to schema version {version}; this is a bug").format(version=missing[0])
        )
    backup = None
    if path is not None:
        backup = backup_path_for(path, from_version)
        backup_file(path, backup)
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        # A no-op inside a transaction, and SQLAlchemy would open one: use the driver's
        # connection (autocommit here). With it on, a table rebuild cascades deletes.
        raw = connection.connection.driver_connection
        assert raw is not None
        if is_sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.execution_options(funnel_write=True).begin():
                current = stored_version(connection)
                if current is None or current >= target:
                    return backup  # another process finished the upgrade first
                before = _row_counts(connection)
                for version in range(current + 1, target + 1):
                    migrations[version](connection)
                    _set_version(connection, version)
                _check_integrity(connection, before)
        finally:
            if is_sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
    return backup


def _row_counts(connection: Connection) -> dict[str, int]:
    names = inspect(connection).get_table_names()
    return {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
        for name in names
    }


def _check_integrity(connection: Connection, before: dict[str, int]) -> None:
    """Refuse (and so roll back) an upgrade that lost rows or broke references."""
    after = _row_counts(connection)
    for name, count in before.items():
        if after.get(name, 0) < count:
            raise StoreError(
                ngettext(
                    "schema upgrade aborted: table {table} would shrink from {before} to "
                    "{after} row; nothing was changed",
                    "schema upgrade aborted: table {table} would shrink from {before} to "
                    "{after} rows; nothing was changed",
                    after.get(name, 0),
                ).format(table=name, before=count, after=after.get(name, 0))
            )
    if connection.dialect.name == "sqlite":
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise StoreError(
                ngettext(
                    "schema upgrade aborted: {n} broken reference; nothing was changed",
                    "schema upgrade aborted: {n} broken references; nothing was changed",
                    len(problems),
                ).format(n=len(problems))
            )
