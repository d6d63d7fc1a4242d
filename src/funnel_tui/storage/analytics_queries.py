"""The analytics' aggregates (`analytics/ports.py`: AnalyticsReader) as SQL text, the same
statements on SQLite and PostgreSQL.

Each is one GROUP BY over the cohort's deals, read from `ix_deals_cohort` alone; the per-deal
part is a correlated subquery over the deal's own stage-change rows, which
`ix_stage_changes_deal_path` (deal, time, id, stage) answers from the index alone, in order,
so no row of `stage_changes` is read and no per-deal sort is made. The outer GROUP BY is over
a handful of values (ranks, stages, currencies).

SQL text, not SQLAlchemy Core: building a Core statement, its cache key and its expanded IN
lists cost 0.3–1 ms a statement, as much as the statement itself at 100,000 deals (see
"Analytics this month" in docs/performance.md). `run_sql` runs the text; stage ids are written
into it (`id_list`). `cohort_filter` and `materialized` stay Core for `forecast_queries.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, bindparam, text
from sqlalchemy.orm import Session

from funnel_tui.analytics.ports import Cohort, LossSum, StageSum
from funnel_tui.storage.tables import DealRow
from funnel_tui.storage.types import UTCDateTime

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_UTC = UTCDateTime()


def cohort_filter(cohort: Cohort) -> list[ColumnElement[bool]]:
    """Live deals created in the cohort's period, of its owner if it has one."""
    where = [
        _DEALS.c.deleted_at.is_(None),
        _DEALS.c.created_at >= cohort.start,
        _DEALS.c.created_at < cohort.end,
    ]
    if cohort.owner_id is not None:
        where.append(_DEALS.c.owner_id == cohort.owner_id)
    return where


def materialized(per_deal: Select[Any]) -> CTE:
    """The per-deal rows as a CTE computed once. Flattened into the outer GROUP BY (what
    SQLite does with a plain subquery), the correlated subqueries would run once for each
    place the outer query names their column: two or three times per deal (measured at
    1,000,000 deals: 2.9 s instead of 1.3 s). MATERIALIZED: SQLite 3.35+, PostgreSQL 12+."""
    return per_deal.cte("per_deal").prefix_with("MATERIALIZED")


def run_sql(session: Session, sql: str, params: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of `sql` (text with `:named` parameters), as tuples. Datetimes are bound as
    the UTC columns they are compared with (naive UTC: ISO text on SQLite, a timestamp on
    PostgreSQL)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        # Other drivers take other parameter styles: text() translates them.
        moments = (
            bindparam(name, type_=_UTC)
            for name, value in params.items()
            if isinstance(value, datetime)
        )
        return session.execute(text(sql).bindparams(*moments), params).all()
    # sqlite3 takes `:named` parameters itself: the SQL goes to it as it is, without
    # SQLAlchemy compiling it (half the cost of text() at these statements' 0.1–0.3 ms).
    # The dialect's own processor: naive UTC as SQLAlchemy's ISO text, as stored.
    moment = _UTC.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    assert moment is not None
    values = {
        name: moment(value) if isinstance(value, datetime) else value
        for name, value in params.items()
    }
    return connection.exec_driver_sql(sql, values).all()


def id_list(ids: Iterable[int]) -> str:
    """Ids written into the SQL for an IN list: they are ints (never user text), and a bound
    list would be expanded on every run. NULL for none: `IN (NULL)` matches nothing."""
    return ", ".join(str(int(value)) for value in ids) or "NULL"


def _cohort(cohort: Cohort) -> tuple[str, dict[str, Any]]:
    """The SQL of `cohort_filter`, and its parameters."""
    where = "deals.deleted_at IS NULL AND deals.created_at >= :start AND deals.created_at < :end"
    params: dict[str, Any] = {"start": cohort.start, "end": cohort.end}
    if cohort.owner_id is not None:
        where += " AND deals.owner_id = :owner_id"
        params["owner_id"] = cohort.owner_id
    return where, params


# The per-deal rows as a CTE computed once (MATERIALIZED: SQLite 3.35+, PostgreSQL 12+; see
# `materialized`): flattened into the outer GROUP BY, the correlated subquery would run once
# for each place the outer query names its column.
_FURTHEST = """
WITH per_deal AS MATERIALIZED (
  SELECT (SELECT max(CASE stage_changes.to_stage_id {ranks} END) FROM stage_changes
          WHERE stage_changes.deal_id = deals.id AND stage_changes.to_stage_id IN ({stages})
         ) AS top
  FROM deals WHERE {cohort}
)
SELECT top, count(*) FROM per_deal WHERE top IS NOT NULL GROUP BY top
"""
# A deal now lost has its entry into lost as its latest row: its latest row into an open
# stage of the pipeline is the last open stage before that loss.
_LOSSES = """
WITH per_deal AS MATERIALIZED (
  SELECT (SELECT stage_changes.to_stage_id FROM stage_changes
          WHERE stage_changes.deal_id = deals.id AND stage_changes.to_stage_id IN ({open})
          ORDER BY stage_changes.at DESC, stage_changes.id DESC LIMIT 1
         ) AS stage_id,
         deals.loss_reason_id AS reason_id, deals.currency AS currency,
         deals.value_minor AS value_minor
  FROM deals WHERE {cohort} AND deals.stage_id = :lost_stage_id
)
SELECT stage_id, reason_id, currency, count(*), coalesce(sum(value_minor), 0)
FROM per_deal GROUP BY stage_id, reason_id, currency
"""
_SUMS = """
SELECT deals.stage_id, deals.currency, count(*), coalesce(sum(deals.value_minor), 0)
FROM deals WHERE {where} AND deals.stage_id IN ({stages})
GROUP BY deals.stage_id, deals.currency
"""


class SqlAnalyticsReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def furthest(self, cohort: Cohort, ranks: Mapping[int, int]) -> dict[int, int]:
        if not ranks:
            return {}
        where, params = _cohort(cohort)
        whens = " ".join(f"WHEN {int(stage)} THEN {int(rank)}" for stage, rank in ranks.items())
        sql = _FURTHEST.format(ranks=whens, stages=id_list(ranks), cohort=where)
        # NULL: the deal has no row in the pipeline's stages; it is not of this pipeline.
        return {int(top): int(count) for top, count in run_sql(self._session, sql, params)}

    def current(self, cohort: Cohort, stage_ids: Sequence[int]) -> list[StageSum]:
        where, params = _cohort(cohort)
        return self._sums(where, params, stage_ids)

    def current_all(self, owner_id: int | None, stage_ids: Sequence[int]) -> list[StageSum]:
        where, params = "deals.deleted_at IS NULL", {}
        if owner_id is not None:
            where, params = f"{where} AND deals.owner_id = :owner_id", {"owner_id": owner_id}
        return self._sums(where, params, stage_ids)

    def losses(self, cohort: Cohort, lost_stage_id: int, open_ids: Sequence[int]) -> list[LossSum]:
        where, params = _cohort(cohort)
        sql = _LOSSES.format(open=id_list(open_ids), cohort=where)
        rows = run_sql(self._session, sql, {**params, "lost_stage_id": lost_stage_id})
        # PostgreSQL gives sums as Decimal: counts and sums back to int.
        return [LossSum(row[0], row[1], row[2], int(row[3]), int(row[4])) for row in rows]

    def _sums(self, where: str, params: dict[str, Any], stage_ids: Sequence[int]) -> list[StageSum]:
        sql = _SUMS.format(where=where, stages=id_list(stage_ids))
        return [
            StageSum(row[0], row[1], int(row[2]), int(row[3]))
            for row in run_sql(self._session, sql, params)
        ]
