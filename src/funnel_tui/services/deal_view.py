"""What the deal pane shows: a deal with its pipeline, owner, checklist and one timeline.

Built in one read transaction by `DealService.view`, so the pane never mixes two moments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from funnel_tui.domain.events import DealEvent
from funnel_tui.domain.models import (
    Activity,
    Deal,
    Pipeline,
    Stage,
    StageChange,
    User,
)
from funnel_tui.domain.pipeline_rules import unanswered_questions
from funnel_tui.i18n import _


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline: an activity, a stage change with its stages' names, or an
    audit event (a field edit, next contact, checklist answer, deletion or restore)."""

    at: datetime
    who: str
    activity: Activity | None = None
    change: StageChange | None = None
    from_stage: str | None = None
    """None for the entry that records the deal's creation."""
    to_stage: str | None = None
    event: DealEvent | None = None


@dataclass(frozen=True, slots=True)
class DealView:
    deal: Deal
    pipeline: Pipeline
    owner: User
    timeline: tuple[TimelineEntry, ...]
    """Activities, stage changes and audit events together, newest first."""
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
    events: Sequence[DealEvent] = (),
) -> tuple[TimelineEntry, ...]:
    """Merge stage changes, audit events and activities, newest first (at one instant a
    stage change, then an edit, then an activity: reading down, the cause is below)."""
    entries = [
        TimelineEntry(
            at=change.at,
            who=user_names.get(change.by_user_id, "?"),
            change=change,
            from_stage=(
                stage_names.get(change.from_stage_id, _("(removed stage)"))
                if change.from_stage_id is not None
                else None
            ),
            to_stage=stage_names.get(change.to_stage_id, _("(removed stage)")),
        )
        for change in history
    ]
    entries.extend(
        TimelineEntry(
            at=activity.at, who=user_names.get(activity.by_user_id, "?"), activity=activity
        )
        for activity in activities
    )

    entries.extend(
        TimelineEntry(at=event.at, who=user_names.get(event.by_user_id, "?"), event=event)
        for event in events
    )

    def newest_first(entry: TimelineEntry) -> tuple[datetime, int, int]:
        record = entry.activity or entry.change or entry.event
        assert record is not None
        order = 2 if entry.activity else 1 if entry.event else 0
        return (entry.at, order, record.id)

    return tuple(sorted(entries, key=newest_first, reverse=True))
