"""The domain's value objects: plain frozen dataclasses, no ORM, no UI.

Timestamps are aware datetimes in UTC; dates (expected close, plan months) are plain dates.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _


class StageKind(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Role(enum.StrEnum):
    REP = "rep"
    LEAD = "lead"


class ActivityKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    MESSAGE = "message"
    NOTE = "note"


class Direction(enum.StrEnum):
    OUT = "out"
    IN = "in"


class Outcome(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    HELD = "held"
    NO_SHOW = "no_show"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    login: str
    display_name: str
    role: Role
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Stage:
    id: int
    pipeline_id: int
    name: str
    position: int
    kind: StageKind
    probability: int
    """Chance to win from this stage, 0–100 %, for the weighted forecast."""
    is_key: bool = False
    """After a key stage the chance to win rises sharply; shown highlighted."""
    rot_days: int | None = None
    """An open deal untouched for longer than this many days is rotting."""
    checklist: tuple[str, ...] = ()
    """Questions to answer before a deal leaves the stage."""
    on_hold: bool = False
    """A holding stage, such as a conditional refusal: its deals are set aside until their
    next contact (the revival date). Until then they are left out of the agenda's week and
    rotting lists; on that date they come back as any contact that falls due."""

    @property
    def is_open(self) -> bool:
        return self.kind is StageKind.OPEN


@dataclass(frozen=True, slots=True)
class LossReason:
    id: int
    pipeline_id: int
    name: str
    position: int
    retired_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Pipeline:
    id: int
    name: str
    position: int
    stages: tuple[Stage, ...]
    """All stages ordered by position: the open ones, then won, then lost."""
    loss_reasons: tuple[LossReason, ...] = ()
    archived_at: datetime | None = None

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if stage.is_open)

    @property
    def won_stage(self) -> Stage:
        return next(stage for stage in self.stages if stage.kind is StageKind.WON)

    @property
    def lost_stage(self) -> Stage:
        return next(stage for stage in self.stages if stage.kind is StageKind.LOST)

    @property
    def active_loss_reasons(self) -> tuple[LossReason, ...]:
        return tuple(reason for reason in self.loss_reasons if reason.retired_at is None)

    def stage(self, stage_id: int) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise NotFoundError(
            _("stage {stage} is not in pipeline {pipeline}").format(
                stage=stage_id, pipeline=repr(self.name)
            )
        )


@dataclass(frozen=True, slots=True)
class Deal:
    id: int
    pipeline_id: int
    stage_id: int
    title: str
    value: Money
    owner_id: int
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    version: int = 1
    """Incremented on every change of the deal row: the optimistic lock."""
    contact: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    expected_close: date | None = None
    next_contact_at: datetime | None = None
    next_contact_note: str | None = None
    loss_reason_id: int | None = None
    loss_note: str | None = None
    closed_at: datetime | None = None
    last_activity_at: datetime | None = None
    deleted_at: datetime | None = None
    external_id: str | None = None
    """Where an imported deal came from (`amocrm:123`): a re-import finds it by this."""


@dataclass(frozen=True, slots=True)
class DealDraft:
    """The editable fields of a deal, validated, before it exists or as an edit."""

    title: str
    value: Money
    contact: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    expected_close: date | None = None


@dataclass(frozen=True, slots=True)
class StageChange:
    id: int
    deal_id: int
    from_stage_id: int | None
    """None for the row that records the deal's creation."""
    to_stage_id: int
    at: datetime
    by_user_id: int


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    deal_id: int
    kind: ActivityKind
    at: datetime
    by_user_id: int
    direction: Direction | None = None
    outcome: Outcome | None = None
    duration_s: int | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class ChecklistAnswer:
    """A deal's answer to one exit-checklist question of one stage."""

    deal_id: int
    stage_id: int
    question: str
    answer: str
    at: datetime
    by_user_id: int


@dataclass(frozen=True, slots=True)
class PlanTarget:
    """A monthly target for a stage (the reference funnel) or a whole pipeline."""

    id: int
    pipeline_id: int
    month: date
    """First day of the month."""
    stage_id: int | None = None
    owner_id: int | None = None
    target_count: int | None = None
    target_amount: Money | None = None


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A stage to create (templates, imports)."""

    name: str
    kind: StageKind = StageKind.OPEN
    probability: int = 0
    is_key: bool = False
    rot_days: int | None = None
    checklist: tuple[str, ...] = ()
    on_hold: bool = False


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """A pipeline to create: its stages in order and its loss reasons."""

    name: str
    stages: tuple[StageSpec, ...]
    loss_reasons: tuple[str, ...] = field(default_factory=tuple)
