"""The few SQL expressions that differ between SQLite and PostgreSQL, each one construct
compiled per dialect. Queries use these, never a dialect's own function, so every other
statement is the same text on both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement
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
    later, earlier = _operands(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later}) - ({earlier}))) AS BIGINT)"


@compiles(seconds_between)
def _seconds_other(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"seconds_between has no form for {compiler.dialect.name}")
