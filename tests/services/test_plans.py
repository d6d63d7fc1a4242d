"""`PlanService`: plans set from a month on, in effect until changed, cleared; validation with
one-line messages; plans in the interchange round trip; and the demo's plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import Pipeline, Role
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.demo import generate_demo
from funnel_tui.services.plans import PlanService, parse_month
from funnel_tui.storage.database import open_store

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def plans(context: ServiceContext) -> PlanService:
    return Services.over(context).plans


def rub(text: str) -> Money:
    return Money.from_major(text, "RUB")


@pytest.mark.parametrize(
    ("text", "month"),
    [("2026-10", OCTOBER), (" 2026-1 ", date(2026, 1, 1)), ("10.2026", OCTOBER)],
)
def test_months_are_written_year_and_month(text: str, month: date) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "Oct", "2026/10", "2026-10-01", ""])
def test_other_month_forms_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a month"):
        parse_month(text)


def test_a_plan_holds_from_its_month_until_changed(plans: PlanService, pipeline: Pipeline) -> None:
    first = plans.set_plan(pipeline.id, "1 500 000", month=date(2026, 10, 17), currency="RUB")
    assert (first.month, first.amount, first.owner_login) == (OCTOBER, rub("1500000"), None)
    plans.set_plan(pipeline.id, "2 000 000,50 ₽", month=date(2027, 1, 1), currency="USD")
    assert plans.in_effect(pipeline.id, date(2026, 9, 1)) is None
    assert plans.in_effect(pipeline.id, date(2026, 12, 31)) == rub("1500000")
    assert plans.in_effect(pipeline.id, date(2027, 5, 1)) == rub("2000000.50")
    # Set again for the same month: replaced, not added.
    plans.set_plan(pipeline.id, "1600000", month=OCTOBER, currency="RUB")
    assert [(line.month, line.amount) for line in plans.list_plans(pipeline.id)] == [
        (OCTOBER, rub("1600000")),
        (date(2027, 1, 1), rub("2000000.50")),
    ]


def test_owners_have_their_own_plans(
    plans: PlanService, context: ServiceContext, pipeline: Pipeline
) -> None:
    boris = add_user(context, "boris")
    plans.set_plan(pipeline.id, "300", month=date(2026, 11, 1), currency="EUR", owner_id=boris)
    plans.set_plan(pipeline.id, "1000", month=OCTOBER, currency="EUR")
    assert plans.in_effect(pipeline.id, date(2026, 11, 1)) == Money(100_000, "EUR")
    assert plans.in_effect(pipeline.id, date(2026, 11, 1), boris) == Money(30_000, "EUR")
    assert plans.in_effect(pipeline.id, OCTOBER, boris) is None
    # The team's plan first, then the owners'.
    assert [(line.owner_login, line.month) for line in plans.list_plans()] == [
        (None, OCTOBER),
        ("boris", date(2026, 11, 1)),
    ]


def test_clearing_stops_a_plan_from_a_month_on(plans: PlanService, pipeline: Pipeline) -> None:
    with pytest.raises(NotFoundError, match="no plan for 'New clients' in 2026-10 to clear"):
        plans.clear_plan(pipeline.id, month=OCTOBER)
    plans.set_plan(pipeline.id, "1000", month=OCTOBER, currency="RUB")
    cleared = plans.clear_plan(pipeline.id, month=date(2027, 1, 1))
    assert (cleared.month, cleared.amount) == (date(2027, 1, 1), None)
    assert plans.in_effect(pipeline.id, date(2026, 12, 1)) == rub("1000")
    assert plans.in_effect(pipeline.id, date(2027, 3, 1)) is None
    with pytest.raises(NotFoundError, match="to clear"):
        plans.clear_plan(pipeline.id, month=date(2027, 3, 1))


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("-5", "RUB", "plan: must not be negative"),
        ("1e5", "RUB", "plan: not an amount: '1e5'"),
        ("12.5.3", "RUB", "plan: "),
        ("", "RUB", "plan: is empty"),
        ("100", "XXX", "plan: unknown currency 'XXX'"),
        ("0.005", "RUB", "plan: 0.005 has more than 2 decimal places for RUB"),
        ("10", "JPY", None),
        (Money(-1, "RUB"), "RUB", "plan: must not be negative"),
        (Money(10**16, "RUB"), "RUB", "plan: is too large"),
        (Money(5, "usd"), "RUB", None),
    ],
)
def test_amounts_are_checked_with_one_line_messages(
    plans: PlanService, pipeline: Pipeline, amount: str | Money, currency: str, message: str | None
) -> None:
    if message is None:
        line = plans.set_plan(pipeline.id, amount, month=OCTOBER, currency=currency)
        assert line.amount is not None and line.amount.currency in {"JPY", "USD"}
        return
    with pytest.raises(ValidationError) as raised:
        plans.set_plan(pipeline.id, amount, month=OCTOBER, currency=currency)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert plans.list_plans() == []


def test_unknown_pipelines_and_owners_are_refused(plans: PlanService, pipeline: Pipeline) -> None:
    with pytest.raises(NotFoundError, match="no pipeline #99"):
        plans.set_plan(99, "100", month=OCTOBER, currency="RUB")
    with pytest.raises(NotFoundError, match="no user #99"):
        plans.set_plan(pipeline.id, "100", month=OCTOBER, currency="RUB", owner_id=99)
    assert plans.list_plans() == []


def add_user(context: ServiceContext, login: str) -> int:
    with context.store.write() as uow:
        user = uow.users.add(login, login.title(), Role.REP, context.clock())
        uow.commit()
    return user.id


def test_plans_survive_export_and_import(
    context: ServiceContext, pipeline: Pipeline, tmp_path: Path
) -> None:
    services = Services.over(context)
    boris = add_user(context, "boris")
    services.plans.set_plan(pipeline.id, "100", month=OCTOBER, currency="RUB")
    services.plans.set_plan(pipeline.id, "2 500,5", month=date(2026, 12, 1), currency="USD")
    services.plans.clear_plan(pipeline.id, month=date(2027, 3, 1))
    services.plans.set_plan(pipeline.id, "7", month=OCTOBER, currency="RUB", owner_id=boris)
    exported = services.interchange.export_document()
    [doc] = exported["pipelines"]
    assert doc["plans"] == [
        {"month": "2026-10", "owner": None, "amount": "100.00", "currency": "RUB"},
        {"month": "2026-12", "owner": None, "amount": "2500.50", "currency": "USD"},
        {"month": "2027-03", "owner": None, "amount": None, "currency": None},
        {"month": "2026-10", "owner": "boris", "amount": "7.00", "currency": "RUB"},
    ]
    other_store = open_store(tmp_path / "other.db")
    try:
        other = Services.over(ServiceContext(other_store, login="anna"))
        other.interchange.import_document(exported)
        assert other.interchange.export_document() == exported
        # Imported again over itself: the same months are replaced, nothing is added.
        other.interchange.import_document({**exported, "deals": []})
        assert other.interchange.export_document()["pipelines"] == exported["pipelines"]
    finally:
        other_store.close()


def document(*plans: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "funnel/1",
        "pipelines": [
            {
                "name": "Sales",
                "stages": [
                    {"name": "Lead"},
                    {"name": "Won", "kind": "won"},
                    {"name": "Lost", "kind": "lost"},
                ],
                "plans": list(plans),
            }
        ],
    }


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        (
            [{"month": "2026-10", "amount": "5", "currency": "RUB"}] * 2,
            "pipelines[0].plans[1]: a second plan for 2026-10 of the same owner",
        ),
        ([{"month": "2026-10", "amount": "5"}], "pipelines[0].plans[0]: currency: is missing"),
        (
            [{"month": "2026-10", "amount": None, "currency": "RUB"}],
            "pipelines[0].plans[0]: currency: is set on a plan without an amount",
        ),
        ([{"month": "October", "amount": None}], "pipelines[0].plans[0]: month: 'October'"),
        ([{"month": "2026-10", "amount": "-1", "currency": "RUB"}], "pipelines[0].plans[0]: "),
        (
            [{"month": "2026-10", "amount": "5", "currency": "RUB", "note": "x"}],
            "pipelines[0].plans[0].note: unknown key",
        ),
    ],
)
def test_bad_plans_in_a_document_import_nothing(
    context: ServiceContext, plans: list[dict[str, Any]], message: str
) -> None:
    services = Services.over(context)
    with pytest.raises(ValidationError) as raised:
        services.interchange.import_document(document(*plans))
    assert str(raised.value).startswith(message)
    assert services.pipelines.list() == []


def test_the_demo_sets_a_round_plan_per_pipeline(tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db")
    try:
        generate_demo(store, deals=1500, seed=4, today=date(2026, 11, 20))
        lines = PlanService(ServiceContext(store, login="anna")).list_plans()
    finally:
        store.close()
    # Two plans a pipeline: from the year's start (December 2025) and raised from September.
    assert {(line.pipeline_name, line.month) for line in lines} == {
        (name, month)
        for name in ("New clients", "Холодные звонки", "Repeat clients", "Квалификация")
        for month in (date(2025, 12, 1), date(2026, 9, 1))
    }
    for line in lines:
        assert line.amount is not None and line.amount.currency == "RUB"
        digits = str(line.amount.minor // 100).rstrip("0")
        assert line.amount.minor % 100 == 0 and 0 < len(digits) <= 2
    by_pipeline: dict[str, list[int]] = {}
    for line in lines:
        assert line.amount is not None
        by_pipeline.setdefault(line.pipeline_name, []).append(line.amount.minor)
    assert all(earlier < later for earlier, later in by_pipeline.values())
