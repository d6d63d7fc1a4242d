"""Copy a whole database into an empty one, row for row: a team's SQLite file onto a
PostgreSQL server (or back, or into a new file).

Unlike an export and import, everything keeps its id, so deal 1234 is still deal 1234 for
the people who know it by that number, and nothing is left behind: soft-deleted deals,
retired stages and loss reasons, plans, the audit trail. Both databases are at the same
schema version (opening them upgraded the older), so the same table definitions read one
and write the other, whatever the engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _
from funnel_tui.storage import tables as _tables  # noqa: F401  (registers the tables)
from funnel_tui.storage.database import SqlStore
from funnel_tui.storage.sql_dialect import advance_id_sequence, snapshot
from funnel_tui.storage.unit_of_work import translate_error

CHUNK = 5_000
"""Rows read and written at a time: memory stays flat however big the database."""

CopyProgress = Callable[[str, int, int], None]
"""Told (table, rows copied so far, rows in the table) as the copy goes."""


@dataclass(frozen=True, slots=True)
class CopyResult:
    rows: dict[str, int]
    """Rows copied per table, in the order they were copied."""


def _data_tables() -> list[Table]:
    # Parents before children (foreign keys); the target has its own schema stamp.
    return [table for table in SQLModel.metadata.sorted_tables if table.name != "funnel_meta"]


def _refuse_unless_empty(connection: Connection, label: str) -> None:
    for table in _data_tables():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise StoreError(
                _(
                    "{database} already holds data (table {table}): copy into an empty database"
                ).format(database=label, table=table.name)
            )


def copy_database(
    source: SqlStore, target: SqlStore, progress: CopyProgress | None = None
) -> CopyResult:
    """Copy every row of `source` into `target`, which must hold no data.

    One read snapshot of the source and one write transaction on the target: a failure
    (or a kill) leaves the target as empty as it was, and writes made to the source while
    the copy runs are not half in it.
    """
    copied: dict[str, int] = {}
    writer = target.engine.execution_options(funnel_write=True)  # the writers' lock, as any write
    try:
        with source.engine.connect() as reader, writer.begin() as write:
            read = snapshot(reader)
            with read.begin():
                _refuse_unless_empty(write, target.label)
                for table in _data_tables():
                    copied[table.name] = _copy_table(read, write, table, progress)
    except SQLAlchemyError as err:
        raise translate_error(err, target.label) from None
    return CopyResult(copied)


def _copy_table(
    read: Connection, write: Connection, table: Table, progress: CopyProgress | None
) -> int:
    total = read.execute(select(func.count()).select_from(table)).scalar() or 0
    done = 0
    if progress is not None:
        progress(table.name, 0, total)
    ordered = select(table).order_by(*table.primary_key.columns)
    result = read.execution_options(yield_per=CHUNK).execute(ordered)
    for rows in result.partitions(CHUNK):
        write.execute(insert(table), [row._asdict() for row in rows])
        done += len(rows)
        if progress is not None:
            progress(table.name, done, total)
    advance_id_sequence(write, table)
    return done
