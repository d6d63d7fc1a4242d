"""Use cases and analytics: no Textual, no SQL. Storage comes in through `ports.Store`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from funnel_tui.services.agenda import AgendaService
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.loss_reasons import LossReasonService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.services.plans import PlanService
from funnel_tui.services.stages import StageService
from funnel_tui.services.users import UserService

if TYPE_CHECKING:
    from funnel_tui.services.interchange import InterchangeService

__all__ = ["Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """Every service over one open database, built by `bootstrap.open_services`."""

    context: ServiceContext
    deals: DealService
    pipelines: PipelineService
    agenda: AgendaService

    @classmethod
    def over(cls, context: ServiceContext) -> Services:
        return cls(
            context=context,
            deals=DealService(context),
            pipelines=PipelineService(context),
            agenda=AgendaService(context),
        )

    @property
    def plans(self) -> PlanService:
        return PlanService(self.context)

    @property
    def stages(self) -> StageService:
        return StageService(self.context)

    @property
    def loss_reasons(self) -> LossReasonService:
        return LossReasonService(self.context)

    @property
    def users(self) -> UserService:
        return UserService(self.context)

    @property
    def interchange(self) -> InterchangeService:
        # Imported on use: it brings pydantic (~0.15 s), which the app's first frame needn't pay.
        from funnel_tui.services.interchange import InterchangeService

        return InterchangeService(self.context)

    def close(self) -> None:
        self.context.store.close()
