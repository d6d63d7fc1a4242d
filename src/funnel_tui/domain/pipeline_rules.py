"""Rules of movement through a pipeline's stages (no storage, no UI)."""

from __future__ import annotations

from collections.abc import Mapping

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import PipelineSpec, Stage, StageKind
from funnel_tui.domain.validation import clean_text


def open_index(stages: tuple[Stage, ...], stage: Stage) -> int | None:
    """Position of `stage` among the open stages, or None for won/lost."""
    open_ids = [s.id for s in stages if s.is_open]
    return open_ids.index(stage.id) if stage.id in open_ids else None


def skipped_stages(stages: tuple[Stage, ...], from_stage: Stage, to_stage: Stage) -> int:
    """How many open stages a forward move from `from_stage` to `to_stage` jumps over."""
    start, end = open_index(stages, from_stage), open_index(stages, to_stage)
    if start is None or end is None or end <= start:
        return 0
    return end - start - 1


def neighbour_stage(stages: tuple[Stage, ...], stage: Stage, step: int) -> Stage | None:
    """The open stage `step` places after (or before, if negative) `stage`, if any."""
    index = open_index(stages, stage)
    if index is None:
        return None
    open_stages = [s for s in stages if s.is_open]
    target = index + step
    return open_stages[target] if 0 <= target < len(open_stages) else None


def unanswered_questions(stage: Stage, answers: Mapping[str, str]) -> tuple[str, ...]:
    """The stage's exit-checklist questions that have no answer yet, in checklist order."""
    return tuple(q for q in stage.checklist if not (answers.get(q) or "").strip())


def clean_answers(stage: Stage, answers: Mapping[str, str]) -> dict[str, str]:
    """Answers stripped and checked against the stage's questions (an empty answer is kept as
    empty: clearing an answer is an edit too)."""
    cleaned: dict[str, str] = {}
    for question, answer in answers.items():
        if question not in stage.checklist:
            raise ValidationError("checklist", f"{question!r} is not a question of {stage.name!r}")
        cleaned[question] = clean_text("checklist", answer) or ""
    return cleaned


def check_pipeline_spec(spec: PipelineSpec) -> None:
    """Refuse a pipeline that breaks DESIGN.md's invariants."""
    if not spec.name.strip():
        raise ValidationError("pipeline", "name is empty")
    kinds = [stage.kind for stage in spec.stages]
    if kinds.count(StageKind.WON) != 1 or kinds.count(StageKind.LOST) != 1:
        raise ValidationError("pipeline", "needs exactly one won and one lost stage")
    if StageKind.OPEN not in kinds:
        raise ValidationError("pipeline", "needs at least one open stage")
    names = [stage.name.strip().casefold() for stage in spec.stages]
    if len(set(names)) != len(names):
        raise ValidationError("pipeline", "stage names must be unique")
    for stage in spec.stages:
        if not stage.name.strip():
            raise ValidationError("stage", "name is empty")
        if not 0 <= stage.probability <= 100:
            raise ValidationError("probability", f"{stage.probability} is not within 0–100")
        if stage.rot_days is not None and stage.rot_days < 1:
            raise ValidationError("rot_days", "must be at least 1 day")
        if stage.on_hold and stage.kind is not StageKind.OPEN:
            raise ValidationError("on_hold", f"{stage.name!r}: only an open stage can hold deals")
    reasons = [reason.strip().casefold() for reason in spec.loss_reasons]
    if len(set(reasons)) != len(reasons) or "" in reasons:
        raise ValidationError("loss_reasons", "must be unique and non-empty")
