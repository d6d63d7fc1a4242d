"""Realistic, deterministic sample data for an empty database (`funnel demo`).

A year of a small sales team's work: pipelines from the built-in templates, a lead and a few
reps, and deals that walk their pipeline stage by stage, with the calls and meetings on the
way and the drop-off a real funnel shows (many deals are lost or stall early, few are won).
What the deals say (names, companies, notes) comes from `demo_data`.

Deterministic: one `random.Random(seed)` makes every choice, in one fixed order, and every
timestamp is a whole number of seconds from midnight UTC of `today`. Nothing reads the clock,
hashes a string or walks a set, so one seed and one `today` give the same rows every time.

Fast: deals are built as plain `DealBundle`s and written by the bulk path in chunks, all in one
write transaction, so a crash or Ctrl+C leaves the database as empty as it was.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import Activity, Deal, Pipeline, Role, StageChange
from funnel_tui.domain.templates import template_spec
from funnel_tui.i18n import _
from funnel_tui.services.demo_data import (
    EN,
    LOSS_REASON_WEIGHTS,
    PIPELINES,
    RU,
    USERS,
    DemoUser,
    Locale,
    Picker,
    PipelinePlan,
    between,
    choose,
    make_activity,
    make_client,
)
from funnel_tui.services.demo_plans import PlanTally
from funnel_tui.services.ports import DealBundle, Store, UnitOfWork

MAX_DEALS = 2_000_000
_CHUNK = 2000
_DAY = 86_400
_YEAR_DAYS = 365
_WORK_START = 6 * 3600  # 06:00 UTC is 09:00 in Moscow: a 09:00–19:00 working day there.
_WORK_LEN = 10 * 3600
_GROWTH = 0.6  # a growing business: 60 % more new deals a day at the end of the year
_SKIP = 0.06  # chance that a move forward jumps over a stage
_OPEN, _WON, _LOST = "open", "won", "lost"


@dataclass(frozen=True)
class DemoSummary:
    pipelines: int
    users: int
    deals: int
    stage_changes: int
    activities: int


def generate_demo(
    store: Store,
    *,
    deals: int,
    seed: int,
    today: date,
    progress: Callable[[int, int], None] | None = None,
    viewer: str | None = None,
) -> DemoSummary:
    """Fill an empty database with `deals` sample deals from the 12 months before `today`.

    Refuses a database that already has deals: demo data must never mix with real data.
    `progress(done, total)` is called after each chunk of deals is written. `viewer`, the
    person trying the demo, joins as a lead, so that the app shows them the whole team's deals
    (a rep sees only their own, and owns none here).
    """
    if not 1 <= deals <= MAX_DEALS:
        raise ValidationError(
            "demo",
            _("the number of deals must be between 1 and {most}").format(most=f"{MAX_DEALS:,}"),
        )
    rng = random.Random(seed)
    calendar = _Calendar(today)
    with store.write() as uow:
        if uow.deals.count(include_deleted=True):
            raise ValidationError(
                "demo",
                _("{database} already has deals; demo fills an empty database only").format(
                    database=store.label
                ),
            )
        owners = _owners(uow, min(len(USERS), 3 + deals // 1000), calendar.at(0))
        if viewer is not None and uow.users.by_login(viewer) is None:
            uow.users.add(viewer, viewer, Role.LEAD, calendar.at(0))
        funnels = [_funnel(uow, plan, calendar.at(0)) for plan in PIPELINES]
        maker = _DealMaker(rng, calendar, owners, funnels)
        tally = PlanTally({funnel.pipeline.id: funnel.won_id for funnel in funnels}, today)
        changes = activities = 0
        for start in range(0, deals, _CHUNK):
            # (i + u) / deals grows with i: deals are created, and numbered, in time order.
            chunk = [
                maker.bundle((i + rng.random()) / deals)
                for i in range(start, min(start + _CHUNK, deals))
            ]
            uow.bulk.insert_bundles(chunk)
            tally.add(bundle.deal for bundle in chunk)
            changes += sum(len(bundle.history) for bundle in chunk)
            activities += sum(len(bundle.activities) for bundle in chunk)
            if progress is not None:
                progress(start + len(chunk), deals)
        for plan in tally.plans():
            uow.plans.put(plan.pipeline_id, None, plan.month, plan.amount)
        uow.commit()
    return DemoSummary(len(funnels), len(owners), deals, changes, activities)


# --- the team and the pipelines ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Owner:
    id: int
    skill: float


@dataclass(frozen=True, slots=True)
class _Funnel:
    """A demo pipeline with what the walk needs, looked up once."""

    plan: PipelinePlan
    pipeline: Pipeline
    open_ids: tuple[int, ...]
    won_id: int
    lost_id: int
    meeting_odds: tuple[float, ...]
    """Per open stage: the chance that an activity there is a meeting."""
    reasons: Picker[int] | None


def _owners(uow: UnitOfWork, count: int, at: datetime) -> list[tuple[DemoUser, _Owner]]:
    """The demo team; a login that exists already is reused, not duplicated."""
    team = []
    for person in USERS[:count]:
        user = uow.users.by_login(person.login) or uow.users.add(
            person.login, person.display_name, person.role, at
        )
        team.append((person, _Owner(user.id, person.skill)))
    return team


def _funnel(uow: UnitOfWork, plan: PipelinePlan, at: datetime) -> _Funnel:
    spec = template_spec(plan.template, plan.lang, plan.name)
    # An (empty) pipeline of that name is filled rather than duplicated: two pipelines with
    # one name would make `--pipeline NAME` ambiguous.
    existing = uow.pipelines.by_name(spec.name)
    pipeline = existing if existing and existing.open_stages else uow.pipelines.add(spec, at)
    stages = pipeline.open_stages
    key = next((i for i, stage in enumerate(stages) if stage.is_key), len(stages))
    # Clients are met at the key stage and after it; before it, it is calls and e-mails.
    odds = tuple(0.45 if i == key else 0.2 if i > key else 0.04 for i in range(len(stages)))
    reasons = pipeline.active_loss_reasons
    weights = [*LOSS_REASON_WEIGHTS, *[5] * len(reasons)]
    picker = Picker([(r.id, weights[i]) for i, r in enumerate(reasons)]) if reasons else None
    return _Funnel(
        plan,
        pipeline,
        tuple(stage.id for stage in stages),
        pipeline.won_stage.id,
        pipeline.lost_stage.id,
        odds,
        picker,
    )


# --- time --------------------------------------------------------------------------------------

# Russian public holidays (month, day): nobody creates deals or calls then.
_HOLIDAYS = (*((1, d) for d in range(1, 9)), (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4))


class _Calendar:
    """Whole seconds counted from midnight UTC a year before `today`, and working days.

    `now` is midnight UTC of `today`: whatever happened happened before it; planned next
    contacts may come after it.
    """

    def __init__(self, today: date) -> None:
        first = today - timedelta(days=_YEAR_DAYS)
        self._origin = datetime.combine(first, time(), UTC)
        self.now = _YEAR_DAYS * _DAY
        days = [first + timedelta(days=n) for n in range(_YEAR_DAYS + 45)]
        working = [
            n
            for n, day in enumerate(days)
            if day.weekday() < 5 and (day.month, day.day) not in _HOLIDAYS
        ]
        self._workdays = [n for n in working if n < _YEAR_DAYS]
        self._next_workday = [working[bisect(working, n - 1)] for n in range(working[-1] + 1)]

    def at(self, second: int) -> datetime:
        return self._origin + timedelta(seconds=second)

    def day(self, day: int) -> date:
        return (self._origin + timedelta(days=day)).date()

    def workday(self, day: int) -> int:
        """`day` if people work then, else the next working day."""
        return self._next_workday[day] if day < len(self._next_workday) else day

    def creation(self, fraction: float) -> int:
        """The moment by which `fraction` (0–1) of the year's deals were created.

        Inverts the distribution with density 1 + g·x (g = _GROWTH) over the working hours of
        the year's working days.
        """
        x = (math.sqrt(1 + 2 * _GROWTH * fraction * (1 + _GROWTH / 2)) - 1) / _GROWTH
        total = len(self._workdays) * _WORK_LEN
        day, offset = divmod(min(int(x * total), total - 1), _WORK_LEN)
        return self._workdays[day] * _DAY + _WORK_START + offset

    def working_moment(self, day: int, rng: random.Random) -> int:
        return self.workday(day) * _DAY + _WORK_START + int(rng.random() * _WORK_LEN)


def _in_hours(moment: int, start: int, end: int) -> int:
    """`moment` moved into working hours, if that keeps it within (start, end).

    The off hours of a day map evenly onto its working hours; failing that, an evening moves
    to the next morning, or the whole day is squeezed into its working hours.
    """
    second = moment % _DAY
    if _WORK_START <= second < _WORK_START + _WORK_LEN:
        return moment
    midnight, off = moment - second, (second - _WORK_START - _WORK_LEN) % _DAY
    for candidate in (
        midnight + _WORK_START + off * _WORK_LEN // (_DAY - _WORK_LEN),
        midnight + _DAY + _WORK_START + second % 3600 * 3,
        midnight + _WORK_START + second * _WORK_LEN // _DAY,
    ):
        if start < candidate < end:
            return candidate
    return moment


# --- deals -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Walk:
    """A deal's path through its pipeline, in `_Calendar` seconds."""

    changes: list[tuple[int | None, int, int]]
    """The history: (from stage, to stage, when); the first entry is the creation."""
    stays: list[tuple[int, int, int, bool]]
    """Time at each open stage: (open stage index, from, until, still there)."""
    outcome: str = _OPEN


class _DealMaker:
    """Builds one `DealBundle` at a time, drawing every choice from one `Random`."""

    def __init__(
        self,
        rng: random.Random,
        calendar: _Calendar,
        owners: list[tuple[DemoUser, _Owner]],
        funnels: list[_Funnel],
    ) -> None:
        self._rng = rng
        self._cal = calendar
        self._owners = Picker([(owner, person.share) for person, owner in owners])
        self._funnels = Picker([(funnel, funnel.plan.share) for funnel in funnels])

    def bundle(self, fraction: float) -> DealBundle:
        """A deal created when `fraction` of the year's deals have arrived."""
        rng, at = self._rng, self._cal.at
        funnel = self._funnels.pick(rng)
        owner = self._owners.pick(rng)
        locale = RU if rng.random() < funnel.plan.ru_share else EN
        walk = self._walk(funnel, owner, self._cal.creation(fraction))
        activities, last_activity = self._activities(funnel, owner, locale, walk)
        history = tuple(
            StageChange(0, 0, source, target, at(moment), owner.id)
            for source, target, moment in walk.changes
        )
        deal = self._deal(funnel, owner, locale, walk, last_activity)
        return DealBundle(deal, history, tuple(activities))

    def _walk(self, funnel: _Funnel, owner: _Owner, created: int) -> _Walk:
        """Stage by stage: at each, the deal moves on, is lost, or stays where it is."""
        rng, plan, stages = self._rng, funnel.plan, funnel.open_ids
        walk = _Walk([(None, stages[0], created)], [])
        index, entered = 0, created
        while True:
            advance, lose = plan.first if index == 0 else plan.later
            advance = min(0.95, advance * owner.skill)
            moment = self._later(entered, plan.dwell_days)
            roll = rng.random()
            # Not moved by today, or stalled (the rest of the odds): it is open where it is.
            if moment >= self._cal.now or roll >= advance + min(lose, 1 - advance):
                walk.stays.append((index, entered, self._cal.now, True))
                return walk
            walk.stays.append((index, entered, moment, False))
            if roll >= advance:
                walk.changes.append((stages[index], funnel.lost_id, moment))
                walk.outcome = _LOST
                return walk
            if index + 1 == len(stages):
                walk.changes.append((stages[index], funnel.won_id, moment))
                walk.outcome = _WON
                return walk
            step = 2 if index + 2 < len(stages) and rng.random() < _SKIP else 1
            walk.changes.append((stages[index], stages[index + step], moment))
            index, entered = index + step, moment

    def _later(self, after: int, mean_days: float) -> int:
        """When the next move happens: a few days later, in working hours."""
        rng = self._rng
        day = (after + int((rng.expovariate(1 / mean_days) + 0.2) * _DAY)) // _DAY
        moment = self._cal.working_moment(day, rng)
        return moment if moment > after else after + between(rng, 600, 7200)

    # --- calls, meetings, e-mails, notes: when (what they say is `demo_data`'s) ---------------

    def _activities(
        self, funnel: _Funnel, owner: _Owner, locale: Locale, walk: _Walk
    ) -> tuple[list[Activity], int | None]:
        """The deal's log, strictly between its stage changes; and its last moment."""
        rng = self._rng
        log: list[Activity] = []
        last: int | None = None
        for number, (index, start, until, staying) in enumerate(walk.stays):
            if staying:
                # A deal that stays put is worked on for a while, then forgotten: it rots.
                until = min(until, start + 3600 + int(rng.expovariate(1 / 20) * _DAY))
            odds = funnel.meeting_odds[index]
            for moment in self._moments(start, until, first=number == 0):
                log.append(make_activity(rng, odds, owner.id, locale, self._cal.at(moment)))
                last = moment
        return log, last

    def _moments(self, start: int, end: int, *, first: bool) -> list[int]:
        """A few moments strictly inside (start, end), increasing, mostly in working hours."""
        rng = self._rng
        # About one a week at a stage, and a few even at a short one (calls that got nowhere).
        count = min(6, int(rng.random() * (1.6 + min(end - start, 30 * _DAY) / (6 * _DAY))))
        if end - start < 2:
            return []
        span = end - start - 1
        moments = [
            _in_hours(start + 1 + int(rng.random() * span), start, end) for _ in range(count)
        ]
        if first:
            # The first response to a new deal comes within hours, not days.
            moments.append(_in_hours(start + 60 + int(rng.expovariate(1 / 10_800)), start, end))
        moments.sort()
        result: list[int] = []
        for moment in moments:
            moment = max(moment, result[-1] + 1 if result else start + 1)
            if moment >= end:
                break
            result.append(moment)
        return result

    # --- the deal row --------------------------------------------------------------------------

    def _deal(
        self, funnel: _Funnel, owner: _Owner, locale: Locale, walk: _Walk, last_activity: int | None
    ) -> Deal:
        """The deal's fields, consistent with its history and log."""
        rng, at = self._rng, self._cal.at
        client = make_client(rng, locale, funnel.plan)
        created, (_, stage_id, moved) = walk.changes[0][2], walk.changes[-1]
        touched = moved if last_activity is None else max(moved, last_activity)
        lost = walk.outcome == _LOST
        next_at, next_note = None, None
        if walk.outcome == _OPEN:
            next_at, next_note = self._next_contact(locale, touched)
        return Deal(
            id=0,
            pipeline_id=funnel.pipeline.id,
            stage_id=stage_id,
            title=client.title,
            value=client.value,
            owner_id=owner.id,
            created_at=at(created),
            updated_at=at(touched),
            stage_entered_at=at(moved),
            contact=client.contact,
            company=client.company,
            phone=client.phone,
            email=client.email,
            source=client.source,
            tags=client.tags,
            expected_close=self._expected_close(walk.outcome, created, moved),
            next_contact_at=next_at,
            next_contact_note=next_note,
            loss_reason_id=funnel.reasons.pick(rng) if lost and funnel.reasons else None,
            loss_note=choose(rng, locale.loss_notes) if lost and rng.random() < 0.3 else None,
            closed_at=None if walk.outcome == _OPEN else at(moved),
            last_activity_at=None if last_activity is None else at(last_activity),
        )

    def _next_contact(self, locale: Locale, last_event: int) -> tuple[datetime | None, str | None]:
        """Most open deals have one: some overdue, some today, most in the coming weeks."""
        rng, today = self._rng, _YEAR_DAYS
        roll = rng.random()
        if roll < 0.1:
            return None, None
        if roll < 0.32:
            day = self._cal.workday(today - between(rng, 1, 10))
        elif roll < 0.55:
            day = today
        else:
            day = self._cal.workday(today + between(rng, 1, 20))
        slot = _WORK_START + int(rng.random() * (_WORK_LEN // 900)) * 900  # on the quarter hour
        moment = day * _DAY + slot
        if moment <= last_event:
            # A date before the deal's last event was already dealt with: the next one is today.
            moment = today * _DAY + slot
        note = choose(rng, locale.next_steps) if rng.random() < 0.85 else None
        return self._cal.at(moment), note

    def _expected_close(self, outcome: str, created: int, moved: int) -> date | None:
        rng, day = self._rng, self._cal.day
        roll = rng.random()
        if outcome == _OPEN:
            # Some are already past: deals whose close date slipped.
            return day(_YEAR_DAYS + between(rng, -20, 120)) if roll < 0.7 else None
        if outcome == _WON:
            return day(moved // _DAY + between(rng, -14, 21)) if roll < 0.7 else None
        return day(created // _DAY + between(rng, 14, 90)) if roll < 0.4 else None
