"""`funnel plan`: the monthly plan amount of a pipeline (its team's, or one owner's), set from
a month on, listed, and cleared."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from rich.text import Text

from funnel_tui.cli.base import (
    FORMAT,
    open_services_for,
    options,
    owner_id,
    say,
    value_type,
)
from funnel_tui.domain.dates import local_zone
from funnel_tui.i18n import _
from funnel_tui.render.format import format_money
from funnel_tui.render.safe import fill, safe_json, safe_text
from funnel_tui.services import Services
from funnel_tui.services.plans import PlanLine, parse_month

A_MONTH = value_type(parse_month, "month")
"""`2026-10` or `10.2026`, as the month's first day."""


PIPELINE = click.option("--pipeline", help="Pipeline name or number; default: the first.")
PLAN_OWNER = click.option(
    "--owner", metavar="LOGIN", help="This person's plan; default: the team's (the pipeline's)."
)
MONTH = click.option(
    "--month", type=A_MONTH, help="The month it holds from, 2026-10; default: this month."
)


@click.group(name="plan")
def plan() -> None:
    """Monthly plans: the amount a pipeline should close a month (the reference funnel)."""


# An amount like -5 is an argument to refuse with a message, not an unknown option.
@plan.command(name="set", context_settings={"ignore_unknown_options": True})
@click.argument("amount")
@PIPELINE
@PLAN_OWNER
@MONTH
@click.option("--currency", help="The amount's currency when it names none; default: yours.")
@click.pass_context
def set_(
    ctx: click.Context,
    amount: str,
    pipeline: str | None,
    owner: str | None,
    month: date | None,
    currency: str | None,
) -> None:
    """Plan AMOUNT a month from --month on; it holds until a later plan changes it."""
    with open_services_for(ctx) as services:
        found = services.pipelines.find(pipeline)
        user = owner_id(services, owner)
        first = month or _this_month(services)
        # A new amount for a plan is in the plan's currency unless told otherwise.
        current = services.plans.in_effect(found.id, first, user)
        line = services.plans.set_plan(
            found.id,
            amount,
            month=first,
            currency=currency
            or (current.currency if current else options(ctx).settings.effective_currency),
            owner_id=user,
        )
    say(fill(_("Plan {plan}"), plan=_described(line)))


@plan.command(name="clear")
@PIPELINE
@PLAN_OWNER
@MONTH
@click.pass_context
def clear(ctx: click.Context, pipeline: str | None, owner: str | None, month: date | None) -> None:
    """No plan from --month on (earlier months keep theirs)."""
    with open_services_for(ctx) as services:
        found = services.pipelines.find(pipeline)
        line = services.plans.clear_plan(
            found.id, month=month or _this_month(services), owner_id=owner_id(services, owner)
        )
    say(fill(_("Cleared: {plan}"), plan=_described(line)))


@plan.command(name="list")
@click.option("--pipeline", help="Only this pipeline's plans (name or number).")
@FORMAT
@click.pass_context
def list_(ctx: click.Context, pipeline: str | None, fmt: str) -> None:
    """Every plan set, by pipeline: the team's, then each owner's, by month."""
    with open_services_for(ctx) as services:
        chosen = services.pipelines.find(pipeline).id if pipeline is not None else None
        lines = services.plans.list_plans(chosen)
    if fmt == "json":
        # Control characters come out \u-escaped: JSON is safe to print as it is.
        document = [_line_json(line) for line in lines]
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
        return
    if not lines:
        say(_("No plans yet: `funnel plan set AMOUNT --pipeline NAME` sets one."))
    for line in lines:
        say(_described(line))


def _this_month(services: Services) -> date:
    return services.context.clock().astimezone(local_zone()).date().replace(day=1)


def _described(line: PlanLine) -> Text:
    """`New clients (anna) from 2026-10: 1,500,000.00 RUB a month`."""
    if line.amount is None:
        amount = Text(_("no plan"), style="dim")
    else:
        amount = Text(_("{amount} a month").format(amount=format_money(line.amount)))
    if line.owner_login is None:
        template = _("{pipeline} from {month}: {amount}")
    else:
        template = _("{pipeline} ({owner}) from {month}: {amount}")
    return fill(
        template,
        pipeline=safe_text(line.pipeline_name, "bold"),
        owner=line.owner_login,
        month=f"{line.month:%Y-%m}",
        amount=amount,
    )


def _line_json(line: PlanLine) -> dict[str, object]:
    return {
        "pipeline": line.pipeline_name,
        "owner": line.owner_login,
        "month": f"{line.month:%Y-%m}",
        "amount": line.amount.to_decimal_string() if line.amount else None,
        "currency": line.amount.currency if line.amount else None,
    }
