"""What the deal pane shows: a deal with its pipeline, owner, checklist and one timeline.

Built in one read transaction by `DealService.view`, so the pane never mixes two moments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from funnel_tui.domain.models import (
    Activity,
    Deal,
    Pipeline,
    Stage,
    StageChange,
    User,
)
from funnel_tui.domain.pipeline_rules import unanswered_questions


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline: an activity, or a stage change with its stages' names."""

    at: datetime
    who: str
    activity: Activity | None = None
    change: StageChange | None = None
    from_stage: str | None = None
    """None for the entry that records the deal's creation."""
    to_stage: str | None = None


@dataclass(frozen=True, slots=True)
class DealView:
    deal: Deal
    pipeline: Pipeline
    owner: User
    timeline: tuple[TimelineEntry, ...]
    """Activities and stage changes together, newest first."""
    answers: Mapping[str, str] = field(default_factory=dict)
    """The current stage's checklist answers by question."""
    pipelines: tuple[Pipeline, ...] = ()
    """Every live pipeline, for the pipeline and stage pickers."""
    users: tuple[User, ...] = ()
    loss_reason: str | None = None

    @property
    def stage(self) -> Stage:
        return self.pipeline.stage(self.deal.stage_id)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return unanswered_questions(self.stage, self.answers)


def build_timeline(
    history: list[StageChange],
    activities: list[Activity],
    stage_names: Mapping[int, str],
    user_names: Mapping[int, str],
) -> tuple[TimelineEntry, ...]:
    """Merge stage changes and activities, newest first (a stage change before an activity
    logged at the same instant, as it usually caused it: reading down, the cause is below)."""
    entries = [
        TimelineEntry(
            at=change.at,
            who=user_names.get(change.by_user_id, "?"),
            change=change,
            from_stage=(
                stage_names.get(change.from_stage_id, "(removed stage)")
                if change.from_stage_id is not None
                else None
            ),
            to_stage=stage_names.get(change.to_stage_id, "(removed stage)"),
        )
        for change in history
    ]
    entries.extend(
        TimelineEntry(
            at=activity.at, who=user_names.get(activity.by_user_id, "?"), activity=activity
        )
        for activity in activities
    )

    def newest_first(entry: TimelineEntry) -> tuple[datetime, int, int]:
        record = entry.activity or entry.change
        assert record is not None
        return (entry.at, 1 if entry.activity else 0, record.id)

    return tuple(sorted(entries, key=newest_first, reverse=True))
