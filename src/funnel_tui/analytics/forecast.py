"""The weighted and the historical forecast by month, and the measured odds of each stage
(DESIGN.md, "Definitions of the figures").

`forecast_report` reads two aggregates in one read transaction (`ForecastReader`): the open
deals by stage, currency and month of their expected close, and the closed deals of the last
12 months by how far they got. The rest is arithmetic over a few numbers per stage, exact
(`Fraction`) until each month's sum is rounded once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from fractions import Fraction

from funnel_tui.analytics.forecast_ports import ClosedPath, ForecastReader, MonthSum, PipelineRanks
from funnel_tui.analytics.funnel import main_currency, stage_ranks
from funnel_tui.analytics.metrics_model import (
    ForecastMonth,
    ForecastQuery,
    ForecastReport,
    StageOdds,
)
from funnel_tui.analytics.months import month_of, shift_month, year_before
from funnel_tui.analytics.ports import Cohort
from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _
from funnel_tui.services.ports import Store, UnitOfWork

MIN_MONTHS = 3
MAX_MONTHS = 9


def forecast_report(
    store: Store, query: ForecastQuery, *, now: datetime, zone: tzinfo, fallback_currency: str
) -> ForecastReport:
    """The forecast for `query`. `now`: the odds are measured over the deals created in the 12
    months before it (in `zone`); `fallback_currency`: the amounts' currency when the query
    names none and no open deal tells."""
    if not MIN_MONTHS <= query.months <= MAX_MONTHS:
        raise ValidationError(
            "months", _("must be {low} to {high}").format(low=MIN_MONTHS, high=MAX_MONTHS)
        )
    first = month_of(query.first_month)
    bounds = [shift_month(first, index) for index in range(query.months + 1)]
    with store.read() as uow:
        pipelines = pipelines_in_view(uow, query.pipeline_id)
        owner = uow.users.get(query.owner_id) if query.owner_id is not None else None
        odds = stage_odds(uow.forecast, pipelines, query.owner_id, now=now, zone=zone)
        stages = {p.id: [stage.id for stage in p.open_stages] for p in pipelines}
        sums = uow.forecast.open_by_month(stages, query.owner_id, bounds)
    months = range(query.months)
    in_months = [row for row in sums if row.bucket in months]
    by_stage = {entry.stage_id: entry for entry in odds}
    currency = query.currency or main_currency(in_months, sums) or fallback_currency
    return ForecastReport(
        pipeline_id=query.pipeline_id,
        pipeline_name=pipelines[0].name if query.pipeline_id is not None else None,
        owner_login=owner.login if owner else None,
        currency=currency,
        months=tuple(
            _month(
                bounds[index], [row for row in in_months if row.bucket == index], by_stage, currency
            )
            for index in months
        ),
        odds=odds,
        overdue_deals=sum(row.count for row in sums if row.bucket == -1),
        undated_deals=sum(row.count for row in sums if row.bucket is None),
        other_currencies=tuple(sorted({row.currency for row in in_months} - {currency})),
    )


def pipelines_in_view(uow: UnitOfWork, pipeline_id: int | None) -> list[Pipeline]:
    """The one pipeline asked for, or every unarchived one (None)."""
    if pipeline_id is None:
        return uow.pipelines.list()
    pipeline = uow.pipelines.get(pipeline_id)
    if pipeline is None:
        raise NotFoundError(_("no pipeline #{number}").format(number=pipeline_id))
    return [pipeline]


def stage_odds(
    reader: ForecastReader,
    pipelines: Sequence[Pipeline],
    owner_id: int | None,
    *,
    now: datetime,
    zone: tzinfo,
) -> tuple[StageOdds, ...]:
    """Configured and measured odds of every open stage of `pipelines`, in their order.

    Measured over the deals created in the 12 months before `now` (of one owner if given)
    that are closed now: P(win | reached stage k) = won / (won + lost that reached k). A won
    deal reached every stage; a lost one reached the stages up to the furthest its history
    put it at (skipped stages count as passed, as in the funnel).
    """
    cohort = Cohort(year_before(now, zone), now, owner_id)
    ranks = [
        PipelineRanks(
            pipeline.won_stage.id,
            pipeline.lost_stage.id,
            # The funnel's ranks without the lost stage: being lost is no stage reached.
            {
                stage_id: rank
                for stage_id, rank in stage_ranks(pipeline).items()
                if stage_id != pipeline.lost_stage.id
            },
        )
        for pipeline in pipelines
    ]
    paths = reader.closed_paths(cohort, ranks)
    return tuple(odds for pipeline in pipelines for odds in _pipeline_odds(pipeline, paths))


def _pipeline_odds(pipeline: Pipeline, paths: Iterable[ClosedPath]) -> list[StageOdds]:
    won_id, lost_id = pipeline.won_stage.id, pipeline.lost_stage.id
    won = sum(path.count for path in paths if path.stage_id == won_id)
    furthest = Counter[int]()
    for path in paths:
        if path.stage_id == lost_id and path.furthest is not None:
            furthest[path.furthest] += path.count
    result = []
    for index, stage in enumerate(pipeline.open_stages):
        lost = sum(count for rank, count in furthest.items() if rank >= index)
        result.append(
            StageOdds(
                stage_id=stage.id,
                pipeline_name=pipeline.name,
                stage_name=stage.name,
                configured=Fraction(stage.probability, 100),
                measured=Fraction(won, won + lost) if won + lost else None,
                sample=won + lost,
            )
        )
    return result


def _month(
    first: date, rows: Sequence[MonthSum], odds: Mapping[int, StageOdds], currency: str
) -> ForecastMonth:
    """One month's figures from its open deals' sums (every stage and currency)."""
    counted = [row for row in rows if row.currency == currency]
    weighted = sum((row.value_minor * odds[row.stage_id].configured for row in counted), Fraction())
    historical = sum(
        (row.value_minor * _historical_odds(odds[row.stage_id]) for row in counted), Fraction()
    )
    return ForecastMonth(
        month=first,
        deals=sum(row.count for row in counted),
        amount=Money(sum(row.value_minor for row in counted), currency),
        weighted=Money(round(weighted), currency),
        historical=Money(round(historical), currency),
    )


def _historical_odds(odds: StageOdds) -> Fraction:
    return odds.configured if odds.measured is None else odds.measured
