"""The funnel of one pipeline: cohort reach, conversions, drop-off, the bottleneck, and the
snapshot of open deals (DESIGN.md, "Definitions of the figures").

`funnel_report` reads four aggregates in one read transaction (`AnalyticsReader`), and
`assemble` turns them into a `FunnelReport`: cumulative sums and ratios over a handful of
numbers, one per stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from funnel_tui.analytics.funnel_model import (
    FunnelQuery,
    FunnelReport,
    FunnelView,
    LossFigure,
    StageFigures,
    Transition,
)
from funnel_tui.analytics.ports import Cohort, LossSum, StageSum
from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _
from funnel_tui.services.ports import Store

BOTTLENECK_MIN_REACHED = 5
"""A transition is a bottleneck candidate only from a stage at least this many deals reached."""

LOST_RANK = -1
"""The rank of the lost stage: a deal whose history holds nothing higher reached no stage."""


@dataclass(frozen=True, slots=True)
class FunnelCounts:
    """What the store counted for one report (see `AnalyticsReader`)."""

    furthest: Mapping[int, int]
    """Cohort deals by the highest rank their history reached (open stages 0..n-1, won n,
    lost `LOST_RANK`)."""
    cohort_now: tuple[StageSum, ...]
    """Cohort deals by the pipeline stage they are at now."""
    open_now: tuple[StageSum, ...] | None
    """Snapshot view: every deal at each open stage now (None in the cohort view)."""
    losses: tuple[LossSum, ...]


class CurrencyCount(Protocol):
    """Deals in one currency: a `StageSum`, a `MonthSum`."""

    @property
    def currency(self) -> str: ...

    @property
    def count(self) -> int: ...


def stage_ranks(pipeline: Pipeline) -> dict[int, int]:
    """Stage id -> rank: open stages in order, then won; lost below them all."""
    ranks = {stage.id: index for index, stage in enumerate(pipeline.open_stages)}
    ranks[pipeline.won_stage.id] = len(pipeline.open_stages)
    ranks[pipeline.lost_stage.id] = LOST_RANK
    return ranks


def funnel_report(
    store: Store, query: FunnelQuery, view: FunnelView, *, fallback_currency: str
) -> FunnelReport:
    """The report for `query` in `view`, read in one transaction. `fallback_currency`: the
    amounts' currency when the query names none and there are no deals to tell."""
    cohort = Cohort(query.start, query.end, query.owner_id)
    with store.read() as uow:
        found = uow.metrics.pipelines(query.pipeline_id)
        if not found:
            raise NotFoundError(_("no pipeline #{number}").format(number=query.pipeline_id))
        pipeline = found[0]
        owner = uow.users.get(query.owner_id) if query.owner_id is not None else None
        open_ids = [stage.id for stage in pipeline.open_stages]
        reader = uow.analytics
        counts = FunnelCounts(
            furthest=reader.furthest(cohort, stage_ranks(pipeline)),
            cohort_now=tuple(reader.current(cohort, [stage.id for stage in pipeline.stages])),
            open_now=(
                tuple(reader.current_all(query.owner_id, open_ids))
                if view is FunnelView.SNAPSHOT
                else None
            ),
            losses=tuple(reader.losses(cohort, pipeline.lost_stage.id, open_ids)),
        )
    return assemble(
        pipeline,
        query,
        view,
        counts,
        owner_login=owner.login if owner else None,
        fallback_currency=fallback_currency,
    )


def assemble(
    pipeline: Pipeline,
    query: FunnelQuery,
    view: FunnelView,
    counts: FunnelCounts,
    *,
    owner_login: str | None,
    fallback_currency: str,
) -> FunnelReport:
    """The figures from the counts: no I/O."""
    stages = pipeline.open_stages
    in_view = counts.open_now if counts.open_now is not None else counts.cohort_now
    currency = query.currency or main_currency(in_view, counts.cohort_now) or fallback_currency
    reached = _reached(counts.furthest, len(stages))
    at_stage = _totals(counts.cohort_now)
    won = at_stage.get(pipeline.won_stage.id, _Total()).count
    lost = at_stage.get(pipeline.lost_stage.id, _Total()).count
    conversions = [
        _ratio(reached[index + 1] if index + 1 < len(stages) else won, reached[index])
        for index in range(len(stages))
    ]
    index_of = {stage.id: index for index, stage in enumerate(stages)}
    dropoff = Counter[int]()
    for loss in counts.losses:
        if loss.stage_id is not None and loss.stage_id in index_of:
            dropoff[index_of[loss.stage_id]] += loss.count
    shown = _totals(in_view, currency)
    figures = tuple(
        StageFigures(
            stage_id=stage.id,
            name=stage.name,
            is_key=stage.is_key,
            probability=stage.probability,
            reached=reached[index],
            conversion_to_next=conversions[index],
            dropoff=dropoff[index],
            count=shown.get(stage.id, _Total()).count,
            amount=Money(shown.get(stage.id, _Total()).value_minor, currency),
            weighted_amount=Money(
                _weighted(shown.get(stage.id, _Total()).value_minor, stage.probability), currency
            ),
        )
        for index, stage in enumerate(stages)
    )
    seen = {row.currency for row in (*in_view, *counts.cohort_now)}
    return FunnelReport(
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        won_stage_name=pipeline.won_stage.name,
        view=view,
        start=query.start,
        end=query.end,
        owner_login=owner_login,
        currency=currency,
        stages=figures,
        cohort_size=sum(counts.furthest.values()),
        won=won,
        lost=lost,
        whole_conversion=_ratio(won, reached[0]),
        bottleneck=_bottleneck(figures, pipeline.won_stage.name),
        inverse_at=_inverse_at([figure.count for figure in figures]),
        losses=_losses(counts.losses, index_of, pipeline, currency),
        other_currencies=tuple(sorted(seen - {currency})),
    )


@dataclass(frozen=True, slots=True)
class _Total:
    count: int = 0
    value_minor: int = 0
    """In the one currency asked for (0 when the totals were of every currency)."""


def _totals(rows: Iterable[StageSum], currency: str | None = None) -> dict[int, _Total]:
    """By stage: the count of every deal, and the sum of the values in `currency`."""
    totals: dict[int, _Total] = {}
    for row in rows:
        before = totals.get(row.stage_id, _Total())
        value = row.value_minor if row.currency == currency else 0
        totals[row.stage_id] = _Total(before.count + row.count, before.value_minor + value)
    return totals


def main_currency(*groups: Iterable[CurrencyCount]) -> str | None:
    """The currency most deals of the first non-empty group are in (alphabetical on a tie)."""
    for group in groups:
        deals = Counter[str]()
        for row in group:
            deals[row.currency] += row.count
        if deals:
            return min(deals, key=lambda code: (-deals[code], code))
    return None


def _reached(furthest: Mapping[int, int], open_count: int) -> list[int]:
    """reached[k]: deals whose furthest rank is k or more (won is rank `open_count`)."""
    reached = [0] * (open_count + 1)
    running = 0
    for rank in range(open_count, -1, -1):
        running += furthest.get(rank, 0)
        reached[rank] = running
    return reached


def _ratio(part: int, whole: int) -> Fraction | None:
    return None if whole == 0 else Fraction(part, whole)


def _weighted(value_minor: int, probability: int) -> int:
    """value × probability %, rounded once to minor units, half to even."""
    return round(Fraction(value_minor * probability, 100))


def _bottleneck(figures: tuple[StageFigures, ...], won_name: str) -> Transition | None:
    candidates = [
        (figure.conversion_to_next, index)
        for index, figure in enumerate(figures)
        if figure.reached >= BOTTLENECK_MIN_REACHED and figure.conversion_to_next is not None
    ]
    if not candidates:
        return None
    conversion, index = min(candidates)  # the lowest; the earliest on a tie
    following = figures[index + 1].name if index + 1 < len(figures) else won_name
    return Transition(index, figures[index].name, following, conversion)


def _inverse_at(counts: list[int]) -> tuple[int, ...]:
    """Stages holding more deals than some earlier stage."""
    flagged = []
    lowest: int | None = None
    for index, count in enumerate(counts):
        if lowest is not None and count > lowest:
            flagged.append(index)
        lowest = count if lowest is None else min(lowest, count)
    return tuple(flagged)


def _losses(
    rows: Iterable[LossSum], index_of: Mapping[int, int], pipeline: Pipeline, currency: str
) -> tuple[LossFigure, ...]:
    reasons = {reason.id: reason.name for reason in pipeline.loss_reasons}
    grouped: dict[tuple[int, str | None], tuple[int, int]] = {}
    for row in rows:
        if row.stage_id is None or row.stage_id not in index_of:
            continue  # never at an open stage here (imported straight into lost)
        key = (index_of[row.stage_id], reasons.get(row.reason_id) if row.reason_id else None)
        count, value = grouped.get(key, (0, 0))
        grouped[key] = (
            count + row.count,
            value + (row.value_minor if row.currency == currency else 0),
        )
    ordered = sorted(grouped.items(), key=lambda item: (item[0][0], -item[1][0], item[0][1] or ""))
    return tuple(
        LossFigure(stage_index, reason, count, Money(value, currency))
        for (stage_index, reason), (count, value) in ordered
    )
