"""AgendaService: the agenda's five sections, their boundaries in local time, rotting by the
stage's threshold, limits and totals, and the due-contact query behind the notification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import (
    ActivityKind,
    Deal,
    DealDraft,
    Pipeline,
    PipelineSpec,
    StageKind,
    StageSpec,
)
from funnel_tui.domain.money import Money
from funnel_tui.services.agenda import AgendaService, day_bounds
from funnel_tui.services.agenda_model import Agenda, AgendaItem, AgendaSection, Section
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage.database import SqlStore
from tests.conftest import FakeClock

ZONE = ZoneInfo("Europe/Moscow")  # UTC+3 all year: local midnight is 21:00 UTC


def msk(day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    """A moment of March 2026 in Moscow, as aware UTC (how the services hand times around)."""
    return datetime(2026, 3, day, hour, minute, second, micro, tzinfo=ZONE).astimezone(UTC)


NOW = msk(4, 15, 30)  # Wednesday 4 March 2026, 15:30 in Moscow (12:30 UTC)


@pytest.fixture
def deals(context: ServiceContext) -> DealService:
    return DealService(context)


@pytest.fixture
def agenda(context: ServiceContext) -> AgendaService:
    return AgendaService(context)


def add(
    deals: DealService,
    pipeline: Pipeline,
    title: str,
    *,
    next_at: datetime | None = None,
    note: str | None = None,
    stage: str | None = None,
    by: str | None = None,
    company: str | None = None,
) -> Deal:
    """A deal created at the clock's now, with its next contact if given."""
    stage_id = next(s.id for s in pipeline.stages if s.name == stage) if stage else None
    deal = deals.create(
        DealDraft(title, Money(100_00, "RUB"), company=company),
        pipeline_id=pipeline.id,
        stage_id=stage_id,
        by=by,
    )
    if next_at is not None:
        deal = deals.set_next_contact(deal.id, next_at, note, by=by)
    return deal


def titles(agenda: Agenda, section: Section) -> list[str]:
    return [item.title for item in agenda.section(section).items]


def user_id(store: SqlStore, login: str) -> int:
    with store.read() as uow:
        user = uow.users.by_login(login)
    assert user is not None
    return user.id


# --- the sections and their boundaries ----------------------------------------------------


def test_sections_split_next_contacts_by_local_day_and_week(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(NOW - timedelta(days=1))
    add(deals, pipeline, "a microsecond ago", next_at=NOW - timedelta(microseconds=1))
    add(deals, pipeline, "two days ago", next_at=NOW - timedelta(days=2))
    add(deals, pipeline, "exactly now", next_at=NOW)
    add(deals, pipeline, "last microsecond of today", next_at=msk(4, 23, 59, 59, 999_999))
    add(deals, pipeline, "local midnight", next_at=msk(5))
    # 22:00 UTC on the 4th: still "today" in UTC, but tomorrow in Moscow.
    add(deals, pipeline, "tomorrow 01:00 local", next_at=msk(5, 1))
    add(deals, pipeline, "sunday night", next_at=msk(8, 23, 59, 59, 999_999))
    add(deals, pipeline, "next monday", next_at=msk(9))
    add(deals, pipeline, "no contact")
    won = add(deals, pipeline, "won, due today", next_at=msk(4, 18))
    lost = add(deals, pipeline, "lost, overdue", next_at=NOW - timedelta(hours=1))
    gone = add(deals, pipeline, "deleted, due today", next_at=msk(4, 19))
    deals.win(won.id)
    deals.lose(lost.id, "Price")
    deals.delete(gone.id)
    clock.set(NOW)

    result = agenda.agenda(owner_id=None, zone=ZONE)

    assert result.now == NOW
    assert [part.section for part in result.sections] == list(Section)
    assert titles(result, Section.OVERDUE) == ["two days ago", "a microsecond ago"]
    assert titles(result, Section.TODAY) == ["exactly now", "last microsecond of today"]
    assert titles(result, Section.WEEK) == [
        "local midnight",
        "tomorrow 01:00 local",
        "sunday night",
    ]
    assert titles(result, Section.NO_NEXT_CONTACT) == ["no contact"]
    assert titles(result, Section.ROTTING) == []
    assert [part.total for part in result.sections] == [2, 2, 3, 1, 0]
    assert result.due_count == 4


@pytest.mark.parametrize(
    ("now", "tomorrow", "next_monday"),
    [
        (msk(2, 0), msk(3), msk(9)),  # Monday at midnight: the rest of this week
        (msk(4, 15, 30), msk(5), msk(9)),
        (msk(7, 23, 59), msk(8), msk(9)),  # Saturday: only Sunday is left
        (msk(8, 10), msk(9), msk(9)),  # Sunday: nothing is left of the week
    ],
)
def test_day_bounds_are_local_midnights(
    now: datetime, tomorrow: datetime, next_monday: datetime
) -> None:
    assert day_bounds(now, ZONE) == (tomorrow, next_monday)
    assert tomorrow.tzinfo is UTC and next_monday.tzinfo is UTC


def test_on_a_sunday_the_week_is_empty(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(msk(8, 9))
    add(deals, pipeline, "sunday evening", next_at=msk(8, 20))
    add(deals, pipeline, "monday morning", next_at=msk(9, 9))
    clock.set(msk(8, 10))

    result = agenda.agenda(owner_id=None, zone=ZONE)

    assert titles(result, Section.TODAY) == ["sunday evening"]
    assert result.section(Section.WEEK) == AgendaSection(Section.WEEK, (), 0)
    assert result.due_count == 1


def test_days_follow_the_given_zone_not_utc(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(NOW)
    add(deals, pipeline, "22:30 UTC", next_at=datetime(2026, 3, 4, 22, 30, tzinfo=UTC))
    moscow = agenda.agenda(owner_id=None, zone=ZONE)
    utc = agenda.agenda(owner_id=None, zone=UTC)
    assert titles(moscow, Section.WEEK) == ["22:30 UTC"]  # 01:30 on the 5th in Moscow
    assert titles(utc, Section.TODAY) == ["22:30 UTC"]


# --- rotting ------------------------------------------------------------------------------


def test_rotting_uses_the_stage_threshold_and_the_later_of_move_and_activity(
    deals: DealService,
    agenda: AgendaService,
    pipeline: Pipeline,
    clock: FakeClock,
    context: ServiceContext,
) -> None:
    # Prospecting rots after 14 days, Qualification after 10 (the B2B template).
    start = NOW - timedelta(days=30)
    clock.set(start)
    untouched = add(deals, pipeline, "untouched", next_at=NOW - timedelta(days=3))
    recent_call = add(deals, pipeline, "called 13 days ago")
    just_over = add(deals, pipeline, "called 14 days and 1 s ago")
    exactly = add(deals, pipeline, "called exactly 14 days ago")
    moved = add(deals, pipeline, "moved 11 days ago")
    moved_recently = add(deals, pipeline, "moved 9 days ago")
    won = add(deals, pipeline, "won long ago")
    no_threshold_pipeline = PipelineService(context).create(
        PipelineSpec(
            "No thresholds",
            (
                StageSpec("Talk"),
                StageSpec("Won", StageKind.WON, 100),
                StageSpec("Lost", StageKind.LOST),
            ),
        )
    )
    add(deals, no_threshold_pipeline, "stage without threshold")
    deals.log_activity(recent_call.id, ActivityKind.CALL, at=NOW - timedelta(days=13))
    deals.log_activity(just_over.id, ActivityKind.CALL, at=NOW - timedelta(days=14, seconds=1))
    deals.log_activity(exactly.id, ActivityKind.CALL, at=NOW - timedelta(days=14))
    deals.step(moved.id, +1, at=NOW - timedelta(days=11))
    deals.step(moved_recently.id, +1, at=NOW - timedelta(days=9))
    deals.win(won.id, at=start)
    clock.set(NOW)

    result = agenda.agenda(owner_id=None, zone=ZONE)
    rotting = result.section(Section.ROTTING).items

    assert [item.title for item in rotting] == [
        "untouched",
        "called 14 days and 1 s ago",
        "moved 11 days ago",
    ]
    assert [item.idle_since for item in rotting] == [
        start,
        NOW - timedelta(days=14, seconds=1),
        NOW - timedelta(days=11),
    ]
    assert [(item.stage_name, item.rot_days) for item in rotting] == [
        ("Prospecting", 14),
        ("Prospecting", 14),
        ("Qualification", 10),
    ]
    # A rotting deal is listed in its other section too.
    assert titles(result, Section.OVERDUE) == ["untouched"]
    assert rotting[0].deal_id == untouched.id
    # ... and a deal with no next contact: longest idle first.
    assert titles(result, Section.NO_NEXT_CONTACT)[:2] == [
        "stage without threshold",
        "called 14 days and 1 s ago",
    ]


def test_no_next_contact_lists_the_longest_idle_first(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(NOW - timedelta(days=5))
    quiet = add(deals, pipeline, "quiet for 5 days")
    busy = add(deals, pipeline, "called yesterday")
    clock.set(NOW - timedelta(days=3))
    add(deals, pipeline, "created 3 days ago")
    deals.log_activity(busy.id, ActivityKind.CALL, at=NOW - timedelta(days=1))
    clock.set(NOW)

    items = agenda.agenda(owner_id=None, zone=ZONE).section(Section.NO_NEXT_CONTACT).items

    assert [item.title for item in items] == [
        "quiet for 5 days",
        "created 3 days ago",
        "called yesterday",
    ]
    assert items[0].deal_id == quiet.id
    assert items[2].idle_since == NOW - timedelta(days=1)


def test_a_deal_moved_to_another_pipeline_rots_by_its_new_stage(
    deals: DealService,
    agenda: AgendaService,
    pipeline: Pipeline,
    clock: FakeClock,
    context: ServiceContext,
) -> None:
    calls = PipelineService(context).create_from_template("three", "en", "Calls")  # Calls: 7 d
    clock.set(NOW - timedelta(days=20))
    deal = add(deals, pipeline, "moved over")
    clock.set(NOW - timedelta(days=8))
    deals.edit(
        deal.id,
        DealDraft("moved over", Money(100_00, "RUB")),
        expected_version=deal.version,
        stage_id=calls.open_stages[0].id,
    )
    clock.set(NOW)
    rotting = agenda.agenda(owner_id=None, zone=ZONE).section(Section.ROTTING).items
    assert [(i.title, i.pipeline_name, i.stage_name, i.rot_days) for i in rotting] == [
        ("moved over", "Calls", "Calls", 7)
    ]


# --- owner, limit, fields -----------------------------------------------------------------


def test_owner_filter(
    deals: DealService,
    agenda: AgendaService,
    pipeline: Pipeline,
    clock: FakeClock,
    store: SqlStore,
) -> None:
    clock.set(NOW - timedelta(days=20))
    add(deals, pipeline, "anna's overdue", next_at=NOW - timedelta(hours=1))
    add(deals, pipeline, "ivan's overdue", next_at=NOW - timedelta(hours=2), by="ivan")
    add(deals, pipeline, "ivan's idle", by="ivan")
    clock.set(NOW)
    anna, ivan = user_id(store, "anna"), user_id(store, "ivan")

    everyone = agenda.agenda(owner_id=None, zone=ZONE)
    only_ivan = agenda.agenda(owner_id=ivan, zone=ZONE)
    only_anna = agenda.agenda(owner_id=anna, zone=ZONE)

    assert titles(everyone, Section.OVERDUE) == ["ivan's overdue", "anna's overdue"]
    assert titles(only_ivan, Section.OVERDUE) == ["ivan's overdue"]
    assert titles(only_ivan, Section.NO_NEXT_CONTACT) == ["ivan's idle"]
    assert titles(only_ivan, Section.ROTTING) == ["ivan's overdue", "ivan's idle"]
    assert titles(only_anna, Section.ROTTING) == ["anna's overdue"]
    assert {item.owner_login for part in only_ivan.sections for item in part.items} == {"ivan"}
    assert agenda.agenda(owner_id=9999, zone=ZONE).sections == tuple(
        AgendaSection(section, (), 0) for section in Section
    )


def test_limit_caps_items_and_total_counts_them_all(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(NOW - timedelta(days=40))
    for hours in range(5, 0, -1):
        add(deals, pipeline, f"overdue {hours} h", next_at=NOW - timedelta(hours=hours))
        add(deals, pipeline, f"idle {hours}")
    clock.set(NOW)

    two = agenda.agenda(owner_id=None, zone=ZONE, limit=2)
    assert titles(two, Section.OVERDUE) == ["overdue 5 h", "overdue 4 h"]
    assert [(len(p.items), p.total) for p in two.sections] == [
        (2, 5),
        (0, 0),
        (0, 0),
        (2, 5),
        (2, 10),
    ]
    assert two.due_count == 5
    none = agenda.agenda(owner_id=None, zone=ZONE, limit=0)
    assert [(len(p.items), p.total) for p in none.sections] == [
        (0, 5),
        (0, 0),
        (0, 0),
        (0, 5),
        (0, 10),
    ]
    plenty = agenda.agenda(owner_id=None, zone=ZONE, limit=5)
    assert [(len(p.items), p.total) for p in plenty.sections] == [
        (5, 5),
        (0, 0),
        (0, 0),
        (5, 5),
        (5, 10),
    ]
    with pytest.raises(ValueError, match="negative"):
        agenda.agenda(owner_id=None, zone=ZONE, limit=-1)


def test_an_item_carries_what_the_agenda_shows(
    deals: DealService, agenda: AgendaService, pipeline: Pipeline, clock: FakeClock
) -> None:
    clock.set(NOW - timedelta(days=2))
    deal = add(
        deals,
        pipeline,
        "Office chairs",
        company="Romashka LLC",
        next_at=msk(4, 17),
        note="send the offer",
        stage="Meeting",
    )
    clock.set(NOW)
    (item,) = agenda.agenda(owner_id=None, zone=ZONE).section(Section.TODAY).items
    assert item == AgendaItem(
        deal_id=deal.id,
        version=deal.version,
        title="Office chairs",
        company="Romashka LLC",
        value=Money(100_00, "RUB"),
        owner_login="anna",
        owner_name="anna",
        pipeline_name="New clients",
        stage_name="Meeting",
        next_contact_at=msk(4, 17),
        next_contact_note="send the offer",
        idle_since=NOW - timedelta(days=2),
        rot_days=14,
    )
    assert item.next_contact_at is not None and item.next_contact_at.tzinfo is UTC
    assert item.idle_since.tzinfo is UTC


def test_an_empty_database_has_five_empty_sections(agenda: AgendaService) -> None:
    result = agenda.agenda(owner_id=None, zone=ZONE)
    assert result.sections == tuple(AgendaSection(section, (), 0) for section in Section)
    assert result.due_count == 0
    assert agenda.due_between(NOW, NOW + timedelta(days=1), owner_id=None) == []


def test_agenda_model_lookups() -> None:
    sections = tuple(AgendaSection(section, (), index) for index, section in enumerate(Section))
    result = Agenda(NOW, sections)
    assert result.section(Section.WEEK).total == 2
    assert result.due_count == 0 + 1
    with pytest.raises(KeyError):
        Agenda(NOW, ()).section(Section.TODAY)


# --- due between: the "a contact falls due" notification ----------------------------------


def test_due_between_is_open_at_the_start_and_closed_at_the_end(
    deals: DealService,
    agenda: AgendaService,
    pipeline: Pipeline,
    clock: FakeClock,
    store: SqlStore,
) -> None:
    clock.set(NOW - timedelta(days=1))
    add(deals, pipeline, "at the start", next_at=NOW)
    add(deals, pipeline, "at the end", next_at=NOW + timedelta(seconds=30))
    add(deals, pipeline, "inside", next_at=NOW + timedelta(seconds=10))
    add(deals, pipeline, "just after", next_at=NOW + timedelta(seconds=30, microseconds=1))
    add(deals, pipeline, "ivan's, inside", next_at=NOW + timedelta(seconds=20), by="ivan")
    won = add(deals, pipeline, "won, inside", next_at=NOW + timedelta(seconds=5))
    gone = add(deals, pipeline, "deleted, inside", next_at=NOW + timedelta(seconds=5))
    deals.win(won.id)
    deals.delete(gone.id)

    due = agenda.due_between(NOW, NOW + timedelta(seconds=30), owner_id=None)
    assert [item.title for item in due] == ["inside", "ivan's, inside", "at the end"]
    after = agenda.due_between(
        NOW + timedelta(seconds=30), NOW + timedelta(seconds=60), owner_id=None
    )
    assert [item.title for item in after] == ["just after"]
    ivan = user_id(store, "ivan")
    assert [i.title for i in agenda.due_between(NOW, NOW + timedelta(days=1), owner_id=ivan)] == [
        "ivan's, inside"
    ]
    assert agenda.due_between(NOW, NOW, owner_id=None) == []
    assert agenda.due_between(NOW + timedelta(days=1), NOW, owner_id=None) == []
    with pytest.raises(ValidationError, match="time zone"):
        agenda.due_between(datetime(2026, 3, 4), NOW, owner_id=None)


# --- query plans ----------------------------------------------------------------------------


def explain(store: SqlStore, statement: str, parameters: Any) -> str:
    connection = store.engine.raw_connection()
    try:
        rows = connection.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return " / ".join(row[3] for row in rows.fetchall())
    finally:
        connection.close()


@pytest.mark.sqlite_only("reads SQLite's EXPLAIN QUERY PLAN")
def test_the_contact_windows_walk_the_next_contact_index(
    deals: DealService,
    agenda: AgendaService,
    pipeline: Pipeline,
    clock: FakeClock,
    store: SqlStore,
) -> None:
    """No statistics tables, so SQLite plans the same at 10 deals as at 100,000: the windows
    of next contacts, for everyone or one owner, read ix_deals_next_contact in order (no
    sort, LIMIT stops early), and no query reads the whole deals table."""
    clock.set(NOW - timedelta(days=30))
    for hours in range(3):
        add(deals, pipeline, f"overdue {hours}", next_at=NOW - timedelta(hours=hours + 1))
        add(deals, pipeline, f"idle {hours}")
    clock.set(NOW)
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM deals" in statement:
            statements.append((statement, parameters))

    anna = user_id(store, "anna")
    event.listen(store.engine, "before_cursor_execute", record)
    try:
        for owner_id in (None, anna):
            agenda.agenda(owner_id=owner_id, zone=ZONE, limit=2)
            agenda.due_between(NOW, NOW + timedelta(seconds=30), owner_id=owner_id)
            agenda.calendar(owner_id=owner_id)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)

    plans = [explain(store, statement, parameters) for statement, parameters in statements]
    windows = [p for (s, _), p in zip(statements, plans, strict=True) if "next_contact_at <" in s]
    assert windows, plans
    for plan in windows:
        assert "USING INDEX ix_deals_next_contact (next_contact_at" in plan
        assert "TEMP B-TREE" not in plan
    # Rotting, for everyone: each stage's deals through a board index (SEARCH, not SCAN).
    rotting = [p for (s, _), p in zip(statements, plans, strict=True) if "END < " in s]
    assert len(rotting) == 4, "\n".join(plans)
    assert all("(pipeline_id=? AND stage_id=?)" in plan for plan in rotting[:2])
    assert all("SCAN deals" not in plan for plan in plans)


# --- holding stages: a conditional refusal waits for its revival date ---------------------


def test_a_held_deal_leaves_the_week_and_rotting_and_comes_back_on_its_revival_date(
    deals: DealService, agenda: AgendaService, context: ServiceContext, clock: FakeClock
) -> None:
    refusals = PipelineService(context).create_from_template("refusals", "en")
    held, resumed = refusals.open_stages
    assert held.on_hold and not resumed.on_hold
    long_ago = NOW - timedelta(days=60)
    clock.set(long_ago)
    revived_today = add(deals, refusals, "revive today", next_at=msk(4, 18), note="spring budget")
    add(deals, refusals, "revive on Friday", next_at=msk(6, 11))
    add(deals, refusals, "revive in May", next_at=msk(4, 11) + timedelta(days=60))
    add(deals, refusals, "held, no date")
    add(deals, refusals, "back in talks, Friday", stage=resumed.name, next_at=msk(6, 12))
    add(deals, refusals, "back in talks, idle", stage=resumed.name)
    clock.set(NOW)

    result = agenda.agenda(owner_id=None, zone=ZONE)

    assert titles(result, Section.TODAY) == ["revive today"]
    today = result.section(Section.TODAY).items[0]
    assert today.on_hold and today.rot_days is None and today.deal_id == revived_today.id
    # Out of sight until the day: Friday's revival is not in the week, the talks are.
    assert titles(result, Section.WEEK) == ["back in talks, Friday"]
    assert not result.section(Section.WEEK).items[0].on_hold
    # Without a revival date it would lie forgotten: it is listed to get one.
    assert titles(result, Section.NO_NEXT_CONTACT) == ["held, no date", "back in talks, idle"]
    # Idle for 60 days on purpose: a held deal never rots; the resumed one (14 days) does.
    assert titles(result, Section.ROTTING) == ["back in talks, Friday", "back in talks, idle"]

    clock.set(msk(6, 11, 0, 1))  # Friday, just after the revival time
    friday = agenda.agenda(owner_id=None, zone=ZONE)
    assert titles(friday, Section.OVERDUE) == ["revive today", "revive on Friday"]
    assert [item.on_hold for item in friday.section(Section.OVERDUE).items] == [True, True]
    due = agenda.due_between(msk(6, 10), msk(6, 11, 30), owner_id=None)
    assert [item.title for item in due] == ["revive on Friday"]
