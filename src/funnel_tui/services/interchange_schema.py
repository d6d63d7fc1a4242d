"""The shape of the interchange document (DESIGN.md, "Interchange format"), as strict
pydantic models: unknown keys are errors, not silently dropped."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "funnel/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserDoc(_Strict):
    login: str
    name: str
    role: Literal["rep", "lead"] = "rep"


class StageDoc(_Strict):
    name: str
    kind: Literal["open", "won", "lost"] = "open"
    probability: int | None = Field(default=None, ge=0, le=100)
    key: bool = False
    rot_days: int | None = Field(default=None, ge=1)
    checklist: list[str] = Field(default_factory=list)
    on_hold: bool = False
    """A holding stage (a conditional refusal): see domain.models.Stage.on_hold."""


class PlanDoc(_Strict):
    """A monthly plan of the pipeline from `month` on (see services/interchange_plans.py)."""

    month: str
    owner: str | None = None
    amount: str | None
    currency: str | None = None


class PipelineDoc(_Strict):
    name: str
    stages: list[StageDoc]
    loss_reasons: list[str] = Field(default_factory=list)
    plans: list[PlanDoc] = Field(default_factory=list)


class HistoryDoc(_Strict):
    stage: str
    at: str
    by: str
    pipeline: str | None = None
    """The stage's pipeline when it is not the deal's own (the deal moved between them)."""


class ChecklistDoc(_Strict):
    stage: str
    question: str
    answer: str
    at: str
    by: str
    pipeline: str | None = None


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
