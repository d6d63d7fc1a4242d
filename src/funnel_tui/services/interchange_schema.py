"""The shape of the interchange document (DESIGN.md, "Interchange format"), as strict
pydantic models: unknown keys are errors, not silently dropped."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from funnel_tui.services.stages import MAX_TARGET_COUNT

FORMAT = "funnel/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserDoc(_Strict):
    login: str
    name: str
    role: Literal["rep", "lead"] = "rep"


class StageTargetDoc(_Strict):
    """The team's target of a stage for one month (the reference funnel; see
    services/interchange_plans.py): how many deals, how much, or both."""

    month: str
    count: int | None = Field(default=None, ge=0, le=MAX_TARGET_COUNT, strict=True)
    amount: str | None = None
    currency: str | None = None


class StageDoc(_Strict):
    name: str
    kind: Literal["open", "won", "lost"] = "open"
    probability: int | None = Field(default=None, ge=0, le=100)
    key: bool = False
    rot_days: int | None = Field(default=None, ge=1)
    checklist: list[str] = Field(default_factory=list)
    on_hold: bool = False
    """A holding stage (a conditional refusal): see domain.models.Stage.on_hold."""
    targets: list[StageTargetDoc] = Field(default_factory=list)
    """Its monthly targets, by month (optional: a document of before them has none)."""


class PlanDoc(_Strict):
    """A monthly plan of the pipeline from `month` on (see services/interchange_plans.py)."""

    month: str
    owner: str | None = None
    amount: str | None
    currency: str | None = None


class PipelineDoc(_Strict):
    """A pipeline. The keys from `archived` on are optional (a document without them is one
    of before they existed): their defaults mean a live pipeline, no retired reason and no
    removed stage."""

    name: str
    archived: bool = False
    """Taken off the board and the pickers (Settings: archive); its deals stay."""
    stages: list[StageDoc]
    removed_stages: list[StageDoc] = Field(default_factory=list)
    """Deleted stages (open ones, in their order), kept for the history entries and checklist
    answers that name them (`"removed": true` there). A removed stage may share its name with
    a live one (deleted, then added again): the entry's flag says which it is. Two removed
    stages of one name are one here: exported once, so an import maps both to one stage."""
    loss_reasons: list[str] = Field(default_factory=list)
    retired_loss_reasons: list[str] = Field(default_factory=list)
    """Names among `loss_reasons` that are retired: no longer offered, kept on their deals."""
    plans: list[PlanDoc] = Field(default_factory=list)


class HistoryDoc(_Strict):
    stage: str
    pipeline: str | None = None
    """The stage's pipeline when it is not the deal's own (the deal moved between them)."""
    removed: bool = False
    """The stage is one of its pipeline's `removed_stages`, not the live one of that name."""
    at: str
    by: str


class ChecklistDoc(_Strict):
    stage: str
    pipeline: str | None = None
    removed: bool = False
    """As in HistoryDoc: an answer given at a stage deleted since."""
    question: str
    answer: str
    at: str
    by: str


class ActivityDoc(_Strict):
    kind: Literal["call", "meeting", "email", "message", "note"]
    direction: Literal["in", "out"] | None = None
    outcome: (
        Literal["reached", "no_answer", "busy", "voicemail", "wrong_number", "held", "no_show"]
        | None
    ) = None
    duration_s: int | None = Field(default=None, ge=0)
    at: str
    by: str
    body: str | None = None


class EventDoc(_Strict):
    """An audit event (domain/events.py): values as the plain text they were stored as."""

    kind: Literal["edit", "next_contact", "checklist", "delete", "restore"]
    field: str | None = None
    old: str | None = None
    new: str | None = None
    at: str
    by: str


class DealDoc(_Strict):
    title: str
    pipeline: str
    value: str = "0"
    currency: str
    owner: str
    company: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    tags: list[str] = Field(default_factory=list)
    expected_close: str | None = None
    next_contact_at: str | None = None
    next_contact_note: str | None = None
    loss_reason: str | None = None
    loss_note: str | None = None
    created_at: str
    updated_at: str | None = None
    deleted_at: str | None = None
    external_id: str | None = None
    """The record it was imported from (`amocrm:123`): unique among the deals."""
    history: list[HistoryDoc] = Field(min_length=1)
    activities: list[ActivityDoc] = Field(default_factory=list)
    checklist: list[ChecklistDoc] = Field(default_factory=list)
    events: list[EventDoc] = Field(default_factory=list)


class Document(_Strict):
    format: Literal["funnel/1"]
    users: list[UserDoc] = Field(default_factory=list)
    pipelines: list[PipelineDoc] = Field(default_factory=list)
    deals: list[DealDoc] = Field(default_factory=list)
