"""`generate_demo`: deterministic, consistent with DESIGN.md's model, and shaped like a funnel."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import ActivityKind, Outcome, Pipeline, Role, StageKind, User
from funnel_tui.domain.templates import template_spec
from funnel_tui.services.demo import DemoSummary, generate_demo
from funnel_tui.services.ports import DealBundle, Store
from funnel_tui.storage.database import open_store

TODAY = date(2026, 3, 15)
MIDNIGHT = datetime(2026, 3, 15, tzinfo=UTC)
TODAY_END = MIDNIGHT + timedelta(days=1)
YEAR_AGO = MIDNIGHT - timedelta(days=365)
DEALS = 2100  # two chunks, the second one partial


@dataclass(frozen=True)
class Demo:
    summary: DemoSummary
    progress: list[tuple[int, int]]
    pipelines: dict[int, Pipeline]
    users: list[User]
    bundles: list[DealBundle]
    count: int


def snapshot(store: Store) -> tuple[list[Pipeline], list[User], list[DealBundle]]:
    with store.read() as uow:
        return uow.pipelines.list(), uow.users.list(), list(uow.bulk.iter_bundles())


@pytest.fixture(scope="module")
def demo() -> Demo:
    """One generated database, shared by the read-only tests of this module."""
    store = open_store("sqlite://")
    calls: list[tuple[int, int]] = []
    summary = generate_demo(
        store, deals=DEALS, seed=7, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    pipelines, users, bundles = snapshot(store)
    with store.read() as uow:
        count = uow.deals.count()
    store.close()
    return Demo(summary, calls, {p.id: p for p in pipelines}, users, bundles, count)


# --- determinism -----------------------------------------------------------------------------


def generated(seed: int, deals: int = 300) -> tuple[list[Pipeline], list[User], list[DealBundle]]:
    store = open_store("sqlite://")
    try:
        generate_demo(store, deals=deals, seed=seed, today=TODAY)
        return snapshot(store)
    finally:
        store.close()


def test_one_seed_gives_identical_data() -> None:
    assert generated(1) == generated(1)


def test_each_engine_holds_the_same_data(store: Store) -> None:
    """The store (tests/services/conftest.py: an SQLite file, a PostgreSQL database) holds
    what an in-memory SQLite one does: ids, times to the microsecond, amounts, order."""
    generate_demo(store, deals=DEALS, seed=1, today=TODAY)  # two chunks, as `demo` below
    assert snapshot(store) == generated(1, deals=DEALS)


def test_another_seed_or_day_gives_other_data() -> None:
    _, _, first = generated(1)
    _, _, other = generated(2)
    assert [b.deal for b in first] != [b.deal for b in other]
    store = open_store("sqlite://")
    generate_demo(store, deals=300, seed=1, today=TODAY + timedelta(days=3))
    _, _, later = snapshot(store)
    assert [b.deal.created_at for b in later] != [b.deal.created_at for b in first]
    assert max(b.deal.created_at for b in later) > MIDNIGHT  # it followed `today`


_DIGEST = """
import hashlib, sys
from datetime import date
from funnel_tui.services.demo import generate_demo
from funnel_tui.storage.database import open_store
store = open_store("sqlite://")
generate_demo(store, deals=200, seed=5, today=date(2026, 3, 15))
with store.read() as uow:
    text = repr((uow.pipelines.list(), uow.users.list(), list(uow.bulk.iter_bundles())))
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_data_does_not_depend_on_string_hashing() -> None:
    """PYTHONHASHSEED changes set and dict order of strings; the data must not follow it."""
    here = hashlib.sha256(repr(generated(5, deals=200)).encode()).hexdigest()
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", _DIGEST], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == here


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("deals", [0, -1, 2_000_001])
def test_refuses_a_silly_number_of_deals(store: Store, deals: int) -> None:
    with pytest.raises(ValidationError, match="between 1 and 2,000,000"):
        generate_demo(store, deals=deals, seed=1, today=TODAY)


def test_refuses_a_database_with_deals_and_changes_nothing(store: Store) -> None:
    generate_demo(store, deals=5, seed=1, today=TODAY)
    before = snapshot(store)
    with pytest.raises(ValidationError, match="already has deals"):
        generate_demo(store, deals=5, seed=2, today=TODAY)
    assert snapshot(store) == before


def test_fills_existing_empty_pipeline_and_user_without_duplicates(store: Store) -> None:
    with store.write() as uow:
        uow.pipelines.add(template_spec("b2b", "en", "New clients"), MIDNIGHT)
        uow.users.add("anna", "Anna", Role.LEAD, MIDNIGHT)
        uow.commit()
    generate_demo(store, deals=50, seed=1, today=TODAY)
    pipelines, users, bundles = snapshot(store)
    names = [p.name for p in pipelines]
    assert names.count("New clients") == 1
    assert [u.login for u in users].count("anna") == 1
    assert len(bundles) == 50


# --- size and summary ------------------------------------------------------------------------


def test_summary_counts_what_was_written(demo: Demo) -> None:
    assert demo.count == demo.summary.deals == DEALS
    assert demo.summary.stage_changes == sum(len(b.history) for b in demo.bundles)
    assert demo.summary.activities == sum(len(b.activities) for b in demo.bundles)
    assert demo.summary.pipelines == len(demo.pipelines) >= 3
    assert demo.progress == [(2000, DEALS), (DEALS, DEALS)]


def test_team_is_one_lead_and_reps_with_russian_and_english_names(demo: Demo) -> None:
    assert 3 <= demo.summary.users == len(demo.users) <= 6
    assert [u.role for u in demo.users].count(Role.LEAD) == 1
    names = " ".join(u.display_name for u in demo.users)
    assert any("а" <= ch <= "я" for ch in names)
    assert any("a" <= ch <= "z" for ch in names)
    owners = {b.deal.owner_id for b in demo.bundles}
    assert owners == {u.id for u in demo.users}


def test_pipelines_come_from_templates_in_both_languages(demo: Demo) -> None:
    names = {p.name for p in demo.pipelines.values()}
    assert {"New clients", "Холодные звонки", "Repeat clients"} <= names
    used = {b.deal.pipeline_id for b in demo.bundles}
    assert used == set(demo.pipelines)


def test_deals_look_like_real_ones(demo: Demo) -> None:
    deals = [b.deal for b in demo.bundles]
    currencies = [d.value.currency for d in deals]
    assert currencies.count("RUB") > len(deals) / 2
    assert {"USD", "EUR"} <= set(currencies)
    assert all(d.value.minor > 0 for d in deals)
    values = sorted(d.value.minor for d in deals if d.value.currency == "RUB")
    assert values[-1] > 10 * values[len(values) // 2]  # skewed: a few big deals
    companies = [d.company or "" for d in deals]
    assert any("«" in c for c in companies) and any(c.endswith(("Ltd", "LLC")) for c in companies)
    assert len({d.source for d in deals}) >= 5
    assert any(d.tags for d in deals) and any(not d.tags for d in deals)
    assert sum(d.email is not None for d in deals) > len(deals) / 2
    assert sum(d.expected_close is not None for d in deals) > len(deals) / 3


# --- consistency -----------------------------------------------------------------------------


def check_times(moments: list[datetime]) -> None:
    for moment in moments:
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        assert moment.microsecond == 0
        assert YEAR_AGO <= moment <= TODAY_END


def check_bundle(bundle: DealBundle, pipeline: Pipeline) -> None:
    deal, history, log = bundle.deal, bundle.history, bundle.activities
    assert deal.version == 1 and deal.deleted_at is None
    assert history[0].from_stage_id is None
    assert pipeline.stage(history[0].to_stage_id).is_open
    assert history[0].at == deal.created_at
    for before, after in pairwise(history):
        assert before.at < after.at
        assert after.from_stage_id == before.to_stage_id
    last = history[-1]
    assert deal.stage_id == last.to_stage_id and deal.stage_entered_at == last.at
    kind = pipeline.stage(deal.stage_id).kind
    assert deal.closed_at == (None if kind is StageKind.OPEN else last.at)
    if kind is StageKind.LOST:
        reasons = {r.id for r in pipeline.active_loss_reasons}
        assert deal.loss_reason_id in reasons
    else:
        assert deal.loss_reason_id is None and deal.loss_note is None
    if kind is not StageKind.OPEN:
        assert deal.next_contact_at is None and deal.next_contact_note is None
    moments = [a.at for a in log]
    assert moments == sorted(set(moments))
    assert all(
        deal.created_at < m and (deal.closed_at is None or m < deal.closed_at) for m in moments
    )
    assert deal.last_activity_at == (moments[-1] if moments else None)
    assert deal.updated_at == max([last.at, *moments])
    check_times([deal.created_at, deal.updated_at, *[c.at for c in history], *moments])


def test_every_deal_is_consistent_with_its_history(demo: Demo) -> None:
    for bundle in demo.bundles:
        check_bundle(bundle, demo.pipelines[bundle.deal.pipeline_id])


def test_deals_are_numbered_in_creation_order(demo: Demo) -> None:
    ids = [b.deal.id for b in demo.bundles]  # iter_bundles orders by creation time
    assert ids == sorted(ids)


def test_activities_are_calls_and_meetings_with_fitting_outcomes(demo: Demo) -> None:
    log = [a for b in demo.bundles for a in b.activities]
    calls = [a for a in log if a.kind is ActivityKind.CALL]
    meetings = [a for a in log if a.kind is ActivityKind.MEETING]
    assert len(calls) > len(meetings) > 0
    assert {a.kind for a in log} >= {ActivityKind.EMAIL, ActivityKind.NOTE}
    call_outcomes = {a.outcome for a in calls}
    assert call_outcomes == {
        Outcome.REACHED,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.VOICEMAIL,
        Outcome.WRONG_NUMBER,
    }
    assert {a.outcome for a in meetings} == {Outcome.HELD, Outcome.NO_SHOW}
    assert all(a.direction is not None and a.duration_s is not None for a in calls)
    assert all(0 <= (a.duration_s or 0) <= 24 * 3600 for a in log)
    assert any(a.body for a in calls) and any(a.body is None for a in calls)
    assert all(a.by_user_id == b.deal.owner_id for b in demo.bundles for a in b.activities)


# --- the funnel ------------------------------------------------------------------------------


def reached(pipeline: Pipeline, bundles: list[DealBundle]) -> list[int]:
    """DESIGN.md: a deal reached open stage k if it was ever at k or later, or is won."""
    open_ids = [s.id for s in pipeline.open_stages]
    counts = [0] * len(open_ids)
    for bundle in bundles:
        if bundle.deal.stage_id == pipeline.won_stage.id:
            furthest = len(open_ids) - 1
        else:
            visited = [c.to_stage_id for c in bundle.history if c.to_stage_id in open_ids]
            furthest = max(open_ids.index(stage) for stage in visited)
        for k in range(furthest + 1):
            counts[k] += 1
    return counts


def test_each_pipeline_narrows_like_a_funnel(demo: Demo) -> None:
    for pipeline in demo.pipelines.values():
        bundles = [b for b in demo.bundles if b.deal.pipeline_id == pipeline.id]
        counts = reached(pipeline, bundles)
        assert all(a > b for a, b in pairwise(counts)), (pipeline.name, counts)
        kinds = [pipeline.stage(b.deal.stage_id).kind for b in bundles]
        won, lost = kinds.count(StageKind.WON), kinds.count(StageKind.LOST)
        assert 0 < won < lost, pipeline.name
        assert kinds.count(StageKind.OPEN) > 0, pipeline.name


def test_some_deals_skip_a_stage(demo: Demo) -> None:
    def skips(bundle: DealBundle) -> bool:
        pipeline = demo.pipelines[bundle.deal.pipeline_id]
        order = [s.id for s in pipeline.open_stages]
        moves = [c for c in bundle.history[1:] if c.to_stage_id in order]
        return any(
            order.index(c.to_stage_id) - order.index(c.from_stage_id or 0) > 1 for c in moves
        )

    assert 0 < sum(skips(b) for b in demo.bundles) < DEALS / 10


def test_open_deals_mostly_have_a_next_contact(demo: Demo) -> None:
    open_deals = [b.deal for b in demo.bundles if b.deal.closed_at is None]
    planned = [d.next_contact_at for d in open_deals if d.next_contact_at is not None]
    assert len(open_deals) * 0.7 < len(planned) < len(open_deals)
    assert any(at < MIDNIGHT for at in planned)  # overdue
    assert any(MIDNIGHT <= at < TODAY_END for at in planned)  # today
    assert any(at >= TODAY_END for at in planned)  # coming days
    lost = [b.deal for b in demo.bundles if b.deal.loss_reason_id is not None]
    assert any(d.loss_note for d in lost) and any(d.loss_note is None for d in lost)
