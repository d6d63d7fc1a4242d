"""The reports' lean reads (`storage/metrics_queries.py`, `storage/analytics_queries.py`) give
what the ORM repositories give, on both engines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from funnel_tui.domain.models import PipelineSpec, StageKind, StageSpec
from funnel_tui.storage.analytics_queries import id_list, run_sql
from funnel_tui.storage.database import SqlStore
from tests.conftest import ENGINES

AT = datetime(2026, 11, 1, tzinfo=UTC)
"""A whole second: SQLite stores it as text with six zero decimals, which the bound value
must match exactly."""


def _spec(name: str, reasons: tuple[str, ...]) -> PipelineSpec:
    return PipelineSpec(
        name,
        (
            StageSpec("Lead", probability=10, rot_days=7, checklist=("Budget?", "Who decides?")),
            StageSpec("Offer", probability=50, is_key=True),
            StageSpec("Paused", probability=20, on_hold=True),
            StageSpec("Won", StageKind.WON, 100),
            StageSpec("Lost", StageKind.LOST, 0),
        ),
        reasons,
    )


@pytest.fixture
def pipelines(store: SqlStore) -> list[int]:
    """Three pipelines: one plain, one with a deleted stage, a new one and a retired reason,
    and one archived."""
    with store.write() as uow:
        first = uow.pipelines.add(_spec("Sales", ("Price", "Timing")), AT)
        second = uow.pipelines.add(_spec("Partners", ("Price", "Competitor")), AT)
        uow.pipelines.delete_stage(second.id, second.stages[2].id, AT)
        uow.pipelines.add_open_stage(second.id, StageSpec("Trial", probability=30))
        uow.pipelines.update_loss_reason(replace(second.loss_reasons[1], retired_at=AT))
        third = uow.pipelines.add(_spec("Old", ("Gone",)), AT)
        uow.pipelines.update(third.id, name="Old", archived_at=AT)
        uow.commit()
    return [first.id, second.id, third.id]


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_the_reports_read_the_pipelines_the_repository_reads(
    store: SqlStore, pipelines: list[int]
) -> None:
    with store.read() as uow:
        for pipeline_id in pipelines:
            assert uow.metrics.pipelines(pipeline_id) == [uow.pipelines.get(pipeline_id)]
        assert uow.metrics.pipelines(None) == uow.pipelines.list()
        assert uow.metrics.pipelines(max(pipelines) + 1) == []


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_every_loss_reason_is_named(store: SqlStore, pipelines: list[int]) -> None:
    with store.read() as uow:
        expected = {
            reason.id: reason.name
            for pipeline in uow.pipelines.list(include_archived=True)
            for reason in pipeline.loss_reasons
        }
        assert uow.metrics.loss_reason_names() == expected
    assert len(expected) == 5


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_times_are_bound_as_stored(store: SqlStore, pipelines: list[int]) -> None:
    sql = "SELECT count(*) FROM pipelines WHERE created_at = :at AND id IN ({ids})"
    with store.read() as uow:
        session = uow._session  # the session the readers run their SQL in
        assert run_sql(session, sql.format(ids=id_list(pipelines)), {"at": AT})[0][0] == 3
        assert run_sql(session, sql.format(ids=id_list([])), {"at": AT})[0][0] == 0
