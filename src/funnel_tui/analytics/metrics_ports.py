"""What the KPI, team and loss reports need from the store: a few aggregates, as a Protocol.

`storage/metrics_queries.py` answers them with SQL GROUP BYs (and a correlated subquery per
deal where a deal's history or first activity matters); nothing is loaded row by row. Every
figure here is of live deals (no `deleted_at`) and of non-deleted activities. Durations are
whole seconds (timestamps are compared to the nearest second).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Protocol

from funnel_tui.domain.models import Pipeline


@dataclass(frozen=True, slots=True)
class Scope:
    """The deals in view: those now at a stage of the pipelines in view, of one owner if
    given. The stage groups are the pipelines' own (see `analytics/metrics_view.py`)."""

    pipeline_ids: tuple[int, ...]
    stage_ids: tuple[int, ...]
    """Every stage of the pipelines in view."""
    open_ids: tuple[int, ...]
    won_ids: tuple[int, ...]
    lost_ids: tuple[int, ...]
    owner_id: int | None


@dataclass(frozen=True, slots=True)
class StageRank:
    """Where a stage stands for "moved forward": its pipeline and its rank in it (the open
    stages 0, 1, ..., then won; lost stages have none)."""

    pipeline_id: int
    rank: int


@dataclass(frozen=True, slots=True)
class OwnerCount:
    """Deals of one owner in one currency."""

    owner_id: int
    currency: str
    count: int


@dataclass(frozen=True, slots=True)
class ClosedSum:
    """Deals closed in a period (closed_at in it) and still at that won or lost stage."""

    owner_id: int
    stage_id: int
    reason_id: int | None
    currency: str
    count: int
    value_minor: int
    cycle_seconds: int
    """Σ seconds from creation to close."""


@dataclass(frozen=True, slots=True)
class ActivityCount:
    user_id: int
    """Who logged the activities (not the deal's owner)."""
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class ContactStatus:
    """One owner's open deals now in one currency, by the state of their next contact."""

    owner_id: int
    currency: str
    open: int
    overdue: int
    """With a next contact before now."""
    unscheduled: int
    """With no next contact."""


class MetricsReader(Protocol):
    def pipelines(self, pipeline_id: int | None) -> list[Pipeline]:
        """The pipeline `pipeline_id`, archived or not (an empty list: none), or with None
        every pipeline not archived, in their order: what `uow.pipelines.get` and `.list`
        give (live stages, every loss reason), read in fewer steps for the reports."""
        ...

    def loss_reason_names(self) -> dict[int, str]:
        """Every loss reason's name by id, of every pipeline (archived ones, retired
        reasons too: a deal keeps its reason)."""
        ...

    def created(self, scope: Scope, start: datetime, end: datetime) -> list[OwnerCount]:
        """Deals in view created in [start, end), by owner and currency."""
        ...

    def open_at(self, scope: Scope, moment: datetime) -> list[OwnerCount]:
        """Deals in view that were open at `moment`, by owner and currency: created before
        it, and whose latest stage change before it put them at an open stage in view (the
        state a period ending at `moment` closed with; `moment` itself is excluded)."""
        ...

    def closed(self, scope: Scope, start: datetime, end: datetime) -> list[ClosedSum]:
        """Deals in view now at a won or lost stage that closed in [start, end), by owner,
        stage, loss reason and currency."""
        ...

    def median_cycle_seconds(self, scope: Scope, start: datetime, end: datetime) -> Fraction | None:
        """The median seconds from creation to close of the deals in view now at a won
        stage that closed in [start, end) (the mean of the middle two for an even count);
        None: none."""
        ...

    def activities(
        self, scope: Scope, start: datetime, end: datetime, kinds: Collection[str]
    ) -> list[ActivityCount]:
        """Activities of `kinds` done in [start, end) on deals in view, by the user who
        logged them and kind. `scope.owner_id`, if given, is that user here."""
        ...

    def moved_forward(
        self, scope: Scope, start: datetime, end: datetime, ranks: Mapping[int, StageRank]
    ) -> dict[int, int]:
        """By user: the stage changes they made in [start, end) on live deals from a stage of
        `ranks` to a higher-ranked one of the same pipeline (creation rows, with no from
        stage, are not moves). `scope.owner_id`, if given, is that user here."""
        ...

    def first_response_medians(
        self, scope: Scope, start: datetime, end: datetime
    ) -> dict[int, Fraction]:
        """By owner: the median seconds from creation to the first activity (at or after
        creation) of their deals in view created in [start, end) that have one."""
        ...

    def contacts_now(self, scope: Scope, now: datetime) -> list[ContactStatus]:
        """The open deals in view now, by owner and currency."""
        ...
