"""Property tests of the metrics aggregates: for random histories (skips, backward moves,
reopenings, moves to another pipeline, ties in time, deletions, moves by someone else than
the owner, activities before creation and deleted ones), every figure `SqlMetricsReader`
computes in SQL equals a slow reference that follows the definitions deal by deal, row by
row (metrics_ports.py).

The reference reads a past moment's open deals as each deal's latest stage change before it,
which is what the SQL's sum of moves since the moment must come to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from funnel_tui.analytics.metrics_model import MetricsQuery
from funnel_tui.analytics.metrics_ports import MetricsReader, OwnerCount, Scope
from funnel_tui.analytics.metrics_view import MetricsView, metrics_view
from funnel_tui.domain.models import Activity, ActivityKind, Deal, Role, Stage, StageChange
from funnel_tui.domain.money import Money
from funnel_tui.domain.templates import template_spec
from funnel_tui.services.ports import DealBundle
from funnel_tui.storage.database import SqlStore, open_store

START = datetime(2026, 3, 1, tzinfo=UTC)
END = START + timedelta(days=10)
STEPS = ("o0", "o1", "o2", "won", "lost", "q0", "qwon")
"""Open stages of the pipeline, its won and lost stages, and two of another pipeline."""
KINDS = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)


@dataclass(frozen=True)
class ActivityPlan:
    offset_hours: int
    """From the deal's creation; negative: logged before it (not a response)."""
    kind: ActivityKind
    by: int
    deleted: bool


@dataclass(frozen=True)
class DealPlan:
    created_hour: int
    """Hours from START - 4 days: some before the period, some after."""
    owner: int
    currency: str
    value: int
    path: tuple[str, ...]
    gaps: tuple[int, ...]
    movers: tuple[int, ...]
    deleted: bool
    next_contact_hour: int | None
    activities: tuple[ActivityPlan, ...]


activity_plans = st.builds(
    ActivityPlan,
    offset_hours=st.integers(-5, 60),
    kind=st.sampled_from(KINDS),
    by=st.integers(0, 2),
    deleted=st.sampled_from((False, False, False, True)),
)
deal_plans = st.builds(
    DealPlan,
    created_hour=st.integers(0, 18 * 24),
    owner=st.integers(0, 2),
    currency=st.sampled_from(("RUB", "RUB", "USD")),
    value=st.integers(0, 5_000_000),
    path=st.lists(st.sampled_from(STEPS), min_size=1, max_size=6).map(tuple),
    gaps=st.lists(st.integers(0, 40), min_size=6, max_size=6).map(tuple),  # 0: a tie
    movers=st.lists(st.integers(0, 2), min_size=6, max_size=6).map(tuple),
    deleted=st.sampled_from((False, False, False, True)),
    next_contact_hour=st.none() | st.integers(0, 18 * 24),
    activities=st.lists(activity_plans, max_size=3).map(tuple),
)


@dataclass(frozen=True)
class World:
    store: SqlStore
    users: tuple[int, int, int]
    deals: tuple[DealBundle, ...]
    deleted_activities: frozenset[int]


@contextmanager
def world(plans: list[DealPlan]) -> Iterator[World]:
    store = open_store("sqlite://")
    base = START - timedelta(days=4)
    try:
        with store.write() as uow:
            users = tuple(
                uow.users.add(login, login, Role.REP, base).id for login in ("ann", "bob", "cy")
            )
            sales = uow.pipelines.add(template_spec("three", "en", "Sales"), base)
            other = uow.pipelines.add(template_spec("aida", "en", "Other"), base)
            stage_of: dict[str, Stage] = {
                "o0": sales.open_stages[0],
                "o1": sales.open_stages[1],
                "o2": sales.open_stages[2],
                "won": sales.won_stage,
                "lost": sales.lost_stage,
                "q0": other.open_stages[0],
                "qwon": other.won_stage,
            }
            bundles = []
            for number, plan in enumerate(plans):
                created = base + timedelta(hours=plan.created_hour)
                moments = [created]
                for gap in plan.gaps[: len(plan.path) - 1]:
                    moments.append(moments[-1] + timedelta(hours=gap))
                stages = [stage_of[step] for step in plan.path]
                history = tuple(
                    StageChange(
                        0,
                        0,
                        stages[i - 1].id if i else None,
                        stage.id,
                        moments[i],
                        users[plan.movers[i]],
                    )
                    for i, stage in enumerate(stages)
                )
                current = stages[-1]
                activities = tuple(
                    Activity(
                        0,
                        0,
                        a.kind,
                        created + timedelta(hours=a.offset_hours),
                        users[a.by],
                        body=f"{number}/{index}/{'deleted' if a.deleted else 'kept'}",
                    )
                    for index, a in enumerate(plan.activities)
                )
                deal = Deal(
                    id=0,
                    pipeline_id=current.pipeline_id,
                    stage_id=current.id,
                    title=f"deal {number}",
                    value=Money(plan.value, plan.currency),
                    owner_id=users[plan.owner],
                    created_at=created,
                    updated_at=moments[-1],
                    stage_entered_at=moments[-1],
                    closed_at=moments[-1] if not current.is_open else None,
                    deleted_at=moments[-1] if plan.deleted else None,
                    next_contact_at=(
                        None
                        if plan.next_contact_hour is None
                        else base + timedelta(hours=plan.next_contact_hour)
                    ),
                )
                bundles.append(DealBundle(deal, history, activities))
            uow.bulk.insert_bundles(bundles)
            uow.commit()
        with store.engine.begin() as connection:
            connection.execute(
                text("UPDATE activities SET deleted_at = :at WHERE body LIKE '%/deleted'"),
                {"at": base.replace(tzinfo=None)},
            )
            deleted = frozenset(
                row[0]
                for row in connection.execute(
                    text("SELECT id FROM activities WHERE deleted_at IS NOT NULL")
                )
            )
        with store.read() as uow:
            stored = tuple(uow.bulk.iter_bundles())
        yield World(store, users, stored, deleted)  # type: ignore[arg-type]
    finally:
        store.close()


# --- the reference: deal by deal --------------------------------------------------------------


def live_in_view(
    bundle: DealBundle, scope: Scope, stage_ids: tuple[int, ...], *, of_owner: bool = True
) -> bool:
    """Not deleted, now at one of `stage_ids`, and (`of_owner`) of the scope's owner."""
    deal = bundle.deal
    return (
        deal.deleted_at is None
        and deal.stage_id in stage_ids
        and (not of_owner or scope.owner_id is None or deal.owner_id == scope.owner_id)
    )


def stage_before(bundle: DealBundle, moment: datetime) -> int | None:
    earlier = [change for change in bundle.history if change.at < moment]
    if not earlier:
        return None
    return max(earlier, key=lambda change: (change.at, change.id)).to_stage_id


def seconds(later: datetime, earlier: datetime) -> int:
    return round((later - earlier).total_seconds())


def median(values: list[int]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = (len(ordered) - 1) // 2
    chosen = ordered[middle : middle + 2 - len(ordered) % 2]
    return Fraction(sum(chosen), len(chosen))


def by_owner_currency(bundles: list[DealBundle]) -> Counter[tuple[int, str]]:
    return Counter((b.deal.owner_id, b.deal.value.currency) for b in bundles)


def counted(rows: list[OwnerCount]) -> Counter[tuple[int, str]]:
    found = Counter[tuple[int, str]]()
    for row in rows:
        found[row.owner_id, row.currency] += row.count
    return +found


# --- the test ---------------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    plans=st.lists(deal_plans, max_size=30),
    owner=st.sampled_from((None, 0, 1)),
    every_pipeline=st.booleans(),
    moment_hours=st.integers(0, 18 * 24),
)
def test_sql_aggregates_equal_the_reference(
    plans: list[DealPlan], owner: int | None, every_pipeline: bool, moment_hours: int
) -> None:
    with world(plans) as w, w.store.read() as uow:
        sales = uow.pipelines.list()[0]
        owner_id = None if owner is None else w.users[owner]
        view = metrics_view(
            uow, MetricsQuery(None if every_pipeline else sales.id, START, END, owner_id)
        )
        moment = START - timedelta(days=4) + timedelta(hours=moment_hours)
        check(uow.metrics, view, w, moment)


def check(metrics: MetricsReader, view: MetricsView, w: World, moment: datetime) -> None:
    """Every aggregate for [START, END) against the reference; open deals and next contacts
    at `moment`."""
    scope = view.scope
    deals = list(w.deals)
    in_view = [b for b in deals if live_in_view(b, scope, scope.stage_ids)]

    created = [b for b in in_view if START <= b.deal.created_at < END]
    assert counted(metrics.created(scope, START, END)) == +by_owner_currency(created)

    open_then = [
        b
        for b in deals
        if b.deal.deleted_at is None
        and (scope.owner_id is None or b.deal.owner_id == scope.owner_id)
        and stage_before(b, moment) in scope.open_ids
    ]
    assert counted(metrics.open_at(scope, moment)) == +by_owner_currency(open_then)

    closed_ids = (*scope.won_ids, *scope.lost_ids)
    closed = [
        b
        for b in in_view
        if b.deal.stage_id in closed_ids
        and b.deal.closed_at is not None
        and START <= b.deal.closed_at < END
    ]
    expected_closed: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for b in closed:
        assert b.deal.closed_at is not None
        sums = expected_closed[b.deal.owner_id, b.deal.stage_id, b.deal.value.currency]
        sums[0] += 1
        sums[1] += b.deal.value.minor
        sums[2] += seconds(b.deal.closed_at, b.deal.created_at)
    found_closed = {
        (row.owner_id, row.stage_id, row.currency): [row.count, row.value_minor, row.cycle_seconds]
        for row in metrics.closed(scope, START, END)
    }
    assert found_closed == dict(expected_closed)

    won_cycles = [
        seconds(b.deal.closed_at, b.deal.created_at)
        for b in closed
        if b.deal.stage_id in scope.won_ids and b.deal.closed_at is not None
    ]
    assert metrics.median_cycle_seconds(scope, START, END) == median(won_cycles)

    kinds = (ActivityKind.CALL.value, ActivityKind.MEETING.value)
    done = Counter[tuple[int, str]]()
    for b in deals:
        if not live_in_view(b, scope, scope.stage_ids, of_owner=False):
            continue  # the owner filter is on who logged the activity
        for a in b.activities:
            if (
                a.id not in w.deleted_activities
                and a.kind.value in kinds
                and START <= a.at < END
                and (scope.owner_id is None or a.by_user_id == scope.owner_id)
            ):
                done[a.by_user_id, a.kind.value] += 1
    found_done = {
        (r.user_id, r.kind): r.count for r in metrics.activities(scope, START, END, kinds)
    }
    assert found_done == dict(+done)

    ranks = view.forward_ranks()
    moved = Counter[int]()
    for b in deals:
        if b.deal.deleted_at is not None:
            continue
        for change in b.history:
            before, after = ranks.get(change.from_stage_id or -1), ranks.get(change.to_stage_id)
            if (
                before is not None
                and after is not None
                and before.pipeline_id == after.pipeline_id
                and after.rank > before.rank
                and START <= change.at < END
                and (scope.owner_id is None or change.by_user_id == scope.owner_id)
            ):
                moved[change.by_user_id] += 1
    assert metrics.moved_forward(scope, START, END, ranks) == dict(+moved)

    responses: dict[int, list[int]] = defaultdict(list)
    for b in created:
        answers = [
            a.at
            for a in b.activities
            if a.id not in w.deleted_activities and a.at >= b.deal.created_at
        ]
        if answers:
            responses[b.deal.owner_id].append(seconds(min(answers), b.deal.created_at))
    assert metrics.first_response_medians(scope, START, END) == {
        owner: median(values) for owner, values in responses.items()
    }

    now = moment
    statuses: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for b in in_view:
        if b.deal.stage_id in scope.open_ids:
            status = statuses[b.deal.owner_id, b.deal.value.currency]
            status[0] += 1
            status[1] += b.deal.next_contact_at is not None and b.deal.next_contact_at < now
            status[2] += b.deal.next_contact_at is None
    found_statuses = {
        (s.owner_id, s.currency): [s.open, s.overdue, s.unscheduled]
        for s in metrics.contacts_now(scope, now)
    }
    assert found_statuses == dict(statuses)
