"""Monthly plans of whole pipelines (`services/ports.py`: PlanRepository): the rows of
`plan_targets` with no stage.

A row holds from its month until the next row of the same pipeline and owner: set once, a
plan stays in effect until changed. A row with no amount records "no plan from this month on".
The table's unique constraint does not cover these rows (its stage is NULL, and NULLs are
distinct in a UNIQUE on SQLite and PostgreSQL alike), so `put` looks the row up first; it runs
inside a write transaction, which holds the write lock from its start.
"""

from __future__ import annotations

import builtins
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from funnel_tui.domain.models import PlanTarget
from funnel_tui.domain.money import Money
from funnel_tui.storage.tables import PlanTargetRow

_PLANS = PlanTargetRow.__table__  # type: ignore[attr-defined]


class SqlPlanRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def in_effect(self, pipeline_id: int, owner_id: int | None, month: date) -> PlanTarget | None:
        query = (
            select(PlanTargetRow)
            .where(*_of(pipeline_id, owner_id), _PLANS.c.month <= month)
            .order_by(_PLANS.c.month.desc())
            .limit(1)
        )
        row = self._session.execute(query).scalars().first()
        return _to_plan(row) if row else None

    def put(
        self, pipeline_id: int, owner_id: int | None, month: date, amount: Money | None
    ) -> PlanTarget:
        query = select(PlanTargetRow).where(*_of(pipeline_id, owner_id), _PLANS.c.month == month)
        row = self._session.execute(query).scalars().first()
        if row is None:
            row = PlanTargetRow(pipeline_id=pipeline_id, owner_id=owner_id, month=month)
            self._session.add(row)
        row.target_amount_minor = amount.minor if amount else None
        row.currency = amount.currency if amount else None
        self._session.flush()
        return _to_plan(row)

    def list(self, pipeline_id: int | None = None) -> builtins.list[PlanTarget]:
        query = select(PlanTargetRow).where(_PLANS.c.stage_id.is_(None))
        if pipeline_id is not None:
            query = query.where(_PLANS.c.pipeline_id == pipeline_id)
        # The team's plan (no owner) before the owners' ones.
        query = query.order_by(
            _PLANS.c.pipeline_id,
            _PLANS.c.owner_id.is_not(None),
            _PLANS.c.owner_id,
            _PLANS.c.month,
        )
        return [_to_plan(row) for row in self._session.execute(query).scalars()]

    def stage_targets(self, pipeline_id: int, month: date) -> builtins.list[PlanTarget]:
        """The team's stage targets of the pipeline for `month` (a first day)."""
        query = select(PlanTargetRow).where(
            _PLANS.c.pipeline_id == pipeline_id,
            _PLANS.c.stage_id.is_not(None),
            _PLANS.c.owner_id.is_(None),
            _PLANS.c.month == month,
        )
        return [_to_plan(row) for row in self._session.execute(query).scalars()]

    def stage_target_list(self, pipeline_id: int | None = None) -> builtins.list[PlanTarget]:
        """Every team stage target (of one pipeline if given), of every month and stage,
        removed ones included: by pipeline, stage, then month."""
        query = select(PlanTargetRow).where(
            _PLANS.c.stage_id.is_not(None), _PLANS.c.owner_id.is_(None)
        )
        if pipeline_id is not None:
            query = query.where(_PLANS.c.pipeline_id == pipeline_id)
        query = query.order_by(_PLANS.c.pipeline_id, _PLANS.c.stage_id, _PLANS.c.month)
        return [_to_plan(row) for row in self._session.execute(query).scalars()]

    def put_stage_target(
        self, pipeline_id: int, stage_id: int, month: date, count: int | None, amount: Money | None
    ) -> PlanTarget:
        """Set the team's target of a stage for `month` (None and None: no target)."""
        query = select(PlanTargetRow).where(
            _PLANS.c.pipeline_id == pipeline_id,
            _PLANS.c.stage_id == stage_id,
            _PLANS.c.owner_id.is_(None),
            _PLANS.c.month == month,
        )
        row = self._session.execute(query).scalars().first()
        if row is None:
            row = PlanTargetRow(pipeline_id=pipeline_id, stage_id=stage_id, month=month)
            self._session.add(row)
        row.target_count = count
        row.target_amount_minor = amount.minor if amount else None
        row.currency = amount.currency if amount else None
        self._session.flush()
        return _to_plan(row)


def _of(pipeline_id: int, owner_id: int | None) -> list[ColumnElement[bool]]:
    """The whole-pipeline rows of one pipeline: the team's, or one owner's."""
    return [
        _PLANS.c.pipeline_id == pipeline_id,
        _PLANS.c.stage_id.is_(None),
        _PLANS.c.owner_id.is_(None) if owner_id is None else _PLANS.c.owner_id == owner_id,
    ]


def _to_plan(row: PlanTargetRow) -> PlanTarget:
    assert row.id is not None
    amount = row.target_amount_minor
    return PlanTarget(
        id=row.id,
        pipeline_id=row.pipeline_id,
        month=row.month,
        stage_id=row.stage_id,
        owner_id=row.owner_id,
        target_count=row.target_count,
        target_amount=Money(amount, row.currency) if amount is not None and row.currency else None,
    )
