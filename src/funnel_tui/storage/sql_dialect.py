"""Where SQLite and PostgreSQL differ, in one place: SQL expressions compiled per dialect
(queries use these, never a dialect's own function, so every other statement is the same
text on both), and drawing primary keys for rows inserted with their ids.

Elsewhere: how writers take turns and hear each other (`database.py` for SQLite files,
`postgresql.py` for a server), and migrations' SQLite-only table rebuild guards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, ColumnElement, Connection, Table, func, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[int]):  # lower case: it reads as the SQL function
    """Whole seconds from `earlier` to `later` (two UTC timestamp columns or values),
    rounded to the nearest second; negative when `later` is earlier."""

    type = BigInteger()
    name = "seconds_between"
    inherit_cache = True

    def __init__(self, later: ColumnElement[Any], earlier: ColumnElement[Any]) -> None:
        super().__init__(later, earlier)


def _operands(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    later, earlier = element.clauses
    return compiler.process(later, **kw), compiler.process(earlier, **kw)


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # Timestamps are ISO text; julianday() reads them to the millisecond, as fractional days.
    later, earlier = _operands(element, compiler, **kw)
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # Each moment read to the millisecond first, as julianday() does (half up), so that
    # 1.4996 s rounds to 2 here too, not to 1.
    later, earlier = _operands(element, compiler, **kw)
    return (
        f"CAST(ROUND(ROUND(CAST(EXTRACT(EPOCH FROM ({later})) AS NUMERIC), 3)"
        f" - ROUND(CAST(EXTRACT(EPOCH FROM ({earlier})) AS NUMERIC), 3)) AS BIGINT)"
    )


@compiles(seconds_between)
def _seconds_other(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"seconds_between has no form for {compiler.dialect.name}")


def reserve_ids(connection: Connection, column: Column[int], count: int) -> list[int]:
    """`count` new values of the integer primary key `column`, for rows inserted with their
    ids given (the bulk paths, which must know the deal's id to write its history).

    PostgreSQL: drawn from the column's own sequence, so a later plain INSERT (`funnel add`)
    does not collide with them. SQLite has no sequence: the next ids after the largest,
    which only this transaction can take (it holds the database's one write lock).
    """
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        table = column.table
        assert isinstance(table, Table)
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        drawn = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(connection.execute(drawn).scalars())
    start = (connection.execute(select(func.max(column))).scalar() or 0) + 1
    return list(range(start, start + count))


def advance_id_sequence(connection: Connection, table: Table) -> None:
    """After rows were inserted into `table` with their ids given: make the next plain
    INSERT take an id after the largest. PostgreSQL's sequence does not see given ids;
    SQLite takes the largest plus one anyway."""
    if connection.dialect.name != "postgresql" or "id" not in table.c:
        return
    largest = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
    sequence = func.pg_get_serial_sequence(table.name, "id")
    connection.execute(select(func.setval(sequence, largest, False)))


def snapshot(connection: Connection) -> Connection:
    """`connection` set to see one moment of the database across all its statements (for a
    long read that must be consistent, such as a copy). SQLite's read transaction in WAL
    mode does that already; PostgreSQL's default READ COMMITTED takes a new snapshot per
    statement, so REPEATABLE READ. Call before the transaction begins."""
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


class code_point_order(FunctionElement[str]):  # lower case: it reads as an SQL expression
    """A text column for ORDER BY, ordered by code point (Python's own string order) on
    every server. SQLite's default BINARY collation already compares UTF-8 bytes; a
    PostgreSQL database sorts by its own collation (en_US.UTF-8, ICU...: "anna" before
    "Anna", punctuation skipped or before digits), so there it is COLLATE "C"."""

    name = "code_point_order"
    inherit_cache = True

    def __init__(self, column: ColumnElement[str]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(code_point_order, "sqlite")
def _code_point_order_sqlite(element: code_point_order, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(column, **kw)


@compiles(code_point_order, "postgresql")
def _code_point_order_postgresql(
    element: code_point_order, compiler: SQLCompiler, **kw: Any
) -> str:
    (column,) = element.clauses
    return f'({compiler.process(column, **kw)}) COLLATE "C"'


@compiles(code_point_order)
def _code_point_order_other(element: code_point_order, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"code_point_order has no form for {compiler.dialect.name}")
