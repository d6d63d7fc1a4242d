"""DealService: every use case is one transaction that validates, writes and records history."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from funnel_tui.domain.errors import (
    ConflictError,
    FunnelError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from funnel_tui.domain.models import (
    ActivityKind,
    Deal,
    DealDraft,
    Direction,
    Outcome,
    Pipeline,
    PipelineSpec,
    Role,
    StageChange,
    StageKind,
)
from funnel_tui.domain.money import Money
from funnel_tui.domain.templates import template_spec
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage.database import SqlStore
from tests.conftest import FakeClock

DRAFT = DealDraft(
    "Office chairs",
    Money(150_000, "RUB"),
    company="Romashka LLC",
    contact="Ivan Petrov",
    phone="+7 900 000-00-00",
    email="ivan@example.com",
    tags=("b2b",),
    expected_close=date(2026, 4, 30),
)


@pytest.fixture
def deals(context: ServiceContext) -> DealService:
    return DealService(context)


@pytest.fixture
def deal(deals: DealService, pipeline: Pipeline, clock: FakeClock) -> Deal:
    created = deals.create(DRAFT, pipeline_id=pipeline.id)
    clock.advance(hours=1)
    return created


@dataclass
class Users:
    store: SqlStore

    def id(self, login: str) -> int:
        with self.store.read() as uow:
            user = uow.users.by_login(login)
        assert user is not None, f"no user {login}"
        return user.id

    def role(self, login: str) -> Role:
        with self.store.read() as uow:
            user = uow.users.by_login(login)
        assert user is not None
        return user.role


@pytest.fixture
def users(store: SqlStore) -> Users:
    return Users(store)


def stage(pipeline: Pipeline, name: str) -> int:
    return next(s.id for s in pipeline.stages if s.name == name)


def test_create_records_the_creation(
    deals: DealService, pipeline: Pipeline, clock: FakeClock, users: Users
) -> None:
    created = deals.create(DRAFT, pipeline_id=pipeline.id)
    assert created.id > 0
    assert created.stage_id == pipeline.open_stages[0].id
    assert created.version == 1
    assert created.created_at == created.updated_at == created.stage_entered_at == clock.now
    assert created.owner_id == users.id("anna")
    assert deals.get(created.id) == created
    assert deals.history(created.id) == [
        StageChange(
            id=deals.history(created.id)[0].id,
            deal_id=created.id,
            from_stage_id=None,
            to_stage_id=created.stage_id,
            at=clock.now,
            by_user_id=users.id("anna"),
        )
    ]


def test_create_in_a_chosen_open_stage_but_not_a_closed_one(
    deals: DealService, pipeline: Pipeline
) -> None:
    meeting = stage(pipeline, "Meeting")
    created = deals.create(DRAFT, pipeline_id=pipeline.id, stage_id=meeting)
    assert created.stage_id == meeting
    assert deals.history(created.id)[0].to_stage_id == meeting
    with pytest.raises(InvalidTransitionError):
        deals.create(DRAFT, pipeline_id=pipeline.id, stage_id=pipeline.won_stage.id)
    with pytest.raises(NotFoundError):
        deals.create(DRAFT, pipeline_id=pipeline.id + 100)


def test_create_validates_before_writing(
    deals: DealService, pipeline: Pipeline, store: SqlStore
) -> None:
    with pytest.raises(ValidationError):
        deals.create(DealDraft("  ", Money(1, "RUB")), pipeline_id=pipeline.id)
    with pytest.raises(ValidationError):
        deals.create(DealDraft("x", Money(1, "RUB"), email="nope"), pipeline_id=pipeline.id)
    with pytest.raises(ValidationError):
        deals.create(DRAFT, pipeline_id=pipeline.id, at=datetime(2026, 1, 1))  # naive
    with store.read() as uow:
        assert uow.deals.count(include_deleted=True) == 0
        assert uow.users.list() == []


def assert_one_new_change(
    deals: DealService,
    deal_id: int,
    before: list[StageChange],
    from_stage: int,
    to_stage: int,
    at: datetime,
    by: int,
) -> None:
    after = deals.history(deal_id)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    new = after[-1]
    assert (new.deal_id, new.from_stage_id, new.to_stage_id, new.at, new.by_user_id) == (
        deal_id,
        from_stage,
        to_stage,
        at,
        by,
    )


def test_every_move_adds_exactly_one_history_row(
    deals: DealService, deal: Deal, pipeline: Pipeline, clock: FakeClock, users: Users
) -> None:
    anna = users.id("anna")
    open_ids = [s.id for s in pipeline.open_stages]

    def check(action: Callable[[], Deal], from_stage: int, to_stage: int) -> Deal:
        before = deals.history(deal.id)
        at = clock.advance(hours=1)
        moved = action()
        assert moved.stage_id == to_stage
        assert moved.stage_entered_at == moved.updated_at == at
        assert deals.get(deal.id) == moved
        assert_one_new_change(deals, deal.id, before, from_stage, to_stage, at, anna)
        return moved

    step = check(lambda: deals.step(deal.id, +1), open_ids[0], open_ids[1])
    assert step.version == deal.version + 1
    check(lambda: deals.move(deal.id, open_ids[4]), open_ids[1], open_ids[4])
    check(lambda: deals.step(deal.id, -1), open_ids[4], open_ids[3])
    check(lambda: deals.move_to(deal.id, "negotiation"), open_ids[3], open_ids[4])
    won = check(lambda: deals.win(deal.id), open_ids[4], pipeline.won_stage.id)
    assert won.closed_at == won.stage_entered_at
    reopened = check(lambda: deals.reopen(deal.id), pipeline.won_stage.id, open_ids[4])
    assert reopened.closed_at is None
    lost = check(lambda: deals.lose(deal.id, "Price"), open_ids[4], pipeline.lost_stage.id)
    assert lost.closed_at == lost.stage_entered_at
    assert len(deals.history(deal.id)) == 8
    assert deals.get(deal.id).version == deal.version + 7


def test_stale_version_is_a_conflict_and_writes_nothing(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    current = deals.step(deal.id, +1, expected_version=deal.version)
    history = deals.history(deal.id)
    attempts: list[Callable[[], Deal]] = [
        lambda: deals.move(deal.id, stage(pipeline, "Proposal"), expected_version=deal.version),
        lambda: deals.step(deal.id, +1, expected_version=deal.version),
        lambda: deals.win(deal.id, expected_version=deal.version),
        lambda: deals.lose(deal.id, "Price", expected_version=deal.version),
        lambda: deals.edit(deal.id, DRAFT, expected_version=deal.version),
        lambda: deals.set_next_contact(
            deal.id, datetime(2026, 5, 1, tzinfo=UTC), expected_version=deal.version
        ),
        lambda: deals.delete(deal.id, expected_version=deal.version),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError):
            attempt()
        assert deals.get(deal.id) == current
        assert deals.history(deal.id) == history


def test_losing_needs_a_known_reason_when_the_pipeline_has_reasons(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    assert pipeline.active_loss_reasons
    history = deals.history(deal.id)
    for reason in (None, "", "   ", "Too expensive"):
        with pytest.raises(ValidationError) as caught:
            deals.lose(deal.id, reason)
        assert caught.value.field == "reason"
        assert "Price" in caught.value.message  # the message lists the allowed reasons
        assert deals.get(deal.id) == deal
        assert deals.history(deal.id) == history


def test_loss_reason_is_case_insensitive_and_kept_with_the_note(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    lost = deals.lose(deal.id, "  nO BuDgEt ", note="  maybe next year  ")
    reason = next(r for r in pipeline.loss_reasons if r.name == "No budget")
    assert lost.loss_reason_id == reason.id
    assert lost.loss_note == "maybe next year"
    assert deals.get(deal.id).loss_reason_id == reason.id


def test_loss_reason_only_with_a_move_to_lost(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    with pytest.raises(ValidationError):
        deals.move(deal.id, stage(pipeline, "Meeting"), loss_reason="Price")
    assert deals.get(deal.id) == deal


def test_pipeline_without_reasons_loses_without_one(
    context: ServiceContext, deals: DealService
) -> None:
    spec = template_spec("three", "en", "No reasons")
    bare = PipelineService(context).create(PipelineSpec(spec.name, spec.stages, loss_reasons=()))
    created = deals.create(DRAFT, pipeline_id=bare.id)
    lost = deals.lose(created.id, None)
    assert lost.stage_id == bare.lost_stage.id
    assert lost.loss_reason_id is None


def test_reopen_returns_to_the_last_open_stage_and_clears_the_loss(
    deals: DealService, deal: Deal, pipeline: Pipeline, clock: FakeClock
) -> None:
    deals.step(deal.id, +1)
    deals.step(deal.id, +1)  # Meeting
    deals.step(deal.id, -1)  # back to Qualification: the last open stage, not the furthest
    clock.advance(days=1)
    lost = deals.lose(deal.id, "Competitor", note="went elsewhere")
    assert lost.closed_at is not None and lost.loss_reason_id is not None
    clock.advance(days=1)
    reopened = deals.reopen(deal.id)
    assert reopened.stage_id == stage(pipeline, "Qualification")
    assert reopened.closed_at is None
    assert reopened.loss_reason_id is None
    assert reopened.loss_note is None
    assert deals.get(deal.id) == reopened
    with pytest.raises(InvalidTransitionError):
        deals.reopen(deal.id)  # not closed


def test_reopen_into_a_chosen_stage(deals: DealService, deal: Deal, pipeline: Pipeline) -> None:
    deals.win(deal.id)
    reopened = deals.reopen(deal.id, stage(pipeline, "Closing"))
    assert reopened.stage_id == stage(pipeline, "Closing")


def test_moving_to_the_current_stage_is_refused(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    with pytest.raises(InvalidTransitionError):
        deals.move(deal.id, deal.stage_id)
    deals.win(deal.id)
    won = deals.get(deal.id)
    with pytest.raises(InvalidTransitionError):
        deals.win(deal.id)
    assert deals.get(deal.id) == won
    assert len(deals.history(deal.id)) == 2


def test_step_stops_at_the_first_and_last_open_stage(
    deals: DealService, deal: Deal, pipeline: Pipeline
) -> None:
    with pytest.raises(InvalidTransitionError, match="first"):
        deals.step(deal.id, -1)
    last = deals.move(deal.id, pipeline.open_stages[-1].id)
    with pytest.raises(InvalidTransitionError, match="last"):
        deals.step(deal.id, +1)  # never into won or lost
    assert deals.get(deal.id) == last
    deals.win(deal.id)
    with pytest.raises(InvalidTransitionError, match="closed"):
        deals.step(deal.id, -1)


def test_back_dated_move_before_the_last_change_is_refused(
    deals: DealService, deal: Deal, clock: FakeClock
) -> None:
    moved = deals.step(deal.id, +1)
    history = deals.history(deal.id)
    with pytest.raises(ValidationError) as caught:
        deals.step(deal.id, +1, at=moved.stage_entered_at - timedelta(seconds=1))
    assert caught.value.field == "at"
    assert deals.get(deal.id) == moved
    assert deals.history(deal.id) == history
    # Back-dating to a moment after the last change is fine, and recorded as given.
    at = moved.stage_entered_at + timedelta(minutes=5)
    clock.advance(days=3)
    again = deals.step(deal.id, +1, at=at)
    assert again.stage_entered_at == at
    assert deals.history(deal.id)[-1].at == at


def test_log_activity_touches_last_activity_without_bumping_version(
    deals: DealService, deal: Deal, clock: FakeClock, users: Users
) -> None:
    at = clock.now
    activity = deals.log_activity(
        deal.id,
        ActivityKind.CALL,
        direction=Direction.OUT,
        outcome=Outcome.REACHED,
        duration_s=180,
        body="  asked for a quote  ",
    )
    assert activity.id > 0
    assert (activity.at, activity.by_user_id, activity.body) == (
        at,
        users.id("anna"),
        "asked for a quote",
    )
    stored = deals.get(deal.id)
    assert stored.last_activity_at == at
    assert stored.version == deal.version
    assert stored.updated_at == deal.updated_at
    assert deals.activities(deal.id) == [activity]
    # An older activity logged later does not move last_activity_at back.
    deals.log_activity(deal.id, ActivityKind.NOTE, body="earlier", at=at - timedelta(minutes=10))
    assert deals.get(deal.id).last_activity_at == at
    assert [a.body for a in deals.activities(deal.id)] == ["earlier", "asked for a quote"]


def test_log_activity_refusals(deals: DealService, deal: Deal) -> None:
    with pytest.raises(ValidationError):
        deals.log_activity(deal.id, ActivityKind.NOTE, body="   ")
    with pytest.raises(ValidationError):
        deals.log_activity(deal.id, ActivityKind.CALL, duration_s=-1)
    with pytest.raises(ValidationError):
        deals.log_activity(deal.id, ActivityKind.CALL, at=deal.created_at - timedelta(days=1))
    with pytest.raises(NotFoundError):
        deals.log_activity(deal.id + 1000, ActivityKind.CALL)
    assert deals.activities(deal.id) == []
    assert deals.get(deal.id).last_activity_at is None


def test_set_and_clear_next_contact(deals: DealService, deal: Deal) -> None:
    when = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
    updated = deals.set_next_contact(deal.id, when, "  send the offer ")
    assert (updated.next_contact_at, updated.next_contact_note) == (when, "send the offer")
    assert updated.version == deal.version + 1
    assert deals.get(deal.id) == updated
    cleared = deals.set_next_contact(deal.id, None, "ignored")
    assert (cleared.next_contact_at, cleared.next_contact_note) == (None, None)
    assert deals.get(deal.id) == cleared
    with pytest.raises(ValidationError):
        deals.set_next_contact(deal.id, datetime(2026, 3, 10, 7, 0))
    assert deals.get(deal.id) == cleared
    assert len(deals.history(deal.id)) == 1  # not a stage change


def test_soft_delete_hides_and_restore_brings_back(
    deals: DealService, deal: Deal, store: SqlStore, clock: FakeClock
) -> None:
    deals.log_activity(deal.id, ActivityKind.CALL)
    deleted = deals.delete(deal.id)
    assert deleted.deleted_at == clock.now
    with pytest.raises(NotFoundError, match="restore"):
        deals.get(deal.id)
    for action in (
        lambda: deals.step(deal.id, +1),
        lambda: deals.set_next_contact(deal.id, None),
        lambda: deals.log_activity(deal.id, ActivityKind.CALL),
        lambda: deals.delete(deal.id),
    ):
        with pytest.raises(NotFoundError, match="restore"):
            action()
    with store.read() as uow:
        assert uow.deals.count() == 0
        assert uow.deals.count(include_deleted=True) == 1
    assert deals.get(deal.id, include_deleted=True) == deleted
    assert len(deals.history(deal.id)) == 1
    assert len(deals.activities(deal.id)) == 1

    clock.advance(minutes=5)
    restored = deals.restore(deal.id)
    assert restored.deleted_at is None
    assert deals.get(deal.id) == restored
    with store.read() as uow:
        assert uow.deals.count() == 1
    with pytest.raises(InvalidTransitionError):
        deals.restore(deal.id)


def test_missing_deal_is_not_found(deals: DealService) -> None:
    with pytest.raises(NotFoundError):
        deals.get(12345)
    with pytest.raises(NotFoundError):
        deals.restore(12345)


def test_os_login_is_the_default_actor_and_first_user_is_lead(
    store: SqlStore, clock: FakeClock, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "teamlead")  # $USER must not impersonate
    monkeypatch.setenv("LOGNAME", "teamlead")
    context = ServiceContext(store, clock=clock)
    me = pwd.getpwuid(os.geteuid()).pw_name
    assert context.login == me
    deals = DealService(context)
    created = deals.create(DRAFT, pipeline_id=pipeline.id)
    users = Users(store)
    assert created.owner_id == users.id(me)
    assert users.role(me) is Role.LEAD
    deals.step(created.id, +1, by="ivan")
    assert users.role("ivan") is Role.REP
    assert deals.history(created.id)[-1].by_user_id == users.id("ivan")
    with store.read() as uow:
        assert "teamlead" not in {u.login for u in uow.users.list()}


def test_by_records_that_user(
    deals: DealService, pipeline: Pipeline, users: Users, clock: FakeClock
) -> None:
    created = deals.create(DRAFT, pipeline_id=pipeline.id, by="ivan")
    assert users.role("ivan") is Role.LEAD  # the first user of this database
    assert created.owner_id == users.id("ivan")
    deals.win(created.id)  # as anna (the context's login)
    history = deals.history(created.id)
    assert [h.by_user_id for h in history] == [users.id("ivan"), users.id("anna")]
    assert users.role("anna") is Role.REP
    activity = deals.log_activity(created.id, ActivityKind.MEETING, by="petr")
    assert activity.by_user_id == users.id("petr")
    with pytest.raises(ValidationError):
        deals.log_activity(created.id, ActivityKind.CALL, by="not a login")


def test_owner_must_exist(
    deals: DealService, pipeline: Pipeline, users: Users, store: SqlStore
) -> None:
    with pytest.raises(NotFoundError, match="nobody"):
        deals.create(DRAFT, pipeline_id=pipeline.id, owner="nobody")
    with store.read() as uow:
        assert uow.deals.count(include_deleted=True) == 0
        assert uow.users.by_login("nobody") is None
    first = deals.create(DRAFT, pipeline_id=pipeline.id, by="ivan")
    mine = deals.create(DRAFT, pipeline_id=pipeline.id, owner="ivan")
    assert mine.owner_id == users.id("ivan") != users.id("anna")
    edited = deals.edit(first.id, DRAFT, expected_version=first.version, owner="anna")
    assert edited.owner_id == users.id("anna")
    with pytest.raises(NotFoundError):
        deals.edit(first.id, DRAFT, expected_version=edited.version, owner="ghost")


def test_edit_replaces_fields_and_bumps_version(
    deals: DealService, deal: Deal, clock: FakeClock
) -> None:
    draft = DealDraft("  New title ", Money(99, "usd"), tags=("x", "X"), email=None)
    edited = deals.edit(deal.id, draft, expected_version=deal.version)
    assert edited.title == "New title"
    assert edited.value == Money(99, "USD")
    assert edited.tags == ("x",)
    assert edited.email is None and edited.company is None
    assert edited.updated_at == clock.now
    assert edited.stage_id == deal.stage_id
    assert edited.version == deal.version + 1
    assert deals.get(deal.id) == edited
    assert len(deals.history(deal.id)) == 1


def test_stage_of_another_pipeline_is_a_funnel_error(
    deals: DealService, deal: Deal, context: ServiceContext
) -> None:
    other = PipelineService(context).create_from_template("three", "en", "Other")
    with pytest.raises(FunnelError):
        deals.move(deal.id, other.open_stages[1].id)
    assert deals.get(deal.id) == deal


def test_pipeline_from_a_template_is_stored_as_specified(context: ServiceContext) -> None:
    spec = template_spec("aida", "ru")
    pipeline = PipelineService(context).create(spec)
    assert [(s.name, s.kind, s.probability, s.is_key, s.rot_days) for s in pipeline.stages] == [
        (s.name, s.kind, s.probability, s.is_key, s.rot_days) for s in spec.stages
    ]
    assert pipeline.stages[-2].kind is StageKind.WON
    assert [r.name for r in pipeline.loss_reasons] == list(spec.loss_reasons)
    with pytest.raises(ValidationError):
        PipelineService(context).create(PipelineSpec(spec.name.lower(), spec.stages))
