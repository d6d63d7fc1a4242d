"""What the KPI, team and loss reports share: which pipelines and deals are in view, the
currency to sum in, and exact ratios."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from funnel_tui.analytics.metrics_model import MetricsQuery
from funnel_tui.analytics.metrics_ports import Scope, StageRank
from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Pipeline
from funnel_tui.i18n import _
from funnel_tui.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class MetricsView:
    """The pipelines a report is about, as the store's `Scope` and as names."""

    scope: Scope
    pipelines: tuple[Pipeline, ...]
    pipeline_name: str | None
    """None: every pipeline."""
    owner_login: str | None

    def forward_ranks(self) -> dict[int, StageRank]:
        """Stage id -> its pipeline and rank: open stages in order, then won; lost stages
        are left out (a move into lost is never forward)."""
        ranks: dict[int, StageRank] = {}
        for pipeline in self.pipelines:
            ordered = (*pipeline.open_stages, pipeline.won_stage)
            for rank, stage in enumerate(ordered):
                ranks[stage.id] = StageRank(pipeline.id, rank)
        return ranks


def metrics_view(uow: UnitOfWork, query: MetricsQuery) -> MetricsView:
    """The view of `query`: its pipeline, or every pipeline that is not archived."""
    pipelines = tuple(uow.metrics.pipelines(query.pipeline_id))
    if query.pipeline_id is not None and not pipelines:
        raise NotFoundError(_("no pipeline #{number}").format(number=query.pipeline_id))
    owner = uow.users.get(query.owner_id) if query.owner_id is not None else None
    if query.owner_id is not None and owner is None:
        raise NotFoundError(_("no user #{number}").format(number=query.owner_id))
    scope = Scope(
        pipeline_ids=tuple(pipeline.id for pipeline in pipelines),
        stage_ids=tuple(stage.id for pipeline in pipelines for stage in pipeline.stages),
        open_ids=tuple(stage.id for pipeline in pipelines for stage in pipeline.open_stages),
        won_ids=tuple(pipeline.won_stage.id for pipeline in pipelines),
        lost_ids=tuple(pipeline.lost_stage.id for pipeline in pipelines),
        owner_id=query.owner_id,
    )
    return MetricsView(
        scope=scope,
        pipelines=pipelines,
        pipeline_name=pipelines[0].name if query.pipeline_id is not None else None,
        owner_login=owner.login if owner is not None else None,
    )


def main_currency(*groups: Iterable[tuple[str, int]]) -> str | None:
    """The currency most deals are in, from (currency, count) pairs: the first group that
    has any deal decides (the first code in alphabetical order on a tie)."""
    for group in groups:
        deals = Counter[str]()
        for currency, count in group:
            deals[currency] += count
        if +deals:
            return min(+deals, key=lambda code: (-deals[code], code))
    return None


def ratio(part: int, whole: int) -> Fraction | None:
    """part / whole; None for x/0 (undefined, shown as "—")."""
    return None if whole == 0 else Fraction(part, whole)
