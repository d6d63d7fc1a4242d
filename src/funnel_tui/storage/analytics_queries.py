"""The analytics' aggregates (`analytics/ports.py`: AnalyticsReader) in SQLAlchemy Core, the
same statements on SQLite and PostgreSQL.

Each is one GROUP BY over the cohort's deals, read from `ix_deals_cohort` alone; the per-deal
part is a correlated subquery over the deal's own stage-change rows, which
`ix_stage_changes_deal_path` (deal, time, id, stage) answers from the index alone, in order,
so no row of `stage_changes` is read and no per-deal sort is made. The outer GROUP BY is over
a handful of values (ranks, stages, currencies).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from funnel_tui.analytics.ports import Cohort, LossSum, StageSum
from funnel_tui.storage.tables import DealRow, StageChangeRow

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_CHANGES = StageChangeRow.__table__  # type: ignore[attr-defined]


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


class SqlAnalyticsReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def furthest(self, cohort: Cohort, ranks: Mapping[int, int]) -> dict[int, int]:
        if not ranks:
            return {}
        rank = case(
            *((_CHANGES.c.to_stage_id == stage_id, value) for stage_id, value in ranks.items())
        )
        top = (
            select(func.max(rank))
            .where(_CHANGES.c.deal_id == _DEALS.c.id, _CHANGES.c.to_stage_id.in_(list(ranks)))
            .scalar_subquery()
        )
        per_deal = materialized(select(top.label("top")).where(*cohort_filter(cohort)))
        # NULL: the deal has no row in the pipeline's stages; it is not of this pipeline.
        query = (
            select(per_deal.c.top, func.count())
            .where(per_deal.c.top.is_not(None))
            .group_by(per_deal.c.top)
        )
        return {int(row[0]): int(row[1]) for row in self._session.execute(query)}

    def current(self, cohort: Cohort, stage_ids: Sequence[int]) -> list[StageSum]:
        return self._sums([*cohort_filter(cohort), _DEALS.c.stage_id.in_(stage_ids)])

    def current_all(self, owner_id: int | None, stage_ids: Sequence[int]) -> list[StageSum]:
        where = [_DEALS.c.deleted_at.is_(None), _DEALS.c.stage_id.in_(stage_ids)]
        if owner_id is not None:
            where.append(_DEALS.c.owner_id == owner_id)
        return self._sums(where)

    def losses(self, cohort: Cohort, lost_stage_id: int, open_ids: Sequence[int]) -> list[LossSum]:
        # A deal now lost has its entry into lost as its latest row: its latest row into an
        # open stage of the pipeline is the last open stage before that loss.
        last_open = (
            select(_CHANGES.c.to_stage_id)
            .where(_CHANGES.c.deal_id == _DEALS.c.id, _CHANGES.c.to_stage_id.in_(open_ids))
            .order_by(_CHANGES.c.at.desc(), _CHANGES.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        lost = select(
            last_open.label("stage_id"),
            _DEALS.c.loss_reason_id.label("reason_id"),
            _DEALS.c.currency.label("currency"),
            _DEALS.c.value_minor.label("value_minor"),
        ).where(*cohort_filter(cohort), _DEALS.c.stage_id == lost_stage_id)
        per_deal = materialized(lost)
        query = select(
            per_deal.c.stage_id,
            per_deal.c.reason_id,
            per_deal.c.currency,
            func.count(),
            func.coalesce(func.sum(per_deal.c.value_minor), 0),
        ).group_by(per_deal.c.stage_id, per_deal.c.reason_id, per_deal.c.currency)
        return [LossSum(*_ints(row)) for row in self._session.execute(query)]

    def _sums(self, where: Sequence[ColumnElement[bool]]) -> list[StageSum]:
        query = (
            select(
                _DEALS.c.stage_id,
                _DEALS.c.currency,
                func.count(),
                func.coalesce(func.sum(_DEALS.c.value_minor), 0),
            )
            .where(*where)
            .group_by(_DEALS.c.stage_id, _DEALS.c.currency)
        )
        return [
            StageSum(row[0], row[1], int(row[2]), int(row[3]))
            for row in self._session.execute(query)
        ]


def materialized(per_deal: Select[Any]) -> CTE:
    """The per-deal rows as a CTE computed once. Flattened into the outer GROUP BY (what
    SQLite does with a plain subquery), the correlated subqueries would run once for each
    place the outer query names their column: two or three times per deal (measured at
    1,000,000 deals: 2.9 s instead of 1.3 s). MATERIALIZED: SQLite 3.35+, PostgreSQL 12+."""
    return per_deal.cte("per_deal").prefix_with("MATERIALIZED")


def _ints(row: Any) -> tuple[Any, ...]:
    """PostgreSQL gives sums as Decimal: counts and sums back to int."""
    return (row[0], row[1], row[2], int(row[3]), int(row[4]))
