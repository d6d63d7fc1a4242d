"""Reads behind the board screen: its context, columns with their totals, windows of cards.

The board reads from a `BoardSource`. For an SQLite file that is a lean reader which needs no
ORM, so the first cards appear before the full store has opened (bootstrap.py wires it); for
other databases, `StoreBoardSource` reads through the store's units of work.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from funnel_tui.domain.dates import local_midnight
from funnel_tui.domain.models import Pipeline, PlanTarget, Stage, User
from funnel_tui.domain.money import Money
from funnel_tui.services.board_model import BoardContext, BoardQuery, Card, ColumnLoad, ColumnTotals
from funnel_tui.services.context import Clock
from funnel_tui.services.ports import BoardReader, StageTotal, Store


class BoardSource(BoardReader, Protocol):
    """Everything the board reads. Each call is its own short read (no transaction held)."""

    def pipelines(self) -> builtins.list[Pipeline]:
        """Pipelines not archived, in order, with their live stages and loss reasons."""
        ...

    def users(self) -> builtins.list[User]: ...
    def close(self) -> None: ...


class StoreBoardSource:
    """The board's reads through a store's units of work (the store is closed by its owner)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def pipelines(self) -> list[Pipeline]:
        with self._store.read() as uow:
            return uow.pipelines.list()

    def users(self) -> list[User]:
        with self._store.read() as uow:
            return uow.users.list()

    def totals(self, board: BoardQuery, stage_ids: Sequence[int]) -> list[StageTotal]:
        with self._store.read() as uow:
            return uow.board.totals(board, stage_ids)

    def plans(self, month: date) -> list[PlanTarget]:
        with self._store.read() as uow:
            return uow.board.plans(month)

    def due_count(self, owner_id: int | None, before: datetime) -> int:
        with self._store.read() as uow:
            return uow.board.due_count(owner_id, before)

    def cards(self, board: BoardQuery, stage_id: int, offset: int, limit: int) -> list[Card]:
        with self._store.read() as uow:
            return uow.board.cards(board, stage_id, offset, limit)

    def close(self) -> None:
        """Nothing of its own to close."""


class BoardService:
    def __init__(self, source: BoardSource, *, login: str, clock: Clock) -> None:
        self._source = source
        self.login = login
        """Whose board this is: a rep sees their own deals first."""
        self.clock = clock
        """Now, for the cards' badges (injected in tests)."""
        self._plans: dict[tuple[int, int | None], PlanTarget] = {}

    def context(self) -> BoardContext:
        users = tuple(self._source.users())
        me = next((user for user in users if user.login == self.login), None)
        month = self.clock().astimezone().date().replace(day=1)
        self._plans = {(p.stage_id or 0, p.owner_id): p for p in self._source.plans(month)}
        return BoardContext(tuple(self._source.pipelines()), users, me)

    def first_query(self, context: BoardContext, pipeline_name: str | None) -> BoardQuery | None:
        """What the board opens on: the pipeline named in the settings (else the first one);
        a rep sees their own deals, a lead the team's (DESIGN.md, Domain: User)."""
        if not context.pipelines:
            return None
        wanted = (pipeline_name or "").casefold()
        pipeline = next(
            (p for p in context.pipelines if p.name.casefold() == wanted), context.pipelines[0]
        )
        return BoardQuery(pipeline.id, owner_id=context.default_owner_id)

    def columns(
        self, query: BoardQuery, stages: Sequence[Stage], *, window: int
    ) -> tuple[ColumnLoad, ...]:
        """`stages` with their counts and sums, and the first `window` cards of each."""
        totals = self._source.totals(query, [stage.id for stage in stages])
        counts: dict[int, int] = defaultdict(int)
        amounts: dict[int, list[Money]] = defaultdict(list)
        for total in totals:
            counts[total.stage_id] += total.count
            amounts[total.stage_id].append(Money(total.value_minor, total.currency))
        return tuple(
            ColumnLoad(
                ColumnTotals(
                    stage,
                    counts[stage.id],
                    tuple(sorted(amounts[stage.id], key=lambda m: (-m.minor, m.currency))),
                    # One person's board shows their plan; everyone's, the team's.
                    self._plans.get((stage.id, query.owner_id)),
                ),
                tuple(self.cards(query, stage.id, 0, window)) if counts[stage.id] else (),
            )
            for stage in stages
        )

    def cards(self, query: BoardQuery, stage_id: int, offset: int, limit: int) -> list[Card]:
        return self._source.cards(query, stage_id, offset, limit)

    def due_today(self, context: BoardContext, zone: tzinfo) -> int:
        """How many contacts of this user (a rep: theirs; a lead: the team's, as the board
        shows) are overdue or due before tonight's midnight: the start screen's question."""
        today = self.clock().astimezone(zone).date()
        midnight = local_midnight(today + timedelta(days=1), zone)
        return self._source.due_count(context.default_owner_id, midnight)

    def close(self) -> None:
        self._source.close()


def shown_stages(pipeline: Pipeline, *, closed: bool) -> tuple[Stage, ...]:
    """The board's columns: the open stages in order, and with `closed`, won and lost."""
    return tuple(stage for stage in pipeline.stages if stage.is_open or closed)
