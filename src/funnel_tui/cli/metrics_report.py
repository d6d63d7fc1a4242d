"""`funnel report --kpi | --forecast | --plan | --team | --losses`: the team lead's figures
(DESIGN.md, "Definitions of the figures") as the Reports screen draws them, or as JSON or CSV
with the same numbers.

JSON follows the funnel report's rules: ratios are floats in [0, 1] (the change of a KPI and
the plan's fulfilment may leave that range), null where undefined; money is a decimal string
in major units beside a "currency" key; dates are ISO. CSV is one table per report.

`cli/report.py` imports this module only when one of these reports is asked for.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import shlex
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from fractions import Fraction
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from funnel_tui.analytics.forecast import forecast_report
from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.losses import loss_report
from funnel_tui.analytics.metrics_model import (
    ForecastQuery,
    ForecastReport,
    KpiReport,
    KpiValues,
    LossReport,
    MetricsQuery,
    PlanQuery,
    PlanReport,
    TeamReport,
)
from funnel_tui.analytics.plan import plan_report
from funnel_tui.analytics.team import team_report
from funnel_tui.cli.base import out_console, owner_id
from funnel_tui.cli.report import REPORT_NAMES
from funnel_tui.domain.money import Money, normalize_currency
from funnel_tui.i18n import _
from funnel_tui.render.forecast_chart import ForecastChart, odds_table
from funnel_tui.render.kpi_tiles import KPIS, KpiTiles, kpi_change
from funnel_tui.render.loss_bars import LossBars
from funnel_tui.render.plan_chart import PlanChart
from funnel_tui.render.safe import clean, safe_json
from funnel_tui.render.team_table import TeamTable
from funnel_tui.services import Services

MetricsResult = KpiReport | ForecastReport | PlanReport | TeamReport | LossReport


@dataclass(frozen=True, slots=True)
class MetricsScope:
    """What the reports are about, as the command line said it."""

    pipeline: str | None
    """A pipeline's name or number; None: every pipeline (the plan: the first)."""
    start: datetime
    end: datetime
    owner: str | None
    currency: str | None
    months: int | None
    """How many months to forecast; None: the forecast's default."""
    month: date | None
    """The plan's month; None: this month."""
    today: date
    zone: tzinfo
    fallback_currency: str


def gather(
    services: Services, reports: tuple[str, ...], scope: MetricsScope
) -> list[MetricsResult]:
    """Each report asked for, in `REPORT_NAMES` order, read with the services' clock."""
    store, now, zone = services.context.store, services.context.clock(), scope.zone
    fallback = scope.fallback_currency
    code = normalize_currency(scope.currency) if scope.currency else None
    owner = owner_id(services, scope.owner)
    # Every pipeline unless one is named; the plan is always one pipeline's (the first).
    named = services.pipelines.find(scope.pipeline) if scope.pipeline is not None else None
    pipeline_id = named.id if named is not None else None
    query = MetricsQuery(pipeline_id, scope.start, scope.end, owner, code)
    this_month = scope.today.replace(day=1)
    results: list[MetricsResult] = []
    for name in REPORT_NAMES:
        if name not in reports:
            continue
        if name == "kpi":
            results.append(kpi_report(store, query, now=now, zone=zone, fallback_currency=fallback))
        elif name == "forecast":
            forecast = ForecastQuery(pipeline_id, this_month, owner_id=owner, currency=code)
            if scope.months is not None:
                forecast = dataclasses.replace(forecast, months=scope.months)
            results.append(
                forecast_report(store, forecast, now=now, zone=zone, fallback_currency=fallback)
            )
        elif name == "plan":
            pipeline = named or services.pipelines.find(None)
            plan = PlanQuery(pipeline.id, scope.month or this_month, owner, code)
            results.append(plan_report(store, plan, now=now, zone=zone, fallback_currency=fallback))
        elif name == "team":
            results.append(team_report(store, query, now=now, fallback_currency=fallback))
        else:
            results.append(loss_report(store, query, fallback_currency=fallback))
    return results


def write(results: list[MetricsResult], fmt: str, zone: tzinfo) -> None:
    if fmt == "json":
        (result,) = results
        document = _document(result, zone)
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "csv":
        (result,) = results
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows(_table(result))
    else:
        for index, result in enumerate(results):
            if index:
                out_console.print()
            out_console.print(_text(result, zone))
    sys.stdout.flush()


# --- text: the charts of the Reports screen ------------------------------------------------


def _text(result: MetricsResult, zone: tzinfo) -> RenderableType:
    if isinstance(result, KpiReport):
        return KpiTiles(result, zone)
    if isinstance(result, ForecastReport):
        title = Text(_("Win odds by stage"), "bold")
        return Group(ForecastChart(result), Text(), title, odds_table(result))
    if isinstance(result, PlanReport):
        return PlanChart(result, no_plan_hint=_plan_hint(result))
    if isinstance(result, LossReport):
        return LossBars(result, zone)
    return TeamTable(result, zone)


def _plan_hint(report: PlanReport) -> str:
    """The command that sets the missing plan, for this pipeline, month and owner."""
    command = ["funnel", "plan", "set", "AMOUNT", "--pipeline", report.pipeline_name]
    command += ["--month", f"{report.month:%Y-%m}"]
    if report.owner_login is not None:
        command += ["--owner", report.owner_login]
    return _("set one with `{command}`").format(command=shlex.join(command))


# --- JSON ----------------------------------------------------------------------------------


def _fraction(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _money(value: Money | None) -> str | None:
    return None if value is None else value.to_decimal_string()


def _days(start: datetime, end: datetime, zone: tzinfo) -> tuple[str, str]:
    """A half-open [start, end) as its first and last local days, both included."""
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    return first.isoformat(), last.isoformat()


def _seconds(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds()


def _document(result: MetricsResult, zone: tzinfo) -> dict[str, Any]:
    if isinstance(result, KpiReport):
        return _kpi_document(result, zone)
    if isinstance(result, ForecastReport):
        return _forecast_document(result)
    if isinstance(result, PlanReport):
        return _plan_document(result)
    first, last = _days(result.start, result.end, zone)
    if isinstance(result, LossReport):
        return {
            "report": "losses",
            "pipeline": result.pipeline_name,
            "from": first,
            "to": last,
            "currency": result.currency,
            "reasons": _reasons(result),
            "other_currencies": list(result.other_currencies),
        }
    return {
        "report": "team",
        "pipeline": result.pipeline_name,
        "from": first,
        "to": last,
        "currency": result.currency,
        "managers": _managers(result),
        "other_currencies": list(result.other_currencies),
    }


KPI_AMOUNTS = ("won_amount", "average_deal_size", "velocity")
"""The KPIs that are money (in the report's currency)."""


def _kpi_values(values: KpiValues) -> dict[str, Any]:
    return {
        "new_leads": values.new_leads,
        "open_opportunities": values.open_opportunities,
        "won": values.won,
        "lost": values.lost,
        "win_rate": _fraction(values.win_rate),
        "won_amount": _money(values.won_amount),
        "average_deal_size": _money(values.average_deal_size),
        "cycle_mean_days": _fraction(values.cycle_mean_days),
        "cycle_median_days": _fraction(values.cycle_median_days),
        "velocity": _money(values.velocity),
        "velocity_open_deals": values.velocity_open_deals,
    }


def _kpi_changes(report: KpiReport) -> dict[str, float | None]:
    """Each KPI's change as the tiles show it: relative (0.25 = 25 % up), the win rate's as
    a difference (0.1 = 10 percentage points); null when there is nothing to compare."""

    return {definition.key: _fraction(kpi_change(definition, report)) for definition in KPIS}


def _kpi_document(report: KpiReport, zone: tzinfo) -> dict[str, Any]:
    first, last = _days(report.start, report.end, zone)
    previous_first, previous_last = _days(report.previous_start, report.previous_end, zone)
    return {
        "report": "kpi",
        "pipeline": report.pipeline_name,
        "owner": report.owner_login,
        "from": first,
        "to": last,
        "previous_from": previous_first,
        "previous_to": previous_last,
        "currency": report.currency,
        "current": _kpi_values(report.current),
        "previous": _kpi_values(report.previous),
        "change": _kpi_changes(report),
        "other_currencies": list(report.other_currencies),
    }


def _forecast_document(report: ForecastReport) -> dict[str, Any]:
    return {
        "report": "forecast",
        "pipeline": report.pipeline_name,
        "owner": report.owner_login,
        "currency": report.currency,
        "months": _months(report),
        "odds": [
            {
                "pipeline": odds.pipeline_name,
                "stage": odds.stage_name,
                "configured": _fraction(odds.configured),
                "measured": _fraction(odds.measured),
                "sample": odds.sample,
            }
            for odds in report.odds
        ],
        "overdue_deals": report.overdue_deals,
        "undated_deals": report.undated_deals,
        "other_currencies": list(report.other_currencies),
    }


def _plan_document(report: PlanReport) -> dict[str, Any]:
    return {
        "report": "plan",
        "pipeline": report.pipeline_name,
        "month": report.month.isoformat(),
        "owner": report.owner_login,
        "currency": report.currency,
        "plan": _money(report.plan),
        "won_amount": _money(report.won_amount),
        "won": report.won,
        "fulfilment": _fraction(report.fulfilment),
        "average_deal_size": _money(report.average_deal_size),
        "required_wins": report.required_wins,
        "stages": _plan_stages(report),
    }


# The records of a report's rows, shared by its JSON and its CSV (these keys, in this order).
MONTH_COLUMNS = ("month", "deals", "amount", "weighted", "historical")
STAGE_COLUMNS = ("stage", "win_odds", "odds_measured", "required", "actual", "deficit")
MANAGER_COLUMNS = (
    "login",
    "name",
    "calls",
    "meetings",
    "created",
    "moved_forward",
    "won",
    "won_amount",
    "lost",
    "median_first_response_seconds",
    "overdue_now",
    "without_next_contact",
)
REASON_COLUMNS = ("reason", "count", "amount")


def _months(report: ForecastReport) -> list[dict[str, Any]]:
    return [
        dict(
            zip(
                MONTH_COLUMNS,
                (
                    month.month.isoformat(),
                    month.deals,
                    _money(month.amount),
                    _money(month.weighted),
                    _money(month.historical),
                ),
                strict=True,
            )
        )
        for month in report.months
    ]


def _plan_stages(report: PlanReport) -> list[dict[str, Any]]:
    return [
        dict(
            zip(
                STAGE_COLUMNS,
                (
                    stage.name,
                    _fraction(stage.win_odds),
                    stage.measured,
                    stage.required,
                    stage.actual,
                    stage.deficit,
                ),
                strict=True,
            )
        )
        for stage in report.stages
    ]


def _managers(report: TeamReport) -> list[dict[str, Any]]:
    return [
        dict(
            zip(
                MANAGER_COLUMNS,
                (
                    manager.login,
                    manager.display_name,
                    manager.calls,
                    manager.meetings,
                    manager.created,
                    manager.moved_forward,
                    manager.won,
                    _money(manager.won_amount),
                    manager.lost,
                    _seconds(manager.median_first_response),
                    manager.overdue_now,
                    manager.without_next_contact,
                ),
                strict=True,
            )
        )
        for manager in report.managers
    ]


def _reasons(report: LossReport) -> list[dict[str, Any]]:
    return [
        dict(zip(REASON_COLUMNS, (reason.reason, reason.count, _money(reason.amount)), strict=True))
        for reason in report.reasons
    ]


# --- CSV: one table per report, its figures written as in the JSON ------------------------


def _cell(value: Any) -> str:
    """A JSON value as a CSV cell: floats as `repr` (exact on reading back, as the funnel
    report writes them), null empty, text with nothing a terminal would act on."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return clean(value)


def _rows(
    columns: tuple[str, ...], records: list[dict[str, Any]], currency: str
) -> list[list[str]]:
    """`records` under `columns`, each row ending with the currency of its amounts."""
    return [
        [*columns, "currency"],
        *([*(_cell(record[column]) for column in columns), currency] for record in records),
    ]


def _table(result: MetricsResult) -> list[list[str]]:
    if isinstance(result, KpiReport):
        return _kpi_table(result)
    if isinstance(result, ForecastReport):
        return _rows(MONTH_COLUMNS, _months(result), result.currency)
    if isinstance(result, PlanReport):
        return _plan_table(result)
    if isinstance(result, LossReport):
        return _rows(REASON_COLUMNS, _reasons(result), result.currency)
    return _rows(MANAGER_COLUMNS, _managers(result), result.currency)


def _kpi_table(report: KpiReport) -> list[list[str]]:
    """One row per figure: this period's, the previous one's, the change (for the KPIs the
    tiles show) and the currency (for amounts)."""
    current, previous = _kpi_values(report.current), _kpi_values(report.previous)
    changes = _kpi_changes(report)
    rows = [["kpi", "current", "previous", "change", "currency"]]
    for key, value in current.items():
        currency = report.currency if key in KPI_AMOUNTS else ""
        rows.append([key, _cell(value), _cell(previous[key]), _cell(changes.get(key)), currency])
    return rows


def _plan_table(report: PlanReport) -> list[list[str]]:
    """One row per open stage, then the wins: needed, won and the shortfall."""
    rows = _rows(STAGE_COLUMNS, _plan_stages(report), report.currency)
    required = report.required_wins
    short = None if required is None else max(0, required - report.won)
    rows.append(
        [_cell(value) for value in ("won", None, None, required, report.won, short)]
        + [report.currency]
    )
    return rows
