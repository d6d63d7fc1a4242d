"""The agenda's reads (`services/agenda.py`): SQLAlchemy Core over the deals table, inside the
store's unit of work.

Every query reads the deals table alone; owners', stages' and pipelines' names are joined in
Python from two small reads made once per unit of work, so that a sorted section (no next
contact, rotting) does not do three extra lookups for each of thousands of candidates.
Timestamps are bound and read through the columns' `UTCDateTime` type (naive UTC in the
database, aware UTC here), and nothing uses a dialect's date functions: rotting thresholds
come in as timestamps computed per stage, and "the later of two columns" is a CASE.

Plans on SQLite at 100,000 deals (the cached demo database; `tests/services/test_agenda.py`
keeps them), with a page only counted (COUNT) when it is full:
- a window of next contacts (overdue, today, this week, due between, the calendar): SEARCH
  deals USING INDEX ix_deals_next_contact (next_contact_at>? AND next_contact_at<?), in
  order: no sort, and `LIMIT` stops the walk early (items < 1 ms; counts 3–9 ms);
- no next contact: SEARCH deals USING INDEX ix_deals_next_contact (next_contact_at=?), or
  ix_deals_owner for one owner, then a top-N sort on the idle time (items and count ~20–30
  ms each: every candidate is a row lookup, as no index holds the two idle columns);
- rotting: SEARCH deals USING INDEX ix_deals_board_totals (pipeline_id=? AND stage_id=?) for
  each stage with a threshold (or ix_deals_owner), then a top-N sort (the same ~20–30 ms).
A whole agenda takes ~120 ms for one owner and ~160 ms for everyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from funnel_tui.domain.models import StageKind
from funnel_tui.domain.money import Money
from funnel_tui.services.agenda_model import AgendaItem, CalendarEntry
from funnel_tui.services.ports import AgendaPage
from funnel_tui.storage.tables import DealRow, PipelineRow, StageRow, UserRow

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_STAGES = StageRow.__table__  # type: ignore[attr-defined]
_PIPELINES = PipelineRow.__table__  # type: ignore[attr-defined]
_USERS = UserRow.__table__  # type: ignore[attr-defined]

_idle_since: ColumnElement[datetime] = case(
    (_DEALS.c.last_activity_at > _DEALS.c.stage_entered_at, _DEALS.c.last_activity_at),
    else_=_DEALS.c.stage_entered_at,
)
"""Idle since: the later of entering the stage and the last activity (none: the stage entry).
A CASE, not SQLite's two-argument max() or PostgreSQL's greatest(): it runs on both."""

_COLUMNS = (
    _DEALS.c.id,
    _DEALS.c.version,
    _DEALS.c.stage_id,
    _DEALS.c.title,
    _DEALS.c.company,
    _DEALS.c.value_minor,
    _DEALS.c.currency,
    _DEALS.c.owner_id,
    _DEALS.c.next_contact_at,
    _DEALS.c.next_contact_note,
    _idle_since.label("idle_since"),
)


@dataclass(frozen=True, slots=True)
class _Stage:
    pipeline_id: int
    pipeline_name: str
    name: str
    rot_days: int | None
    on_hold: bool


class SqlAgendaReader:
    """Open live deals for the agenda: a stage of kind `open`, no `deleted_at`."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._stages: dict[int, _Stage] | None = None
        self._owners: dict[int, tuple[str, str]] | None = None

    # --- the port (services/ports.py: AgendaReader) ----------------------------------------

    def rot_days(self) -> dict[int, int]:
        return {
            stage_id: stage.rot_days
            for stage_id, stage in self._open_stages().items()
            # A holding stage's deals are idle on purpose until their revival date.
            if stage.rot_days is not None and not stage.on_hold
        }

    def contacts(
        self,
        *,
        owner_id: int | None,
        since: datetime | None = None,
        after: datetime | None = None,
        before: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        held: bool = True,
    ) -> AgendaPage:
        column = _DEALS.c.next_contact_at
        window: list[ColumnElement[bool]] = [column.is_not(None)]
        if since is not None:
            window.append(column >= since)
        if after is not None:
            window.append(column > after)
        if before is not None:
            window.append(column < before)
        if until is not None:
            window.append(column <= until)
        stages = self._open_stages()
        if not held:
            stages = {key: stage for key, stage in stages.items() if not stage.on_hold}
        where = self._live(owner_id, stages, by_next_contact=True)
        if where is None:
            return AgendaPage((), 0)
        return self._page([*where, *window], (column, _DEALS.c.id), limit)

    def unscheduled(self, *, owner_id: int | None, limit: int | None = None) -> AgendaPage:
        where = self._live(owner_id, self._open_stages(), by_next_contact=False)
        if where is None:
            return AgendaPage((), 0)
        where.append(_DEALS.c.next_contact_at.is_(None))
        return self._page(where, (_idle_since, _DEALS.c.id), limit)

    def idle(
        self,
        cutoffs: Mapping[int, datetime],
        *,
        owner_id: int | None,
        limit: int | None = None,
    ) -> AgendaPage:
        stages = self._open_stages()
        wanted = {stage_id: stages[stage_id] for stage_id in cutoffs if stage_id in stages}
        where = self._live(owner_id, wanted, by_next_contact=False)
        if where is None:
            return AgendaPage((), 0)
        # One term per distinct threshold (stages often share one), not one per stage.
        by_cutoff: dict[datetime, list[int]] = defaultdict(list)
        for stage_id in sorted(wanted):
            by_cutoff[cutoffs[stage_id]].append(stage_id)
        where.append(
            or_(
                *(
                    and_(_DEALS.c.stage_id.in_(ids), _idle_since < cutoff)
                    for cutoff, ids in sorted(by_cutoff.items())
                )
            )
        )
        return self._page(where, (_idle_since, _DEALS.c.id), limit)

    def calendar(self, *, owner_id: int | None) -> list[CalendarEntry]:
        where = self._live(owner_id, self._open_stages(), by_next_contact=True)
        if where is None:
            return []
        where.append(_DEALS.c.next_contact_at.is_not(None))
        query = (
            select(*_COLUMNS, _DEALS.c.created_at)
            .where(*where)
            .order_by(_DEALS.c.next_contact_at, _DEALS.c.id)
        )
        return [
            CalendarEntry(self._item(row), row.created_at) for row in self._session.execute(query)
        ]

    # --- helpers ---------------------------------------------------------------------------

    def _page(
        self,
        where: Sequence[ColumnElement[bool]],
        order: Iterable[ColumnElement[Any]],
        limit: int | None,
    ) -> AgendaPage:
        query: Select[Any] = select(*_COLUMNS).where(*where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        items = tuple(self._item(row) for row in self._session.execute(query))
        if limit is None or len(items) < limit:
            return AgendaPage(items, len(items))
        count = select(func.count()).select_from(_DEALS).where(*where)
        return AgendaPage(items, int(self._session.execute(count).scalar_one()))

    def _live(
        self, owner_id: int | None, stages: Mapping[int, _Stage], *, by_next_contact: bool
    ) -> list[ColumnElement[bool]] | None:
        """The filter every section shares: live deals at `stages`, of one owner if given;
        None when there are no such stages (nothing to read).

        `by_next_contact`: the query reads a window of next contacts, best walked in order
        on ix_deals_next_contact (no sort, and `LIMIT` stops the walk early). SQLite has no
        statistics here and would rather take any index with an equality: the board's
        (pipeline, stage) ones, or the owner's, which holds an owner's closed deals too and
        needs a sort (20 ms instead of 1 at 100,000 deals). So such a query gets no pipeline
        filter, and compares `owner_id + 0`, which no index answers: plain SQL, the same on
        PostgreSQL. The other queries (no next contact, rotting) read every open deal of
        the stages anyway; for them the pipeline filter adds the (pipeline, stage) seeks and
        no condition, since a deal is always in its stage's pipeline.
        """
        if not stages:
            return None
        where: list[ColumnElement[bool]] = [
            _DEALS.c.deleted_at.is_(None),
            _DEALS.c.stage_id.in_(sorted(stages)),
        ]
        if not by_next_contact:
            pipelines = sorted({stage.pipeline_id for stage in stages.values()})
            where.append(_DEALS.c.pipeline_id.in_(pipelines))
        if owner_id is not None:
            owner = (
                _DEALS.c.owner_id + literal_column("0") if by_next_contact else _DEALS.c.owner_id
            )
            where.append(owner == owner_id)
        return where

    def _open_stages(self) -> dict[int, _Stage]:
        """Every open stage (of archived pipelines too: their deals are still live), by id."""
        if self._stages is None:
            query = (
                select(
                    _STAGES.c.id,
                    _STAGES.c.pipeline_id,
                    _PIPELINES.c.name.label("pipeline_name"),
                    _STAGES.c.name,
                    _STAGES.c.rot_days,
                    _STAGES.c.on_hold,
                )
                .join(_PIPELINES, _PIPELINES.c.id == _STAGES.c.pipeline_id)
                .where(_STAGES.c.kind == StageKind.OPEN.value)
            )
            self._stages = {
                row.id: _Stage(
                    row.pipeline_id,
                    row.pipeline_name,
                    row.name,
                    row.rot_days,
                    bool(row.on_hold),
                )
                for row in self._session.execute(query)
            }
        return self._stages

    def _owner(self, owner_id: int) -> tuple[str, str]:
        if self._owners is None:
            query = select(_USERS.c.id, _USERS.c.login, _USERS.c.display_name)
            self._owners = {
                row.id: (row.login, row.display_name) for row in self._session.execute(query)
            }
        return self._owners.get(owner_id, ("?", "?"))

    def _item(self, row: Any) -> AgendaItem:
        stage = self._open_stages()[row.stage_id]
        login, name = self._owner(row.owner_id)
        return AgendaItem(
            deal_id=row.id,
            version=row.version,
            title=row.title,
            company=row.company,
            value=Money(row.value_minor, row.currency),
            owner_login=login,
            owner_name=name,
            pipeline_name=stage.pipeline_name,
            stage_name=stage.name,
            next_contact_at=row.next_contact_at,
            next_contact_note=row.next_contact_note,
            idle_since=row.idle_since,
            rot_days=None if stage.on_hold else stage.rot_days,
            on_hold=stage.on_hold,
        )
