"""Manager activity per owner in a period (DESIGN.md, "Definitions of the figures"): calls,
meetings, deals created, moved forward, won (count and amount), lost, median first response,
and, now, overdue next contacts and open deals without one.

Calls, meetings and forward moves are the person's own deeds, whoever owns the deal; the
other figures are of the deals they own. A first response is the first activity (by anyone)
at or after the deal's creation. Amounts are in the report's currency: the query's, else the
one most of the deals counted (created, closed, open now) are in.

`team_report` reads the aggregates in one read transaction (`MetricsReader`);
`assemble_team` puts them together per person: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from funnel_tui.analytics.metrics_model import ManagerActivity, MetricsQuery, TeamReport
from funnel_tui.analytics.metrics_ports import (
    ActivityCount,
    ClosedSum,
    ContactStatus,
    OwnerCount,
)
from funnel_tui.analytics.metrics_view import MetricsView, main_currency, metrics_view
from funnel_tui.domain.models import ActivityKind, User
from funnel_tui.domain.money import Money
from funnel_tui.services.ports import Store

COUNTED_KINDS = (ActivityKind.CALL.value, ActivityKind.MEETING.value)


@dataclass(frozen=True, slots=True)
class TeamCounts:
    """What the store counted for one team report (see `MetricsReader`)."""

    created: tuple[OwnerCount, ...]
    closed: tuple[ClosedSum, ...]
    activities: tuple[ActivityCount, ...]
    moved_forward: Mapping[int, int]
    first_response_seconds: Mapping[int, Fraction]
    contacts: tuple[ContactStatus, ...]
    """The open deals now."""

    def currencies(self) -> Iterator[tuple[str, int]]:
        for created in self.created:
            yield created.currency, created.count
        for closed in self.closed:
            yield closed.currency, closed.count
        for status in self.contacts:
            yield status.currency, status.open

    def people(self) -> set[int]:
        """Everyone with a deal or a deed in the report: owners of deals created, closed or
        open now, and whoever logged a call or meeting or moved a deal forward."""
        return {
            *(created.owner_id for created in self.created),
            *(closed.owner_id for closed in self.closed),
            *(status.owner_id for status in self.contacts if status.open),
            *(row.user_id for row in self.activities if row.count),
            *(user for user, count in self.moved_forward.items() if count),
            *self.first_response_seconds,
        }


def team_report(
    store: Store, query: MetricsQuery, *, now: datetime, fallback_currency: str
) -> TeamReport:
    """Each person's activity in [query.start, query.end), read in one transaction; overdue
    and unscheduled next contacts are counted at `now`. With `query.owner_id`, that one
    person's row. `fallback_currency`: the amounts' currency when the query names none and
    no deal tells."""
    with store.read() as uow:
        view = metrics_view(uow, query)
        reader, scope = uow.metrics, view.scope
        counts = TeamCounts(
            created=tuple(reader.created(scope, query.start, query.end)),
            closed=tuple(reader.closed(scope, query.start, query.end)),
            activities=tuple(reader.activities(scope, query.start, query.end, COUNTED_KINDS)),
            moved_forward=reader.moved_forward(scope, query.start, query.end, view.forward_ranks()),
            first_response_seconds=reader.first_response_medians(scope, query.start, query.end),
            contacts=tuple(reader.contacts_now(scope, now)),
        )
        users = {user.id: user for user in uow.users.list()}
    return assemble_team(query, view, counts, users, fallback_currency=fallback_currency)


def assemble_team(
    query: MetricsQuery,
    view: MetricsView,
    counts: TeamCounts,
    users: Mapping[int, User],
    *,
    fallback_currency: str,
) -> TeamReport:
    """The manager table from the counts: one row per person, by display name."""
    currency = query.currency or main_currency(counts.currencies()) or fallback_currency
    won_ids, lost_ids = set(view.scope.won_ids), set(view.scope.lost_ids)
    created, won, lost, won_minor = Counter[int](), Counter[int](), Counter[int](), Counter[int]()
    for row in counts.created:
        created[row.owner_id] += row.count
    for closed in counts.closed:
        if closed.stage_id in won_ids:
            won[closed.owner_id] += closed.count
            if closed.currency == currency:
                won_minor[closed.owner_id] += closed.value_minor
        elif closed.stage_id in lost_ids:
            lost[closed.owner_id] += closed.count
    done = Counter[tuple[int, str]]()
    for activity in counts.activities:
        done[activity.user_id, activity.kind] += activity.count
    overdue, unscheduled = Counter[int](), Counter[int]()
    for status in counts.contacts:
        overdue[status.owner_id] += status.overdue
        unscheduled[status.owner_id] += status.unscheduled
    managers = []
    for user_id in counts.people():
        user = users.get(user_id)
        median = counts.first_response_seconds.get(user_id)
        managers.append(
            ManagerActivity(
                user_id=user_id,
                login=user.login if user else f"#{user_id}",
                display_name=user.display_name if user else f"#{user_id}",
                calls=done[user_id, ActivityKind.CALL.value],
                meetings=done[user_id, ActivityKind.MEETING.value],
                created=created[user_id],
                moved_forward=counts.moved_forward.get(user_id, 0),
                won=won[user_id],
                won_amount=Money(won_minor[user_id], currency),
                lost=lost[user_id],
                median_first_response=None if median is None else _duration(median),
                overdue_now=overdue[user_id],
                without_next_contact=unscheduled[user_id],
            )
        )
    managers.sort(key=lambda row: (row.display_name.casefold(), row.login))
    seen = {code for code, deals in counts.currencies() if deals}
    return TeamReport(
        pipeline_id=query.pipeline_id,
        pipeline_name=view.pipeline_name,
        start=query.start,
        end=query.end,
        currency=currency,
        managers=tuple(managers),
        other_currencies=tuple(sorted(seen - {currency})),
    )


def _duration(seconds: Fraction) -> timedelta:
    """Exact to the microsecond (a median of whole seconds is a whole or a half second)."""
    return timedelta(microseconds=round(seconds * 1_000_000))
