"""The services' messages in Russian, and unchanged in English (issue 14): a conflict, a
deal that is not there, an import's row problems."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from funnel_tui.domain.errors import ConflictError, FunnelError, NotFoundError
from funnel_tui.domain.models import DealDraft, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.csv_import.apply import import_table
from funnel_tui.services.csv_import.errors import ImportProblem
from funnel_tui.services.csv_import.sniff import read_table
from funnel_tui.services.deals import DealService

DRAFT = DealDraft("Office chairs", Money(150_000, "RUB"), expected_close=date(2026, 4, 30))
CSV = "title,value,created_at\nChairs,много,2026-01-05\nDesks,100,31.02.2024\nLamps,5,\n"


def message_of(action: Callable[[], object], error: type[FunnelError] = FunnelError) -> str:
    with pytest.raises(error) as caught:
        action()
    return str(caught.value)


def conflict(context: ServiceContext, pipeline: Pipeline) -> Callable[[], object]:
    deals = DealService(context)
    deal = deals.create(DRAFT, pipeline_id=pipeline.id)
    deals.step(deal.id, +1, expected_version=deal.version)
    return lambda: deals.step(deal.id, +1, expected_version=deal.version)


def rejected(context: ServiceContext) -> list[str]:
    table = read_table(CSV.encode(), "deals.csv")
    result = import_table(context, table, dry_run=True, pipeline="Sales", currency="RUB")
    return [str(problem) for problem in result.rejected]


def test_english_messages_are_unchanged(context: ServiceContext, pipeline: Pipeline) -> None:
    deal_id = DealService(context).create(DRAFT, pipeline_id=pipeline.id).id
    assert message_of(conflict(context, pipeline), ConflictError) == (
        f"deal {deal_id + 1} was changed by someone else since you opened it; "
        "reload it and try again"
    )
    assert message_of(lambda: DealService(context).get(9999), NotFoundError) == (
        "deal 9999 does not exist"
    )
    assert rejected(context) == [
        "line 2, column 'value': not an amount: 'много'",
        "line 3, column 'created_at': '31.02.2024' is not a date (use 12/25/2026)",
    ]


@pytest.mark.usefixtures("russian")
def test_russian_messages(context: ServiceContext, pipeline: Pipeline) -> None:
    deal_id = DealService(context).create(DRAFT, pipeline_id=pipeline.id).id
    assert message_of(conflict(context, pipeline), ConflictError) == (
        f"сделку {deal_id + 1} изменил кто-то другой, пока она была открыта у вас; "
        "обновите её и попробуйте снова"
    )
    assert message_of(lambda: DealService(context).get(9999), NotFoundError) == (
        "сделки 9999 не существует"
    )
    assert rejected(context) == [
        "строка 2, столбец 'value': не сумма: 'много'",
        "строка 3, столбец 'created_at': '31.02.2024' — не дата (пишите 25.12.2026)",
    ]


@pytest.mark.usefixtures("russian")
def test_russian_count_of_bad_rows(context: ServiceContext) -> None:
    table = read_table(CSV.encode(), "deals.csv")
    with pytest.raises(ImportProblem) as caught:
        import_table(context, table, pipeline="Sales", currency="RUB")
    assert str(caught.value).startswith("2 строки с ошибками: ничего не импортировано")
