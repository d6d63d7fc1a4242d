"""Rules of movement through a pipeline's stages (no storage, no UI)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import PipelineSpec, Stage, StageKind
from funnel_tui.domain.validation import MAX_TEXT, clean_text
from funnel_tui.i18n import N_, _

_NAME_TAKEN = {
    "pipeline": (
        N_("a pipeline named {name} exists"),
        N_("a pipeline named {name} exists ({other})"),
    ),
    "stage in this pipeline": (
        N_("a stage in this pipeline named {name} exists"),
        N_("a stage in this pipeline named {name} exists ({other})"),
    ),
    "loss reason in this pipeline": (
        N_("a loss reason in this pipeline named {name} exists"),
        N_("a loss reason in this pipeline named {name} exists ({other})"),
    ),
}
"""What `check_name_free` says, by what is named: (the same spelling, another spelling)."""

MAX_LABEL = 100
"""Longest pipeline, stage or loss-reason name."""


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
            raise ValidationError(
                "checklist",
                _("{question} is not a question of {stage}").format(
                    question=repr(question), stage=repr(stage.name)
                ),
            )
        cleaned[question] = clean_text("checklist", answer) or ""
    return cleaned


def name_key(name: str) -> str:
    """What makes two names the same: case and surrounding spaces do not count."""
    return name.strip().casefold()


def clean_label(field: str, name: str) -> str:
    """A pipeline, stage or loss-reason name: stripped, non-empty, at most MAX_LABEL, on
    one line."""
    cleaned = clean_text(field, name, limit=MAX_LABEL)
    if cleaned is None:
        raise ValidationError(field, _("name is empty"))
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise ValidationError(
            field,
            _("{name}: a name is one line without control characters").format(name=repr(cleaned)),
        )
    return cleaned


def check_name_free(field: str, name: str, taken: Iterable[str], what: str) -> None:
    """The one uniqueness rule for names: `name` must differ, ignoring case and surrounding
    spaces, from every name in `taken` (pipelines: the unarchived ones; stages: those of the
    same pipeline; loss reasons: those of the same pipeline)."""
    wanted = name_key(name)
    for other in taken:
        if name_key(other) == wanted:
            shown = name.strip()
            if what not in _NAME_TAKEN:
                same = "" if other.strip() == shown else f" ({other.strip()!r})"
                raise ValidationError(field, f"a {what} named {shown!r} exists{same}")
            alike, differently = _NAME_TAKEN[what]
            message = alike if other.strip() == shown else differently
            raise ValidationError(
                field, _(message).format(name=repr(shown), other=repr(other.strip()))
            )


def check_unique_names(field: str, names: Iterable[str], what: str) -> None:
    """Every name of `names` differs from the others (see `check_name_free`)."""
    seen: list[str] = []
    for name in names:
        check_name_free(field, name, seen, what)
        seen.append(name)


def check_pipeline_spec(spec: PipelineSpec) -> None:
    """Refuse a pipeline that breaks DESIGN.md's invariants."""
    clean_label("pipeline", spec.name)
    kinds = [stage.kind for stage in spec.stages]
    if kinds.count(StageKind.WON) != 1 or kinds.count(StageKind.LOST) != 1:
        raise ValidationError("pipeline", _("needs exactly one won and one lost stage"))
    if StageKind.OPEN not in kinds:
        raise ValidationError("pipeline", _("needs at least one open stage"))
    for stage in spec.stages:
        clean_label("stage", stage.name)
        for question in stage.checklist:
            if clean_text("checklist", question, limit=MAX_TEXT) is None:
                raise ValidationError(
                    "checklist", _("{stage}: a question is empty").format(stage=repr(stage.name))
                )
    check_unique_names("stage", (stage.name for stage in spec.stages), "stage in this pipeline")
    for stage in spec.stages:
        if not 0 <= stage.probability <= 100:
            raise ValidationError(
                "probability",
                _("{probability} is not within 0–100").format(probability=stage.probability),
            )
        if stage.rot_days is not None and stage.rot_days < 1:
            raise ValidationError("rot_days", _("must be at least 1 day"))
        if stage.on_hold and stage.kind is not StageKind.OPEN:
            raise ValidationError(
                "on_hold",
                _("{stage}: only an open stage can hold deals").format(stage=repr(stage.name)),
            )
    for reason in spec.loss_reasons:
        clean_label("loss_reasons", reason)
    check_unique_names("loss_reasons", spec.loss_reasons, "loss reason in this pipeline")
