"""The sales KPIs of a period and of the one before it (DESIGN.md, "Definitions of the
figures"): new leads, open opportunities, win rate, average deal size, sales cycle and
pipeline velocity.

The deals in view are those now in the pipeline(s) of the query (and of its owner), except
for open opportunities at a past period's end, which are the deals at an open stage of the
pipeline then (a deal moved to another pipeline since still counts where it was). Won and
lost are the deals closed in the period that are still won or lost now: a deal reopened
since is neither.

`kpi_report` reads a few aggregates per period in one read transaction (`MetricsReader`);
`kpi_values` turns one period's into the figures: sums and ratios, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from fractions import Fraction

from funnel_tui.analytics.metrics_model import KpiReport, KpiValues, MetricsQuery
from funnel_tui.analytics.metrics_ports import ClosedSum, MetricsReader, OwnerCount, Scope
from funnel_tui.analytics.metrics_view import main_currency, metrics_view, ratio
from funnel_tui.analytics.periods import previous_bounds
from funnel_tui.domain.money import Money
from funnel_tui.services.ports import Store

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """What the store counted for one period (see `MetricsReader`)."""

    created: tuple[OwnerCount, ...]
    open: tuple[OwnerCount, ...]
    """Open at the period's end, or now if that is earlier."""
    closed: tuple[ClosedSum, ...]
    median_cycle_seconds: Fraction | None

    def currencies(self) -> Iterator[tuple[str, int]]:
        """(currency, deals) of every deal a figure counts; one counted by two figures (a
        new lead still open) counts twice."""
        for counted in (*self.created, *self.open):
            yield counted.currency, counted.count
        for closed in self.closed:
            yield closed.currency, closed.count


def read_period(
    reader: MetricsReader, scope: Scope, start: datetime, end: datetime, now: datetime
) -> PeriodCounts:
    return PeriodCounts(
        created=tuple(reader.created(scope, start, end)),
        open=tuple(reader.open_at(scope, min(end, now))),
        closed=tuple(reader.closed(scope, start, end)),
        median_cycle_seconds=reader.median_cycle_seconds(scope, start, end),
    )


def kpi_report(
    store: Store,
    query: MetricsQuery,
    *,
    now: datetime,
    zone: tzinfo,
    fallback_currency: str,
) -> KpiReport:
    """The KPIs of [query.start, query.end) and of the period before it, read in one
    transaction.

    `now`: the moment open opportunities are counted at when the period has not ended.
    `zone`: the user's time zone, which says what the previous period is: when the query's
    bounds are local midnights, the previous whole months (or days) as `Period.previous`
    gives them; otherwise the same span right before. `fallback_currency`: the amounts'
    currency when the query names none and no deal tells (see `KpiReport.currency`).
    """
    previous_start, previous_end = previous_bounds(query.start, query.end, zone)
    with store.read() as uow:
        view = metrics_view(uow, query)
        reader = uow.metrics
        current = read_period(reader, view.scope, query.start, query.end, now)
        previous = read_period(reader, view.scope, previous_start, previous_end, now)
    # The current period's deals decide the currency; the previous one's when it has none.
    currency = (
        query.currency
        or main_currency(current.currencies(), previous.currencies())
        or fallback_currency
    )
    seen = {code for code, _ in (*current.currencies(), *previous.currencies())}
    return KpiReport(
        pipeline_id=query.pipeline_id,
        pipeline_name=view.pipeline_name,
        owner_login=view.owner_login,
        currency=currency,
        start=query.start,
        end=query.end,
        previous_start=previous_start,
        previous_end=previous_end,
        current=kpi_values(current, view.scope, currency),
        previous=kpi_values(previous, view.scope, currency),
        other_currencies=tuple(sorted(seen - {currency})),
    )


def kpi_values(counts: PeriodCounts, scope: Scope, currency: str) -> KpiValues:
    """One period's KPIs from its counts; money in `currency` only."""
    won_rows = [row for row in counts.closed if row.stage_id in scope.won_ids]
    won = sum(row.count for row in won_rows)
    lost = sum(row.count for row in counts.closed if row.stage_id in scope.lost_ids)
    won_here = [row for row in won_rows if row.currency == currency]
    won_minor = sum(row.value_minor for row in won_here)
    average = ratio(won_minor, sum(row.count for row in won_here))
    win_rate = ratio(won, won + lost)
    # The cycle is of every won deal, whatever its currency: it is a duration, not money.
    cycle_mean = ratio(sum(row.cycle_seconds for row in won_rows), won * SECONDS_PER_DAY)
    median = counts.median_cycle_seconds
    open_here = sum(row.count for row in counts.open if row.currency == currency)
    return KpiValues(
        new_leads=sum(row.count for row in counts.created),
        open_opportunities=sum(row.count for row in counts.open),
        won=won,
        lost=lost,
        win_rate=win_rate,
        won_amount=Money(won_minor, currency),
        average_deal_size=None if average is None else Money(round(average), currency),
        cycle_mean_days=cycle_mean,
        cycle_median_days=None if median is None else median / SECONDS_PER_DAY,
        velocity=_velocity(open_here, win_rate, average, cycle_mean, currency),
        velocity_open_deals=open_here,
    )


def _velocity(
    open_deals: int,
    win_rate: Fraction | None,
    average_minor: Fraction | None,
    cycle_days: Fraction | None,
    currency: str,
) -> Money | None:
    """open deals × win rate × average deal size / mean cycle days, per day, from the exact
    average (not the rounded one) and rounded once, half to even."""
    if win_rate is None or average_minor is None or not cycle_days:
        return None
    return Money(round(open_deals * win_rate * average_minor / cycle_days), currency)
