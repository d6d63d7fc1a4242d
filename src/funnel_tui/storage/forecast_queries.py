"""The forecast's and the reference funnel's aggregates (`analytics/forecast_ports.py`:
ForecastReader) in SQLAlchemy Core, the same statements on SQLite and PostgreSQL.

Months are buckets of a CASE over month-boundary parameters (bound through the column's
Date type), not a dialect's date functions. The furthest stage a lost deal reached is the
funnel's technique (`analytics_queries.py`): a correlated MAX over the deal's own
stage-change rows, answered by `ix_stage_changes_deal_path` alone.

Measured on SQLite at 1,000,000 demo deals (683,000 of them lost in the last 12 months):
`closed_paths` ~0.6 s for one pipeline, ~1.8 s for all four (an index seek per lost deal,
plus 0.3 s to walk the year in `ix_deals_cohort`); `open_by_month` ~0.25 s for one pipeline
and ~0.5 s for all (a row lookup per open deal: `ix_deals_board_totals` holds no
`expected_close`); `won_between` ~0.1 s (the same for `closed_at`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, null, select
from sqlalchemy.orm import Session

from funnel_tui.analytics.forecast_ports import ClosedPath, MonthSum, PipelineRanks, WonSum
from funnel_tui.analytics.ports import Cohort
from funnel_tui.storage.analytics_queries import cohort_filter, materialized
from funnel_tui.storage.tables import DealRow, StageChangeRow

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_CHANGES = StageChangeRow.__table__  # type: ignore[attr-defined]


class SqlForecastReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def open_by_month(
        self,
        stages: Mapping[int, Sequence[int]],
        owner_id: int | None,
        month_bounds: Sequence[date],
    ) -> list[MonthSum]:
        stage_ids = [stage for ids in stages.values() for stage in ids]
        if not stage_ids:
            return []
        close = _DEALS.c.expected_close
        bucket = case(
            (close.is_(None), null()),
            *((close < bound, literal(index - 1)) for index, bound in enumerate(month_bounds)),
            else_=literal(len(month_bounds) - 1),
        )
        # With the pipelines, SQLite seeks (pipeline, stage) in ix_deals_board_totals instead
        # of scanning every deal.
        where = [
            _DEALS.c.deleted_at.is_(None),
            _DEALS.c.pipeline_id.in_(list(stages)),
            _DEALS.c.stage_id.in_(stage_ids),
        ]
        if owner_id is not None:
            where.append(_DEALS.c.owner_id == owner_id)
        # Grouped outside: PostgreSQL does not match a GROUP BY expression holding bound
        # parameters with the same expression in the SELECT list.
        per_deal = (
            select(
                _DEALS.c.stage_id,
                _DEALS.c.currency,
                bucket.label("bucket"),
                _DEALS.c.value_minor,
            )
            .where(*where)
            .subquery("per_deal")
        )
        columns = (per_deal.c.stage_id, per_deal.c.currency, per_deal.c.bucket)
        query = select(
            *columns, func.count(), func.coalesce(func.sum(per_deal.c.value_minor), 0)
        ).group_by(*columns)
        return [
            MonthSum(row[0], row[1], None if row[2] is None else int(row[2]), *_ints(row[3:]))
            for row in self._session.execute(query)
        ]

    def closed_paths(self, cohort: Cohort, pipelines: Sequence[PipelineRanks]) -> list[ClosedPath]:
        if not pipelines:
            return []
        lost_ids = [pipeline.lost_stage_id for pipeline in pipelines]
        closed_ids = [*lost_ids, *(pipeline.won_stage_id for pipeline in pipelines)]
        rank = case(
            {stage: rank for p in pipelines for stage, rank in p.ranks.items()},
            value=_CHANGES.c.to_stage_id,
        )
        where: list[ColumnElement[bool]] = [
            _CHANGES.c.deal_id == _DEALS.c.id,
            _CHANGES.c.to_stage_id.in_([stage for p in pipelines for stage in p.ranks]),
        ]
        if len(pipelines) > 1:
            # Only the rows into the deal's own pipeline: a deal moved here from another one
            # reached this pipeline's stages only through its rows into them.
            own_lost = case(
                {stage: p.lost_stage_id for p in pipelines for stage in p.ranks},
                value=_CHANGES.c.to_stage_id,
            )
            where.append(own_lost == _DEALS.c.stage_id)
        furthest = select(func.max(rank)).where(*where).scalar_subquery()
        # No filter on the deals' pipeline here: with one, SQLite seeks (pipeline, stage) in
        # ix_deals_board_totals and looks every row up for created_at (2.9 s instead of 0.6 s
        # at 1,000,000 deals); the year in ix_deals_cohort is read from the index alone.
        # Asked of lost deals only: a won deal reached every stage, its rows need no reading.
        per_deal = materialized(
            select(
                _DEALS.c.stage_id.label("stage_id"),
                case((_DEALS.c.stage_id.in_(lost_ids), furthest), else_=null()).label("top"),
            ).where(*cohort_filter(cohort), _DEALS.c.stage_id.in_(closed_ids))
        )
        query = select(per_deal.c.stage_id, per_deal.c.top, func.count()).group_by(
            per_deal.c.stage_id, per_deal.c.top
        )
        return [
            ClosedPath(row[0], None if row[1] is None else int(row[1]), int(row[2]))
            for row in self._session.execute(query)
        ]

    def won_between(
        self,
        pipeline_id: int,
        won_stage_id: int,
        owner_id: int | None,
        start: datetime,
        end: datetime,
    ) -> list[WonSum]:
        where = [
            _DEALS.c.deleted_at.is_(None),
            _DEALS.c.pipeline_id == pipeline_id,
            _DEALS.c.stage_id == won_stage_id,
            _DEALS.c.closed_at >= start,
            _DEALS.c.closed_at < end,
        ]
        if owner_id is not None:
            where.append(_DEALS.c.owner_id == owner_id)
        query = (
            select(
                _DEALS.c.currency,
                func.count(),
                func.coalesce(func.sum(_DEALS.c.value_minor), 0),
            )
            .where(*where)
            .group_by(_DEALS.c.currency)
        )
        return [WonSum(row[0], *_ints(row[1:])) for row in self._session.execute(query)]


def _ints(values: Sequence[Any]) -> tuple[int, ...]:
    """PostgreSQL gives sums as Decimal: back to int."""
    return tuple(int(value) for value in values)
