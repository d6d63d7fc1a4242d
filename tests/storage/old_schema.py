"""Old-schema databases for the upgrade tests, on either engine (tests/conftest.py ENGINES).

The frozen fixtures (tests/storage/fixtures/schema_vN.sql) are SQLite dumps. On PostgreSQL
an old Funnel would have created the same schema from the same table definitions, so
`copy_to_postgres` rebuilds it from the SQLite file: the tables reflected with SQLAlchemy and
created on PostgreSQL with the generic form of each type (DATETIME -> timestamp without time
zone, as `UTCDateTime` gets; BOOLEAN -> boolean; JSON -> json; a lone INTEGER primary key ->
serial), the same unique constraints and indexes (partial ones with the same WHERE), every
row copied (funnel_meta too: the stored schema version is the fixture's), and each id
sequence moved past the copied ids, as it would be after the old Funnel's own inserts.

Where the copy can differ from what an old Funnel wrote on PostgreSQL:
- SQLAlchemy does not reflect SQLite's expression indexes (`ix_deals_board_order`, on
  `coalesce(next_contact_at, '9999-12-31 00:00:00')`): `_index_statements` replays the
  CREATE INDEX the old Funnel ran (sqlite_master keeps it), which PostgreSQL accepts as is.
- Names PostgreSQL generates (an unnamed UNIQUE such as users.login becomes
  `users_login_key`, primary keys `<table>_pkey`) follow from the same DDL, so they match.
- Column types come from SQLite's declared types, which are the compiled generic types of
  the old definitions. Server defaults (the fixtures declare none) are copied as written.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    DefaultClause,
    Engine,
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    create_engine,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy import exc as sa_exc

from funnel_tui.storage.database import open_store
from tests.postgres_server import PostgresServer
from tests.storage.test_migrations import load_sql_fixture


@dataclass(frozen=True)
class Database:
    """A database of the tests: an SQLite file or a PostgreSQL database."""

    engine: str
    """"sqlite" or "postgresql" (tests/conftest.py ENGINES)."""
    url: str
    """Its SQLAlchemy URL: what `open_store` takes on either engine."""
    path: Path | None
    """The SQLite file, None on PostgreSQL."""

    def connect(self) -> Engine:
        """A plain SQLAlchemy engine on it (dispose of it when done)."""
        return create_engine(self.url)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_file(path: Path) -> Database:
    """The SQLite file at `path` (a backup, say) as a Database."""
    return Database("sqlite", sqlite_url(path), path)


def old_database(
    engine: str,
    fixture: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    *,
    extra_sql: str = "",
) -> Database:
    """The frozen `fixture` (plus `extra_sql`, SQLite statements run after it) as `old.db` in
    `tmp_path`, or (engine "postgresql") copied into a fresh database of the tests' server."""
    path = tmp_path / ("old.db" if engine == "sqlite" else "old-source.db")
    load_sql_fixture(path, fixture)
    if extra_sql:
        engine_ = create_engine(sqlite_url(path))
        with engine_.begin() as connection:
            for statement in extra_sql.split(";"):
                if statement.strip():
                    connection.exec_driver_sql(statement)
        engine_.dispose()
    if engine == "sqlite":
        return sqlite_file(path)
    url = _server(request).new_database()
    copy_to_postgres(path, url)
    return Database("postgresql", url, None)


def fresh_database(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """A database created by `open_store` at the current schema, on `engine`."""
    if engine == "sqlite":
        path = tmp_path / "fresh.db"
        open_store(path).close()
        return sqlite_file(path)
    url = _server(request).new_database()
    open_store(url).close()
    return Database("postgresql", url, None)


def _server(request: pytest.FixtureRequest) -> PostgresServer:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server


def copy_to_postgres(source: Path, url: str) -> None:
    """Rebuild the SQLite database `source` (its schema and rows) in the empty PostgreSQL
    database at `url` (see the module's docstring)."""
    lite = create_engine(sqlite_url(source))
    server = create_engine(url)
    try:
        reflected = MetaData()
        with warnings.catch_warnings():
            # Expression indexes are skipped (with this warning): replayed below.
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection", category=sa_exc.SAWarning
            )
            reflected.reflect(lite)
        target = MetaData()
        for table in reflected.sorted_tables:
            _postgres_table(table, target)
        with lite.connect() as read:
            replayed = _index_statements(read, target)
            with server.begin() as write:
                target.create_all(write)
                for statement in replayed:
                    write.execute(text(statement))
                for table in reflected.sorted_tables:
                    rows = [dict(row._mapping) for row in read.execute(select(table))]
                    if rows:
                        write.execute(insert(target.tables[table.name]), rows)
                    _advance_sequence(write, target.tables[table.name])
    finally:
        lite.dispose()
        server.dispose()


def _postgres_table(table: Table, target: MetaData) -> Table:
    """`table` (reflected from SQLite) with generic types, for PostgreSQL."""
    columns = [
        Column(
            column.name,
            column.type.as_generic(),
            primary_key=column.primary_key,
            nullable=column.nullable,
            # None in the fixtures; a SQLite literal default reads the same on PostgreSQL.
            server_default=(
                text(str(column.server_default.arg))
                if isinstance(column.server_default, DefaultClause)
                else None
            ),
        )
        for column in table.columns
    ]
    copy = Table(table.name, target, *columns)
    for foreign_key in table.foreign_key_constraints:
        copy.append_constraint(foreign_key._copy())
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            copy.append_constraint(
                UniqueConstraint(*(c.name for c in constraint.columns), name=constraint.name)
            )
    for index in table.indexes:
        where = index.dialect_options["sqlite"].get("where")
        options: dict[str, Any] = {} if where is None else {"postgresql_where": where}
        Index(
            index.name,
            *(copy.c[column.name] for column in index.columns),
            unique=index.unique,
            **options,
        )
    return copy


def _index_statements(connection: Any, target: MetaData) -> list[str]:
    """The CREATE INDEX statements (from sqlite_master) of the indexes reflection skipped."""
    reflected = {index.name for table in target.tables.values() for index in table.indexes}
    rows = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    )
    return [row.sql for row in rows if row.name not in reflected]


def _advance_sequence(connection: Any, table: Table) -> None:
    """Move a serial id's sequence past the copied ids (the next insert gets max(id) + 1)."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer):
        return
    name = keys[0].name
    connection.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
            f'coalesce((SELECT max("{name}") FROM "{table.name}"), 0) + 1, false)'
        )
    )


# What the tests compare, the same way on both engines.


def version_of(database: Database) -> int:
    engine = database.connect()
    try:
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT value FROM funnel_meta WHERE key = 'schema_version'")
            ).scalar_one()
    finally:
        engine.dispose()
    return int(value)


def table_counts(database: Database) -> dict[str, int]:
    engine = database.connect()
    try:
        with engine.connect() as connection:
            return {
                name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                for name in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def scalars(database: Database, query: str) -> list[Any]:
    """The first column of `query`'s rows."""
    engine = database.connect()
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)).scalars())
    finally:
        engine.dispose()


def schema_of(database: Database) -> dict[str, Any]:
    """Tables -> their columns (name, type, NOT NULL), unique constraints, and the indexes
    (table.name) with their definitions: what an upgraded database must share with a fresh
    one on the same engine."""
    engine = database.connect()
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            dialect = connection.dialect
            result: dict[str, Any] = {}
            for table in inspector.get_table_names():
                result[table] = sorted(
                    (c["name"], c["type"].compile(dialect=dialect), c["nullable"])
                    for c in inspector.get_columns(table)
                )
                with warnings.catch_warnings():
                    # SQLite: read through its indexes, the expression one warns; it is
                    # compared with the other indexes below.
                    warnings.filterwarnings(
                        "ignore", "Skipped unsupported reflection", category=sa_exc.SAWarning
                    )
                    unique = inspector.get_unique_constraints(table)
                result[f"{table} unique"] = sorted(tuple(u["column_names"]) for u in unique)
            result["indexes"] = _index_definitions(connection)
            return result
    finally:
        engine.dispose()


def _index_definitions(connection: Any) -> dict[str, str]:
    """Every explicit index (not those behind a primary key or a UNIQUE constraint), by
    `table.name`, with its definition as the engine keeps it."""
    if connection.dialect.name == "sqlite":
        query = (
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    else:
        query = (
            "SELECT tablename, indexname, indexdef FROM pg_indexes i "
            "WHERE schemaname = current_schema() AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.conrelid = format('%I.%I', i.schemaname, i.tablename)::regclass "
            "AND c.contype IN ('p', 'u'))"
        )
    return {
        f"{table}.{name}": _normalise(sql) for table, name, sql in connection.execute(text(query))
    }


def _normalise(definition: str) -> str:
    """An index definition with its whitespace, quoting and `IF NOT EXISTS` evened out."""
    return " ".join(definition.replace('"', "").replace(" IF NOT EXISTS", "").split())
