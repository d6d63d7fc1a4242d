"""Reshaping pipelines (issue 15, services): pipelines created empty or from a template,
renamed, archived, reordered; stages added, renamed, reordered, configured, deleted (empty, or
by moving their deals with the moves recorded); loss reasons added, renamed, retired; stage
targets; the default owner; a rep refused once the team has a lead. Both engines.

Analytics follow stages by id: a rename or a pipeline reorder changes no figure, and moving a
stage away and back gives the figures of before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import DealDraft, Pipeline, Role
from funnel_tui.domain.money import Money
from funnel_tui.services import Services
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.users import NotAllowedError
from tests.conftest import FakeClock


@pytest.fixture
def services(context: ServiceContext) -> Services:
    return Services.over(context)


def names(pipeline: Pipeline) -> list[str]:
    return [stage.name for stage in pipeline.stages]


def figures(services: Services, pipeline_id: int) -> list[tuple[int, int, int, int]]:
    """(stage id, reached, drop-off, count now) of each open stage, plus the won count."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    query = FunnelQuery(pipeline_id, start, start + timedelta(days=365 * 20))
    report = funnel_report(
        services.context.store, query, FunnelView.COHORT, fallback_currency="RUB"
    )
    rows = [(s.stage_id, s.reached, s.dropoff, s.count) for s in report.stages]
    return [*sorted(rows), (-1, report.won, 0, 0)]


def history_deals(services: Services, pipeline: Pipeline, clock: FakeClock) -> list[int]:
    """Six deals that went different ways through the B2B pipeline."""
    open_ids = [stage.id for stage in pipeline.open_stages]
    paths = [[0], [0, 1], [0, 1, 2], [0, 2, 3], [0, 1, 2, 3, 4], [0, 1]]
    ids = []
    for number, path in enumerate(paths):
        deal = services.deals.create(
            DealDraft(f"Deal {number}", Money(100_00 * (number + 1), "RUB")),
            pipeline_id=pipeline.id,
        )
        for index in path[1:]:
            clock.advance(hours=1)
            services.deals.move(deal.id, open_ids[index])
        ids.append(deal.id)
    clock.advance(hours=1)
    services.deals.win(ids[4])
    services.deals.lose(ids[5], "Price")
    return ids


# --- pipelines -------------------------------------------------------------------------------


def test_an_empty_pipeline_has_one_open_stage_won_and_lost(services: Services) -> None:
    made = services.pipelines.create_empty("Partners")
    assert names(made) == ["New", "Won", "Lost"]
    assert made.active_loss_reasons


def test_pipelines_are_renamed_archived_restored_and_reordered(
    services: Services, pipeline: Pipeline
) -> None:
    second = services.pipelines.create_from_template("aida", "en", "Webinars", as_lead=True)
    renamed = services.pipelines.rename(pipeline.id, "  Key accounts ")
    assert renamed.name == "Key accounts"
    with pytest.raises(ValidationError, match="exists"):
        services.pipelines.rename(second.id, "key ACCOUNTS")
    order = services.pipelines.move(second.id, -1)
    assert [p.name for p in order] == ["Webinars", "Key accounts"]
    assert [p.name for p in services.pipelines.list()] == ["Webinars", "Key accounts"]
    services.pipelines.archive(second.id)
    assert [p.name for p in services.pipelines.list()] == ["Key accounts"]
    with pytest.raises(ValidationError, match="only pipeline left"):
        services.pipelines.archive(pipeline.id)
    assert services.pipelines.restore(second.id).archived_at is None
    assert [p.name for p in services.pipelines.list()] == ["Webinars", "Key accounts"]


def test_rename_and_pipeline_reorder_change_no_figure(
    services: Services, pipeline: Pipeline, clock: FakeClock
) -> None:
    history_deals(services, pipeline, clock)
    before = figures(services, pipeline.id)
    other = services.pipelines.create_empty("Other")
    services.pipelines.move(other.id, -1)
    services.pipelines.rename(pipeline.id, "Renamed")
    for stage in pipeline.stages:
        services.stages.rename(pipeline.id, stage.id, stage.name + " (new)")
    assert figures(services, pipeline.id) == before


# --- stages ------------------------------------------------------------------------------------


def test_a_stage_is_added_where_asked_with_the_probability_before_it(
    services: Services, pipeline: Pipeline
) -> None:
    first = pipeline.open_stages[0]
    added = services.stages.add(pipeline.id, "Call back", after_stage_id=first.id)
    shaped = services.pipelines.get(pipeline.id)
    assert names(shaped)[:3] == [first.name, "Call back", pipeline.open_stages[1].name]
    assert added.probability == first.probability
    assert [s.position for s in shaped.stages] == list(range(1, len(shaped.stages) + 1))
    last = services.stages.add(pipeline.id, "Aftercare", probability=95)
    assert services.pipelines.get(pipeline.id).open_stages[-1].id == last.id
    with pytest.raises(ValidationError, match="exists"):
        services.stages.add(pipeline.id, "call BACK")
    with pytest.raises(ValidationError, match="empty"):
        services.stages.add(pipeline.id, "  ")
    with pytest.raises(ValidationError, match="0–100"):
        services.stages.add(pipeline.id, "Odd", probability=101)


def test_stages_move_among_the_open_ones(services: Services, pipeline: Pipeline) -> None:
    open_names = [s.name for s in pipeline.open_stages]
    moved = services.stages.move(pipeline.id, pipeline.open_stages[0].id, 2)
    assert [s.name for s in moved.open_stages] == [*open_names[1:3], open_names[0], *open_names[3:]]
    at_end = services.stages.move(pipeline.id, pipeline.open_stages[-1].id, 5)
    assert at_end.open_stages[-1].id == pipeline.open_stages[-1].id
    assert names(at_end)[-2:] == ["Won", "Lost"]
    with pytest.raises(ValidationError, match="won and lost"):
        services.stages.move(pipeline.id, pipeline.won_stage.id, -1)


def test_a_stage_moved_away_and_back_gives_the_same_figures(
    services: Services, pipeline: Pipeline, clock: FakeClock
) -> None:
    history_deals(services, pipeline, clock)
    before = figures(services, pipeline.id)
    second = pipeline.open_stages[1]
    services.stages.move(pipeline.id, second.id, 2)
    moved = figures(services, pipeline.id)
    assert moved != before  # "reached" follows the order, by definition
    # What does not depend on the order stays with the stage: deals there now, drop-off.
    assert [(row[0], row[3]) for row in moved] == [(row[0], row[3]) for row in before]
    services.stages.move(pipeline.id, second.id, -2)
    assert figures(services, pipeline.id) == before


def test_configure_a_stage(services: Services, pipeline: Pipeline) -> None:
    first, second = pipeline.open_stages[:2]
    changed = services.stages.configure(
        pipeline.id, first.id, probability=15, rot_days=3, is_key=True
    )
    assert (changed.probability, changed.rot_days, changed.is_key) == (15, 3, True)
    services.stages.configure(pipeline.id, second.id, is_key=True)
    shaped = services.pipelines.get(pipeline.id)
    assert [s.is_key for s in shaped.open_stages[:2]] == [False, True]
    assert sum(s.is_key for s in shaped.stages) == 1  # one key stage per pipeline
    assert services.stages.configure(pipeline.id, first.id, rot_days=None).rot_days is None
    with pytest.raises(ValidationError, match="at least 1 day"):
        services.stages.configure(pipeline.id, first.id, rot_days=0)
    with pytest.raises(ValidationError, match="name only"):
        services.stages.configure(pipeline.id, pipeline.won_stage.id, probability=50)
    assert services.stages.rename(pipeline.id, pipeline.won_stage.id, "Signed").name == "Signed"


def test_checklist_questions(services: Services, pipeline: Pipeline) -> None:
    stage = pipeline.open_stages[0]
    changed = services.stages.set_checklist(pipeline.id, stage.id, [" Budget? ", "Who decides?"])
    assert changed.checklist == ("Budget?", "Who decides?")
    with pytest.raises(ValidationError, match="twice"):
        services.stages.set_checklist(pipeline.id, stage.id, ["A?", "a?"])
    with pytest.raises(ValidationError, match="empty"):
        services.stages.set_checklist(pipeline.id, stage.id, ["A?", " "])
    assert services.stages.set_checklist(pipeline.id, stage.id, []).checklist == ()


def test_a_stage_edit_saves_name_settings_and_checklist_together_or_nothing(
    services: Services, pipeline: Pipeline
) -> None:
    stage = pipeline.open_stages[0]
    edited = services.stages.edit(
        pipeline.id, stage.id, name=" Intro call ", probability=12, checklist=["Budget?"]
    )
    assert (edited.name, edited.probability, edited.checklist) == ("Intro call", 12, ("Budget?",))
    with pytest.raises(ValidationError, match="twice"):
        services.stages.edit(
            pipeline.id, stage.id, name="Renamed", rot_days=4, checklist=["A?", "a?"]
        )
    with pytest.raises(ValidationError, match="at least 1 day"):
        services.stages.edit(pipeline.id, stage.id, name="Renamed", rot_days=0)
    with pytest.raises(ValidationError, match="name only"):
        services.stages.edit(pipeline.id, pipeline.won_stage.id, name="Signed", probability=90)
    kept = services.pipelines.get(pipeline.id)
    assert kept.stage(stage.id) == edited  # a refused edit changed nothing, not even the name
    assert kept.won_stage.name == pipeline.won_stage.name


def test_an_empty_stage_is_deleted(services: Services, pipeline: Pipeline) -> None:
    stage = pipeline.open_stages[2]
    assert services.stages.delete(pipeline.id, stage.id) == 0
    assert stage.name not in names(services.pipelines.get(pipeline.id))


def test_a_stage_with_deals_is_deleted_by_moving_them_with_history(
    services: Services, pipeline: Pipeline, clock: FakeClock
) -> None:
    history_deals(services, pipeline, clock)
    second, third = pipeline.open_stages[1], pipeline.open_stages[2]
    at_second = services.stages.deal_count(second.id)
    assert at_second == 1
    with pytest.raises(ValidationError, match="choose the stage"):
        services.stages.delete(pipeline.id, second.id)
    with pytest.raises(ValidationError, match="another open stage"):
        services.stages.delete(pipeline.id, second.id, move_to=pipeline.won_stage.id)
    clock.advance(hours=1)
    assert services.stages.delete(pipeline.id, second.id, move_to=third.id) == 1
    assert services.stages.deal_count(third.id) == 2
    moved = _deals_at(services, third.id)
    history = services.deals.history(moved[0])
    assert history[-1].from_stage_id == second.id and history[-1].to_stage_id == third.id
    assert history[-1].at == clock()
    with pytest.raises(ValidationError, match="won and lost"):
        services.stages.delete(pipeline.id, pipeline.lost_stage.id)


def test_the_last_open_stage_stays(services: Services) -> None:
    made = services.pipelines.create_empty("Tiny")
    with pytest.raises(ValidationError, match="only open stage"):
        services.stages.delete(made.id, made.open_stages[0].id)


def test_stage_targets_per_month(services: Services, pipeline: Pipeline) -> None:
    stage = pipeline.open_stages[0]
    november = date(2026, 11, 1)
    services.stages.set_target(
        pipeline.id, stage.id, date(2026, 11, 15), count=40, amount="400 000", currency="RUB"
    )
    targets = services.stages.targets(pipeline.id, november)
    assert targets[stage.id].count == 40
    assert targets[stage.id].amount == Money.from_major("400000", "RUB")
    assert services.stages.targets(pipeline.id, date(2026, 12, 1)) == {}
    services.stages.set_target(
        pipeline.id, stage.id, november, count=None, amount=None, currency="RUB"
    )
    assert services.stages.targets(pipeline.id, november) == {}
    with pytest.raises(ValidationError, match="count of deals"):
        services.stages.set_target(
            pipeline.id, stage.id, november, count=-1, amount=None, currency="RUB"
        )
    with pytest.raises(ValidationError):
        services.stages.set_target(
            pipeline.id, stage.id, november, count=1, amount="lots", currency="RUB"
        )


# --- loss reasons ------------------------------------------------------------------------------


def test_loss_reasons_are_added_renamed_and_retired(
    services: Services, pipeline: Pipeline, clock: FakeClock
) -> None:
    ids = history_deals(services, pipeline, clock)
    price = next(r for r in pipeline.loss_reasons if r.name == "Price")
    added = services.loss_reasons.add(pipeline.id, "Went quiet")
    assert services.pipelines.get(pipeline.id).loss_reasons[-1] == added
    with pytest.raises(ValidationError, match="exists"):
        services.loss_reasons.add(pipeline.id, " went QUIET")
    services.loss_reasons.rename(pipeline.id, price.id, "Too expensive")
    services.loss_reasons.retire(pipeline.id, price.id)
    shaped = services.pipelines.get(pipeline.id)
    assert "Too expensive" not in [r.name for r in shaped.active_loss_reasons]
    lost = services.deals.get(ids[5])
    assert lost.loss_reason_id == price.id  # the old deal keeps its reason
    with pytest.raises(ValidationError):
        services.deals.lose(ids[0], "Too expensive")  # not offered any more
    services.loss_reasons.restore(pipeline.id, price.id)
    assert "Too expensive" in [
        r.name for r in services.pipelines.get(pipeline.id).active_loss_reasons
    ]
    with pytest.raises(NotFoundError):
        services.loss_reasons.retire(pipeline.id, 99_999)


# --- users ---------------------------------------------------------------------------------------


def test_the_default_owner_gets_new_deals_that_name_nobody(
    services: Services, pipeline: Pipeline
) -> None:
    services.users.add("boris", role="rep")
    assert services.users.default_owner() is None
    services.users.set_default_owner("boris")
    deal = services.deals.create(DealDraft("Inbound", Money(1, "RUB")), pipeline_id=pipeline.id)
    boris = next(u for u in services.users.list() if u.login == "boris")
    assert deal.owner_id == boris.id
    mine = services.deals.create(
        DealDraft("Mine", Money(1, "RUB")), pipeline_id=pipeline.id, owner="anna"
    )
    assert mine.owner_id != boris.id
    services.users.set_default_owner(None)
    assert services.users.default_owner() is None
    with pytest.raises(NotFoundError):
        services.users.set_default_owner("nobody")


def test_a_rep_cannot_reshape_the_team_pipelines(
    services: Services, pipeline: Pipeline, context: ServiceContext
) -> None:
    services.users.add("boris", role=Role.REP)
    rep = Services.over(ServiceContext(context.store, login="boris", clock=context.clock))
    stage = pipeline.open_stages[0]
    attempts: list[Callable[[], object]] = [
        lambda: rep.pipelines.rename(pipeline.id, "Mine"),
        lambda: rep.pipelines.create_empty("Mine"),
        lambda: rep.stages.rename(pipeline.id, stage.id, "Mine"),
        lambda: rep.stages.move(pipeline.id, stage.id, 1),
        lambda: rep.stages.delete(pipeline.id, stage.id),
        lambda: rep.loss_reasons.add(pipeline.id, "Mine"),
        lambda: rep.users.set_default_owner("boris"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowedError, match="only a lead"):
            attempt()
    assert services.pipelines.get(pipeline.id) == pipeline


def _deals_at(services: Services, stage_id: int) -> list[int]:
    with services.context.store.read() as uow:
        return [
            deal_id
            for deal_id in range(1, uow.deals.count(include_deleted=True) + 1)
            if (deal := uow.deals.get(deal_id)) is not None and deal.stage_id == stage_id
        ]
