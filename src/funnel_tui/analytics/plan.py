"""The reference funnel of one pipeline for one month (DESIGN.md, "Definitions of the
figures"): from the plan in effect, the average deal size and the odds of each stage, how many
deals each stage needs, beside how many the month's cohort brought there.

Required wins W = ⌈plan / A⌉ with A the exact mean (sum / count) of the deals won in the
12 months up to the month's end; required at stage k = ⌈W / odds_k⌉, where odds_k =
P(win | reached k) is the measured one of the forecast when defined and above 0, else the
configured probability: the product of the conversions from k on (Π_{j≥k} c_j). Ceilings are
exact (integers and Fractions); nothing is rounded before them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from fractions import Fraction

from funnel_tui.analytics.forecast import stage_odds
from funnel_tui.analytics.forecast_ports import WonSum
from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
from funnel_tui.analytics.metrics_model import PlanQuery, PlanReport, PlanStage, StageOdds
from funnel_tui.analytics.months import month_of, shift_month
from funnel_tui.domain.dates import local_midnight
from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _
from funnel_tui.services.ports import Store


@dataclass(frozen=True, slots=True)
class WonCounts:
    """Deals won in a period: how many in all, and how many and their sum in one currency."""

    count: int
    in_currency: int
    value_minor: int


def plan_report(
    store: Store,
    query: PlanQuery,
    *,
    now: datetime,
    zone: tzinfo,
    fallback_currency: str,
    odds: Sequence[StageOdds] | None = None,
) -> PlanReport:
    """The reference funnel for `query`. `now`: when the odds are measured from (the 12
    months before it); `zone`: where the month's days begin; `fallback_currency`: the
    currency when neither the query, a plan nor a won deal names one.

    `odds`: the ones a forecast of the same pipeline and owner measured at the same `now`
    (`ForecastReport.odds`), to spare measuring them again, the slowest read here; measured
    anew when they miss a stage of the pipeline.
    """
    month = month_of(query.month)
    start, end = local_midnight(month, zone), local_midnight(shift_month(month, 1), zone)
    year_start = local_midnight(shift_month(month, -11), zone)
    with store.read() as uow:
        pipeline = uow.pipelines.get(query.pipeline_id)
        if pipeline is None:
            raise NotFoundError(_("no pipeline #{number}").format(number=query.pipeline_id))
        owner = uow.users.get(query.owner_id) if query.owner_id is not None else None
        target = uow.plans.in_effect(pipeline.id, query.owner_id, month)
        known = {entry.stage_id: entry for entry in odds or ()}
        if any(stage.id not in known for stage in pipeline.open_stages):
            measured = stage_odds(uow.forecast, [pipeline], query.owner_id, now=now, zone=zone)
            known = {entry.stage_id: entry for entry in measured}
        won = (pipeline.id, pipeline.won_stage.id, query.owner_id)
        month_sums = uow.forecast.won_between(*won, start, end)
        year_sums = uow.forecast.won_between(*won, year_start, end)
    planned = target.target_amount if target is not None else None
    currency = (
        query.currency
        or (planned.currency if planned else None)
        or _main_currency(year_sums)
        or fallback_currency
    )
    if planned is not None and planned.currency != currency:
        planned = None  # a plan in another currency than the one asked for: none in this one
    funnel = funnel_report(
        store,
        FunnelQuery(pipeline.id, start, end, query.owner_id, currency),
        FunnelView.COHORT,
        fallback_currency=currency,
    )
    reached = {figure.stage_id: figure.reached for figure in funnel.stages}
    return assemble_plan(
        pipeline,
        month,
        planned,
        currency,
        won_month=_won(month_sums, currency),
        won_year=_won(year_sums, currency),
        odds=known,
        reached=reached,
        owner_login=owner.login if owner else None,
    )


def assemble_plan(
    pipeline: Pipeline,
    month: date,
    planned: Money | None,
    currency: str,
    *,
    won_month: WonCounts,
    won_year: WonCounts,
    odds: Mapping[int, StageOdds],
    reached: Mapping[int, int],
    owner_login: str | None,
) -> PlanReport:
    """The figures from the counts: no I/O."""
    average = Fraction(won_year.value_minor, won_year.in_currency) if won_year.in_currency else None
    wins = (
        math.ceil(Fraction(planned.minor) / average)
        if planned is not None and average  # an average of 0: no number of wins is enough
        else None
    )
    stages = []
    for stage in pipeline.open_stages:
        chance, measured = _win_odds(odds[stage.id])
        required = math.ceil(wins / chance) if wins is not None and chance is not None else None
        actual = reached.get(stage.id, 0)
        stages.append(
            PlanStage(
                stage_id=stage.id,
                name=stage.name,
                win_odds=chance,
                measured=measured,
                required=required,
                actual=actual,
                deficit=None if required is None else max(0, required - actual),
            )
        )
    return PlanReport(
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        month=month,
        owner_login=owner_login,
        currency=currency,
        plan=planned,
        won_amount=Money(won_month.value_minor, currency),
        won=won_month.count,
        average_deal_size=None if average is None else Money(round(average), currency),
        required_wins=wins,
        stages=tuple(stages),
    )


def _win_odds(odds: StageOdds) -> tuple[Fraction | None, bool]:
    """The measured odds when defined and above 0 (True), else the configured ones (False);
    None when those are 0 as well."""
    if odds.measured:
        return odds.measured, True
    return (odds.configured or None), False


def _won(sums: Iterable[WonSum], currency: str) -> WonCounts:
    count = in_currency = value = 0
    for row in sums:
        count += row.count
        if row.currency == currency:
            in_currency += row.count
            value += row.value_minor
    return WonCounts(count, in_currency, value)


def _main_currency(sums: Iterable[WonSum]) -> str | None:
    """The currency most of the won deals are in (alphabetical on a tie)."""
    counts = {row.currency: row.count for row in sums if row.count}
    return min(counts, key=lambda code: (-counts[code], code)) if counts else None
