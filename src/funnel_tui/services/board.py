"""Reads behind the board screen: columns with their totals, and windows of cards."""

from __future__ import annotations

from collections import defaultdict

from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Pipeline, User
from funnel_tui.domain.money import Money
from funnel_tui.services.board_model import BoardColumns, BoardQuery, Card, ColumnTotals
from funnel_tui.services.context import ServiceContext


class BoardService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def columns(self, query: BoardQuery, *, closed: bool = False) -> BoardColumns:
        """The open stages (and with `closed`, won and lost) with counts and sums."""
        with self._context.store.read() as uow:
            pipeline = uow.pipelines.get(query.pipeline_id)
            if pipeline is None:
                raise NotFoundError(f"pipeline {query.pipeline_id} does not exist")
            stages = [s for s in pipeline.stages if s.is_open or closed]
            totals = uow.board.totals(query, [stage.id for stage in stages])
        counts: dict[int, int] = defaultdict(int)
        amounts: dict[int, list[Money]] = defaultdict(list)
        for total in totals:
            counts[total.stage_id] += total.count
            amounts[total.stage_id].append(Money(total.value_minor, total.currency))
        return BoardColumns(
            pipeline,
            tuple(
                ColumnTotals(
                    stage,
                    counts[stage.id],
                    tuple(sorted(amounts[stage.id], key=lambda m: (-m.minor, m.currency))),
                )
                for stage in stages
            ),
        )

    def cards(self, query: BoardQuery, stage_id: int, offset: int, limit: int) -> list[Card]:
        with self._context.store.read() as uow:
            return uow.board.cards(query, stage_id, offset, limit)

    def pipelines(self) -> list[Pipeline]:
        with self._context.store.read() as uow:
            return uow.pipelines.list()

    def users(self) -> list[User]:
        with self._context.store.read() as uow:
            return uow.users.list()

    def me(self) -> User | None:
        with self._context.store.read() as uow:
            return uow.users.by_login(self._context.login)
