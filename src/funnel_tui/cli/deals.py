"""Scriptable edits of deals: add, move, won, lost, reopen, log, next, delete and restore."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from funnel_tui.cli.base import (
    AT,
    BY,
    DAY,
    DURATION,
    FORMAT,
    Options,
    open_services_for,
    out_console,
    say,
)
from funnel_tui.domain.dates import local_zone, utc_now
from funnel_tui.domain.models import ActivityKind, Deal, DealDraft, Direction, Outcome
from funnel_tui.domain.money import parse_money
from funnel_tui.domain.when import describe, parse_when
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import fill
from funnel_tui.services import Services
from funnel_tui.services.deals import find_stage

LOGGED = {
    ActivityKind.CALL: N_("Logged a call on deal {number}."),
    ActivityKind.MEETING: N_("Logged a meeting on deal {number}."),
    ActivityKind.EMAIL: N_("Logged an email on deal {number}."),
    ActivityKind.MESSAGE: N_("Logged a message on deal {number}."),
    ActivityKind.NOTE: N_("Logged a note on deal {number}."),
}
"""What `funnel log` says it recorded, for each kind of activity."""

# --- scriptable edits ----------------------------------------------------------------------


@click.command()
@click.argument("title")
@click.option(
    "--value", default="0", show_default=True, help="Amount: 1500, '1 500,50', '1500 RUB'."
)
@click.option("--currency", help="ISO code; default from config (or the amount's symbol).")
@click.option("--pipeline", help="Pipeline name or number; default: the first.")
@click.option("--stage", help="Open stage to start in; default: the first.")
@click.option("--owner", help="Owner's login; default: you.")
@click.option("--company")
@click.option("--contact", help="Contact person.")
@click.option("--phone")
@click.option("--email")
@click.option("--source", help="Where the lead came from.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--expected-close", type=DAY, help="Expected close date.")
@AT
@BY
@FORMAT
@click.pass_context
def add(
    ctx: click.Context,
    title: str,
    value: str,
    currency: str | None,
    pipeline: str | None,
    stage: str | None,
    owner: str | None,
    company: str | None,
    contact: str | None,
    phone: str | None,
    email: str | None,
    source: str | None,
    tags: tuple[str, ...],
    expected_close: date | None,
    at: datetime | None,
    by: str | None,
    fmt: str,
) -> None:
    """Add a deal; prints its number."""
    options: Options = ctx.find_object(Options)  # type: ignore[assignment]
    money = parse_money(value, currency or options.settings.effective_currency)
    draft = DealDraft(
        title=title,
        value=money,
        company=company,
        contact=contact,
        phone=phone,
        email=email,
        source=source,
        tags=tags,
        expected_close=expected_close,
    )
    with open_services_for(ctx, create=True) as services:
        wanted = pipeline or options.settings.default_pipeline
        created = False
        if wanted:
            found = services.pipelines.find(wanted)
        else:
            found, created = services.pipelines.first_or_default(
                options.settings.effective_language
            )
        if created:
            say(
                fill(
                    _("Created pipeline {name} (B2B template): the database had none."),
                    name=found.name,
                )
            )
        stage_id = None
        if stage:
            stage_id = find_stage(found, stage).id
        deal = services.deals.create(
            draft, pipeline_id=found.id, stage_id=stage_id, owner=owner, at=at, by=by
        )
    if fmt == "json":
        out_console.print_json(json.dumps({"id": deal.id, "version": deal.version}))
    else:
        say(
            fill(
                _("Added deal {number}: {title} in {pipeline}."),
                number=deal.id,
                title=deal.title,
                pipeline=found.name,
            )
        )


def _move_report(services: Services, moved: Deal) -> None:
    """What was recorded: the deal's last stage change, from → to."""
    change = services.deals.history(moved.id)[-1]
    pipeline = services.pipelines.find(str(moved.pipeline_id))
    source = pipeline.stage(change.from_stage_id).name if change.from_stage_id else "—"
    target = pipeline.stage(change.to_stage_id).name
    say(
        fill(
            _("Deal {number}: {source} → {target}."),
            number=moved.id,
            source=source,
            target=target,
        )
    )


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("stage")
@click.option("--expect-version", type=int, help="Refuse if the deal changed since this version.")
@AT
@BY
@click.pass_context
def move(
    ctx: click.Context,
    deal_id: int,
    stage: str,
    expect_version: int | None,
    at: datetime | None,
    by: str | None,
) -> None:
    """Move a deal to STAGE (name or number); the move is recorded in its history."""
    with open_services_for(ctx) as services:
        moved = services.deals.move_to(
            deal_id, stage, expected_version=expect_version, at=at, by=by
        )
        _move_report(services, moved)


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@AT
@BY
@click.pass_context
def won(ctx: click.Context, deal_id: int, at: datetime | None, by: str | None) -> None:
    """Mark a deal won."""
    with open_services_for(ctx) as services:
        _move_report(services, services.deals.win(deal_id, at=at, by=by))


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.option("--reason", help="Loss reason from the pipeline's list (required if it has one).")
@click.option("--note", help="Why, in your words.")
@AT
@BY
@click.pass_context
def lost(
    ctx: click.Context,
    deal_id: int,
    reason: str | None,
    note: str | None,
    at: datetime | None,
    by: str | None,
) -> None:
    """Mark a deal lost, with a reason."""
    with open_services_for(ctx) as services:
        _move_report(services, services.deals.lose(deal_id, reason, note, at=at, by=by))


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("stage", required=False)
@AT
@BY
@click.pass_context
def reopen(
    ctx: click.Context, deal_id: int, stage: str | None, at: datetime | None, by: str | None
) -> None:
    """Reopen a won or lost deal (into STAGE, or the stage it was closed from)."""
    with open_services_for(ctx) as services:
        deal = services.deals.get(deal_id)
        stage_id = None
        if stage:
            stage_id = find_stage(services.pipelines.find(str(deal.pipeline_id)), stage).id
        _move_report(services, services.deals.reopen(deal_id, stage_id, at=at, by=by))


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.option(
    "--kind", type=click.Choice([k.value for k in ActivityKind]), default="call", show_default=True
)
@click.option("--direction", type=click.Choice([d.value for d in Direction]))
@click.option("--outcome", type=click.Choice([o.value for o in Outcome]))
@click.option("--duration", type=DURATION, help="90s, 3m, 1h30m or 2:30.")
@click.option("--note", help="What was said or done.")
@AT
@BY
@click.pass_context
def log(
    ctx: click.Context,
    deal_id: int,
    kind: str,
    direction: str | None,
    outcome: str | None,
    duration: int | None,
    note: str | None,
    at: datetime | None,
    by: str | None,
) -> None:
    """Log a call, meeting, e-mail, message or note on a deal."""
    activity_kind = ActivityKind(kind)
    if direction is None and activity_kind in (
        ActivityKind.CALL,
        ActivityKind.EMAIL,
        ActivityKind.MESSAGE,
    ):
        direction = Direction.OUT.value
    with open_services_for(ctx) as services:
        services.deals.log_activity(
            deal_id,
            activity_kind,
            direction=Direction(direction) if direction else None,
            outcome=Outcome(outcome) if outcome else None,
            duration_s=duration,
            body=note,
            at=at,
            by=by,
        )
    say(_(LOGGED[activity_kind]).format(number=deal_id))


@click.command(name="next")
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("when", nargs=-1)
@click.option("--note", help="What to do then.")
@click.option("--clear", is_flag=True, help="Remove the next contact.")
@AT
@BY
@click.pass_context
def next_contact(
    ctx: click.Context,
    deal_id: int,
    when: tuple[str, ...],
    note: str | None,
    clear: bool,
    at: datetime | None,
    by: str | None,
) -> None:
    """Set the next contact of a deal. WHEN as you would say it: tomorrow 10:00, fri, +3d,
    in 2 hours, 25.12 14:30, 2026-12-25 15:30, завтра, через 3 дня."""
    if clear == bool(when):
        raise click.UsageError(_("give either WHEN or --clear"))
    now = at or utc_now()
    understood = parse_when(" ".join(when), now, local_zone()) if when else None
    with open_services_for(ctx) as services:
        services.deals.set_next_contact(
            deal_id, understood.at if understood else None, note, at=at, by=by
        )
    if understood is None:
        say(_("Deal {number}: next contact cleared.").format(number=deal_id))
    else:
        say(
            fill(
                _("Deal {number}: next contact {when}."),
                number=deal_id,
                when=describe(understood, now),
            )
        )


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@BY
@click.pass_context
def delete(ctx: click.Context, deal_id: int, by: str | None) -> None:
    """Delete a deal (softly: `funnel restore` brings it back)."""
    with open_services_for(ctx) as services:
        services.deals.delete(deal_id, by=by)
    say(
        _("Deleted deal {number} (`funnel restore {number}` brings it back).").format(
            number=deal_id
        )
    )


@click.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@BY
@click.pass_context
def restore(ctx: click.Context, deal_id: int, by: str | None) -> None:
    """Bring back a deleted deal."""
    with open_services_for(ctx) as services:
        services.deals.restore(deal_id, by=by)
    say(_("Restored deal {number}.").format(number=deal_id))
