"""What the forecast and the reference funnel need from the store: three aggregates, as a
Protocol.

`storage/forecast_queries.py` answers them with SQL GROUP BYs over the deals and their
stage-change rows. Every count here is of live deals (no `deleted_at`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from funnel_tui.analytics.ports import Cohort


@dataclass(frozen=True, slots=True)
class MonthSum:
    """Open deals at one stage in one currency whose expected close falls in one bucket."""

    stage_id: int
    currency: str
    bucket: int | None
    """Index of the month in the bounds given: `month_bounds[i] <= expected close <
    month_bounds[i + 1]`; -1 before the first bound, `len(month_bounds) - 1` from the last
    bound on; None: no expected close."""
    count: int
    value_minor: int


@dataclass(frozen=True, slots=True)
class PipelineRanks:
    """One pipeline's stages as the measured odds see them."""

    won_stage_id: int
    lost_stage_id: int
    ranks: Mapping[int, int]
    """Stage id -> rank: the open stages in order (0, 1, ...), then the won stage."""


@dataclass(frozen=True, slots=True)
class ClosedPath:
    """Closed deals now at one won or lost stage, by the furthest rank their history reached
    in that stage's pipeline."""

    stage_id: int
    """The won or lost stage the deals are at now."""
    furthest: int | None
    """Lost deals: the highest rank of their pipeline their history reached; None for won
    deals (not asked: a won deal reached every stage) and for lost deals that never sat at
    a ranked stage of the pipeline (imported straight into lost)."""
    count: int


@dataclass(frozen=True, slots=True)
class WonSum:
    """Deals won in a period (by `closed_at`) in one currency."""

    currency: str
    count: int
    value_minor: int


class ForecastReader(Protocol):
    def open_by_month(
        self,
        stages: Mapping[int, Sequence[int]],
        owner_id: int | None,
        month_bounds: Sequence[date],
    ) -> list[MonthSum]:
        """Deals now at the `stages` (pipeline id -> stage ids; of one owner if given), by
        stage, currency and the bucket of `month_bounds` (ascending first days of months) their
        expected close falls in."""
        ...

    def closed_paths(self, cohort: Cohort, pipelines: Sequence[PipelineRanks]) -> list[ClosedPath]:
        """The cohort's deals now at a won or lost stage of `pipelines`; lost ones by the
        furthest rank they reached (see `ClosedPath`)."""
        ...

    def won_between(
        self,
        pipeline_id: int,
        won_stage_id: int,
        owner_id: int | None,
        start: datetime,
        end: datetime,
    ) -> list[WonSum]:
        """Deals now at the pipeline's `won_stage_id` closed in [start, end), by currency."""
        ...
