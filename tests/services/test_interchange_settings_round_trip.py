"""The interchange document keeps what Settings (issue 15) did to pipelines: stages deleted
after their deals moved on (the history still names them: `removed_stages`, `"removed": true`),
loss reasons retired (`retired_loss_reasons`) and pipelines archived (`archived`). An export
imported into an empty database exports again byte for byte; a document of before these keys
still imports; `funnel copy` keeps it all too. So do the stages' monthly targets (the reference
funnel: each stage's `targets`), those of a deleted stage with it. Both engines."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import copy_database
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.demo import generate_demo
from funnel_tui.storage.database import SqlStore, open_store
from tests.conftest import FakeClock, target_of

BUDGET = "Is there a budget?"
NEW_KEYS = ("archived", "removed_stages", "retired_loss_reasons")
JANUARY, FEBRUARY = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def services(context: ServiceContext) -> Services:
    return Services.over(context)


def stage_id(pipeline: Pipeline, name: str) -> int:
    return next(stage.id for stage in pipeline.stages if stage.name == name)


def reshape(services: Services, pipeline: Pipeline, clock: FakeClock) -> dict[str, int]:
    """Deals through the B2B pipeline, then Settings at work: Qualification (with deals and
    an answer to its checklist) deleted, its deals moved to Meeting; a Qualification added
    again; Proposal deleted twice under one name; "Price" retired with a deal lost for it;
    a second pipeline archived; before all that, targets of Qualification (so of a removed
    stage in the end) and Meeting for January and February, February's of Meeting cleared.
    The ids of the deals to look at."""
    set_targets(services, pipeline)
    deals = services.deals
    moved = deals.create(DealDraft("Chairs", Money(100_00, "RUB")), pipeline_id=pipeline.id)
    clock.advance(hours=1)
    moved = deals.move(moved.id, stage_id(pipeline, "Qualification"))
    clock.advance(hours=1)
    deals.edit(
        moved.id,
        DealDraft("Chairs", Money(100_00, "RUB")),
        expected_version=moved.version,
        answers={BUDGET: "yes"},
    )
    lost = deals.create(DealDraft("Tables", Money(50_00, "RUB")), pipeline_id=pipeline.id)
    clock.advance(hours=1)
    deals.move(lost.id, stage_id(pipeline, "Proposal"))
    clock.advance(hours=1)
    deals.lose(lost.id, "Price")
    twice = deals.create(DealDraft("Lamps", Money(70_00, "RUB")), pipeline_id=pipeline.id)
    clock.advance(hours=1)
    deals.move(twice.id, stage_id(pipeline, "Proposal"))

    clock.advance(hours=1)
    stages = services.stages
    stages.delete(
        pipeline.id,
        stage_id(pipeline, "Qualification"),
        move_to=stage_id(pipeline, "Meeting"),
    )
    stages.add(pipeline.id, "Qualification", after_stage_id=stage_id(pipeline, "Prospecting"))
    clock.advance(hours=1)
    stages.delete(
        pipeline.id, stage_id(pipeline, "Proposal"), move_to=stage_id(pipeline, "Meeting")
    )
    again = stages.add(pipeline.id, "Proposal")
    clock.advance(hours=1)
    deals.move(twice.id, again.id)
    clock.advance(hours=1)
    stages.delete(pipeline.id, again.id, move_to=stage_id(pipeline, "Negotiation"))

    price = next(r for r in pipeline.loss_reasons if r.name == "Price")
    services.loss_reasons.retire(pipeline.id, price.id)
    old = services.pipelines.create_from_template("three", "en", "Old leads")
    services.deals.create(DealDraft("Archived deal", Money(1, "RUB")), pipeline_id=old.id)
    services.pipelines.archive(old.id)
    return {"moved": moved.id, "lost": lost.id, "twice": twice.id}


def set_targets(services: Services, pipeline: Pipeline) -> None:
    stages = services.stages
    qualification, meeting = stage_id(pipeline, "Qualification"), stage_id(pipeline, "Meeting")
    stages.set_target(pipeline.id, qualification, JANUARY, count=12, amount=None, currency="RUB")
    stages.set_target(
        pipeline.id, qualification, FEBRUARY, count=15, amount="900000.50", currency="RUB"
    )
    stages.set_target(pipeline.id, meeting, JANUARY, count=None, amount="450000", currency="RUB")
    stages.set_target(pipeline.id, meeting, FEBRUARY, count=3, amount=None, currency="RUB")
    stages.set_target(pipeline.id, meeting, FEBRUARY, count=None, amount=None, currency="RUB")


def stage_targets(services: Services) -> dict[tuple[str, str, bool, str], tuple[Any, ...]]:
    """Every team stage target, as (pipeline, stage, removed, month) -> (count, amount)."""
    with services.context.store.read() as uow:
        pipelines = uow.pipelines.list(include_archived=True)
        removed = uow.pipelines.removed_stages([p.id for p in pipelines])
        names = {p.id: p.name for p in pipelines}
        stages = {s.id: (s.name, False) for p in pipelines for s in p.stages} | {
            s.id: (s.name, True) for gone in removed.values() for s in gone
        }
        return {
            (names[t.pipeline_id], *stages[t.stage_id or 0], f"{t.month:%Y-%m}"): (
                t.target_count,
                t.target_amount,
            )
            for t in uow.plans.stage_target_list()
        }


@pytest.fixture
def other(tmp_path: Path, clock: FakeClock) -> Iterator[Services]:
    """An empty second database (an SQLite file) to import into."""
    store = open_store(tmp_path / "other.db")
    try:
        yield Services.over(ServiceContext(store, login="anna", clock=clock))
    finally:
        store.close()


def deal_doc(document: dict[str, Any], title: str) -> dict[str, Any]:
    return next(deal for deal in document["deals"] if deal["title"] == title)


def check_settings_kept(services: Services) -> None:
    """What `reshape` did, as `services`' database has it."""
    every = {p.name: p for p in services.pipelines.list(include_archived=True)}
    assert [p.name for p in services.pipelines.list()] == ["New clients"]
    assert every["Old leads"].archived_at is not None
    sales = every["New clients"]
    assert [s.name for s in sales.open_stages] == [
        "Prospecting",
        "Qualification",
        "Meeting",
        "Negotiation",
        "Closing",
        "Fulfilment",
    ]
    assert "Price" not in [r.name for r in sales.active_loss_reasons]
    assert "Price" in [r.name for r in sales.loss_reasons]
    price = next(r for r in sales.loss_reasons if r.name == "Price")
    assert services.deals.search("Tables")[0].loss_reason_id == price.id
    document = services.interchange.export_document()
    assert deal_doc(document, "Tables")["loss_reason"] == "Price"
    moved = deal_doc(document, "Chairs")
    live = [s.id for s in sales.stages]
    chairs = services.deals.search("Chairs")[0]
    history = services.deals.history(chairs.id)
    assert history[1].to_stage_id not in live  # the removed Qualification, not the new one
    assert chairs.stage_id == stage_id(sales, "Meeting")
    assert [(h["stage"], h.get("removed", False)) for h in moved["history"]] == [
        ("Prospecting", False),
        ("Qualification", True),
        ("Meeting", False),
    ]
    assert [(a["stage"], a.get("removed", False)) for a in moved["checklist"]] == [
        ("Qualification", True)
    ]


# --- the round trip ---------------------------------------------------------------------------


def test_deleted_stages_retired_reasons_and_archived_pipelines_survive_export_and_import(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    reshape(services, pipeline, clock)
    exported = services.interchange.export_document()
    sales, old = exported["pipelines"]
    assert (sales["name"], sales["archived"], old["name"], old["archived"]) == (
        "New clients",
        False,
        "Old leads",
        True,
    )
    assert [s["name"] for s in sales["removed_stages"]] == ["Qualification", "Proposal"]
    assert {s["kind"] for s in sales["removed_stages"]} == {"open"}
    assert sales["removed_stages"][0]["checklist"][0] == BUDGET
    assert sales["retired_loss_reasons"] == ["Price"]
    assert old["removed_stages"] == [] and old["retired_loss_reasons"] == []
    twice = deal_doc(exported, "Lamps")["history"]
    assert [(h["stage"], h.get("removed", False)) for h in twice] == [
        ("Prospecting", False),
        ("Proposal", True),
        ("Meeting", False),
        ("Proposal", True),  # the second Proposal, deleted too: one removed stage of the name
        ("Negotiation", False),
    ]
    check_settings_kept(services)

    text = services.interchange.export_json()
    other.interchange.import_json(text)
    assert other.interchange.export_json() == text  # byte for byte
    check_settings_kept(other)
    # Both deleted Proposals arrived as one removed stage.
    with other.context.store.read() as uow:
        [imported] = [p for p in uow.pipelines.list() if p.name == "New clients"]
        removed = uow.pipelines.removed_stages([imported.id])[imported.id]
    assert [s.name for s in removed] == ["Qualification", "Proposal"]
    assert min(s.position for s in removed) > max(s.position for s in imported.stages)


def reshaped_export_from_sqlite(tmp_path: Path, clock: FakeClock) -> str:
    """The JSON export of a reshaped "New clients" pipeline made in an SQLite file."""
    source = open_store(tmp_path / "source.db")
    try:
        made = Services.over(ServiceContext(source, login="anna", clock=clock))
        reshape(made, made.pipelines.create_from_template("b2b", "en", "New clients"), clock)
        return made.interchange.export_json()
    finally:
        source.close()


def test_an_export_imported_into_this_engine_exports_again_the_same(
    store: SqlStore, clock: FakeClock, tmp_path: Path
) -> None:
    """The import side on both engines: the document comes from an SQLite file."""
    text = reshaped_export_from_sqlite(tmp_path, clock)
    here = Services.over(ServiceContext(store, login="anna", clock=clock))
    here.interchange.import_json(text)
    assert here.interchange.export_json() == text
    check_settings_kept(here)
    # Imported again over itself: no pipeline is added (the archived one is found again).
    here.interchange.import_document({**json.loads(text), "deals": []})
    assert here.interchange.export_json() == text


def test_copy_keeps_deleted_stages_retired_reasons_and_archived_pipelines(
    services: Services, pipeline: Pipeline, clock: FakeClock, store: SqlStore, tmp_path: Path
) -> None:
    reshape(services, pipeline, clock)
    text = services.interchange.export_json()
    target = tmp_path / "copy.db"
    copy_database(target_of(store), str(target))
    copied = open_store(target, create=False)
    try:
        there = Services.over(ServiceContext(copied, login="anna", clock=clock))
        assert there.interchange.export_json() == text
        check_settings_kept(there)
    finally:
        copied.close()


# --- older documents, existing pipelines ------------------------------------------------------


def test_a_document_without_the_new_keys_still_imports(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    deal = services.deals.create(DealDraft("Chairs", Money(1, "RUB")), pipeline_id=pipeline.id)
    clock.advance(hours=1)
    services.deals.lose(deal.id, "Price")
    exported = services.interchange.export_document()
    older = copy.deepcopy(exported)
    for doc in older["pipelines"]:
        for key in NEW_KEYS:
            del doc[key]
    other.interchange.import_document(older)
    assert other.interchange.export_document() == exported
    [imported] = other.pipelines.list(include_archived=True)
    assert imported.archived_at is None
    assert imported.active_loss_reasons == imported.loss_reasons


def test_a_removed_stage_missing_from_a_pipeline_here_is_created_deleted(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    reshape(services, pipeline, clock)
    exported = services.interchange.export_document()
    other.pipelines.create_from_template("b2b", "en", "New clients")  # every stage live
    other.interchange.import_document(exported)
    [here] = [p for p in other.pipelines.list() if p.name == "New clients"]
    # The live stages are as they were here; the removed ones came along, deleted.
    assert [s.name for s in here.open_stages] == [
        "Prospecting",
        "Qualification",
        "Meeting",
        "Proposal",
        "Negotiation",
        "Closing",
        "Fulfilment",
    ]
    again = other.interchange.export_document()
    [sales] = [p for p in again["pipelines"] if p["name"] == "New clients"]
    assert [s["name"] for s in sales["removed_stages"]] == ["Qualification", "Proposal"]
    assert deal_doc(again, "Chairs")["history"] == deal_doc(exported, "Chairs")["history"]
    # The pipeline here keeps its own settings: Price stays offered.
    assert "Price" in [r.name for r in here.active_loss_reasons]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (
            lambda d: d["pipelines"][0].update(retired_loss_reasons=["Nope"]),
            "pipelines[0].retired_loss_reasons[0]",
            "'Nope' is not one of the pipeline's loss_reasons",
        ),
        (
            lambda d: d["pipelines"][0]["removed_stages"][0].update(kind="won"),
            "pipelines[0].removed_stages[0].kind",
            "only an open stage can be removed",
        ),
        (
            lambda d: d["pipelines"][0]["removed_stages"].append(
                d["pipelines"][0]["removed_stages"][0]
            ),
            "pipelines[0].removed_stages",
            "named 'Qualification' exists",
        ),
        (
            lambda d: deal_doc(d, "Chairs")["history"][1].update(stage="Nowhere"),
            "deals[0]",
            "no removed stage 'Nowhere' in 'New clients'",
        ),
        (
            lambda d: deal_doc(d, "Chairs")["history"][2].update(removed=True, stage="Proposal"),
            "deals[0]",
            "current stage cannot be a removed one",
        ),
        (
            lambda d: deal_doc(d, "Chairs")["history"][1].update(removed="maybe"),
            "deals[0].history[1].removed",
            "",
        ),
    ],
    ids=["retired-unknown", "removed-won", "removed-twice", "no-such-removed", "current", "flag"],
)
def test_a_document_that_breaks_the_new_keys_is_refused(
    services: Services,
    pipeline: Pipeline,
    clock: FakeClock,
    other: Services,
    change: Any,
    where: str,
    message: str,
) -> None:
    reshape(services, pipeline, clock)
    document = services.interchange.export_document()
    change(document)
    with pytest.raises(ValidationError) as raised:
        other.interchange.import_document(document)
    assert raised.value.field == where
    assert message in raised.value.message
    assert other.pipelines.list(include_archived=True) == []  # nothing landed


# --- stage targets (the reference funnel) -----------------------------------------------------

EXPECTED_TARGETS = {
    ("New clients", "Qualification", True, "2026-01"): (12, None),
    ("New clients", "Qualification", True, "2026-02"): (15, Money(900000_50, "RUB")),
    ("New clients", "Meeting", False, "2026-01"): (None, Money(450000_00, "RUB")),
    ("New clients", "Meeting", False, "2026-02"): (None, None),  # cleared: not exported
}


def test_stage_targets_survive_export_and_import(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    reshape(services, pipeline, clock)
    assert stage_targets(services) == EXPECTED_TARGETS
    exported = services.interchange.export_document()
    sales = exported["pipelines"][0]
    meeting = next(s for s in sales["stages"] if s["name"] == "Meeting")
    assert meeting["targets"] == [
        {"month": "2026-01", "count": None, "amount": "450000.00", "currency": "RUB"}
    ]
    assert [s["targets"] for s in sales["removed_stages"]] == [
        [
            {"month": "2026-01", "count": 12, "amount": None, "currency": None},
            {"month": "2026-02", "count": 15, "amount": "900000.50", "currency": "RUB"},
        ],
        [],
    ]
    assert all(s["targets"] == [] for s in sales["stages"] if s["name"] != "Meeting")

    text = services.interchange.export_json()
    other.interchange.import_json(text)
    kept = {key: value for key, value in EXPECTED_TARGETS.items() if value != (None, None)}
    assert stage_targets(other) == kept
    assert other.interchange.export_json() == text  # byte for byte
    [here] = [p for p in other.pipelines.list() if p.name == "New clients"]
    assert other.stages.targets(here.id, JANUARY)[stage_id(here, "Meeting")].amount == Money(
        450000_00, "RUB"
    )
    # Imported again over itself: each month's target is replaced, not added again.
    other.interchange.import_document({**json.loads(text), "deals": []})
    assert stage_targets(other) == kept
    assert other.interchange.export_json() == text


def test_stage_targets_import_into_this_engine(
    store: SqlStore, clock: FakeClock, tmp_path: Path
) -> None:
    text = reshaped_export_from_sqlite(tmp_path, clock)
    here = Services.over(ServiceContext(store, login="anna", clock=clock))
    here.interchange.import_json(text)
    assert set(stage_targets(here)) == set(EXPECTED_TARGETS) - {
        ("New clients", "Meeting", False, "2026-02")
    }
    assert here.interchange.export_json() == text


def test_a_document_without_stage_targets_still_imports(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    reshape(services, pipeline, clock)
    exported = services.interchange.export_document()
    older = copy.deepcopy(exported)
    for doc in older["pipelines"]:
        for stage in doc["stages"] + doc["removed_stages"]:
            del stage["targets"]
    other.interchange.import_document(older)
    assert stage_targets(other) == {}
    again = other.interchange.export_document()
    for doc in again["pipelines"]:
        for stage in doc["stages"] + doc["removed_stages"]:
            assert stage.pop("targets") == []
    assert again == older


def meeting_targets(document: dict[str, Any]) -> list[dict[str, Any]]:
    sales = document["pipelines"][0]
    targets: list[dict[str, Any]] = next(s for s in sales["stages"] if s["name"] == "Meeting")[
        "targets"
    ]
    return targets


WHERE = "pipelines[0].stages[2].targets[0]"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda t: t.update(month="2026-13"), WHERE, "'2026-13' is not a month"),
        (lambda t: t.update(count=-1), f"{WHERE}.count", "greater than or equal to 0"),
        (lambda t: t.update(count=1_000_001), f"{WHERE}.count", "less than or equal to"),
        (lambda t: t.update(count="5"), f"{WHERE}.count", ""),
        (lambda t: t.update(currency=None), WHERE, "an amount needs its currency"),
        (
            lambda t: t.update(amount=None, currency="RUB"),
            WHERE,
            "is set on a target without an amount",
        ),
        (lambda t: t.update(amount="1.234"), WHERE, ""),
        (lambda t: t.update(amount="-5"), WHERE, "must not be negative"),
        (lambda t: t.update(owner="boris"), f"{WHERE}.owner", "unknown key"),
    ],
    ids=[
        "month",
        "negative-count",
        "huge-count",
        "text-count",
        "no-currency",
        "currency-alone",
        "sub-minor",
        "negative-amount",
        "owner",
    ],
)
def test_a_bad_stage_target_is_refused_and_nothing_lands(
    services: Services,
    pipeline: Pipeline,
    clock: FakeClock,
    other: Services,
    change: Any,
    where: str,
    message: str,
) -> None:
    reshape(services, pipeline, clock)
    document = services.interchange.export_document()
    assert [s["name"] for s in document["pipelines"][0]["stages"]][2] == "Meeting"
    change(meeting_targets(document)[0])
    with pytest.raises(ValidationError) as raised:
        other.interchange.import_document(document)
    assert raised.value.field == where
    assert message in raised.value.message
    assert other.pipelines.list(include_archived=True) == []  # nothing landed
    assert stage_targets(other) == {}


def test_a_second_target_of_a_month_or_one_on_a_closed_stage_is_refused(
    services: Services, pipeline: Pipeline, clock: FakeClock, other: Services
) -> None:
    reshape(services, pipeline, clock)
    document = services.interchange.export_document()
    targets = meeting_targets(document)
    targets.append(dict(targets[0], count=4))
    with pytest.raises(ValidationError) as raised:
        other.interchange.import_document(document)
    assert raised.value.field == "pipelines[0].stages[2].targets[1]"
    assert "a second target for 2026-01" in raised.value.message
    document = services.interchange.export_document()
    sales = document["pipelines"][0]
    won = next(index for index, s in enumerate(sales["stages"]) if s["kind"] == "won")
    sales["stages"][won]["targets"] = meeting_targets(document)
    with pytest.raises(ValidationError) as raised:
        other.interchange.import_document(document)
    assert raised.value.field == f"pipelines[0].stages[{won}].targets[0]"
    assert "targets are set on open stages" in raised.value.message
    assert other.pipelines.list(include_archived=True) == []


def test_the_demo_exports_imports_and_exports_again_the_same(
    store: SqlStore, clock: FakeClock, other: Services
) -> None:
    """`funnel demo`, then export, import into an empty database, export: the same bytes.
    A target is set on a demo stage too, so the demo's pipelines carry some whatever the
    demo sets itself."""
    generate_demo(store, deals=300, seed=7, today=date(2026, 3, 15), viewer="anna")
    demo = Services.over(ServiceContext(store, login="anna", clock=clock))
    first = demo.pipelines.list()[0]
    demo.stages.set_target(
        first.id, first.open_stages[0].id, JANUARY, count=7, amount="1000", currency="RUB"
    )
    text = demo.interchange.export_json()
    other.interchange.import_json(text)
    assert other.interchange.export_json() == text
    assert stage_targets(other) == stage_targets(demo)
    assert stage_targets(other)
