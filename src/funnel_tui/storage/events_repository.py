"""The audit trail of deals (`deal_events`): written inside the change's own transaction."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.engine import CursorResult
from sqlmodel import Session

from funnel_tui.domain.events import DealEvent
from funnel_tui.storage import mappers
from funnel_tui.storage.tables import DealEventRow

_EVENTS = DealEventRow.__table__  # type: ignore[attr-defined]


class SqlEventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: DealEvent) -> DealEvent:
        result = cast(
            CursorResult[Any],
            self._session.execute(insert(_EVENTS).values(**mappers.deal_event_to_values(event))),
        )
        return replace(event, id=result.inserted_primary_key[0])  # type: ignore[index]

    def add_many(self, events: Sequence[DealEvent]) -> None:
        if events:
            self._session.execute(
                insert(_EVENTS), [mappers.deal_event_to_values(event) for event in events]
            )

    def for_deal(self, deal_id: int) -> builtins.list[DealEvent]:
        query = (
            select(_EVENTS).where(_EVENTS.c.deal_id == deal_id).order_by(_EVENTS.c.at, _EVENTS.c.id)
        )
        return [mappers.row_to_deal_event(row) for row in self._session.execute(query)]

    def for_deals(self, deal_ids: Sequence[int]) -> dict[int, builtins.list[DealEvent]]:
        """Each deal's events in time order (for export)."""
        found: dict[int, list[DealEvent]] = {deal_id: [] for deal_id in deal_ids}
        if not deal_ids:
            return found
        query = (
            select(_EVENTS)
            .where(_EVENTS.c.deal_id.in_(list(deal_ids)))
            .order_by(_EVENTS.c.at, _EVENTS.c.id)
        )
        for row in self._session.execute(query):
            found[row.deal_id].append(mappers.row_to_deal_event(row))
        return found
