"""Every read behind the board, written once as plain SQL, for any DB-API-like driver.

Two drivers run this text: the lean SQLite reader (`sqlite_board.py`, stdlib `sqlite3`, so
the app shows its first cards without importing SQLAlchemy: ~0.4 s) and SQLAlchemy's `text()`
inside a unit of work (`board_queries.py`: PostgreSQL, in-memory SQLite). Parameters are
`:named`, which both understand. Values come back raw (SQLite gives timestamps and JSON as
text, PostgreSQL as objects), so the converters below accept either.

Nothing here imports SQLAlchemy or the table classes: `tests/storage/test_board_queries.py`
checks that the constants copied from them still match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from funnel_tui.domain.models import (
    LossReason,
    Pipeline,
    PlanTarget,
    Role,
    Stage,
    StageKind,
    User,
)
from funnel_tui.domain.money import Money
from funnel_tui.services.board_model import BoardQuery, Card
from funnel_tui.services.ports import StageTotal
from funnel_tui.storage.search import contains_pattern

Rows = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]
"""Runs one SELECT with named parameters and returns its rows as tuples."""

BOARD_ORDER = "coalesce(next_contact_at, '9999-12-31 00:00:00')"
"""Board order: soonest next contact first, none last. The same text as the expression index
`ix_deals_board_order` (storage/tables.py), or SQLite sorts instead of walking the index."""

_PIPELINES = (
    "SELECT id, name, position, archived_at FROM pipelines"
    " WHERE archived_at IS NULL ORDER BY position, id"
)
_STAGES = (
    "SELECT id, pipeline_id, name, position, kind, probability, is_key, rot_days, checklist,"
    " on_hold FROM stages WHERE deleted_at IS NULL ORDER BY pipeline_id, position"
)
_LOSS_REASONS = (
    "SELECT id, pipeline_id, name, position, retired_at FROM loss_reasons"
    " ORDER BY pipeline_id, position"
)
_USERS = "SELECT id, login, display_name, role, created_at FROM users"
"""In no SQL order: a server's collation would order logins its own way (`users` sorts)."""
_PLANS = (
    "SELECT id, pipeline_id, month, stage_id, owner_id, target_count, target_amount_minor,"
    " currency FROM plan_targets WHERE month = :month AND stage_id IS NOT NULL"
)
_CARD_COLUMNS = (
    "deals.id, deals.version, deals.stage_id, deals.title, deals.company, deals.value_minor,"
    " deals.currency, users.login, users.display_name, deals.next_contact_at,"
    " deals.stage_entered_at, deals.last_activity_at"
)


def _utc(value: object) -> datetime:
    """A stored timestamp (naive UTC, as text or as a datetime) as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _utc_or_none(value: object) -> datetime | None:
    return None if value is None else _utc(value)


def _json_list(value: object) -> tuple[str, ...]:
    items = json.loads(value) if isinstance(value, str | bytes) else value
    return tuple(cast("list[str]", items or ()))


def _where(board: BoardQuery) -> tuple[str, dict[str, Any]]:
    """The filter every board query shares: pipeline, live deals, owner, search text."""
    clauses = ["deals.pipeline_id = :pipeline_id", "deals.deleted_at IS NULL"]
    params: dict[str, Any] = {"pipeline_id": board.pipeline_id}
    if board.owner_id is not None:
        clauses.append("deals.owner_id = :owner_id")
        params["owner_id"] = board.owner_id
    pattern = contains_pattern(board.text)
    if pattern is not None:
        clauses.append("deals.search_text LIKE :needle ESCAPE '\\'")
        params["needle"] = pattern
    return " AND ".join(clauses), params


class BoardQueries:
    """The board's reads over any driver that can run a SELECT (see `Rows`)."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows

    def pipelines(self) -> list[Pipeline]:
        """Pipelines not archived, in their order, each with its live stages and reasons."""
        stages: dict[int, list[Stage]] = {}
        for row in self._rows(_STAGES, {}):
            stages.setdefault(row[1], []).append(_stage(row))
        reasons: dict[int, list[LossReason]] = {}
        for row in self._rows(_LOSS_REASONS, {}):
            reasons.setdefault(row[1], []).append(
                LossReason(row[0], row[1], row[2], row[3], _utc_or_none(row[4]))
            )
        return [
            Pipeline(
                id=row[0],
                name=row[1],
                position=row[2],
                stages=tuple(stages.get(row[0], ())),
                loss_reasons=tuple(reasons.get(row[0], ())),
                archived_at=_utc_or_none(row[3]),
            )
            for row in self._rows(_PIPELINES, {})
        ]

    def users(self) -> list[User]:
        """By login, in code point order (SQLite's BINARY order) whatever the server's
        collation."""
        users = (
            User(row[0], row[1], row[2], Role(row[3]), _utc(row[4]))
            for row in self._rows(_USERS, {})
        )
        return sorted(users, key=lambda user: user.login)

    def plans(self, month: date) -> list[PlanTarget]:
        """Every stage's plan targets for `month` (the first day of a month), team and owners."""
        # The month as ISO text: SQLite keeps dates as text; PostgreSQL casts it to a date.
        return [
            PlanTarget(
                id=row[0],
                pipeline_id=row[1],
                month=month,
                stage_id=row[3],
                owner_id=row[4],
                target_count=row[5],
                target_amount=Money(row[6], row[7]) if row[6] is not None and row[7] else None,
            )
            for row in self._rows(_PLANS, {"month": month.isoformat()})
        ]

    def due_count(self, owner_id: int | None, before: datetime) -> int:
        """Open live deals whose next contact is before `before` (the start screen's question:
        is anything overdue or due today?)."""
        sql = (
            "SELECT count(*) FROM deals JOIN stages ON stages.id = deals.stage_id"
            " WHERE deals.deleted_at IS NULL AND stages.kind = 'open'"
            " AND deals.next_contact_at < :before"
        )
        # Stored as naive UTC text on SQLite (SQLAlchemy's format); PostgreSQL casts the text.
        params: dict[str, Any] = {"before": before.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")}
        if owner_id is not None:
            sql += " AND deals.owner_id = :owner_id"
            params["owner_id"] = owner_id
        return int(next(iter(self._rows(sql, params)))[0])

    def totals(self, board: BoardQuery, stage_ids: Sequence[int]) -> list[StageTotal]:
        """Count and sum per stage and currency (the covering index answers it alone)."""
        if not stage_ids:
            return []
        where, params = _where(board)
        names = [f"stage_{index}" for index in range(len(stage_ids))]
        params.update(zip(names, stage_ids, strict=True))
        sql = (
            "SELECT deals.stage_id, deals.currency, count(*), coalesce(sum(deals.value_minor), 0)"
            f" FROM deals WHERE {where}"
            f" AND deals.stage_id IN ({', '.join(':' + name for name in names)})"
            " GROUP BY deals.stage_id, deals.currency"
        )
        return [StageTotal(*row) for row in self._rows(sql, params)]

    def cards(self, board: BoardQuery, stage_id: int, offset: int, limit: int) -> list[Card]:
        """One window of a stage's cards in board order (then oldest deal first)."""
        where, params = _where(board)
        params.update(stage_id=stage_id, offset=offset, limit=limit)
        sql = (
            f"SELECT {_CARD_COLUMNS} FROM deals JOIN users ON users.id = deals.owner_id"
            f" WHERE {where} AND deals.stage_id = :stage_id"
            f" ORDER BY {BOARD_ORDER}, deals.id LIMIT :limit OFFSET :offset"
        )
        return [_card(row) for row in self._rows(sql, params)]


def _stage(row: Sequence[Any]) -> Stage:
    return Stage(
        id=row[0],
        pipeline_id=row[1],
        name=row[2],
        position=row[3],
        kind=StageKind(row[4]),
        probability=row[5],
        is_key=bool(row[6]),
        rot_days=row[7],
        checklist=_json_list(row[8]),
        on_hold=bool(row[9]),
    )


def _card(row: Sequence[Any]) -> Card:
    return Card(
        deal_id=row[0],
        version=row[1],
        stage_id=row[2],
        title=row[3],
        company=row[4],
        value=Money(row[5], row[6]),
        owner_login=row[7],
        owner_name=row[8],
        next_contact_at=_utc_or_none(row[9]),
        stage_entered_at=_utc(row[10]),
        last_activity_at=_utc_or_none(row[11]),
    )
