"""The interchange round trip keeps checklist answers and moves between pipelines."""

from __future__ import annotations

from pathlib import Path

from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.context import ServiceContext
from funnel_tui.storage.database import open_store
from tests.conftest import FakeClock

BANT = ("Is there a budget?", "Who decides?", "What need does it solve?", "By when?")


def test_answers_and_a_move_to_another_pipeline_survive_export_and_import(
    context: ServiceContext, clock: FakeClock, tmp_path: Path
) -> None:
    services = Services.over(context)
    sales = services.pipelines.create_from_template("b2b", "en", "Sales")
    small = services.pipelines.create_from_template("three", "en", "Small deals")
    qualification = next(s for s in sales.stages if s.name == "Qualification")
    deal = services.deals.create(
        DealDraft("Chairs", Money(100, "RUB")), pipeline_id=sales.id, stage_id=qualification.id
    )
    clock.advance(hours=1)
    deal = services.deals.edit(
        deal.id,
        DealDraft("Chairs", Money(100, "RUB")),
        expected_version=deal.version,
        answers={BANT[0]: "yes", BANT[1]: "the CFO"},
    )
    clock.advance(hours=1)
    services.deals.edit(
        deal.id,
        DealDraft("Chairs", Money(100, "RUB")),
        expected_version=deal.version,
        stage_id=small.open_stages[1].id,
    )
    exported = services.interchange.export_document()
    [doc] = exported["deals"]
    assert doc["pipeline"] == "Small deals"
    assert [h.get("pipeline") for h in doc["history"]] == ["Sales", None]
    assert [(a["question"], a["answer"], a["pipeline"]) for a in doc["checklist"]] == [
        (BANT[0], "yes", "Sales"),
        (BANT[1], "the CFO", "Sales"),
    ]

    other_store = open_store(tmp_path / "other.db")
    try:
        other = Services.over(ServiceContext(other_store, login="anna", clock=clock))
        other.interchange.import_document(exported)
        assert other.interchange.export_document() == exported
    finally:
        other_store.close()


def test_a_holding_stage_survives_export_and_import(
    context: ServiceContext, clock: FakeClock, tmp_path: Path
) -> None:
    services = Services.over(context)
    services.pipelines.create_from_template("refusals", "ru")
    exported = services.interchange.export_document()
    [pipeline] = exported["pipelines"]
    assert [stage["on_hold"] for stage in pipeline["stages"]] == [True, False, False, False]

    other_store = open_store(tmp_path / "other.db")
    try:
        other = Services.over(ServiceContext(other_store, login="anna", clock=clock))
        other.interchange.import_document(exported)
        [imported] = other.pipelines.list()
        assert [stage.on_hold for stage in imported.stages] == [True, False, False, False]
        assert other.interchange.export_document() == exported
    finally:
        other_store.close()
