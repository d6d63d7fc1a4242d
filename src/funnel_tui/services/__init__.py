"""Use cases and analytics: no Textual, no SQL. Storage comes in through `ports.Store`."""

from __future__ import annotations

from dataclasses import dataclass

from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.interchange import InterchangeService
from funnel_tui.services.pipelines import PipelineService

__all__ = ["Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """Every service over one open database, built by `bootstrap.open_services`."""

    context: ServiceContext
    deals: DealService
    pipelines: PipelineService
    interchange: InterchangeService

    @classmethod
    def over(cls, context: ServiceContext) -> Services:
        return cls(
            context=context,
            deals=DealService(context),
            pipelines=PipelineService(context),
            interchange=InterchangeService(context),
        )

    def close(self) -> None:
        self.context.store.close()
