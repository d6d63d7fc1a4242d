"""Property tests of the funnel: for random histories (skips, backward moves, reopenings, moves
to another pipeline, ties in time, deletions, two owners and currencies), `reached` never
increases along the stages, and every figure the SQL aggregates give equals the slow
reference implementation of DESIGN.md's definitions (tests/analytics/reference.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelReport, FunnelView
from funnel_tui.domain.models import Deal, Pipeline, Role, StageChange
from funnel_tui.domain.money import Money
from funnel_tui.domain.templates import template_spec
from funnel_tui.services.ports import DealBundle
from funnel_tui.storage.database import SqlStore, open_store

from .reference import Reference, reference

START = datetime(2026, 3, 1, tzinfo=UTC)
END = START + timedelta(days=10)
STEPS = ("o0", "o1", "o2", "won", "lost", "q0")
"""Open stages of the pipeline, its won and lost stages, and a stage of another pipeline."""


@dataclass(frozen=True)
class DealPlan:
    created_day: int
    created_hour: int
    owner: int
    currency: str
    value: int
    path: tuple[str, ...]
    gaps: tuple[int, ...]
    reason: int | None
    deleted: bool


deal_plans = st.builds(
    DealPlan,
    created_day=st.integers(-4, 13),  # the period is days 0-9: some before, some after
    created_hour=st.integers(0, 23),
    owner=st.integers(0, 1),
    currency=st.sampled_from(("RUB", "RUB", "RUB", "USD")),
    value=st.integers(0, 5_000_000),
    path=st.lists(st.sampled_from(STEPS), min_size=1, max_size=6).map(tuple),
    gaps=st.lists(st.integers(0, 3), min_size=6, max_size=6).map(tuple),  # 0: a tie in time
    reason=st.sampled_from((None, 0, 1)),
    deleted=st.sampled_from((False, False, False, True)),
)


@dataclass(frozen=True)
class World:
    store: SqlStore
    pipeline: Pipeline
    owners: tuple[int, int]
    bundles: tuple[DealBundle, ...]


@contextmanager
def world(plans: list[DealPlan]) -> Iterator[World]:
    store = open_store("sqlite://")
    try:
        with store.write() as uow:
            owners = tuple(
                uow.users.add(login, login, Role.REP, START).id for login in ("anna", "boris")
            )
            pipeline = uow.pipelines.add(template_spec("three", "en", "Sales"), START)
            other = uow.pipelines.add(template_spec("aida", "en", "Other"), START)
            stage_of = {
                "o0": pipeline.open_stages[0],
                "o1": pipeline.open_stages[1],
                "o2": pipeline.open_stages[2],
                "won": pipeline.won_stage,
                "lost": pipeline.lost_stage,
                "q0": other.open_stages[0],
            }
            reasons = pipeline.loss_reasons
            bundles = []
            for plan in plans:
                created = START + timedelta(days=plan.created_day, hours=plan.created_hour)
                moments = [created]
                for gap in plan.gaps[: len(plan.path) - 1]:
                    moments.append(moments[-1] + timedelta(hours=gap))
                stages = [stage_of[step] for step in plan.path]
                history = tuple(
                    StageChange(
                        0, 0, stages[i - 1].id if i else None, stage.id, moments[i], owners[0]
                    )
                    for i, stage in enumerate(stages)
                )
                current = stages[-1]
                is_lost = current.id == pipeline.lost_stage.id
                deal = Deal(
                    id=0,
                    pipeline_id=current.pipeline_id,
                    stage_id=current.id,
                    title="deal",
                    value=Money(plan.value, plan.currency),
                    owner_id=owners[plan.owner],
                    created_at=created,
                    updated_at=moments[-1],
                    stage_entered_at=moments[-1],
                    loss_reason_id=(
                        reasons[plan.reason].id if is_lost and plan.reason is not None else None
                    ),
                    closed_at=moments[-1] if not current.is_open else None,
                    deleted_at=moments[-1] if plan.deleted else None,
                )
                bundles.append(DealBundle(deal, history, ()))
            uow.bulk.insert_bundles(bundles)
            uow.commit()
        with store.read() as uow:
            stored = tuple(uow.bulk.iter_bundles())
            pipeline = uow.pipelines.get(pipeline.id) or pipeline
        yield World(store, pipeline, owners, stored)  # type: ignore[arg-type]
    finally:
        store.close()


def as_reference(report: FunnelReport) -> Reference:
    """The report's figures in the reference's shape."""
    from .reference import ReferenceStage

    return Reference(
        stages=tuple(
            ReferenceStage(
                stage.reached,
                stage.conversion_to_next,
                stage.dropoff,
                stage.count,
                stage.amount.minor,
                stage.weighted_amount.minor,
            )
            for stage in report.stages
        ),
        won=report.won,
        lost=report.lost,
        cohort_size=report.cohort_size,
        whole_conversion=report.whole_conversion,
        bottleneck=report.bottleneck.index if report.bottleneck else None,
        inverse_at=report.inverse_at,
        losses=tuple(
            (loss.stage_index, loss.reason, loss.count, loss.amount.minor) for loss in report.losses
        ),
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    plans=st.lists(deal_plans, min_size=0, max_size=40),
    owner=st.sampled_from((None, 0, 1)),
    view=st.sampled_from(tuple(FunnelView)),
)
def test_sql_figures_equal_the_reference(
    plans: list[DealPlan], owner: int | None, view: FunnelView
) -> None:
    with world(plans) as w:
        owner_id = None if owner is None else w.owners[owner]
        query = FunnelQuery(w.pipeline.id, START, END, owner_id, "RUB")
        report = funnel_report(w.store, query, view, fallback_currency="RUB")
        reached = [stage.reached for stage in report.stages]
        assert reached == sorted(reached, reverse=True)  # never increases along the stages
        assert report.won <= reached[0] <= report.cohort_size
        expected = reference(
            w.pipeline,
            w.bundles,
            start=START,
            end=END,
            owner_id=owner_id,
            snapshot=view is FunnelView.SNAPSHOT,
            currency="RUB",
        )
        assert as_reference(report) == expected
