"""When a move needs the user's yes: a skip, a step back past a key stage, or leaving a stage
with exit-checklist questions unanswered. Shared by the board and the deal pane."""

from __future__ import annotations

from rich.text import Text

from funnel_tui.domain.models import Pipeline, Stage, StageKind
from funnel_tui.i18n import _
from funnel_tui.render.safe import clean, fill, safe_text


def move_question(
    title: str,
    pipeline: Pipeline,
    current: Stage,
    target: Stage,
    unanswered: tuple[str, ...] = (),
) -> Text | None:
    """Why moving the deal `title` from `current` to `target` needs confirming, or None."""
    reasons: list[str] = []
    stages = pipeline.open_stages
    if current.is_open and target.is_open:
        start, end = stages.index(current), stages.index(target)
        if end - start > 1:
            skipped = ", ".join(clean(s.name) for s in stages[start + 1 : end])
            reasons.append(
                _("It skips {stages}; deals usually go stage by stage.").format(stages=skipped)
            )
        passed_key = [s for s in stages[end + 1 : start + 1] if s.is_key]
        if end < start and passed_key:
            reasons.append(
                _("It goes back before the key stage {stage}.").format(
                    stage=clean(passed_key[0].name)
                )
            )
    # Leaving forward (a loss is not progress: it needs no qualification answers).
    forward = current.is_open and target.kind is not StageKind.LOST
    forward = forward and target.position > current.position
    if forward and unanswered:
        questions = "; ".join(clean(q) for q in unanswered)
        reasons.append(
            _("{stage} has unanswered questions: {questions}").format(
                stage=clean(current.name), questions=questions
            )
        )
    if not reasons:
        return None
    question = fill(
        _("Move {title} to {stage}?"), title=safe_text(title, "bold"), stage=clean(target.name)
    )
    for reason in reasons:
        question.append("\n• " + reason)
    return question
