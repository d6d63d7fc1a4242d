"""Lean Core queries behind the board: totals per stage and one window of cards at a time.

No ORM objects: a board over 100,000 deals reads only the cards it shows (shared/FINDINGS.md:
Core rows load 4-5x faster than ORM objects, and a LIMIT per stage beats a window function).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from funnel_tui.domain.money import Money
from funnel_tui.services.board_model import BoardQuery, Card
from funnel_tui.services.ports import StageTotal
from funnel_tui.storage.search import fold
from funnel_tui.storage.tables import BOARD_ORDER, DealRow, UserRow

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_USERS = UserRow.__table__  # type: ignore[attr-defined]


def _filtered(query: Select[Any], board: BoardQuery) -> Select[Any]:
    query = query.where(_DEALS.c.pipeline_id == board.pipeline_id, _DEALS.c.deleted_at.is_(None))
    if board.owner_id is not None:
        query = query.where(_DEALS.c.owner_id == board.owner_id)
    needle = fold(board.text)
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(_DEALS.c.search_text.like(f"%{escaped}%", escape="\\"))
    return query


class SqlBoardReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def totals(self, board: BoardQuery, stage_ids: Sequence[int]) -> list[StageTotal]:
        query = (
            _filtered(
                select(
                    _DEALS.c.stage_id,
                    _DEALS.c.currency,
                    func.count(),
                    func.coalesce(func.sum(_DEALS.c.value_minor), 0),
                ),
                board,
            )
            .where(_DEALS.c.stage_id.in_(stage_ids))
            .group_by(_DEALS.c.stage_id, _DEALS.c.currency)
        )
        return [StageTotal(*row) for row in self._session.execute(query)]

    def cards(self, board: BoardQuery, stage_id: int, offset: int, limit: int) -> list[Card]:
        """Cards of one stage, soonest next contact first (none last), then oldest deal."""
        query = (
            _filtered(
                select(
                    _DEALS.c.id,
                    _DEALS.c.version,
                    _DEALS.c.stage_id,
                    _DEALS.c.title,
                    _DEALS.c.company,
                    _DEALS.c.value_minor,
                    _DEALS.c.currency,
                    _USERS.c.login,
                    _USERS.c.display_name,
                    _DEALS.c.next_contact_at,
                    _DEALS.c.stage_entered_at,
                    _DEALS.c.last_activity_at,
                ).join(_USERS, _USERS.c.id == _DEALS.c.owner_id),
                board,
            )
            .where(_DEALS.c.stage_id == stage_id)
            .order_by(text(BOARD_ORDER), _DEALS.c.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            Card(
                deal_id=row.id,
                version=row.version,
                stage_id=row.stage_id,
                title=row.title,
                company=row.company,
                value=Money(row.value_minor, row.currency),
                owner_login=row.login,
                owner_name=row.display_name,
                next_contact_at=row.next_contact_at,
                stage_entered_at=row.stage_entered_at,
                last_activity_at=row.last_activity_at,
            )
            for row in self._session.execute(query)
        ]
