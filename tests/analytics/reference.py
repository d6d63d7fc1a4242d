"""A slow, plain reference implementation of DESIGN.md's funnel figures, straight from the
definitions, over every deal and its whole history loaded into Python. The property tests
check the SQL-backed `funnel_report` against it; it shares no code with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from funnel_tui.domain.models import Pipeline
from funnel_tui.services.ports import DealBundle


@dataclass(frozen=True)
class ReferenceStage:
    reached: int
    conversion_to_next: Fraction | None
    dropoff: int
    count: int
    amount_minor: int
    weighted_minor: int


@dataclass(frozen=True)
class Reference:
    stages: tuple[ReferenceStage, ...]
    won: int
    lost: int
    cohort_size: int
    whole_conversion: Fraction | None
    bottleneck: int | None
    inverse_at: tuple[int, ...]
    losses: tuple[tuple[int, str | None, int, int], ...]
    """(stage index, reason, count, amount in minor units of the report currency)."""


def reference(
    pipeline: Pipeline,
    bundles: Sequence[DealBundle],
    *,
    start: datetime,
    end: datetime,
    owner_id: int | None,
    snapshot: bool,
    currency: str,
) -> Reference:
    open_stages = list(pipeline.open_stages)
    open_ids = [stage.id for stage in open_stages]
    won_id, lost_id = pipeline.won_stage.id, pipeline.lost_stage.id
    pipeline_ids = {stage.id for stage in pipeline.stages}
    reasons = {reason.id: reason.name for reason in pipeline.loss_reasons}

    def live(bundle: DealBundle) -> bool:
        deal = bundle.deal
        return deal.deleted_at is None and (owner_id is None or deal.owner_id == owner_id)

    cohort = [
        bundle
        for bundle in bundles
        if live(bundle)
        and start <= bundle.deal.created_at < end
        and any(change.to_stage_id in pipeline_ids for change in bundle.history)
    ]

    def reached_stage(bundle: DealBundle, index: int) -> bool:
        """Its history put it at this stage, a later open one, or won."""
        later = set(open_ids[index:]) | {won_id}
        return any(change.to_stage_id in later for change in bundle.history)

    reached = [sum(reached_stage(b, i) for b in cohort) for i in range(len(open_stages))]
    won = sum(b.deal.stage_id == won_id for b in cohort)
    lost = sum(b.deal.stage_id == lost_id for b in cohort)

    def last_open_before_loss(bundle: DealBundle) -> int | None:
        history = sorted(bundle.history, key=lambda change: (change.at, change.id))
        final_loss = max(i for i, change in enumerate(history) if change.to_stage_id == lost_id)
        before = [c.to_stage_id for c in history[:final_loss] if c.to_stage_id in open_ids]
        return open_ids.index(before[-1]) if before else None

    lost_deals = [(b, last_open_before_loss(b)) for b in cohort if b.deal.stage_id == lost_id]
    dropoff = [sum(1 for _, at in lost_deals if at == i) for i in range(len(open_stages))]

    in_view = (
        [b for b in bundles if live(b) and b.deal.stage_id in open_ids] if snapshot else cohort
    )
    stages = []
    for index, stage in enumerate(open_stages):
        following = reached[index + 1] if index + 1 < len(open_stages) else won
        here = [b for b in in_view if b.deal.stage_id == stage.id]
        amount = sum(b.deal.value.minor for b in here if b.deal.value.currency == currency)
        stages.append(
            ReferenceStage(
                reached=reached[index],
                conversion_to_next=Fraction(following, reached[index]) if reached[index] else None,
                dropoff=dropoff[index],
                count=len(here),
                amount_minor=amount,
                weighted_minor=round(Fraction(amount * stage.probability, 100)),
            )
        )

    candidates = [
        (stage.conversion_to_next, index)
        for index, stage in enumerate(stages)
        if stage.reached >= 5 and stage.conversion_to_next is not None
    ]
    counts = [stage.count for stage in stages]
    inverse_at = tuple(
        index for index in range(len(counts)) if any(counts[index] > c for c in counts[:index])
    )
    loss_groups: dict[tuple[int, str | None], list[DealBundle]] = {}
    for bundle, at in lost_deals:
        if at is not None:
            reason = reasons.get(bundle.deal.loss_reason_id) if bundle.deal.loss_reason_id else None
            loss_groups.setdefault((at, reason), []).append(bundle)
    losses = sorted(
        (
            (
                at,
                reason,
                len(group),
                sum(b.deal.value.minor for b in group if b.deal.value.currency == currency),
            )
            for (at, reason), group in loss_groups.items()
        ),
        key=lambda loss: (loss[0], -loss[2], loss[1] or ""),
    )
    return Reference(
        stages=tuple(stages),
        won=won,
        lost=lost,
        cohort_size=len(cohort),
        whole_conversion=Fraction(won, reached[0]) if reached[0] else None,
        bottleneck=min(candidates)[1] if candidates else None,
        inverse_at=inverse_at,
        losses=tuple(losses),
    )
