"""One transaction per use case; database errors become one-line StoreErrors."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from funnel_tui.domain.errors import StoreError
from funnel_tui.storage.agenda_queries import SqlAgendaReader
from funnel_tui.storage.analytics_queries import SqlAnalyticsReader
from funnel_tui.storage.board_queries import SqlBoardReader
from funnel_tui.storage.events_repository import SqlEventRepository
from funnel_tui.storage.files import sqlite_failure
from funnel_tui.storage.forecast_queries import SqlForecastReader
from funnel_tui.storage.metrics_queries import SqlMetricsReader
from funnel_tui.storage.plan_repository import SqlPlanRepository
from funnel_tui.storage.postgresql import server_failure
from funnel_tui.storage.repositories import (
    SqlActivityRepository,
    SqlBulkRepository,
    SqlChecklistRepository,
    SqlDealRepository,
    SqlPipelineRepository,
    SqlUserRepository,
)


def translate_error(error: sa_exc.SQLAlchemyError, where: str) -> StoreError:
    """A one-line message for a database failure a user can act on (`files.sqlite_failure`:
    the same words as the board's reader and the look before opening use; a PostgreSQL
    failure is read by its SQLSTATE)."""
    cause = getattr(error, "orig", None) or error
    return server_failure(cause, where) or sqlite_failure(cause, where)


class SqlUnitOfWork:
    users: SqlUserRepository
    pipelines: SqlPipelineRepository
    deals: SqlDealRepository
    activities: SqlActivityRepository
    checklist: SqlChecklistRepository
    events: SqlEventRepository
    bulk: SqlBulkRepository
    board: SqlBoardReader
    agenda: SqlAgendaReader
    analytics: SqlAnalyticsReader
    forecast: SqlForecastReader
    plans: SqlPlanRepository
    metrics: SqlMetricsReader

    def __init__(self, engine: Engine, where: str) -> None:
        self._engine = engine
        self._where = where
        self._committed = False

    def __enter__(self) -> Self:
        self._session = Session(self._engine, expire_on_commit=False)
        self.users = SqlUserRepository(self._session)
        self.pipelines = SqlPipelineRepository(self._session)
        self.deals = SqlDealRepository(self._session)
        self.activities = SqlActivityRepository(self._session)
        self.checklist = SqlChecklistRepository(self._session)
        self.events = SqlEventRepository(self._session)
        self.bulk = SqlBulkRepository(self._session)
        self.board = SqlBoardReader(self._session)
        self.agenda = SqlAgendaReader(self._session)
        self.analytics = SqlAnalyticsReader(self._session)
        self.forecast = SqlForecastReader(self._session)
        self.plans = SqlPlanRepository(self._session)
        self.metrics = SqlMetricsReader(self._session)
        return self

    def commit(self) -> None:
        self._session.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self._session.rollback()
        finally:
            self._session.close()
        if isinstance(exc, sa_exc.SQLAlchemyError):
            raise translate_error(exc, self._where) from exc
