"""`funnel report`: the funnel of a pipeline for a period, as a chart and a table, JSON or CSV
(DESIGN.md, "Definitions of the figures")."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import click

from funnel_tui.cli.base import (
    DAY,
    MOMENT,
    OWNER,
    open_services_for,
    options,
    out_console,
    owner_id,
)
from funnel_tui.domain.dates import local_zone

# Imported on use, not here: `funnel_tui.cli` is imported by every command, and analytics and
# the chart are for this one.


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
) -> None:
    """The funnel: how far the deals got, the conversion from stage to stage, where they
    were lost, and the open deals now."""
    from funnel_tui.analytics.funnel import funnel_report
    from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelView
    from funnel_tui.analytics.periods import PeriodName, custom_period, named_period
    from funnel_tui.domain.money import normalize_currency

    if period is not None and (first or last):
        raise click.UsageError("give either --period or --from/--to, not both")
    if (first is None) != (last is None):
        raise click.UsageError("--from and --to go together")
    zone = local_zone()
    code = normalize_currency(currency) if currency else None
    with open_services_for(ctx, as_of=as_of) as services:
        today = services.context.clock().astimezone(zone).date()
        if first is not None and last is not None:
            chosen = custom_period(first, last)
        else:
            chosen = named_period(PeriodName(period or "this-month"), today)
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
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_csv(result)
    else:
        _print_text(result)
    sys.stdout.flush()


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
        out_console.print(Text("Losses by stage and reason", style="bold"))
        out_console.print(losses)
