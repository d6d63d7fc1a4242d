"""Every change of a deal leaves an audit event with the login and the time of the change,
written in the change's own transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from funnel_tui.domain.errors import ConflictError, FunnelError
from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import Deal, DealDraft, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.storage.database import SqlStore, open_store
from tests.conftest import FakeClock

DRAFT = DealDraft("Office chairs", Money(15_000_000, "RUB"), company="Romashka", tags=("b2b",))
BANT = ("Is there a budget?", "Who decides?")


@pytest.fixture
def deals(context: ServiceContext) -> DealService:
    return DealService(context)


@pytest.fixture
def deal(deals: DealService, pipeline: Pipeline, clock: FakeClock) -> Deal:
    created = deals.create(DRAFT, pipeline_id=pipeline.id)
    clock.advance(hours=1)
    return created


def events(store: SqlStore, deal_id: int) -> list[DealEvent]:
    with store.read() as uow:
        return uow.events.for_deal(deal_id)


def login_of(store: SqlStore, user_id: int) -> str:
    with store.read() as uow:
        user = uow.users.get(user_id)
    assert user is not None
    return user.login


def test_creation_and_moves_need_no_event(deals: DealService, deal: Deal, store: SqlStore) -> None:
    deals.step(deal.id, +1)
    assert events(store, deal.id) == []


def test_an_edit_records_each_changed_field_old_and_new_as_text(
    deals: DealService, deal: Deal, store: SqlStore, clock: FakeClock, pipeline: Pipeline
) -> None:
    deals.create(DealDraft("Ivan's", DRAFT.value), pipeline_id=pipeline.id, by="ivan")
    edited = DealDraft(
        "Office chairs x40",
        Money(18_000_000, "RUB"),
        company="Romashka",
        tags=("b2b", "vip"),
        expected_close=date(2026, 4, 30),
    )
    deals.edit(deal.id, edited, expected_version=deal.version, owner="ivan", by="boris")
    found = events(store, deal.id)
    assert [(e.kind, e.field, e.old_value, e.new_value) for e in found] == [
        (EventKind.EDIT, "title", "Office chairs", "Office chairs x40"),
        (EventKind.EDIT, "value", "150000.00 RUB", "180000.00 RUB"),
        (EventKind.EDIT, "owner", "anna", "ivan"),
        (EventKind.EDIT, "tags", "b2b", "b2b, vip"),
        (EventKind.EDIT, "expected_close", None, "2026-04-30"),
    ]
    assert {e.at for e in found} == {clock.now}
    assert {login_of(store, e.by_user_id) for e in found} == {"boris"}


def test_an_edit_that_changes_nothing_records_nothing(
    deals: DealService, deal: Deal, store: SqlStore
) -> None:
    deals.edit(deal.id, DRAFT, expected_version=deal.version)
    assert events(store, deal.id) == []


def test_a_refused_edit_leaves_no_event(deals: DealService, deal: Deal, store: SqlStore) -> None:
    deals.edit(deal.id, DealDraft("A", DRAFT.value), expected_version=deal.version)
    with pytest.raises(ConflictError):
        deals.edit(deal.id, DealDraft("B", DRAFT.value), expected_version=deal.version)
    assert [e.new_value for e in events(store, deal.id) if e.field == "title"] == ["A"]
    assert {e.field for e in events(store, deal.id)} == {"title", "company", "tags"}


def test_next_contact_changes_are_recorded(
    deals: DealService, deal: Deal, store: SqlStore, clock: FakeClock
) -> None:
    when = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    deals.set_next_contact(deal.id, when, "send the offer")
    first = clock.now
    clock.advance(minutes=5)
    deals.set_next_contact(deal.id, None, by="ivan")
    found = events(store, deal.id)
    assert [(e.kind, e.field, e.old_value, e.new_value, e.at) for e in found] == [
        (EventKind.NEXT_CONTACT, "next_contact", None, "2026-03-02T07:00:00Z", first),
        (EventKind.NEXT_CONTACT, "next_contact_note", None, "send the offer", first),
        (EventKind.NEXT_CONTACT, "next_contact", "2026-03-02T07:00:00Z", None, clock.now),
        (EventKind.NEXT_CONTACT, "next_contact_note", "send the offer", None, clock.now),
    ]
    assert [login_of(store, e.by_user_id) for e in found] == ["anna", "anna", "ivan", "ivan"]


def test_delete_and_restore_are_recorded(
    deals: DealService, deal: Deal, store: SqlStore, clock: FakeClock
) -> None:
    deals.delete(deal.id, by="ivan")
    deleted_at = clock.now
    clock.advance(days=1)
    deals.restore(deal.id)
    found = events(store, deal.id)
    assert [(e.kind, e.at, login_of(store, e.by_user_id)) for e in found] == [
        (EventKind.DELETE, deleted_at, "ivan"),
        (EventKind.RESTORE, clock.now, "anna"),
    ]


def test_checklist_answers_keep_their_history(
    deals: DealService, pipeline: Pipeline, store: SqlStore, clock: FakeClock
) -> None:
    qualification = next(s.id for s in pipeline.stages if s.name == "Qualification")
    deal = deals.create(DRAFT, pipeline_id=pipeline.id, stage_id=qualification)
    clock.advance(hours=1)
    saved = deals.edit(deal.id, DRAFT, expected_version=deal.version, answers={BANT[0]: "yes"})
    clock.advance(hours=1)
    deals.edit(
        deal.id,
        DRAFT,
        expected_version=saved.version,
        answers={BANT[0]: "no, next year", BANT[1]: "CFO"},
        by="ivan",
    )
    found = events(store, deal.id)
    assert [(e.kind, e.field, e.old_value, e.new_value) for e in found] == [
        (EventKind.CHECKLIST, BANT[0], None, "yes"),
        (EventKind.CHECKLIST, BANT[0], "yes", "no, next year"),
        (EventKind.CHECKLIST, BANT[1], None, "CFO"),
    ]
    assert [login_of(store, e.by_user_id) for e in found] == ["anna", "ivan", "ivan"]


def test_events_survive_export_and_import(
    context: ServiceContext, deals: DealService, deal: Deal, clock: FakeClock, tmp_path: Path
) -> None:
    saved = deals.edit(deal.id, DealDraft("Chairs", DRAFT.value), expected_version=deal.version)
    deals.set_next_contact(saved.id, datetime(2026, 3, 2, 7, 0, tzinfo=UTC), "call", by="ivan")
    deals.delete(saved.id)
    deals.restore(saved.id)
    services = Services.over(context)
    exported = services.interchange.export_document()
    [doc] = exported["deals"]
    assert [(e["kind"], e["field"], e["by"]) for e in doc["events"]][:2] == [
        ("edit", "title", "anna"),
        ("edit", "company", "anna"),
    ]
    assert len(doc["events"]) == 7
    other_store = open_store(tmp_path / "other.db")
    try:
        other = Services.over(ServiceContext(other_store, login="anna", clock=clock))
        other.interchange.import_document(exported)
        assert other.interchange.export_document() == exported
    finally:
        other_store.close()


def test_an_unknown_event_kind_is_refused(context: ServiceContext) -> None:
    document = {
        "format": "funnel/1",
        "deals": [
            {
                "title": "x",
                "pipeline": "p",
                "currency": "RUB",
                "owner": "anna",
                "created_at": "2026-01-01T00:00:00Z",
                "history": [{"stage": "Lead", "at": "2026-01-01T00:00:00Z", "by": "anna"}],
                "events": [{"kind": "hack", "at": "2026-01-01T00:00:00Z", "by": "anna"}],
            }
        ],
    }
    with pytest.raises(FunnelError):
        Services.over(context).interchange.import_document(document)
