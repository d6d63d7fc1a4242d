"""The services call the domain validators: every bad value is refused with a
ValidationError(field, one-line message) before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import ActivityKind, Deal, DealDraft, Pipeline
from funnel_tui.domain.money import MAX_MINOR, Money
from funnel_tui.domain.templates import template_spec
from funnel_tui.domain.validation import MAX_BODY
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.services.plans import PlanService
from tests.conftest import FakeClock


@pytest.fixture
def deals(context: ServiceContext) -> DealService:
    return DealService(context)


@pytest.fixture
def deal(deals: DealService, pipeline: Pipeline, clock: FakeClock) -> Deal:
    created = deals.create(DealDraft("Chairs", Money(100, "RUB")), pipeline_id=pipeline.id)
    clock.advance(hours=1)
    return created


def refused(field: str, call: Callable[[], object]) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field
    assert "\n" not in str(caught.value)
    return caught.value.message


def test_long_notes_are_accepted_up_to_twenty_thousand_characters(
    deals: DealService, deal: Deal
) -> None:
    long, too_long = "н" * MAX_BODY, "н" * (MAX_BODY + 1)
    when = datetime(2026, 3, 5, 9, tzinfo=UTC)
    refused("next contact note", lambda: deals.set_next_contact(deal.id, when, too_long))
    assert deals.set_next_contact(deal.id, when, long).next_contact_note == long
    refused("note", lambda: deals.log_activity(deal.id, ActivityKind.NOTE, body=too_long))
    assert deals.log_activity(deal.id, ActivityKind.NOTE, body=long).body == long
    refused("loss note", lambda: deals.lose(deal.id, "Price", too_long))
    assert deals.lose(deal.id, "Price", long).loss_note == long


def test_times_keep_to_the_years(deals: DealService, deal: Deal) -> None:
    far = datetime(2201, 1, 1, tzinfo=UTC)
    assert "is not between" in refused("next contact", lambda: deals.set_next_contact(deal.id, far))
    assert "time zone" in refused(
        "next contact", lambda: deals.set_next_contact(deal.id, datetime(2026, 3, 5))
    )
    old = datetime(1899, 12, 31, tzinfo=UTC)
    assert "is not between" in refused(
        "at", lambda: deals.log_activity(deal.id, ActivityKind.CALL, at=old)
    )
    assert deals.get(deal.id).version == deal.version  # nothing written


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (DealDraft("x" * 201, Money(1, "RUB")), "title"),
        (DealDraft("x", Money(MAX_MINOR + 1, "RUB")), "value"),
        (DealDraft("x", Money(-1, "RUB")), "value"),
        (DealDraft("x", Money(1, "XXX")), "currency"),
        (DealDraft("x", Money(1, "RUB"), company="c" * 201), "company"),
        (DealDraft("x", Money(1, "RUB"), email="a@b"), "email"),
        (DealDraft("x", Money(1, "RUB"), phone="1234"), "phone"),
        (DealDraft("x", Money(1, "RUB"), expected_close=date(2201, 1, 1)), "expected_close"),
    ],
)
def test_deal_fields_are_checked_on_create_and_edit(
    deals: DealService, pipeline: Pipeline, deal: Deal, draft: DealDraft, field: str
) -> None:
    refused(field, lambda: deals.create(draft, pipeline_id=pipeline.id))
    refused(field, lambda: deals.edit(deal.id, draft, expected_version=deal.version))


def test_pipeline_names_are_unique_ignoring_case(
    context: ServiceContext, pipeline: Pipeline
) -> None:
    pipelines = PipelineService(context)
    message = refused(
        "pipeline", lambda: pipelines.create(template_spec("aida", "en", "  new CLIENTS "))
    )
    assert message == "a pipeline named 'new CLIENTS' exists ('New clients')"
    assert pipelines.create(template_spec("aida", "en", "New clients 2")).name == "New clients 2"
    refused("pipeline", lambda: pipelines.create(template_spec("aida", "en", "x" * 101)))


def test_plan_amounts_are_checked(context: ServiceContext, pipeline: Pipeline) -> None:
    plans = PlanService(context)
    month = date(2026, 3, 1)
    amounts: list[str | Money] = ["-5", "1e5", "100 000 000 000,01", Money(MAX_MINOR + 1, "RUB")]
    for amount in amounts:
        with pytest.raises(ValidationError) as caught:
            plans.set_plan(pipeline.id, amount, month=month, currency="RUB")
        assert caught.value.field == "plan"
    line = plans.set_plan(pipeline.id, Money(MAX_MINOR, "rub"), month=month, currency="RUB")
    assert line.amount == Money(MAX_MINOR, "RUB")
