"""A summary of every pipeline: deals and amounts per stage (the first screen's data)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from funnel_tui.domain.models import Pipeline, Stage
from funnel_tui.domain.money import Money
from funnel_tui.services.ports import Store


@dataclass(frozen=True, slots=True)
class StageSummary:
    stage: Stage
    count: int
    amounts: tuple[Money, ...]
    """One sum per currency: currencies are never added together."""


@dataclass(frozen=True, slots=True)
class PipelineSummary:
    pipeline: Pipeline
    stages: tuple[StageSummary, ...]


def summarize_pipelines(store: Store) -> list[PipelineSummary]:
    with store.read() as uow:
        pipelines = uow.pipelines.list()
        totals = {pipeline.id: uow.deals.stage_totals(pipeline.id) for pipeline in pipelines}
    summaries = []
    for pipeline in pipelines:
        counts: dict[int, int] = defaultdict(int)
        amounts: dict[int, list[Money]] = defaultdict(list)
        for total in totals[pipeline.id]:
            counts[total.stage_id] += total.count
            amounts[total.stage_id].append(Money(total.value_minor, total.currency))
        stages = tuple(
            StageSummary(stage, counts[stage.id], tuple(amounts[stage.id]))
            for stage in pipeline.stages
        )
        summaries.append(PipelineSummary(pipeline, stages))
    return summaries
