"""Converters between table rows (ORM objects or Core rows) and domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import (
    Activity,
    ActivityKind,
    ChecklistAnswer,
    Deal,
    Direction,
    LossReason,
    Outcome,
    Pipeline,
    Role,
    Stage,
    StageChange,
    StageKind,
    User,
)
from funnel_tui.domain.money import Money
from funnel_tui.storage.search import search_text
from funnel_tui.storage.tables import PipelineRow


def row_to_user(row: Any) -> User:
    return User(row.id, row.login, row.display_name, Role(row.role), row.created_at)


def row_to_stage(row: Any) -> Stage:
    return stage_of(
        row.id,
        row.pipeline_id,
        row.name,
        row.position,
        row.kind,
        row.probability,
        row.is_key,
        row.rot_days,
        row.checklist,
        row.on_hold,
    )


def stage_of(
    stage_id: int,
    pipeline_id: int,
    name: str,
    position: int,
    kind: str,
    probability: int,
    is_key: Any,
    rot_days: int | None,
    checklist: Sequence[str] | None,
    on_hold: Any,
) -> Stage:
    """A stage from its stored columns (an ORM row's, or a plain statement's)."""
    return Stage(
        id=stage_id,
        pipeline_id=pipeline_id,
        name=name,
        position=position,
        kind=StageKind(kind),
        probability=probability,
        is_key=bool(is_key),
        rot_days=rot_days,
        on_hold=bool(on_hold),
        checklist=tuple(checklist or ()),
    )


def row_to_loss_reason(row: Any) -> LossReason:
    return LossReason(row.id, row.pipeline_id, row.name, row.position, row.retired_at)


def rows_to_pipeline(row: PipelineRow, stages: list[Stage], reasons: list[LossReason]) -> Pipeline:
    assert row.id is not None
    return Pipeline(
        id=row.id,
        name=row.name,
        position=row.position,
        stages=tuple(sorted(stages, key=lambda stage: stage.position)),
        loss_reasons=tuple(sorted(reasons, key=lambda reason: reason.position)),
        archived_at=row.archived_at,
    )


def row_to_deal(row: Any) -> Deal:
    return Deal(
        id=row.id,
        pipeline_id=row.pipeline_id,
        stage_id=row.stage_id,
        title=row.title,
        value=Money(row.value_minor, row.currency),
        owner_id=row.owner_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        stage_entered_at=row.stage_entered_at,
        version=row.version,
        contact=row.contact,
        company=row.company,
        phone=row.phone,
        email=row.email,
        source=row.source,
        tags=tuple(row.tags or ()),
        expected_close=row.expected_close,
        next_contact_at=row.next_contact_at,
        next_contact_note=row.next_contact_note,
        loss_reason_id=row.loss_reason_id,
        loss_note=row.loss_note,
        closed_at=row.closed_at,
        last_activity_at=row.last_activity_at,
        deleted_at=row.deleted_at,
        external_id=row.external_id,
    )


def deal_to_values(deal: Deal) -> dict[str, Any]:
    """Column values for `deal`, without id and version."""
    return {
        "pipeline_id": deal.pipeline_id,
        "stage_id": deal.stage_id,
        "title": deal.title,
        "value_minor": deal.value.minor,
        "currency": deal.value.currency,
        "owner_id": deal.owner_id,
        "contact": deal.contact,
        "company": deal.company,
        "phone": deal.phone,
        "email": deal.email,
        "source": deal.source,
        "tags": list(deal.tags),
        "expected_close": deal.expected_close,
        "next_contact_at": deal.next_contact_at,
        "next_contact_note": deal.next_contact_note,
        "loss_reason_id": deal.loss_reason_id,
        "loss_note": deal.loss_note,
        "created_at": deal.created_at,
        "updated_at": deal.updated_at,
        "closed_at": deal.closed_at,
        "stage_entered_at": deal.stage_entered_at,
        "last_activity_at": deal.last_activity_at,
        "deleted_at": deal.deleted_at,
        "external_id": deal.external_id,
        "search_text": search_text(deal.title, deal.company, deal.contact, deal.phone, deal.tags),
    }


def row_to_stage_change(row: Any) -> StageChange:
    return StageChange(
        row.id, row.deal_id, row.from_stage_id, row.to_stage_id, row.at, row.by_user_id
    )


def row_to_activity(row: Any) -> Activity:
    return Activity(
        id=row.id,
        deal_id=row.deal_id,
        kind=ActivityKind(row.kind),
        at=row.at,
        by_user_id=row.by_user_id,
        direction=Direction(row.direction) if row.direction else None,
        outcome=Outcome(row.outcome) if row.outcome else None,
        duration_s=row.duration_s,
        body=row.body,
    )


def activity_to_values(activity: Activity) -> dict[str, Any]:
    """Column values for `activity`, without id and deal id."""
    return {
        "kind": activity.kind.value,
        "direction": activity.direction.value if activity.direction else None,
        "outcome": activity.outcome.value if activity.outcome else None,
        "duration_s": activity.duration_s,
        "body": activity.body,
        "at": activity.at,
        "by_user_id": activity.by_user_id,
    }


def row_to_checklist_answer(row: Any) -> ChecklistAnswer:
    return ChecklistAnswer(
        row.deal_id, row.stage_id, row.question, row.answer, row.at, row.by_user_id
    )


def row_to_deal_event(row: Any) -> DealEvent:
    return DealEvent(
        id=row.id,
        deal_id=row.deal_id,
        at=row.at,
        by_user_id=row.by_user_id,
        kind=EventKind(row.kind),
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
    )


def deal_event_to_values(event: DealEvent) -> dict[str, Any]:
    """The event's columns but its id (storage assigns it)."""
    return {
        "deal_id": event.deal_id,
        "at": event.at,
        "by_user_id": event.by_user_id,
        "kind": event.kind.value,
        "field": event.field,
        "old_value": event.old_value,
        "new_value": event.new_value,
    }
