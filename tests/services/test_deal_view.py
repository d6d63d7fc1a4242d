"""DealService.view (the deal pane's one read) and edits that move and answer the checklist."""

from __future__ import annotations

from datetime import date

import pytest

from funnel_tui.domain.errors import ConflictError, ValidationError
from funnel_tui.domain.models import ActivityKind, DealDraft, Outcome, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from tests.conftest import FakeClock

DRAFT = DealDraft("Office chairs", Money(150_000, "RUB"), company="Romashka LLC")
BANT = ("Is there a budget?", "Who decides?", "What need does it solve?", "By when?")


@pytest.fixture
def deals(context: ServiceContext) -> DealService:
    return DealService(context)


def stage_id(pipeline: Pipeline, name: str) -> int:
    return next(s.id for s in pipeline.stages if s.name == name)


def test_view_merges_history_and_activities_newest_first(
    deals: DealService, pipeline: Pipeline, clock: FakeClock
) -> None:
    deal = deals.create(DRAFT, pipeline_id=pipeline.id)
    clock.advance(hours=1)
    deals.log_activity(deal.id, ActivityKind.CALL, outcome=Outcome.REACHED, duration_s=60)
    clock.advance(hours=1)
    deals.step(deal.id, +1)
    clock.advance(hours=1)
    deals.log_activity(deal.id, ActivityKind.NOTE, body="asked for a quote")

    view = deals.view(deal.id)

    kinds = [
        (e.activity.kind.value if e.activity else f"{e.from_stage}->{e.to_stage}")
        for e in view.timeline
    ]
    assert kinds == ["note", "Prospecting->Qualification", "call", "None->Prospecting"]
    assert [e.at for e in view.timeline] == sorted((e.at for e in view.timeline), reverse=True)
    assert {e.who for e in view.timeline} == {"anna"}
    assert view.stage.name == "Qualification"
    assert view.unanswered == BANT
    assert view.owner.login == "anna"
    assert [p.name for p in view.pipelines] == ["New clients"]


def test_edit_saves_fields_answers_and_a_move_in_one_transaction(
    deals: DealService, pipeline: Pipeline, clock: FakeClock
) -> None:
    deal = deals.create(
        DRAFT, pipeline_id=pipeline.id, stage_id=stage_id(pipeline, "Qualification")
    )
    clock.advance(hours=1)
    edited_draft = DealDraft(
        "Office chairs x40", Money(200_000, "RUB"), expected_close=date(2026, 4, 1)
    )
    saved = deals.edit(
        deal.id,
        edited_draft,
        expected_version=deal.version,
        answers={BANT[0]: " yes, 2M ", BANT[1]: "CFO"},
    )
    assert saved.title == "Office chairs x40" and saved.version == deal.version + 1
    view = deals.view(deal.id)
    assert view.answers == {BANT[0]: "yes, 2M", BANT[1]: "CFO"}
    assert view.unanswered == BANT[2:]
    assert deals.unanswered(deal.id) == BANT[2:]

    moved = deals.edit(
        deal.id,
        edited_draft,
        expected_version=saved.version,
        stage_id=stage_id(pipeline, "Meeting"),
    )
    assert moved.stage_id == stage_id(pipeline, "Meeting")
    assert [c.to_stage_id for c in deals.history(deal.id)][-1] == moved.stage_id


def test_edit_moves_a_deal_to_another_pipeline_with_history(
    deals: DealService, pipeline: Pipeline, context: ServiceContext
) -> None:
    other = PipelineService(context).create_from_template("three", "en", "Small deals")
    deal = deals.create(DRAFT, pipeline_id=pipeline.id)
    target = other.open_stages[1].id
    moved = deals.edit(deal.id, DRAFT, expected_version=deal.version, stage_id=target)
    assert (moved.pipeline_id, moved.stage_id) == (other.id, target)
    last = deals.history(deal.id)[-1]
    assert (last.from_stage_id, last.to_stage_id) == (deal.stage_id, target)
    view = deals.view(deal.id)
    assert view.pipeline.id == other.id
    assert view.timeline[0].from_stage == "Prospecting"


def test_edit_refuses_a_stale_version_and_a_lost_stage_and_a_foreign_question(
    deals: DealService, pipeline: Pipeline
) -> None:
    deal = deals.create(DRAFT, pipeline_id=pipeline.id)
    deals.edit(deal.id, DRAFT, expected_version=deal.version)
    with pytest.raises(ConflictError):
        deals.edit(deal.id, DRAFT, expected_version=deal.version)
    current = deals.get(deal.id)
    with pytest.raises(ValidationError, match="Lose"):
        deals.edit(
            deal.id, DRAFT, expected_version=current.version, stage_id=pipeline.lost_stage.id
        )
    with pytest.raises(ValidationError, match="not a question"):
        deals.edit(deal.id, DRAFT, expected_version=current.version, answers={"Why?": "x"})
    # Nothing of the refused edits was written.
    assert deals.get(deal.id) == current
    assert deals.view(deal.id).answers == {}


def test_search_finds_live_deals_by_any_text_in_any_case(
    deals: DealService, pipeline: Pipeline, clock: FakeClock
) -> None:
    chairs = deals.create(
        DealDraft("Кресла", Money(1, "RUB"), company="РОМАШКА", phone="+7 900 111-22-33"),
        pipeline_id=pipeline.id,
    )
    clock.advance(minutes=1)
    discount = deals.create(DealDraft("50% off_promo", Money(1, "RUB")), pipeline_id=pipeline.id)
    clock.advance(minutes=1)
    gone = deals.create(DealDraft("Ромашка spare", Money(1, "RUB")), pipeline_id=pipeline.id)
    deals.delete(gone.id)
    assert [d.id for d in deals.search("ромаШка")] == [chairs.id]
    assert [d.id for d in deals.search("9001112233")] == [chairs.id]
    assert [d.id for d in deals.search("50%")] == [discount.id]
    assert [d.id for d in deals.search("f_p")] == [discount.id]
    assert deals.search("5_%") == [] and deals.search("   ") == []
