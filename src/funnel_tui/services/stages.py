"""Stages of a pipeline: add, rename, reorder, configure (probability, key stage, rotting,
holding, exit checklist), delete (empty, or by moving its deals on), and the monthly targets
of the reference funnel.

Everything here follows a stage by its id, never its name or place: stage changes, checklist
answers and targets keep pointing at the same stage through a rename or a reorder, so the
analytics of past history stay those of the same stages (a reorder changes what "reached"
means for stages it swaps, by DESIGN.md's definition: skipped stages count as passed).
Each operation is one write transaction, refused to a rep once the team has a lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import Pipeline, PipelineSpec, PlanTarget, Stage, StageSpec
from funnel_tui.domain.money import Money, check_money, parse_money
from funnel_tui.domain.pipeline_rules import check_pipeline_spec
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext, ensure_user
from funnel_tui.services.pipelines import pipeline_to_change
from funnel_tui.services.ports import UnitOfWork

MAX_TARGET_COUNT = 1_000_000
"""Most deals a stage can be planned to hold in a month (a typo guard, not a business rule)."""


class _Unset:
    """A setting the caller leaves as it is (None means "no value" for some settings)."""


UNSET = _Unset()


@dataclass(frozen=True, slots=True)
class StageTargets:
    """The team's targets of one stage for one month (the reference funnel)."""

    stage_id: int
    count: int | None
    amount: Money | None


class StageService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def add(
        self,
        pipeline_id: int,
        name: str,
        *,
        after_stage_id: int | None = None,
        probability: int | None = None,
    ) -> Stage:
        """A new open stage right after `after_stage_id` (an open stage), else after the
        last open one. Its probability defaults to that of the stage before it."""
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            open_ids = [stage.id for stage in pipeline.open_stages]
            anchor = open_ids[-1] if after_stage_id is None else after_stage_id
            if anchor not in open_ids:
                raise ValidationError(
                    "stage", _("a new stage goes after an open stage of the pipeline")
                )
            before = pipeline.stage(anchor)
            spec = StageSpec(
                name=name,
                probability=before.probability if probability is None else probability,
            )
            _check(pipeline, [*_specs(pipeline), spec])
            grown = uow.pipelines.add_open_stage(pipeline_id, spec)
            added = next(s for s in grown.open_stages if s.id not in open_ids)
            order = [s.id for s in grown.stages if s.id != added.id]
            order.insert(order.index(anchor) + 1, added.id)
            uow.pipelines.reorder_stages(pipeline_id, order)
            uow.commit()
        return added

    def rename(self, pipeline_id: int, stage_id: int, name: str) -> Stage:
        """Rename any stage, won and lost included."""
        return self.edit(pipeline_id, stage_id, name=name)

    def configure(
        self,
        pipeline_id: int,
        stage_id: int,
        *,
        probability: int | _Unset = UNSET,
        is_key: bool | _Unset = UNSET,
        rot_days: int | _Unset | None = UNSET,
        on_hold: bool | _Unset = UNSET,
    ) -> Stage:
        """Change an open stage's settings. The key stage is one per pipeline: marking one
        unmarks the other."""
        return self.edit(
            pipeline_id,
            stage_id,
            probability=probability,
            is_key=is_key,
            rot_days=rot_days,
            on_hold=on_hold,
        )

    def set_checklist(self, pipeline_id: int, stage_id: int, questions: Sequence[str]) -> Stage:
        """The questions a deal must answer before it leaves this open stage, in order
        (answers given before stay with their question's text)."""
        return self.edit(pipeline_id, stage_id, checklist=questions)

    def edit(
        self,
        pipeline_id: int,
        stage_id: int,
        *,
        name: str | _Unset = UNSET,
        probability: int | _Unset = UNSET,
        is_key: bool | _Unset = UNSET,
        rot_days: int | _Unset | None = UNSET,
        on_hold: bool | _Unset = UNSET,
        checklist: Sequence[str] | _Unset = UNSET,
    ) -> Stage:
        """Change a stage's name, settings and exit checklist together, in one transaction
        (the stage dialog saves all it changed at once, or nothing). Won and lost stages have
        a name only."""
        changes: dict[str, object] = {
            key: value
            for key, value in (
                ("probability", probability),
                ("is_key", is_key),
                ("rot_days", rot_days),
                ("on_hold", on_hold),
            )
            if not isinstance(value, _Unset)
        }
        if not isinstance(checklist, _Unset):
            cleaned = tuple(question.strip() for question in checklist)
            if len({q.casefold() for q in cleaned}) != len(cleaned):
                raise ValidationError("checklist", _("the same question is there twice"))
            changes["checklist"] = cleaned
        open_only = bool(changes)
        if not isinstance(name, _Unset):
            changes["name"] = name.strip()
        return self._change(pipeline_id, stage_id, open_only=open_only, **changes)

    def move(self, pipeline_id: int, stage_id: int, step: int) -> Pipeline:
        """Move an open stage `step` places later (earlier if negative) among the open
        stages; won and lost stay last. Unchanged at either end."""
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            stage = pipeline.stage(stage_id)
            if not stage.is_open:
                raise ValidationError("stage", _("won and lost stay at the end of the pipeline"))
            open_ids = [s.id for s in pipeline.open_stages]
            index = open_ids.index(stage_id)
            target = max(0, min(len(open_ids) - 1, index + step))
            open_ids.insert(target, open_ids.pop(index))
            closed_ids = [s.id for s in pipeline.stages if not s.is_open]
            moved = uow.pipelines.reorder_stages(pipeline_id, [*open_ids, *closed_ids])
            uow.commit()
        return moved

    def deal_count(self, stage_id: int) -> int:
        """Live deals now at the stage (deleting it needs a stage to move them to)."""
        with self._context.store.read() as uow:
            return uow.deals.count_in_stage(stage_id)

    def delete(self, pipeline_id: int, stage_id: int, *, move_to: int | None = None) -> int:
        """Delete an open stage. One with deals needs `move_to`, an open stage of the same
        pipeline: each deal moves there with the move recorded in its history. The stage's
        row stays (marked deleted) for the history that names it. How many deals moved."""
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            stage = pipeline.stage(stage_id)
            if not stage.is_open:
                raise ValidationError("stage", _("every pipeline keeps its won and lost stages"))
            others = [s for s in pipeline.open_stages if s.id != stage_id]
            if not others:
                raise ValidationError(
                    "stage", _("{stage} is the only open stage left").format(stage=repr(stage.name))
                )
            live = uow.deals.count_in_stage(stage_id)
            if move_to is None and live:
                raise ValidationError(
                    "move_to",
                    _("{stage} has deals: choose the stage to move them to").format(
                        stage=repr(stage.name)
                    ),
                )
            target = _move_target(pipeline, stage, others, move_to)
            moment = self._context.clock()
            actor = ensure_user(uow, self._context.login, moment)
            # Soft-deleted deals move too (unrecorded in no list): no deal points at a
            # removed stage.
            uow.deals.move_all(stage_id, target.id, moment, actor.id)
            uow.pipelines.delete_stage(pipeline_id, stage_id, moment)
            uow.commit()
        return live

    # --- the reference funnel's targets ---------------------------------------------------

    def targets(self, pipeline_id: int, month: date) -> dict[int, StageTargets]:
        """The team's targets of each stage for `month`, by stage id (stages without one
        are left out)."""
        with self._context.store.read() as uow:
            rows = uow.plans.stage_targets(pipeline_id, month.replace(day=1))
        return {
            row.stage_id: StageTargets(row.stage_id, row.target_count, row.target_amount)
            for row in rows
            if row.stage_id is not None
            and (row.target_count is not None or row.target_amount is not None)
        }

    def set_target(
        self,
        pipeline_id: int,
        stage_id: int,
        month: date,
        *,
        count: int | None,
        amount: str | Money | None,
        currency: str,
    ) -> StageTargets:
        """Plan how many deals (and how much) the stage should hold in `month`; None and
        None clear the target. `currency`: the amount's when its text names none."""
        if count is not None and not 0 <= count <= MAX_TARGET_COUNT:
            raise ValidationError(
                "count",
                _("{count} is not a count of deals (0 to {most})").format(
                    count=count, most=MAX_TARGET_COUNT
                ),
            )
        money = _target_amount(amount, currency)
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            stage = pipeline.stage(stage_id)
            if not stage.is_open:
                raise ValidationError("stage", _("targets are set on open stages"))
            row = uow.plans.put_stage_target(
                pipeline_id, stage_id, month.replace(day=1), count, money
            )
            uow.commit()
        return _targets(row)

    # --- helpers -------------------------------------------------------------------------

    def _editable(self, uow: UnitOfWork, pipeline_id: int) -> Pipeline:
        return pipeline_to_change(uow, self._context, pipeline_id)

    def _change(
        self, pipeline_id: int, stage_id: int, *, open_only: bool = False, **changes: object
    ) -> Stage:
        with self._context.store.write() as uow:
            pipeline = self._editable(uow, pipeline_id)
            stage = pipeline.stage(stage_id)
            if open_only and not stage.is_open:
                raise ValidationError(
                    "stage", _("won and lost stages have a name only; the rest is for open ones")
                )
            changed = replace(stage, **changes)  # type: ignore[arg-type]
            stages = [changed if s.id == stage_id else s for s in pipeline.stages]
            if changes.get("is_key"):
                stages = [replace(s, is_key=False) if s.id != stage_id else s for s in stages]
            _check(pipeline, [_spec(s) for s in stages])
            for updated in stages:
                if updated != pipeline.stage(updated.id):
                    uow.pipelines.update_stage(updated)
            uow.commit()
        return changed


def _spec(stage: Stage) -> StageSpec:
    return StageSpec(
        name=stage.name,
        kind=stage.kind,
        probability=stage.probability,
        is_key=stage.is_key,
        rot_days=stage.rot_days,
        checklist=stage.checklist,
        on_hold=stage.on_hold,
    )


def _specs(pipeline: Pipeline) -> list[StageSpec]:
    return [_spec(stage) for stage in pipeline.stages]


def _check(pipeline: Pipeline, stages: Sequence[StageSpec]) -> None:
    """The pipeline as it would be, against the rules every pipeline keeps (one rule set
    for templates, imports and settings: pipeline_rules.check_pipeline_spec)."""
    reasons = tuple(reason.name for reason in pipeline.loss_reasons)
    check_pipeline_spec(PipelineSpec(pipeline.name, tuple(stages), reasons))


def _move_target(
    pipeline: Pipeline, stage: Stage, others: list[Stage], move_to: int | None
) -> Stage:
    if move_to is None:  # no live deals: any left (deleted ones) go to the stage before
        index = [s.id for s in pipeline.open_stages].index(stage.id)
        return others[max(0, index - 1)]
    target = next((s for s in others if s.id == move_to), None)
    if target is None:
        raise ValidationError("move_to", _("deals move to another open stage of this pipeline"))
    if target.on_hold:
        raise ValidationError(
            "move_to",
            _("{stage} holds deals until a revival date: choose an ordinary stage").format(
                stage=repr(target.name)
            ),
        )
    return target


def _target_amount(amount: str | Money | None, currency: str) -> Money | None:
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    try:
        if isinstance(amount, Money):
            return check_money(amount)
        return parse_money(amount, currency)
    except ValidationError as err:
        raise ValidationError("amount", err.message) from None


def _targets(row: PlanTarget) -> StageTargets:
    assert row.stage_id is not None
    return StageTargets(row.stage_id, row.target_count, row.target_amount)
