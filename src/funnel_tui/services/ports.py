"""What the services need from storage, as Protocols. `storage/` implements them with SQL;
tests may use fakes. Services never import storage (import-linter checks it)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from funnel_tui.analytics.forecast_ports import ForecastReader
from funnel_tui.analytics.metrics_ports import MetricsReader
from funnel_tui.analytics.ports import AnalyticsReader
from funnel_tui.domain.events import DealEvent
from funnel_tui.domain.models import (
    Activity,
    ChecklistAnswer,
    Deal,
    LossReason,
    Pipeline,
    PipelineSpec,
    PlanTarget,
    Role,
    Stage,
    StageChange,
    StageSpec,
    User,
)
from funnel_tui.domain.money import Money
from funnel_tui.services.agenda_model import AgendaItem, CalendarEntry
from funnel_tui.services.board_model import BoardQuery, Card


@dataclass(frozen=True, slots=True)
class DealBundle:
    """A deal with its whole stage history and activity log (for bulk import/export).

    In a bundle to insert, `deal.id`, and the ids and deal ids of history and activities,
    are ignored: storage assigns them.
    """

    deal: Deal
    history: tuple[StageChange, ...]
    activities: tuple[Activity, ...]
    answers: tuple[ChecklistAnswer, ...] = ()
    """Exit-checklist answers (their deal ids are ignored on insert, like the others')."""
    events: tuple[DealEvent, ...] = ()
    """The audit trail (field edits, next contacts, answers, delete/restore), oldest first."""


@dataclass(frozen=True, slots=True)
class StageTotal:
    """Open (not deleted) deals at one stage in one currency: count and sum of values."""

    stage_id: int
    currency: str
    count: int
    value_minor: int


class UserRepository(Protocol):
    def get(self, user_id: int) -> User | None: ...
    def by_login(self, login: str) -> User | None: ...
    def add(self, login: str, display_name: str, role: Role, at: datetime) -> User: ...
    def list(self) -> builtins.list[User]: ...
    def update(self, user_id: int, *, display_name: str, role: Role) -> User: ...
    def default_owner(self) -> User | None:
        """Who new deals go to when nobody is named (None: whoever creates them)."""
        ...

    def set_default_owner(self, user_id: int | None) -> None: ...


class PipelineRepository(Protocol):
    def list(self, *, include_archived: bool = False) -> builtins.list[Pipeline]: ...
    def get(self, pipeline_id: int) -> Pipeline | None: ...
    def by_name(self, name: str) -> Pipeline | None:
        """Case-insensitive lookup among pipelines that are not archived."""
        ...

    def add(self, spec: PipelineSpec, at: datetime) -> Pipeline: ...
    def add_open_stage(self, pipeline_id: int, stage: StageSpec) -> Pipeline:
        """An open stage after the last open one (won and lost stay last)."""
        ...

    def add_loss_reason(self, pipeline_id: int, name: str) -> Pipeline: ...
    def update(self, pipeline_id: int, *, name: str, archived_at: datetime | None) -> Pipeline:
        """Rename, archive (a time) or bring back (None) a pipeline."""
        ...

    def reorder(self, ordered_ids: Sequence[int]) -> None:
        """Number the pipelines in this order (the board's `p` goes through them so)."""
        ...

    def update_stage(self, stage: Stage) -> Pipeline:
        """Write a stage's name, probability, key flag, rotting days, hold flag, checklist."""
        ...

    def reorder_stages(self, pipeline_id: int, ordered_ids: Sequence[int]) -> Pipeline:
        """Number the pipeline's live stages in this order."""
        ...

    def delete_stage(self, pipeline_id: int, stage_id: int, at: datetime) -> Pipeline:
        """Mark a stage deleted (its row stays for the history that names it)."""
        ...

    def update_loss_reason(self, reason: LossReason) -> Pipeline:
        """Write a loss reason's name and retirement."""
        ...

    def removed_stages(self, pipeline_ids: Sequence[int]) -> dict[int, builtins.list[Stage]]:
        """The deleted stages of these pipelines (kept for the history that names them), by
        pipeline id, in position order; pipelines without any are left out."""
        ...


class DealRepository(Protocol):
    def get(self, deal_id: int, *, include_deleted: bool = False) -> Deal | None: ...
    def add(self, deal: Deal) -> Deal:
        """Insert `deal` (its id is ignored) and return it with its new id."""
        ...

    def update(self, deal: Deal, expected_version: int) -> Deal:
        """Write every field of `deal` if the stored version is `expected_version`.

        Returns the deal with its version incremented; raises ConflictError otherwise.
        """
        ...

    def touch_activity(self, deal_id: int, at: datetime) -> None:
        """Move `last_activity_at` forward to `at` (never back); not a versioned edit."""
        ...

    def record_stage_change(
        self, deal_id: int, from_stage_id: int | None, to_stage_id: int, at: datetime, by: int
    ) -> StageChange: ...
    def history(self, deal_id: int) -> list[StageChange]: ...
    def search(self, text: str, limit: int) -> list[Deal]:
        """Live deals whose title, company, contact, phone or tags contain `text` (any case),
        most recently changed first."""
        ...

    def count(self, *, include_deleted: bool = False) -> int: ...
    def count_in_stage(self, stage_id: int) -> int:
        """Live deals now at the stage."""
        ...

    def move_all(self, from_stage_id: int, to_stage_id: int, at: datetime, by: int) -> int:
        """Every deal of a stage to another, each move recorded as a stage change."""
        ...


class ActivityRepository(Protocol):
    def add(self, activity: Activity) -> Activity: ...
    def for_deal(self, deal_id: int) -> list[Activity]: ...


class ChecklistRepository(Protocol):
    def for_deal(self, deal_id: int) -> list[ChecklistAnswer]:
        """Every stored answer of the deal, for all stages it has been at."""
        ...

    def put(self, answer: ChecklistAnswer) -> None:
        """Insert or replace the answer to (deal, stage, question)."""
        ...


class EventRepository(Protocol):
    """The audit trail (domain/events.py): written in the same transaction as the change."""

    def add(self, event: DealEvent) -> DealEvent:
        """Insert `event` (its id is ignored) and return it with its new id."""
        ...

    def add_many(self, events: Sequence[DealEvent]) -> None: ...
    def for_deal(self, deal_id: int) -> builtins.list[DealEvent]:
        """The deal's events, oldest first."""
        ...

    def for_deals(self, deal_ids: Sequence[int]) -> dict[int, builtins.list[DealEvent]]: ...


class BulkRepository(Protocol):
    def insert_bundles(self, bundles: Sequence[DealBundle]) -> None:
        """Insert many deals with their histories and activities, fast."""
        ...

    def existing_external_ids(self, candidates: Iterable[str]) -> set[str]:
        """Those of `candidates` some deal (deleted ones too) already came from."""
        ...

    def iter_bundles(self) -> Iterator[DealBundle]:
        """Every deal (deleted ones too) by creation time, with history and activities."""
        ...


class BoardReader(Protocol):
    """Lean reads for the board: totals per stage, and one window of cards at a time."""

    def totals(self, board: BoardQuery, stage_ids: Sequence[int]) -> builtins.list[StageTotal]: ...
    def due_count(self, owner_id: int | None, before: datetime) -> int:
        """Open live deals (of `owner_id`, or everyone's) with a next contact before `before`."""
        ...

    def plans(self, month: date) -> builtins.list[PlanTarget]:
        """The stages' plan targets for `month` (its first day): the team's and each owner's."""
        ...

    def cards(
        self, board: BoardQuery, stage_id: int, offset: int, limit: int
    ) -> builtins.list[Card]: ...


class PlanRepository(Protocol):
    """Monthly plan amounts of whole pipelines (plan targets with no stage): the team's (no
    owner) and each owner's. A plan holds from its month until the next one of the same
    pipeline and owner; one with no amount means "no plan from this month on"."""

    def in_effect(self, pipeline_id: int, owner_id: int | None, month: date) -> PlanTarget | None:
        """The latest plan of the pipeline and owner (None: the team's) from `month` (a first
        day) or before."""
        ...

    def put(
        self, pipeline_id: int, owner_id: int | None, month: date, amount: Money | None
    ) -> PlanTarget:
        """Set the plan from `month` on (None: no plan), replacing one set for that month."""
        ...

    def list(self, pipeline_id: int | None = None) -> builtins.list[PlanTarget]:
        """Every plan (of one pipeline if given), by pipeline, the team's first, then month."""
        ...

    def stage_targets(self, pipeline_id: int, month: date) -> builtins.list[PlanTarget]:
        """The team's stage targets (reference funnel) of the pipeline for `month`."""
        ...

    def put_stage_target(
        self, pipeline_id: int, stage_id: int, month: date, count: int | None, amount: Money | None
    ) -> PlanTarget:
        """Set the team's target of a stage for `month` (None and None: no target)."""
        ...

    def stage_target_list(self, pipeline_id: int | None = None) -> builtins.list[PlanTarget]:
        """Every team stage target (of one pipeline if given) of every month, those of
        removed stages included: by pipeline, stage, then month."""
        ...


@dataclass(frozen=True, slots=True)
class AgendaPage:
    """The first items of an agenda section, and how many there are in all."""

    items: tuple[AgendaItem, ...]
    total: int


class AgendaReader(Protocol):
    """Open live deals (stage of kind `open`, not deleted) for the agenda, read lean.

    `owner_id` limits every read to one owner's deals; None means everyone's. A `limit` of
    None reads every matching deal.
    """

    def rot_days(self) -> dict[int, int]:
        """The rotting threshold in days of each open stage that has one, by stage id."""
        ...

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
        """Deals whose next contact is set and is `>= since`, `> after`, `< before` and
        `<= until` (each bound only when given), soonest first. `held` False leaves out the
        deals of holding stages (domain.models.Stage.on_hold)."""
        ...

    def unscheduled(self, *, owner_id: int | None, limit: int | None = None) -> AgendaPage:
        """Deals without a next contact, longest idle first."""
        ...

    def idle(
        self,
        cutoffs: Mapping[int, datetime],
        *,
        owner_id: int | None,
        limit: int | None = None,
    ) -> AgendaPage:
        """Deals at the stages of `cutoffs` (stage id -> moment) idle since before their
        stage's moment, longest idle first."""
        ...

    def calendar(self, *, owner_id: int | None) -> list[CalendarEntry]:
        """Every deal with a next contact, soonest first, with its creation time."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls back."""

    # Read-only properties, so that implementations may narrow the types.
    @property
    def users(self) -> UserRepository: ...
    @property
    def pipelines(self) -> PipelineRepository: ...
    @property
    def deals(self) -> DealRepository: ...
    @property
    def activities(self) -> ActivityRepository: ...
    @property
    def checklist(self) -> ChecklistRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def bulk(self) -> BulkRepository: ...
    @property
    def board(self) -> BoardReader: ...
    @property
    def agenda(self) -> AgendaReader: ...
    @property
    def analytics(self) -> AnalyticsReader: ...
    @property
    def forecast(self) -> ForecastReader: ...
    @property
    def plans(self) -> PlanRepository: ...
    @property
    def metrics(self) -> MetricsReader: ...

    def commit(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Store(Protocol):
    """A database: hands out units of work."""

    label: str
    """How to name this database in messages (a path, or a URL without its password)."""

    def write(self) -> UnitOfWork:
        """A transaction that takes the write lock at its start (no lost updates)."""
        ...

    def read(self) -> UnitOfWork:
        """A read-only snapshot."""
        ...

    def backup(self, destination: Path) -> None:
        """A consistent copy of the live database."""
        ...

    def default_backup(self) -> Path:
        """Where a backup goes when the user names no destination (a new name each time)."""
        ...

    def data_version(self) -> int:
        """A cheap change counter, polled by the app to refresh what it shows: it differs
        from an earlier value whenever any process (this one included) has committed a
        change since. Only equality means anything; the numbers need not grow. Cheap
        enough to call every second from the UI thread."""
        ...

    def close(self) -> None: ...
