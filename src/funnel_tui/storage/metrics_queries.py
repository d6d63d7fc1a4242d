"""The KPI, team and loss aggregates (`analytics/metrics_ports.py`: MetricsReader) in
SQLAlchemy Core, the same statements on SQLite and PostgreSQL (the one dialect difference,
seconds between two timestamps, is `sql_dialect.seconds_between`).

Each is a GROUP BY over a handful of owners, stages and currencies, read from an index by
the period's time range (created_at, closed_at, a stage change's or an activity's time).
Rows of other tables are counted per deal first and only then joined to their deal, so that a
deal is looked up once, not once per row. A deal's first activity is a correlated subquery
answered from `ix_activities_deal` in order, computed once per deal in a materialised CTE.
Medians are read in SQL: a count, then the middle rows (per owner: window functions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Join, Select, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from funnel_tui.analytics.metrics_ports import (
    ActivityCount,
    ClosedSum,
    ContactStatus,
    OwnerCount,
    Scope,
    StageRank,
)
from funnel_tui.storage.sql_dialect import seconds_between
from funnel_tui.storage.tables import ActivityRow, DealRow, StageChangeRow, StageRow, UserRow

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_CHANGES = StageChangeRow.__table__  # type: ignore[attr-defined]
_ACTIVITIES = ActivityRow.__table__  # type: ignore[attr-defined]
_STAGES = StageRow.__table__  # type: ignore[attr-defined]
_USERS = UserRow.__table__  # type: ignore[attr-defined]


def _live(
    scope: Scope, stage_ids: Sequence[int] | None = None, *, of_owner: bool = True
) -> list[ColumnElement[bool]]:
    """Live deals now at `stage_ids` (default: any stage in view), of the scope's owner
    unless `of_owner` is False."""
    where = [
        _DEALS.c.deleted_at.is_(None),
        _DEALS.c.stage_id.in_(stage_ids if stage_ids is not None else scope.stage_ids),
    ]
    if of_owner and scope.owner_id is not None:
        where.append(_DEALS.c.owner_id == scope.owner_id)
    return where


def _open_now(scope: Scope) -> list[ColumnElement[bool]]:
    """Live deals at an open stage in view now. The pipeline condition, implied by the
    stages, lets the planner read `ix_deals_board_totals` (led by `pipeline_id`)."""
    return [*_live(scope, scope.open_ids), _DEALS.c.pipeline_id.in_(scope.pipeline_ids)]


def _closed_between(
    scope: Scope, stage_ids: Sequence[int], start: datetime, end: datetime
) -> list[ColumnElement[bool]]:
    """Live deals now at `stage_ids` (won or lost ones) that closed in [start, end)."""
    return [*_live(scope, stage_ids), _DEALS.c.closed_at >= start, _DEALS.c.closed_at < end]


def _with_deal(per_deal: Subquery) -> Join:
    """`per_deal` rows (grouped by deal first) joined to their deals."""
    return per_deal.join(_DEALS, _DEALS.c.id == per_deal.c.deal_id)


class SqlMetricsReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def created(self, scope: Scope, start: datetime, end: datetime) -> list[OwnerCount]:
        query = (
            select(_DEALS.c.owner_id, _DEALS.c.currency, func.count())
            .where(*_live(scope), _DEALS.c.created_at >= start, _DEALS.c.created_at < end)
            .group_by(_DEALS.c.owner_id, _DEALS.c.currency)
        )
        return [OwnerCount(*row) for row in self._session.execute(query)]

    def open_at(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        # Two exact ways, each cheap where the other is not: from the deals created before
        # `moment` (few when it is long ago), or back from now through the stage changes
        # since `moment` (few when it is recent). Deals arrive at a roughly steady pace, so
        # the half of their creation span the moment falls in tells which reads less.
        # Two single-aggregate subqueries: each is one step down `ix_deals_created` (a
        # MIN and a MAX in one SELECT would scan it).
        first, last = self._session.execute(
            select(
                select(func.min(_DEALS.c.created_at)).scalar_subquery(),
                select(func.max(_DEALS.c.created_at)).scalar_subquery(),
            )
        ).one()
        if first is not None and moment - first < last - moment:
            return self._open_then_from_history(scope, moment)
        return self._open_then_back_from_now(scope, moment)

    def _open_then_from_history(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        """Each deal created before `moment` at the stage of its latest change before it."""
        stage_then = (
            select(_CHANGES.c.to_stage_id)
            .where(_CHANGES.c.deal_id == _DEALS.c.id, _CHANGES.c.at < moment)
            .order_by(_CHANGES.c.at.desc(), _CHANGES.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        where = [_DEALS.c.deleted_at.is_(None), _DEALS.c.created_at < moment]
        if scope.owner_id is not None:
            where.append(_DEALS.c.owner_id == scope.owner_id)
        per_deal = (
            select(_DEALS.c.owner_id, _DEALS.c.currency, stage_then.label("stage_id"))
            .where(*where)
            .cte("per_deal")
            .prefix_with("MATERIALIZED")
        )
        query = (
            select(per_deal.c.owner_id, per_deal.c.currency, func.count())
            .where(per_deal.c.stage_id.in_(scope.open_ids))
            .group_by(per_deal.c.owner_id, per_deal.c.currency)
        )
        return [OwnerCount(*row) for row in self._session.execute(query)]

    def _open_then_back_from_now(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        """Open now, minus what the stage changes since `moment` opened. Each row moves its
        deal from `from_stage_id` to `to_stage_id`, so a deal's rows since `moment` add up to
        (open now) - (open then). They are summed per deal first, and only the deals whose
        sum is not 0 (created, closed or reopened since; not those moved between open
        stages) are looked up."""
        counts = Counter[tuple[int, str]]()
        for owner_id, currency, count in self._session.execute(
            select(_DEALS.c.owner_id, _DEALS.c.currency, func.count())
            .where(*_open_now(scope))
            .group_by(_DEALS.c.owner_id, _DEALS.c.currency)
        ):
            counts[owner_id, currency] += count
        for owner_id, currency, since in self._session.execute(self._opened_since(scope, moment)):
            counts[owner_id, currency] -= int(since)
        return [OwnerCount(owner, currency, n) for (owner, currency), n in counts.items() if n]

    def _opened_since(self, scope: Scope, moment: datetime) -> Select[Any]:
        """By owner and currency of live deals: Σ over their stage changes at or after
        `moment` of (into an open stage in view) - (out of one)."""
        change = _flag(_CHANGES.c.to_stage_id.in_(scope.open_ids)) - _flag(
            _CHANGES.c.from_stage_id.in_(scope.open_ids)
        )
        per_deal = (
            select(_CHANGES.c.deal_id, func.sum(change).label("opened"))
            # Every stage, so that the planner reads `ix_stage_changes_to_stage` by time.
            .where(_CHANGES.c.to_stage_id.in_(select(_STAGES.c.id)), _CHANGES.c.at >= moment)
            .group_by(_CHANGES.c.deal_id)
            .subquery("per_deal")
        )
        where = [per_deal.c.opened != 0, _DEALS.c.deleted_at.is_(None)]
        if scope.owner_id is not None:
            where.append(_DEALS.c.owner_id == scope.owner_id)
        return (
            select(_DEALS.c.owner_id, _DEALS.c.currency, func.sum(per_deal.c.opened))
            .select_from(_with_deal(per_deal))
            .where(*where)
            .group_by(_DEALS.c.owner_id, _DEALS.c.currency)
        )

    def closed(self, scope: Scope, start: datetime, end: datetime) -> list[ClosedSum]:
        columns = (
            _DEALS.c.owner_id,
            _DEALS.c.stage_id,
            _DEALS.c.loss_reason_id,
            _DEALS.c.currency,
        )
        query = (
            select(
                *columns,
                func.count(),
                func.coalesce(func.sum(_DEALS.c.value_minor), 0),
                func.coalesce(
                    func.sum(seconds_between(_DEALS.c.closed_at, _DEALS.c.created_at)), 0
                ),
            )
            .where(*_closed_between(scope, [*scope.won_ids, *scope.lost_ids], start, end))
            .group_by(*columns)
        )
        return [
            ClosedSum(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), int(row[6]))
            for row in self._session.execute(query)
        ]

    def median_cycle_seconds(self, scope: Scope, start: datetime, end: datetime) -> Fraction | None:
        where = _closed_between(scope, scope.won_ids, start, end)
        count = self._session.execute(select(func.count()).where(*where)).scalar_one()
        if not count:
            return None
        cycle = seconds_between(_DEALS.c.closed_at, _DEALS.c.created_at)
        middle = (
            select(cycle)
            .where(*where)
            .order_by(cycle)
            .limit(2 - count % 2)  # the middle one, or the middle two
            .offset((count - 1) // 2)
        )
        values = [int(value) for value in self._session.execute(middle).scalars()]
        return Fraction(sum(values), len(values))

    def activities(
        self, scope: Scope, start: datetime, end: datetime, kinds: Collection[str]
    ) -> list[ActivityCount]:
        by_user = _ACTIVITIES.c.by_user_id
        per_deal = (
            select(_ACTIVITIES.c.deal_id, by_user, _ACTIVITIES.c.kind, func.count().label("n"))
            .where(
                # Every user, so that the planner reads `ix_activities_by_user` by time.
                by_user.in_(select(_USERS.c.id))
                if scope.owner_id is None
                else by_user == scope.owner_id,
                _ACTIVITIES.c.at >= start,
                _ACTIVITIES.c.at < end,
                _ACTIVITIES.c.kind.in_(list(kinds)),
                _ACTIVITIES.c.deleted_at.is_(None),
            )
            .group_by(_ACTIVITIES.c.deal_id, by_user, _ACTIVITIES.c.kind)
            .subquery("per_deal")
        )
        query = (
            select(per_deal.c.by_user_id, per_deal.c.kind, func.sum(per_deal.c.n))
            .select_from(_with_deal(per_deal))
            .where(*_live(scope, of_owner=False))
            .group_by(per_deal.c.by_user_id, per_deal.c.kind)
        )
        return [ActivityCount(user, kind, int(n)) for user, kind, n in self._session.execute(query)]

    def moved_forward(
        self, scope: Scope, start: datetime, end: datetime, ranks: Mapping[int, StageRank]
    ) -> dict[int, int]:
        if not ranks:
            return {}
        pipeline_of = {stage: rank.pipeline_id for stage, rank in ranks.items()}
        rank_of = {stage: rank.rank for stage, rank in ranks.items()}
        to_stage, from_stage = _CHANGES.c.to_stage_id, _CHANGES.c.from_stage_id
        where = [
            to_stage.in_(list(ranks)),
            _CHANGES.c.at >= start,
            _CHANGES.c.at < end,
            from_stage.in_(list(ranks)),
            case(pipeline_of, value=to_stage) == case(pipeline_of, value=from_stage),
            case(rank_of, value=to_stage) > case(rank_of, value=from_stage),
        ]
        if scope.owner_id is not None:
            where.append(_CHANGES.c.by_user_id == scope.owner_id)
        per_deal = (
            select(_CHANGES.c.deal_id, _CHANGES.c.by_user_id, func.count().label("n"))
            .where(*where)
            .group_by(_CHANGES.c.deal_id, _CHANGES.c.by_user_id)
            .subquery("per_deal")
        )
        # The move counts wherever the deal is now (it may have moved on): only not deleted.
        query = (
            select(per_deal.c.by_user_id, func.sum(per_deal.c.n))
            .select_from(_with_deal(per_deal))
            .where(_DEALS.c.deleted_at.is_(None))
            .group_by(per_deal.c.by_user_id)
        )
        return {int(user): int(count) for user, count in self._session.execute(query)}

    def first_response_medians(
        self, scope: Scope, start: datetime, end: datetime
    ) -> dict[int, Fraction]:
        first_at = (
            select(_ACTIVITIES.c.at)
            .where(
                _ACTIVITIES.c.deal_id == _DEALS.c.id,
                _ACTIVITIES.c.at >= _DEALS.c.created_at,
                _ACTIVITIES.c.deleted_at.is_(None),
            )
            .order_by(_ACTIVITIES.c.at)
            .limit(1)
            .scalar_subquery()
        )
        per_deal = (
            select(
                _DEALS.c.owner_id,
                seconds_between(first_at, _DEALS.c.created_at).label("response"),
            )
            .where(*_live(scope), _DEALS.c.created_at >= start, _DEALS.c.created_at < end)
            .cte("per_deal")
            .prefix_with("MATERIALIZED")
        )
        answered = per_deal.c.response.is_not(None)
        ranked = (
            select(
                per_deal.c.owner_id,
                per_deal.c.response,
                func.row_number()
                .over(partition_by=per_deal.c.owner_id, order_by=per_deal.c.response)
                .label("position"),
                func.count().over(partition_by=per_deal.c.owner_id).label("total"),
            )
            .where(answered)
            .subquery("ranked")
        )
        # The middle row (odd total) or the middle two (even): 2 × position in [total,
        # total + 2].
        twice = ranked.c.position * 2
        middle = select(ranked.c.owner_id, ranked.c.response).where(
            and_(twice >= ranked.c.total, twice <= ranked.c.total + 2)
        )
        values: dict[int, list[int]] = {}
        for owner_id, response in self._session.execute(middle):
            values.setdefault(int(owner_id), []).append(int(response))
        return {owner: Fraction(sum(found), len(found)) for owner, found in values.items()}

    def contacts_now(self, scope: Scope, now: datetime) -> list[ContactStatus]:
        next_at = _DEALS.c.next_contact_at
        query = (
            select(
                _DEALS.c.owner_id,
                _DEALS.c.currency,
                func.count(),
                func.sum(_flag(next_at < now)),
                func.sum(_flag(next_at.is_(None))),
            )
            .where(*_open_now(scope))
            .group_by(_DEALS.c.owner_id, _DEALS.c.currency)
        )
        return [
            ContactStatus(row[0], row[1], int(row[2]), int(row[3]), int(row[4]))
            for row in self._session.execute(query)
        ]


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where `condition` holds, else 0 (NULL counts as not holding): summable."""
    return case((condition, 1), else_=0)
