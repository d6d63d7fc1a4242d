"""The KPI, team and loss aggregates (`analytics/metrics_ports.py`: MetricsReader), the same
statements on SQLite and PostgreSQL (the one dialect difference, seconds between two
timestamps, is `sql_dialect.seconds_between`, compiled once per dialect into the text).

Each is a GROUP BY over a handful of owners, stages and currencies, read from an index by
the period's time range (created_at, closed_at, a stage change's or an activity's time).
Rows of other tables are counted per deal first and only then joined to their deal, so that a
deal is looked up once, not once per row. A deal's first activity is a correlated subquery
answered from `ix_activities_deal` in order, computed once per deal in a materialised CTE.
Medians are read in SQL: a count, then the middle rows (per owner: window functions).

SQL text, run by `analytics_queries.run_sql` as the funnel's is: as SQLAlchemy Core
statements, their building, cache keys and expanded IN lists cost 0.3–3.5 ms each at 100,000
deals, up to a fifth of the statement itself (the pipelines, read through the ORM, 0.6 ms).
Stage and pipeline ids are written into the text (`id_list`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from funnel_tui.analytics.metrics_ports import (
    ActivityCount,
    ClosedSum,
    ContactStatus,
    OwnerCount,
    Scope,
    StageRank,
)
from funnel_tui.domain.models import LossReason, Pipeline, Stage
from funnel_tui.storage.analytics_queries import id_list, run_sql
from funnel_tui.storage.mappers import stage_of
from funnel_tui.storage.sql_dialect import seconds_between

# What `uow.pipelines.get` and `.list` read (live stages in order, every loss reason), in two
# plain statements: through the ORM (three statements) they cost 0.6 ms of Python.
_PIPELINES_SQL = """
SELECT pipelines.id, pipelines.name, pipelines.position, pipelines.archived_at,
  stages.id, stages.name, stages.position, stages.kind, stages.probability, stages.is_key,
  stages.rot_days, stages.checklist, stages.on_hold
FROM pipelines LEFT JOIN stages
  ON stages.pipeline_id = pipelines.id AND stages.deleted_at IS NULL
WHERE {where} ORDER BY pipelines.position, pipelines.id, stages.position, stages.id
"""
_REASONS_SQL = """
SELECT loss_reasons.id, loss_reasons.pipeline_id, loss_reasons.name, loss_reasons.position,
  loss_reasons.retired_at
FROM loss_reasons JOIN pipelines ON pipelines.id = loss_reasons.pipeline_id
WHERE {where} ORDER BY loss_reasons.position, loss_reasons.id
"""
_REASON_NAMES_SQL = "SELECT id, name FROM loss_reasons"
_CLOSED_SQL = """
SELECT deals.owner_id, deals.stage_id, deals.loss_reason_id, deals.currency, count(*),
  coalesce(sum(deals.value_minor), 0), coalesce(sum({cycle}), 0)
FROM deals
WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({stages}){owner}
  AND deals.closed_at >= :start AND deals.closed_at < :end
GROUP BY deals.owner_id, deals.stage_id, deals.loss_reason_id, deals.currency
"""
# Two single-aggregate subqueries: each is one step down `ix_deals_created` (a MIN and a MAX
# in one SELECT would scan it).
_CREATION_SPAN_SQL = (
    "SELECT (SELECT min(deals.created_at) FROM deals), (SELECT max(deals.created_at) FROM deals)"
)
_OPEN_THEN_SQL = """
WITH per_deal AS MATERIALIZED (
  SELECT deals.owner_id AS owner_id, deals.currency AS currency,
    (SELECT stage_changes.to_stage_id FROM stage_changes
     WHERE stage_changes.deal_id = deals.id AND stage_changes.at < :moment
     ORDER BY stage_changes.at DESC, stage_changes.id DESC LIMIT 1) AS stage_id
  FROM deals WHERE deals.deleted_at IS NULL AND deals.created_at < :moment{owner}
)
SELECT per_deal.owner_id, per_deal.currency, count(*) FROM per_deal
WHERE per_deal.stage_id IN ({open}) GROUP BY per_deal.owner_id, per_deal.currency
"""
# The pipeline condition, implied by the stages, lets the planner read
# `ix_deals_board_totals` (led by `pipeline_id`).
_OPEN_NOW_SQL = """
SELECT deals.owner_id, deals.currency, count(*) FROM deals
WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({open}){owner}
  AND deals.pipeline_id IN ({pipelines})
GROUP BY deals.owner_id, deals.currency
"""
# By owner and currency of live deals: the sum over their stage changes at or after `moment`
# of (into an open stage in view) - (out of one). Every stage in the first condition, so that
# the planner reads `ix_stage_changes_to_stage` by time.
_OPENED_SINCE_SQL = """
SELECT deals.owner_id, deals.currency, sum(per_deal.opened)
FROM (
  SELECT stage_changes.deal_id AS deal_id,
    sum(CASE WHEN stage_changes.to_stage_id IN ({open}) THEN 1 ELSE 0 END
      - CASE WHEN stage_changes.from_stage_id IN ({open}) THEN 1 ELSE 0 END) AS opened
  FROM stage_changes
  WHERE stage_changes.to_stage_id IN (SELECT stages.id FROM stages)
    AND stage_changes.at >= :moment
  GROUP BY stage_changes.deal_id
) AS per_deal JOIN deals ON deals.id = per_deal.deal_id
WHERE per_deal.opened != 0 AND deals.deleted_at IS NULL{owner}
GROUP BY deals.owner_id, deals.currency
"""
_WON_BETWEEN = """deals.deleted_at IS NULL AND deals.stage_id IN ({won}){owner}
  AND deals.closed_at >= :start AND deals.closed_at < :end"""
_MIDDLE_CYCLE_SQL = """
SELECT {cycle} FROM deals WHERE {where} ORDER BY {cycle} LIMIT :limit OFFSET :offset
"""
_CREATED_SQL = """
SELECT deals.owner_id, deals.currency, count(*) FROM deals
WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({stages}){owner}
  AND deals.created_at >= :start AND deals.created_at < :end
GROUP BY deals.owner_id, deals.currency
"""
# Activities counted per deal first, then joined to their (live, in view) deals.
_ACTIVITIES_SQL = """
SELECT per_deal.by_user_id, per_deal.kind, sum(per_deal.n)
FROM (
  SELECT activities.deal_id AS deal_id, activities.by_user_id AS by_user_id,
    activities.kind AS kind, count(*) AS n
  FROM activities
  WHERE {by_user} AND activities.at >= :start AND activities.at < :end
    AND activities.kind IN ({kinds}) AND activities.deleted_at IS NULL
  GROUP BY activities.deal_id, activities.by_user_id, activities.kind
) AS per_deal JOIN deals ON deals.id = per_deal.deal_id
WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({stages})
GROUP BY per_deal.by_user_id, per_deal.kind
"""
# Moves between ranked stages of one pipeline, to a higher rank, counted per deal first; the
# move counts wherever the deal is now (it may have moved on): only not deleted.
_MOVED_FORWARD_SQL = """
SELECT per_deal.by_user_id, sum(per_deal.n)
FROM (
  SELECT stage_changes.deal_id AS deal_id, stage_changes.by_user_id AS by_user_id, count(*) AS n
  FROM stage_changes
  WHERE stage_changes.to_stage_id IN ({stages})
    AND stage_changes.at >= :start AND stage_changes.at < :end
    AND stage_changes.from_stage_id IN ({stages})
    AND CASE stage_changes.to_stage_id {pipeline} END
      = CASE stage_changes.from_stage_id {pipeline} END
    AND CASE stage_changes.to_stage_id {rank} END > CASE stage_changes.from_stage_id {rank} END
    {owner}
  GROUP BY stage_changes.deal_id, stage_changes.by_user_id
) AS per_deal JOIN deals ON deals.id = per_deal.deal_id
WHERE deals.deleted_at IS NULL GROUP BY per_deal.by_user_id
"""
# The pipeline condition, implied by the stages, lets the planner read
# `ix_deals_board_totals` (led by `pipeline_id`).
_CONTACTS_SQL = """
SELECT deals.owner_id, deals.currency, count(*),
  sum(CASE WHEN deals.next_contact_at < :now THEN 1 ELSE 0 END),
  sum(CASE WHEN deals.next_contact_at IS NULL THEN 1 ELSE 0 END)
FROM deals
WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({stages}){owner}
  AND deals.pipeline_id IN ({pipelines})
GROUP BY deals.owner_id, deals.currency
"""
# A deal's first activity at or after its creation: answered from `ix_activities_deal` in order.
_FIRST_AT = """(SELECT activities.at FROM activities
  WHERE activities.deal_id = deals.id AND activities.at >= deals.created_at
    AND activities.deleted_at IS NULL
  ORDER BY activities.at LIMIT 1)"""
# Each deal's response computed once (MATERIALIZED), then per owner the middle row (odd
# total) or the middle two (even): 2 × position in [total, total + 2].
_FIRST_RESPONSE_SQL = """
WITH per_deal AS MATERIALIZED (
  SELECT deals.owner_id AS owner_id, {response} AS response
  FROM deals
  WHERE deals.deleted_at IS NULL AND deals.stage_id IN ({stages}){owner}
    AND deals.created_at >= :start AND deals.created_at < :end
)
SELECT ranked.owner_id, ranked.response
FROM (
  SELECT per_deal.owner_id AS owner_id, per_deal.response AS response,
    row_number() OVER (PARTITION BY per_deal.owner_id ORDER BY per_deal.response) AS position,
    count(*) OVER (PARTITION BY per_deal.owner_id) AS total
  FROM per_deal WHERE per_deal.response IS NOT NULL
) AS ranked
WHERE ranked.position * 2 >= ranked.total AND ranked.position * 2 <= ranked.total + 2
"""


def _utc_or_none(value: Any) -> datetime | None:
    """A stored time, raw (SQLite gives ISO text, PostgreSQL a naive datetime), as aware UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC)


def _stage(pipeline_id: int, row: Sequence[Any]) -> Stage:
    """A stage from its columns in `_PIPELINES_SQL` (SQLite gives the checklist as JSON text)."""
    checklist = json.loads(row[7]) if isinstance(row[7], str) else row[7]
    stage_id, name, position, kind, probability, is_key, rot_days = row[:7]
    return stage_of(
        stage_id,
        pipeline_id,
        name,
        position,
        kind,
        probability,
        is_key,
        rot_days,
        checklist,
        row[8],
    )


def _owner(scope: Scope, column: str, **params: Any) -> tuple[str, dict[str, Any]]:
    """The condition on the scope's owner (none without one) to append to a WHERE, and
    `params` with its own."""
    if scope.owner_id is None:
        return "", params
    return f" AND {column} = :owner_id", {**params, "owner_id": scope.owner_id}


def _cases(values: Mapping[int, int]) -> str:
    """The WHEN branches of `CASE stage_id ... END` giving each stage its value (ints)."""
    return " ".join(f"WHEN {int(stage)} THEN {int(value)}" for stage, value in values.items())


_SECONDS: dict[tuple[str, str, str], str] = {}


def _seconds_sql(dialect: Dialect, later: str, earlier: str) -> str:
    """The SQL of `seconds_between(later, earlier)` (two SQL expressions) in `dialect`,
    compiled once."""
    key = (dialect.name, later, earlier)
    if key not in _SECONDS:
        seconds = seconds_between(literal_column(later), literal_column(earlier))
        _SECONDS[key] = str(seconds.compile(dialect=dialect))
    return _SECONDS[key]


class SqlMetricsReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def pipelines(self, pipeline_id: int | None) -> list[Pipeline]:
        where, params = "pipelines.archived_at IS NULL", {}
        if pipeline_id is not None:
            where, params = "pipelines.id = :pipeline_id", {"pipeline_id": pipeline_id}
        reasons: dict[int, list[LossReason]] = {}
        for row in run_sql(self._session, _REASONS_SQL.format(where=where), params):
            reasons.setdefault(row[1], []).append(
                LossReason(row[0], row[1], row[2], row[3], _utc_or_none(row[4]))
            )
        pipelines: dict[int, tuple[Any, list[Stage]]] = {}
        for row in run_sql(self._session, _PIPELINES_SQL.format(where=where), params):
            _, stages = pipelines.setdefault(row[0], (row, []))
            if row[4] is not None:  # None: a pipeline without a live stage
                stages.append(_stage(row[0], row[4:]))
        return [
            Pipeline(
                id=row[0],
                name=row[1],
                position=row[2],
                stages=tuple(stages),
                loss_reasons=tuple(reasons.get(row[0], ())),
                archived_at=_utc_or_none(row[3]),
            )
            for row, stages in pipelines.values()
        ]

    def loss_reason_names(self) -> dict[int, str]:
        return {row.id: row.name for row in run_sql(self._session, _REASON_NAMES_SQL, {})}

    def created(self, scope: Scope, start: datetime, end: datetime) -> list[OwnerCount]:
        owner, params = _owner(scope, "deals.owner_id", start=start, end=end)
        sql = _CREATED_SQL.format(stages=id_list(scope.stage_ids), owner=owner)
        return [
            OwnerCount(row[0], row[1], int(row[2])) for row in run_sql(self._session, sql, params)
        ]

    def open_at(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        # Two exact ways, each cheap where the other is not: from the deals created before
        # `moment` (few when it is long ago), or back from now through the stage changes
        # since `moment` (few when it is recent). Deals arrive at a roughly steady pace, so
        # the half of their creation span the moment falls in tells which reads less.
        [(first, last)] = run_sql(self._session, _CREATION_SPAN_SQL, {})
        first, last = _utc_or_none(first), _utc_or_none(last)
        if first is not None and last is not None and moment - first < last - moment:
            return self._open_then_from_history(scope, moment)
        return self._open_then_back_from_now(scope, moment)

    def _open_then_from_history(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        """Each deal created before `moment` at the stage of its latest change before it."""
        owner, params = _owner(scope, "deals.owner_id", moment=moment)
        sql = _OPEN_THEN_SQL.format(owner=owner, open=id_list(scope.open_ids))
        return [
            OwnerCount(row[0], row[1], int(row[2])) for row in run_sql(self._session, sql, params)
        ]

    def _open_then_back_from_now(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        """Open now, minus what the stage changes since `moment` opened. Each row moves its
        deal from `from_stage_id` to `to_stage_id`, so a deal's rows since `moment` add up to
        (open now) - (open then). They are summed per deal first, and only the deals whose
        sum is not 0 (created, closed or reopened since; not those moved between open
        stages) are looked up."""
        owner, params = _owner(scope, "deals.owner_id")
        open_ids, pipeline_ids = id_list(scope.open_ids), id_list(scope.pipeline_ids)
        counts = Counter[tuple[int, str]]()
        now_sql = _OPEN_NOW_SQL.format(open=open_ids, owner=owner, pipelines=pipeline_ids)
        for owner_id, currency, count in run_sql(self._session, now_sql, params):
            counts[owner_id, currency] += int(count)
        since_sql = _OPENED_SINCE_SQL.format(open=open_ids, owner=owner)
        for owner_id, currency, since in run_sql(
            self._session, since_sql, {**params, "moment": moment}
        ):
            counts[owner_id, currency] -= int(since)
        return [OwnerCount(owner, currency, n) for (owner, currency), n in counts.items() if n]

    def closed(self, scope: Scope, start: datetime, end: datetime) -> list[ClosedSum]:
        owner, params = _owner(scope, "deals.owner_id", start=start, end=end)
        sql = _CLOSED_SQL.format(
            cycle=_seconds_sql(
                self._session.get_bind().dialect, "deals.closed_at", "deals.created_at"
            ),
            stages=id_list([*scope.won_ids, *scope.lost_ids]),
            owner=owner,
        )
        return [
            ClosedSum(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), int(row[6]))
            for row in run_sql(self._session, sql, params)
        ]

    def median_cycle_seconds(self, scope: Scope, start: datetime, end: datetime) -> Fraction | None:
        owner, params = _owner(scope, "deals.owner_id", start=start, end=end)
        where = _WON_BETWEEN.format(won=id_list(scope.won_ids), owner=owner)
        [(count,)] = run_sql(self._session, f"SELECT count(*) FROM deals WHERE {where}", params)
        if not count:
            return None
        cycle = _seconds_sql(
            self._session.get_bind().dialect, "deals.closed_at", "deals.created_at"
        )
        # The middle one, or the middle two.
        middle = {"limit": 2 - count % 2, "offset": (count - 1) // 2}
        sql = _MIDDLE_CYCLE_SQL.format(cycle=cycle, where=where)
        values = [int(row[0]) for row in run_sql(self._session, sql, {**params, **middle})]
        return Fraction(sum(values), len(values))

    def activities(
        self, scope: Scope, start: datetime, end: datetime, kinds: Collection[str]
    ) -> list[ActivityCount]:
        # Every user, so that the planner reads `ix_activities_by_user` by time.
        by_user, params = "activities.by_user_id IN (SELECT users.id FROM users)", {}
        if scope.owner_id is not None:
            by_user, params = "activities.by_user_id = :owner_id", {"owner_id": scope.owner_id}
        kind_names = {f"kind_{index}": kind for index, kind in enumerate(kinds)}
        sql = _ACTIVITIES_SQL.format(
            by_user=by_user,
            kinds=", ".join(f":{name}" for name in kind_names) or "NULL",
            stages=id_list(scope.stage_ids),
        )
        rows = run_sql(self._session, sql, {**params, **kind_names, "start": start, "end": end})
        return [ActivityCount(user, kind, int(n)) for user, kind, n in rows]

    def moved_forward(
        self, scope: Scope, start: datetime, end: datetime, ranks: Mapping[int, StageRank]
    ) -> dict[int, int]:
        if not ranks:
            return {}
        owner, params = _owner(scope, "stage_changes.by_user_id", start=start, end=end)
        sql = _MOVED_FORWARD_SQL.format(
            stages=id_list(ranks),
            pipeline=_cases({stage: rank.pipeline_id for stage, rank in ranks.items()}),
            rank=_cases({stage: rank.rank for stage, rank in ranks.items()}),
            owner=owner,
        )
        return {int(user): int(count) for user, count in run_sql(self._session, sql, params)}

    def first_response_medians(
        self, scope: Scope, start: datetime, end: datetime
    ) -> dict[int, Fraction]:
        owner, params = _owner(scope, "deals.owner_id", start=start, end=end)
        sql = _FIRST_RESPONSE_SQL.format(
            response=_seconds_sql(self._session.get_bind().dialect, _FIRST_AT, "deals.created_at"),
            stages=id_list(scope.stage_ids),
            owner=owner,
        )
        values: dict[int, list[int]] = {}
        for owner_id, response in run_sql(self._session, sql, params):
            values.setdefault(int(owner_id), []).append(int(response))
        return {owner: Fraction(sum(found), len(found)) for owner, found in values.items()}

    def contacts_now(self, scope: Scope, now: datetime) -> list[ContactStatus]:
        owner, params = _owner(scope, "deals.owner_id", now=now)
        sql = _CONTACTS_SQL.format(
            stages=id_list(scope.open_ids), owner=owner, pipelines=id_list(scope.pipeline_ids)
        )
        return [
            ContactStatus(row[0], row[1], int(row[2]), int(row[3]), int(row[4]))
            for row in run_sql(self._session, sql, params)
        ]
