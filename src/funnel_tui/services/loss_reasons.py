"""A pipeline's loss reasons: add, rename, retire, bring back.

A retired reason leaves the picker of the lose dialog but stays on the deals lost for it, and
in the reports of the past: deals point at a reason by id, so a rename shows everywhere at
once. Nothing is deleted. One write transaction each, a lead's job once the team has one.
"""

from __future__ import annotations

from dataclasses import replace

from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import LossReason, Pipeline
from funnel_tui.domain.pipeline_rules import check_name_free, clean_label
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.pipelines import pipeline_to_change
from funnel_tui.services.ports import UnitOfWork


class LossReasonService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def add(self, pipeline_id: int, name: str) -> LossReason:
        """A new reason at the end of the pipeline's list."""
        cleaned = clean_label("loss_reason", name)
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            _check_free(pipeline, cleaned, None)
            grown = uow.pipelines.add_loss_reason(pipeline_id, cleaned)
            uow.commit()
        return grown.loss_reasons[-1]

    def rename(self, pipeline_id: int, reason_id: int, name: str) -> LossReason:
        """Rename: the deals lost for it show the new name."""
        cleaned = clean_label("loss_reason", name)
        return self._change(pipeline_id, reason_id, name=cleaned)

    def retire(self, pipeline_id: int, reason_id: int) -> LossReason:
        """No longer offered when a deal is lost; kept on the deals that have it."""
        return self._change(pipeline_id, reason_id, retire=True)

    def restore(self, pipeline_id: int, reason_id: int) -> LossReason:
        """Offer a retired reason again."""
        return self._change(pipeline_id, reason_id, retire=False)

    def _editable(self, uow: UnitOfWork, pipeline_id: int) -> Pipeline:
        return pipeline_to_change(uow, self._context, pipeline_id)

    def _change(
        self,
        pipeline_id: int,
        reason_id: int,
        *,
        name: str | None = None,
        retire: bool | None = None,
    ) -> LossReason:
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            reason = next((r for r in pipeline.loss_reasons if r.id == reason_id), None)
            if reason is None:
                raise NotFoundError(
                    _("no loss reason #{reason} in {pipeline}").format(
                        reason=reason_id, pipeline=repr(pipeline.name)
                    )
                )
            changed = reason
            if name is not None:
                _check_free(pipeline, name, reason_id)
                changed = replace(changed, name=name)
            if retire is not None and retire != (reason.retired_at is not None):
                changed = replace(changed, retired_at=self._context.clock() if retire else None)
            if changed != reason:
                uow.pipelines.update_loss_reason(changed)
                uow.commit()
        return changed


def _check_free(pipeline: Pipeline, name: str, reason_id: int | None) -> None:
    """Unique within the pipeline, retired reasons included (bring one back instead)."""
    taken = (r.name for r in pipeline.loss_reasons if r.id != reason_id)
    check_name_free("loss_reason", name, taken, "loss reason in this pipeline")
