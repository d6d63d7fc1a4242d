"""`funnel report`: the funnel of a pipeline for a period, as a chart and a table, JSON or CSV
(DESIGN.md, "Definitions of the figures"); with `--kpi`, `--forecast`, `--plan`, `--team` or
`--losses`, the team lead's figures instead (`cli/metrics_report.py`)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, tzinfo
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import click

from funnel_tui.cli.base import (
    DAY,
    MOMENT,
    OWNER,
    err_console,
    open_services_for,
    options,
    out_console,
    owner_id,
)
from funnel_tui.domain.dates import local_zone
from funnel_tui.i18n import _
from funnel_tui.render.safe import safe_json, safe_text

if TYPE_CHECKING:
    from funnel_tui.analytics.periods import Period
    from funnel_tui.services import Services

# Imported on use, not here: `funnel_tui.cli` is imported by every command, and analytics and
# the chart are for this one.


REPORT_NAMES = ("kpi", "forecast", "plan", "team", "losses")
"""The metric reports' flags, in the order text output prints them."""


class ReportUsageError(click.UsageError):
    """A usage mistake told in one line (no usage block): exit code 2."""

    def show(self, file: object = None) -> None:
        err_console.print(safe_text(f"funnel report: {self.message}"))


class MonthCount(click.ParamType[int]):
    """How many months to forecast, within what the forecast allows."""

    name = "months"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from funnel_tui.analytics.forecast import MAX_MONTHS, MIN_MONTHS

        text = str(value).strip()
        if not text.isdigit() or not MIN_MONTHS <= int(text) <= MAX_MONTHS:
            raise ReportUsageError(
                _("--months: {value!r} is not a number of months from {low} to {high}").format(
                    value=value, low=MIN_MONTHS, high=MAX_MONTHS
                )
            )
        return int(text)


class Month(click.ParamType[date]):
    """A calendar month, `2026-11` or `11.2026`, as its first day."""

    name = "month"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from funnel_tui.domain.errors import ValidationError
        from funnel_tui.services.plans import parse_month

        if isinstance(value, date):
            return value
        try:
            return parse_month(str(value))
        except ValidationError as err:
            raise ReportUsageError(f"--month: {err.message}") from None


def check_choice(reports: tuple[str, ...], fmt: str) -> None:
    """JSON and CSV are one document of one shape: one report at a time."""
    if fmt != "text" and len(reports) > 1:
        flags = ", ".join(f"--{name}" for name in reports)
        raise ReportUsageError(
            _("--format {format} takes one report at a time (got {flags})").format(
                format=fmt, flags=flags
            )
        )


def _chosen_reports(ctx: click.Context, flags: dict[str, bool]) -> tuple[str, ...]:
    """The metric reports asked for, in the order they print; the options that belong to
    one of them, or to the funnel alone, are refused where they would be ignored."""
    chosen = tuple(name for name in REPORT_NAMES if flags[name])

    def given(name: str) -> bool:
        source = ctx.get_parameter_source(name)
        return source is not None and source is not click.core.ParameterSource.DEFAULT

    if chosen and given("view"):
        raise ReportUsageError(_("--view is for the funnel report (no --kpi, --forecast, …)"))
    if given("months") and "forecast" not in chosen:
        raise ReportUsageError(_("--months goes with --forecast"))
    if given("month") and "plan" not in chosen:
        raise ReportUsageError(_("--month goes with --plan"))
    return chosen


@click.command()
@click.option("--pipeline", help="Pipeline name or number; default: the first.")
@click.option(
    "--period",
    type=click.Choice(["this-month", "last-month", "this-quarter", "last-12-months"]),
    help="A named period (default: this month); or give --from and --to.",
)
@click.option("--from", "first", type=DAY, help="First day of the period (included).")
@click.option("--to", "last", type=DAY, help="Last day of the period (included).")
@OWNER
@click.option(
    "--view",
    type=click.Choice(["cohort", "snapshot"]),
    default="cohort",
    show_default=True,
    help="cohort: the deals created in the period; snapshot: the open deals now.",
)
@click.option("--currency", help="Sum amounts in this currency (default: most deals' one).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
)
@click.option("--as-of", "as_of", type=MOMENT, help="Count 'this month' etc. from then.")
@click.option("--kpi", is_flag=True, help="KPIs against the previous period (every pipeline).")
@click.option("--forecast", is_flag=True, help="Forecast by month from this month on.")
@click.option("--months", type=MonthCount(), help="How many months to forecast.")
@click.option("--plan", is_flag=True, help="The plan against the month's funnel.")
@click.option("--month", type=Month(), help="The plan's month, 2026-11; default: this month.")
@click.option("--team", is_flag=True, help="Each manager's activity in the period.")
@click.option("--losses", is_flag=True, help="Loss reasons of the deals lost in the period.")
@click.pass_context
def report(
    ctx: click.Context,
    pipeline: str | None,
    period: str | None,
    first: date | None,
    last: date | None,
    owner: str | None,
    view: str,
    currency: str | None,
    fmt: str,
    as_of: datetime | None,
    kpi: bool,
    forecast: bool,
    months: int | None,
    plan: bool,
    month: date | None,
    team: bool,
    losses: bool,
) -> None:
    """The funnel: how far the deals got, the conversion from stage to stage, where they
    were lost, and the open deals now.

    With --kpi, --forecast, --plan, --team or --losses (one, or several for text): those
    reports instead, of every pipeline unless --pipeline names one (the plan: the first).
    """
    from funnel_tui.analytics.funnel import funnel_report
    from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
    from funnel_tui.domain.money import normalize_currency

    if period is not None and (first or last):
        raise click.UsageError(_("give either --period or --from/--to, not both"))
    if (first is None) != (last is None):
        raise click.UsageError(_("--from and --to go together"))
    flags = {"kpi": kpi, "forecast": forecast, "plan": plan, "team": team, "losses": losses}
    chosen_reports = _chosen_reports(ctx, flags)
    if chosen_reports:
        check_choice(chosen_reports, fmt)
        _metrics(
            ctx,
            chosen_reports,
            fmt,
            period=period,
            first=first,
            last=last,
            as_of=as_of,
            pipeline=pipeline,
            owner=owner,
            currency=currency,
            months=months,
            month=month,
        )
        return
    zone = local_zone()
    code = normalize_currency(currency) if currency else None
    with open_services_for(ctx, as_of=as_of) as services:
        chosen = _period(services, period, first, last, zone)
        start, end = chosen.bounds(zone)
        found = services.pipelines.find(pipeline)
        query = FunnelQuery(found.id, start, end, owner_id(services, owner), code)
        result = funnel_report(
            services.context.store,
            query,
            FunnelView(view),
            fallback_currency=options(ctx).settings.effective_currency,
        )
    if fmt == "json":
        document = _document(result, chosen.first, chosen.last)
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "csv":
        _write_csv(result)
    else:
        _print_text(result)
    sys.stdout.flush()


def _period(
    services: Services, period: str | None, first: date | None, last: date | None, zone: tzinfo
) -> Period:
    """--from/--to when given, else the named period (this month by default) around today
    by the services' clock."""
    from funnel_tui.analytics.periods import PeriodName, custom_period, named_period

    if first is not None and last is not None:
        return custom_period(first, last)
    today = services.context.clock().astimezone(zone).date()
    return named_period(PeriodName(period or "this-month"), today)


def _metrics(
    ctx: click.Context,
    reports: tuple[str, ...],
    fmt: str,
    *,
    period: str | None,
    first: date | None,
    last: date | None,
    as_of: datetime | None,
    pipeline: str | None,
    owner: str | None,
    currency: str | None,
    months: int | None,
    month: date | None,
) -> None:
    """The metric reports over the same period, pipeline, owner and currency options."""
    from funnel_tui.cli import metrics_report

    zone = local_zone()
    with open_services_for(ctx, as_of=as_of) as services:
        start, end = _period(services, period, first, last, zone).bounds(zone)
        metrics_scope = metrics_report.MetricsScope(
            pipeline=pipeline,
            start=start,
            end=end,
            owner=owner,
            currency=currency,
            months=months,
            month=month,
            today=services.context.clock().astimezone(zone).date(),
            zone=zone,
            fallback_currency=options(ctx).settings.effective_currency,
        )
        results = metrics_report.gather(services, reports, metrics_scope)
    metrics_report.write(results, fmt, zone)


def _fraction(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _document(report: Any, first: date, last: date) -> dict[str, Any]:
    """The JSON of the issue: conversions as fractions (null when undefined), amounts as
    decimal strings, one entry per open stage in order."""
    bottleneck = report.bottleneck
    return {
        "pipeline": report.pipeline_name,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "owner": report.owner_login,
        "view": report.view.value,
        "currency": report.currency,
        "stages": [
            {
                "name": stage.name,
                "reached": stage.reached,
                "conversion_to_next": _fraction(stage.conversion_to_next),
                "dropoff": stage.dropoff,
                "count": stage.count,
                "amount": stage.amount.to_decimal_string(),
                "weighted_amount": stage.weighted_amount.to_decimal_string(),
            }
            for stage in report.stages
        ],
        "won": report.won,
        "lost": report.lost,
        "cohort_size": report.cohort_size,
        "whole_conversion": _fraction(report.whole_conversion),
        "bottleneck": None
        if bottleneck is None
        else {
            "from": bottleneck.from_name,
            "to": bottleneck.to_name,
            "conversion": float(bottleneck.conversion),
        },
        "inverse": report.inverse,
        "inverse_at": [report.stages[index].name for index in report.inverse_at],
        "losses": [
            {
                "stage": report.stages[loss.stage_index].name,
                "reason": loss.reason,
                "count": loss.count,
                "amount": loss.amount.to_decimal_string(),
            }
            for loss in report.losses
        ],
        "other_currencies": list(report.other_currencies),
    }


def _write_csv(report: Any) -> None:
    """One row per open stage, then the won stage; amounts as decimal strings."""
    from funnel_tui.render.safe import clean

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "stage",
            "reached",
            "conversion_to_next",
            "dropoff",
            "count",
            "amount",
            "weighted_amount",
            "currency",
        ]
    )
    for stage in report.stages:
        conversion = _fraction(stage.conversion_to_next)
        writer.writerow(
            [
                clean(stage.name),
                stage.reached,
                "" if conversion is None else repr(conversion),
                stage.dropoff,
                stage.count,
                stage.amount.to_decimal_string(),
                stage.weighted_amount.to_decimal_string(),
                report.currency,
            ]
        )
    writer.writerow([clean(report.won_stage_name), report.won, "", "", "", "", "", ""])


def _print_text(report: Any) -> None:
    from rich.text import Text

    from funnel_tui.render.funnel_chart import FunnelChart
    from funnel_tui.render.funnel_table import loss_table, stage_table, summary_line

    out_console.print(FunnelChart(report, local_zone()))
    out_console.print(stage_table(report, out_console.width))
    out_console.print(summary_line(report), soft_wrap=False)
    losses = loss_table(report)
    if losses is not None:
        out_console.print()
        out_console.print(Text(_("Losses by stage and reason"), style="bold"))
        out_console.print(losses)
