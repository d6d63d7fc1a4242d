"""What the analytics need from the store: a few aggregates, as a Protocol.

`storage/analytics_queries.py` answers them with SQL (GROUP BY over the deals and the
stage-change rows; nothing is loaded row by row). Every count here is of live deals
(no `deleted_at`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Cohort:
    """Which deals a cohort holds: created in [start, end), of one owner if given."""

    start: datetime
    end: datetime
    owner_id: int | None


@dataclass(frozen=True, slots=True)
class StageSum:
    """Deals at one stage in one currency: how many, and the sum of their values."""

    stage_id: int
    currency: str
    count: int
    value_minor: int


@dataclass(frozen=True, slots=True)
class LossSum:
    """Lost deals by the open stage they left last, their loss reason and currency."""

    stage_id: int | None
    """None: the deal never sat at an open stage of the pipeline (an import into lost)."""
    reason_id: int | None
    currency: str
    count: int
    value_minor: int


class AnalyticsReader(Protocol):
    def furthest(self, cohort: Cohort, ranks: Mapping[int, int]) -> dict[int, int]:
        """For the cohort's deals with a stage change into any stage of `ranks` (stage id ->
        rank): how many got furthest to each rank, the highest their history ever reached.
        Deals with no such change are not counted."""
        ...

    def current(self, cohort: Cohort, stage_ids: Sequence[int]) -> list[StageSum]:
        """The cohort's deals now at `stage_ids`, by stage and currency."""
        ...

    def current_all(self, owner_id: int | None, stage_ids: Sequence[int]) -> list[StageSum]:
        """Every deal now at `stage_ids` (of one owner if given), by stage and currency."""
        ...

    def losses(self, cohort: Cohort, lost_stage_id: int, open_ids: Sequence[int]) -> list[LossSum]:
        """The cohort's deals now at `lost_stage_id`, by the last of `open_ids` their history
        put them at, their loss reason and currency."""
        ...
