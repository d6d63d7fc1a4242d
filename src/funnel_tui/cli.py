"""The `funnel` command. With no subcommand it opens the app; subcommands are scriptable.

Exit codes: 0 ok, 1 a user error (one line on stderr, never a traceback), 2 usage.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from funnel_tui import __version__, paths
from funnel_tui.config import Settings, database_target, load_settings
from funnel_tui.domain.dates import (
    format_utc,
    local_zone,
    parse_date,
    parse_datetime,
    parse_duration,
    utc_now,
)
from funnel_tui.domain.errors import FunnelError, NotFoundError, ValidationError
from funnel_tui.domain.models import ActivityKind, Deal, DealDraft, Direction, Outcome
from funnel_tui.domain.money import parse_money
from funnel_tui.domain.when import describe, parse_when
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.agenda_model import AgendaItem, AgendaSection, Section
from funnel_tui.services.deals import find_stage

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class _Options:
    db: str | None
    settings: Settings

    @property
    def target(self) -> str:
        return database_target(self.db, self.settings)


@contextmanager
def _services(
    ctx: click.Context, *, create: bool = False, as_of: datetime | None = None
) -> Iterator[Services]:
    """The services over the chosen database; `as_of` stops their clock at that moment."""
    from funnel_tui.bootstrap import open_services

    options: _Options = ctx.find_object(_Options)  # type: ignore[assignment]
    clock = (lambda: as_of) if as_of is not None else None
    services = open_services(options.target, create=create, clock=clock)
    try:
        yield services
    finally:
        services.close()


def _say(*parts: str | Text) -> None:
    line = Text()
    for part in parts:
        line.append(part if isinstance(part, Text) else Text(part))
    _out.print(line)


# --- parameter types: parsing errors become usage errors at the right option --------------


def _parser(parse: Callable[[str], Any], name: str) -> click.ParamType[Any]:
    class _Type(click.ParamType[Any]):
        def convert(
            self, value: Any, param: click.Parameter | None, ctx: click.Context | None
        ) -> Any:
            if not isinstance(value, str):
                return value
            try:
                return parse(value)
            except ValidationError as err:
                self.fail(err.message, param, ctx)

    _Type.name = name
    return _Type()


MOMENT = _parser(parse_datetime, "datetime")
DAY = _parser(parse_date, "date")
DURATION = _parser(parse_duration, "duration")

_AT = click.option("--at", type=MOMENT, help="When it happened (back-dating): 2026-10-05 12:00.")
_BY = click.option("--by", help="Who did it (a login); default: you.")
_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


class _Group(click.Group):
    """Lists commands in the order they are defined, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", metavar="PATH|URL", help="Database file or SQLAlchemy URL (also FUNNEL_DB).")
@click.version_option(__version__, prog_name="funnel")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Funnel: a terminal CRM for running a sales funnel.

    With no command, opens the app on your database.
    """
    ctx.obj = _Options(db=db, settings=load_settings())
    if ctx.invoked_subcommand is None:
        _run_app(ctx.obj)


def _run_app(options: _Options) -> None:
    from funnel_tui.bootstrap import build_app, check_database

    if not sys.stdout.isatty():
        raise FunnelError("the app needs a terminal; see `funnel --help` for scriptable commands")
    check_database(options.target)
    build_app(options.settings, options.target).run()


# --- sample data ---------------------------------------------------------------------------


@cli.command()
@click.option("--deals", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--today", type=DAY, help="Date the data ends on (default: today).")
@click.pass_context
def demo(ctx: click.Context, deals: int, seed: int, today: date | None) -> None:
    """Fill an empty database with realistic sample data over the last 12 months."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from funnel_tui.services.demo import generate_demo

    with (
        _services(ctx, create=True) as services,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=_err,
            transient=True,
            disable=not _err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("Generating deals", total=deals)
        summary = generate_demo(
            services.context.store,
            deals=deals,
            seed=seed,
            today=today or date.today(),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            viewer=services.context.login,
        )
    _say(
        f"Created {summary.deals} deals in {summary.pipelines} pipelines for {summary.users} "
        f"users, with {summary.stage_changes} stage changes and {summary.activities} activities."
    )


# --- scriptable edits ----------------------------------------------------------------------


@cli.command()
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
@_AT
@_BY
@_FORMAT
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
    options: _Options = ctx.find_object(_Options)  # type: ignore[assignment]
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
    with _services(ctx, create=True) as services:
        wanted = pipeline or options.settings.default_pipeline
        created = False
        if wanted:
            found = services.pipelines.find(wanted)
        else:
            found, created = services.pipelines.first_or_default(
                options.settings.effective_language
            )
        if created:
            _say(
                "Created pipeline ",
                safe_text(found.name),
                " (B2B template): the database had none.",
            )
        stage_id = None
        if stage:
            stage_id = find_stage(found, stage).id
        deal = services.deals.create(
            draft, pipeline_id=found.id, stage_id=stage_id, owner=owner, at=at, by=by
        )
    if fmt == "json":
        _out.print_json(json.dumps({"id": deal.id, "version": deal.version}))
    else:
        _say(f"Added deal {deal.id}: ", safe_text(deal.title), f" in {clean(found.name)}.")


def _move_report(services: Services, moved: Deal) -> None:
    """What was recorded: the deal's last stage change, from → to."""
    change = services.deals.history(moved.id)[-1]
    pipeline = services.pipelines.find(str(moved.pipeline_id))
    source = pipeline.stage(change.from_stage_id).name if change.from_stage_id else "—"
    target = pipeline.stage(change.to_stage_id).name
    _say(f"Deal {moved.id}: ", safe_text(source), " → ", safe_text(target), ".")


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("stage")
@click.option("--expect-version", type=int, help="Refuse if the deal changed since this version.")
@_AT
@_BY
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
    with _services(ctx) as services:
        moved = services.deals.move_to(
            deal_id, stage, expected_version=expect_version, at=at, by=by
        )
        _move_report(services, moved)


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@_AT
@_BY
@click.pass_context
def won(ctx: click.Context, deal_id: int, at: datetime | None, by: str | None) -> None:
    """Mark a deal won."""
    with _services(ctx) as services:
        _move_report(services, services.deals.win(deal_id, at=at, by=by))


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.option("--reason", help="Loss reason from the pipeline's list (required if it has one).")
@click.option("--note", help="Why, in your words.")
@_AT
@_BY
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
    with _services(ctx) as services:
        _move_report(services, services.deals.lose(deal_id, reason, note, at=at, by=by))


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("stage", required=False)
@_AT
@_BY
@click.pass_context
def reopen(
    ctx: click.Context, deal_id: int, stage: str | None, at: datetime | None, by: str | None
) -> None:
    """Reopen a won or lost deal (into STAGE, or the stage it was closed from)."""
    with _services(ctx) as services:
        deal = services.deals.get(deal_id)
        stage_id = None
        if stage:
            stage_id = find_stage(services.pipelines.find(str(deal.pipeline_id)), stage).id
        _move_report(services, services.deals.reopen(deal_id, stage_id, at=at, by=by))


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@click.option(
    "--kind", type=click.Choice([k.value for k in ActivityKind]), default="call", show_default=True
)
@click.option("--direction", type=click.Choice([d.value for d in Direction]))
@click.option("--outcome", type=click.Choice([o.value for o in Outcome]))
@click.option("--duration", type=DURATION, help="90s, 3m, 1h30m or 2:30.")
@click.option("--note", help="What was said or done.")
@_AT
@_BY
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
    with _services(ctx) as services:
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
    _say(f"Logged a {kind} on deal {deal_id}.")


@cli.command(name="next")
@click.argument("deal_id", metavar="DEAL", type=int)
@click.argument("when", nargs=-1)
@click.option("--note", help="What to do then.")
@click.option("--clear", is_flag=True, help="Remove the next contact.")
@_AT
@_BY
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
        raise click.UsageError("give either WHEN or --clear")
    now = at or utc_now()
    understood = parse_when(" ".join(when), now, local_zone()) if when else None
    with _services(ctx) as services:
        services.deals.set_next_contact(
            deal_id, understood.at if understood else None, note, at=at, by=by
        )
    if understood is None:
        _say(f"Deal {deal_id}: next contact cleared.")
    else:
        _say(f"Deal {deal_id}: next contact {describe(understood, now)}.")


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@_BY
@click.pass_context
def delete(ctx: click.Context, deal_id: int, by: str | None) -> None:
    """Delete a deal (softly: `funnel restore` brings it back)."""
    with _services(ctx) as services:
        services.deals.delete(deal_id, by=by)
    _say(f"Deleted deal {deal_id} (`funnel restore {deal_id}` brings it back).")


@cli.command()
@click.argument("deal_id", metavar="DEAL", type=int)
@_BY
@click.pass_context
def restore(ctx: click.Context, deal_id: int, by: str | None) -> None:
    """Bring back a deleted deal."""
    with _services(ctx) as services:
        services.deals.restore(deal_id, by=by)
    _say(f"Restored deal {deal_id}.")


# --- agenda --------------------------------------------------------------------------------


def _owner_id(services: Services, login: str | None) -> int | None:
    """The id of the user with `login`; None (everyone) when no login is given."""
    if login is None:
        return None
    with services.context.store.read() as uow:
        user = uow.users.by_login(login.strip())
        if user is None:
            known = ", ".join(user.login for user in uow.users.list()) or "none yet"
            raise NotFoundError(f"no user {login!r} (users: {known})")
    return user.id


_OWNER = click.option(
    "--owner", metavar="LOGIN", help="Only this person's deals; default: everyone's."
)


@cli.command(name="agenda")
@_OWNER
@_FORMAT
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option(
    "--as-of", "as_of", type=MOMENT, help="The agenda as it was or will be then (default: now)."
)
@click.pass_context
def agenda_(
    ctx: click.Context, owner: str | None, fmt: str, quiet: bool, as_of: datetime | None
) -> None:
    """Overdue contacts and today's (open deals), for a login script or cron.

    Times are local; "today" ends at local midnight. Exits 0 whether or not anything is due.
    """
    if quiet and fmt == "json":
        raise click.UsageError("--quiet prints one line of text; leave out --format json")
    zone = local_zone()
    with _services(ctx, as_of=as_of) as services:
        owner_id = _owner_id(services, owner)
        agenda = services.agenda.agenda(owner_id=owner_id, zone=zone)
    overdue, today = agenda.section(Section.OVERDUE), agenda.section(Section.TODAY)
    if fmt == "json":
        document = {
            "now": format_utc(agenda.now),
            "overdue": [_item_json(item) for item in overdue.items],
            "today": [_item_json(item) for item in today.items],
            "overdue_total": overdue.total,
            "today_total": today.total,
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
        return
    summary = f"{overdue.total} overdue, {today.total} today"
    if not quiet:
        local_today = agenda.now.astimezone(zone).date()
        for section in (overdue, today):
            _print_section(section, local_today, zone)
    _say(summary if overdue.total or today.total else f"Nothing due: {summary}")


def _item_json(item: AgendaItem) -> dict[str, Any]:
    """An agenda item for `--format json`: times ISO 8601 UTC, the value a decimal string."""
    return {
        "deal_id": item.deal_id,
        "version": item.version,
        "title": item.title,
        "company": item.company,
        "value": item.value.to_decimal_string(),
        "currency": item.value.currency,
        "owner_login": item.owner_login,
        "owner_name": item.owner_name,
        "pipeline_name": item.pipeline_name,
        "stage_name": item.stage_name,
        "next_contact_at": format_utc(item.next_contact_at) if item.next_contact_at else None,
        "next_contact_note": item.next_contact_note,
        "idle_since": format_utc(item.idle_since),
        "rot_days": item.rot_days,
    }


def _print_section(section: AgendaSection, today: date, zone: tzinfo) -> None:
    from rich import box
    from rich.table import Table

    if not section.items:
        return
    title = "Overdue" if section.section is Section.OVERDUE else "Today"
    table = Table(
        title=f"{title} ({section.total})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header in ("when", "#", "deal", "company", "what to do", "owner"):
        table.add_column(header, overflow="fold", no_wrap=header in ("when", "#"))
    for item in section.items:
        when = item.next_contact_at.astimezone(zone) if item.next_contact_at else None
        if when is None:
            shown = ""
        elif when.date() == today:
            shown = when.strftime("%H:%M")
        else:
            shown = when.strftime("%d.%m %H:%M" if when.year == today.year else "%d.%m.%Y %H:%M")
        table.add_row(
            shown,
            str(item.deal_id),
            safe_text(item.title),
            safe_text(item.company or ""),
            safe_text(item.next_contact_note or ""),
            safe_text(item.owner_name),
        )
    _out.print(table)
    if section.total > len(section.items):
        _say(f"… and {section.total - len(section.items)} more")
    _out.print()


# --- data in and out -----------------------------------------------------------------------


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Import a Funnel JSON export (all of it, or nothing)."""
    if file.suffix.lower() != ".json":
        raise FunnelError(f"{file}: only Funnel JSON exports can be imported for now (.json)")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise FunnelError(f"cannot read {file}: {getattr(err, 'strerror', None) or err}") from None
    with _services(ctx, create=True) as services:
        try:
            summary = services.interchange.import_json(text)
        except ValidationError as err:
            raise FunnelError(f"{file}: {err}; nothing was imported") from None
    _say(
        f"Imported {summary.deals} deals ({summary.stage_changes} stage changes, "
        f"{summary.activities} activities), {summary.pipelines_created} new pipelines, "
        f"{summary.users_created} new users."
    )


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file instead of standard output.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export everything as one JSON document (`funnel import` reads it back)."""
    with _services(ctx) as services:
        document = services.interchange.export_json()
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as err:
        raise FunnelError(f"cannot write {output}: {err.strerror or err}") from None


@cli.command()
@_OWNER
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file instead of standard output.",
)
@click.pass_context
def ics(ctx: click.Context, owner: str | None, output: Path | None) -> None:
    """Next contacts of open deals as an iCalendar file (RFC 5545) to import or subscribe
    to; importing it again updates the events instead of adding copies."""
    with _services(ctx) as services:
        entries = services.agenda.calendar(owner_id=_owner_id(services, owner))
        now = services.context.clock()
    # Imported on use: icalendar is for this command only.
    from funnel_tui.render.ics import calendar_bytes

    calendar = calendar_bytes(entries, stamp=now)
    if output is None:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (some embedders): the calendar is UTF-8
            sys.stdout.write(calendar.decode("utf-8"))
        else:
            sys.stdout.flush()
            stream.write(calendar)
            stream.flush()
        return
    try:
        output.write_bytes(calendar)
    except OSError as err:
        raise FunnelError(f"cannot write {output}: {err.strerror or err}") from None


@cli.command()
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, destination: Path | None) -> None:
    """Copy the live database safely (default: next to it, with the date in the name)."""
    with _services(ctx) as services:
        store = services.context.store
        if destination is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            source = Path(store.label)
            destination = source.with_name(f"{source.stem}-{stamp}{source.suffix}")
        store.backup(destination)
    _say(f"Backed up to {clean(destination)}.")


@cli.command()
@click.argument("what", type=click.Choice(["db", "config", "data", "log"]), default="db")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database, config file, data directory or log file is."""
    options: _Options = ctx.find_object(_Options)  # type: ignore[assignment]
    where = {
        "db": options.target,
        "config": str(paths.config_file()),
        "data": str(paths.data_dir()),
        "log": str(paths.log_file()),
    }[what]
    _say(clean(where))


# --- entry point ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    try:
        result = cli.main(args=argv, prog_name="funnel", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.exceptions.Abort:
        _err.print("Aborted.")
        return 1
    except FunnelError as err:
        _err.print(Text("funnel: ") + safe_text(err))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
        where = _log_crash()
        _err.print(
            Text("funnel: internal error: ")
            + safe_text(f"{type(err).__name__}: {err}")
            + Text(f" (details in {where})")
        )
        return 1
    return result if isinstance(result, int) else 0


def _log_crash() -> str:
    path = paths.log_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        logging.basicConfig(filename=path, level=logging.ERROR)
        logging.getLogger("funnel").error("unexpected error\n%s", traceback.format_exc())
    except OSError:
        return "the terminal: could not write the log"
    return str(path)
