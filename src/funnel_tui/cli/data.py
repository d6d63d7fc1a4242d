"""Data in and out: sample data (`demo`), `import`, `export`, `backup`, and `locate` for where
the files are."""

from __future__ import annotations

import csv
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from funnel_tui import paths
from funnel_tui.cli.base import (
    DAY,
    OWNER,
    Options,
    open_services_for,
    options,
    owner_id,
    progress_bar,
    say,
    vet_database,
)
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.safe import clean, fill, safe_json

if TYPE_CHECKING:
    from funnel_tui.storage.backups import BackupInfo

# --- sample data ---------------------------------------------------------------------------


@click.command()
@click.option("--deals", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--today", type=DAY, help="Date the data ends on (default: today).")
@click.pass_context
def demo(ctx: click.Context, deals: int, seed: int, today: date | None) -> None:
    """Fill an empty database with realistic sample data over the last 12 months."""

    from funnel_tui.services.demo import generate_demo

    with (
        open_services_for(ctx, create=True) as services,
        progress_bar() as progress,
    ):
        task = progress.add_task(_("Generating deals"), total=deals)
        summary = generate_demo(
            services.context.store,
            deals=deals,
            seed=seed,
            today=today or date.today(),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            viewer=services.context.login,
        )
    say(
        ngettext(
            "Created {deals} deal in {pipelines} pipelines for {users} users, with "
            "{stage_changes} stage changes and {activities} activities.",
            "Created {deals} deals in {pipelines} pipelines for {users} users, with "
            "{stage_changes} stage changes and {activities} activities.",
            summary.deals,
        ).format(
            deals=summary.deals,
            pipelines=summary.pipelines,
            users=summary.users,
            stage_changes=summary.stage_changes,
            activities=summary.activities,
        )
    )


# --- data in and out -----------------------------------------------------------------------


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    # Written out (tests check it against PRESETS): importing them costs every command ~0.2 s.
    type=click.Choice(["amocrm", "bitrix24", "pipedrive", "generic"], case_sensitive=False),
    help="csv/xlsx: whose export this is (default: recognised from the header).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="csv/xlsx: read COLUMN as FIELD (`-` ignores it); repeatable.",
)
@click.option("--pipeline", help="csv/xlsx: put every deal into this pipeline.")
@click.option("--dry-run", is_flag=True, help="csv/xlsx: only report problems and what is new.")
@click.option(
    "--create-stages",
    is_flag=True,
    help="csv/xlsx: create the pipelines and stages the file names that are not here.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="csv/xlsx: import the good rows; the bad ones go to FILE.rejected.csv with why.",
)
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    preset: str | None,
    maps: tuple[str, ...],
    pipeline: str | None,
    dry_run: bool,
    create_stages: bool,
    skip_bad: bool,
) -> None:
    """Import a Funnel JSON export (all of it, or nothing), or deals from a CSV or XLSX
    export of amoCRM/Kommo, Bitrix24, Pipedrive or a spreadsheet."""
    if file.suffix.lower() != ".json":
        from funnel_tui.cli.csv_import import import_csv

        import_csv(
            ctx,
            file,
            preset=preset,
            maps=maps,
            pipeline=pipeline,
            dry_run=dry_run,
            create_stages=create_stages,
            skip_bad=skip_bad,
        )
        return
    if preset or maps or pipeline or dry_run or skip_bad:
        raise click.UsageError(
            _("--preset, --map, --pipeline, --dry-run and --skip-bad are for csv/xlsx files")
        )
    _import_json(ctx, file)


def _import_json(ctx: click.Context, file: Path) -> None:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise FunnelError(
            _("cannot read {path}: {reason}").format(
                path=file, reason=getattr(err, "strerror", None) or err
            )
        ) from None
    with open_services_for(ctx, create=True) as services:
        try:
            summary = services.interchange.import_json(text)
        except ValidationError as err:
            raise FunnelError(
                _("{path}: {error}; nothing was imported").format(path=file, error=err)
            ) from None
    say(
        ngettext(
            "Imported {deals} deal ({stage_changes} stage changes, {activities} activities), "
            "{pipelines} new pipelines, {users} new users.",
            "Imported {deals} deals ({stage_changes} stage changes, {activities} activities), "
            "{pipelines} new pipelines, {users} new users.",
            summary.deals,
        ).format(
            deals=summary.deals,
            stage_changes=summary.stage_changes,
            activities=summary.activities,
            pipelines=summary.pipelines_created,
            users=summary.users_created,
        )
    )


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file instead of standard output.",
)
@click.option(
    "--activities",
    "activities_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="csv: also write the exported deals' activities to this file.",
)
@click.option("--bom", is_flag=True, help="csv: start with a UTF-8 BOM (for Excel).")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="csv: the field separator.",
)
@click.option(
    "--raw", is_flag=True, help="csv: no formula guard (no ' before a cell starting = + - @)."
)
@click.option("--pipeline", help="csv: only deals of this pipeline.")
@OWNER
@click.option("--stage", help="csv: only deals now at this stage.")
@click.option(
    "--status", type=click.Choice(["open", "won", "lost"]), help="csv: only open, won or lost."
)
@click.option("--from", "first", type=DAY, help="csv: only deals created on or after this day.")
@click.option("--to", "last", type=DAY, help="csv: only deals created on or before this day.")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    activities_file: Path | None,
    bom: bool,
    delimiter: str,
    raw: bool,
    pipeline: str | None,
    owner: str | None,
    stage: str | None,
    status: str | None,
    first: date | None,
    last: date | None,
) -> None:
    """Export deals: everything as one JSON document (`funnel import` reads it back), or
    the deals as CSV, all or a filter (csv only), with their activities as a second CSV.

    CSV: plain English column names, values as decimal strings in major units (1500.50),
    dates ISO, times UTC, tags joined by "; ". A text cell starting with = + - @, tab or CR
    gets a leading ' so a spreadsheet does not run it as a formula (--raw: exact cells).
    --from/--to are days of creation in local time, both included.
    """
    if fmt == "csv":
        _export_csv(
            ctx,
            output,
            activities_file,
            bom=bom,
            delimiter="\t" if delimiter == "tab" else delimiter,
            raw=raw,
            where=(pipeline, owner, stage, status, first, last),
        )
        return
    csv_only = {
        "--activities": activities_file is not None,
        "--bom": bom,
        "--delimiter": delimiter != ",",
        "--raw": raw,
        "--pipeline": pipeline is not None,
        "--owner": owner is not None,
        "--stage": stage is not None,
        "--status": status is not None,
        "--from/--to": first is not None or last is not None,
    }
    given = [name for name, used in csv_only.items() if used]
    if given:
        raise click.UsageError(
            _("{option} is for --format csv (json exports everything)").format(option=given[0])
        )
    with open_services_for(ctx) as services:
        document = safe_json(services.interchange.export_json())
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as err:
        raise FunnelError(
            _("cannot write {path}: {reason}").format(path=output, reason=err.strerror or err)
        ) from None


_Where = tuple[str | None, str | None, str | None, str | None, date | None, date | None]


def _export_csv(
    ctx: click.Context,
    output: Path | None,
    activities_file: Path | None,
    *,
    bom: bool,
    delimiter: str,
    raw: bool,
    where: _Where,
) -> None:
    from funnel_tui.analytics.periods import custom_period
    from funnel_tui.domain.dates import local_zone
    from funnel_tui.domain.models import StageKind
    from funnel_tui.services.csv_export import (
        ACTIVITY_COLUMNS,
        DEAL_COLUMNS,
        DealFilter,
        export_rows,
    )

    pipeline, owner, stage, status, first, last = where
    start = end = None
    if (first is None) != (last is None):
        raise click.UsageError(_("--from and --to go together"))
    if first is not None and last is not None:
        if last < first:
            raise click.UsageError(_("--to is before --from"))
        start, end = custom_period(first, last).bounds(local_zone())
    with open_services_for(ctx) as services:
        chosen = DealFilter(
            pipeline=pipeline,
            owner_id=owner_id(services, owner),
            stage=stage,
            status=StageKind(status) if status else None,
            created_from=start,
            created_before=end,
        )
        rows = export_rows(
            services.context.store, chosen, guard=not raw, activities=activities_file is not None
        )
    _write_csv(output, [list(DEAL_COLUMNS), *rows.deals], bom=bom, delimiter=delimiter)
    if activities_file is not None:
        table = [list(ACTIVITY_COLUMNS), *rows.activities]
        _write_csv(activities_file, table, bom=bom, delimiter=delimiter)


def _write_csv(target: Path | None, rows: list[list[str]], *, bom: bool, delimiter: str) -> None:
    """CSV text (Excel's dialect: quoted when needed, CRLF rows) to `target` or stdout.

    A file gets every cell exactly; on a terminal, control characters are shown as stand-ins
    (DESIGN: no escape sequence from data reaches a terminal) and no BOM is written.
    """
    if target is None:
        terminal = sys.stdout.isatty()
        if terminal:
            rows = [[clean(cell, multiline=True) for cell in row] for row in rows]
        elif bom:
            sys.stdout.write("\ufeff")
        csv.writer(sys.stdout, delimiter=delimiter).writerows(rows)
        sys.stdout.flush()
        return
    try:
        with target.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
    except OSError as err:
        raise FunnelError(
            _("cannot write {path}: {reason}").format(path=target, reason=err.strerror or err)
        ) from None


@click.command()
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--list", "list_", is_flag=True, help="List the backups of the database instead.")
@click.pass_context
def backup(ctx: click.Context, destination: Path | None, list_: bool) -> None:
    """Copy the live database safely (default: next to it, with the date in the name).

    A daily automatic backup also goes to `backups/` next to the database (settings
    `auto_backup`, `backup_keep_days`, `backup_dir`); `--list` shows every backup.
    A PostgreSQL database is dumped with pg_dump into the data directory's `backups/`
    (restore: pg_restore --clean --if-exists -d DATABASE FILE).
    """
    if list_:
        _list_backups(ctx)
        return
    with open_services_for(ctx) as services:
        store = services.context.store
        destination = destination or store.default_backup()
        store.backup(destination)
    say(fill(_("Backed up to {path}."), path=destination))


@click.command(name="copy")
@click.argument("destination", metavar="TARGET")
@click.pass_context
def copy_to(ctx: click.Context, destination: str) -> None:
    """Copy the whole database, row for row, into TARGET: an empty PostgreSQL database
    (postgresql+psycopg://…) or a new file.

    Deal numbers stay the same, and everything comes along: history, activities, the audit
    trail, deleted deals, pipelines, users and plans. One transaction on TARGET (a failure
    leaves it empty); the database copied from is only read.
    """

    from funnel_tui.bootstrap import copy_database

    opts = options(ctx)
    vet_database(opts)
    with progress_bar() as progress:
        task = progress.add_task(_("Copying"), total=None)

        def show(table: str, done: int, total: int) -> None:
            description = _("Copying {table}").format(table=table)
            progress.update(task, description=description, completed=done, total=total)

        rows = copy_database(opts.target, destination, show)
    deals = rows.get("deals", 0)
    say(
        fill(
            ngettext(
                "Copied {deals} deal ({stage_changes} stage changes, {activities} activities), "
                "{pipelines} pipelines and {users} users into {target}.",
                "Copied {deals} deals ({stage_changes} stage changes, {activities} activities), "
                "{pipelines} pipelines and {users} users into {target}.",
                deals,
            ),
            deals=deals,
            stage_changes=rows.get("stage_changes", 0),
            activities=rows.get("activities", 0),
            pipelines=rows.get("pipelines", 0),
            users=rows.get("users", 0),
            target=_without_password(destination),
        )
    )


def _server_dumps(target: str) -> tuple[list[BackupInfo], str]:
    """`funnel backup`'s dumps of a server database (in the data directory's backups/)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from funnel_tui.storage.backups import list_dumps, server_dump_dir

    try:
        name = make_url(target).database
    except ArgumentError:
        raise FunnelError(
            _("not a database path or URL: {target}").format(target=clean(target))
        ) from None
    if not name:
        raise FunnelError(_("an in-memory database has no backups"))
    return list_dumps(server_dump_dir(), name), _without_password(target)


def _list_backups(ctx: click.Context) -> None:
    from funnel_tui.bootstrap import sqlite_file
    from funnel_tui.storage.backups import backup_dir, list_backups

    opts: Options = ctx.find_object(Options)  # type: ignore[assignment]
    path = sqlite_file(opts.target)
    if path is None:
        found, of = _server_dumps(opts.target)
    else:
        path = path.expanduser().absolute()
        found, of = list_backups(path, backup_dir(path, opts.settings.backup_dir)), str(path)
    if not found:
        say(fill(_("No backups of {database} yet."), database=of))
        return
    width = max(len(_(kind)) for kind in BACKUP_KINDS)
    for info in found:
        when = datetime.fromtimestamp(info.modified).strftime("%Y-%m-%d %H:%M")
        kind = _(BACKUP_KINDS[0] if info.automatic else BACKUP_KINDS[1]).ljust(width)
        size = f"{info.size / 1_048_576:8.1f}"
        say(
            fill(
                _("{when}  {kind}  {size} MB  {path}"),
                when=when,
                kind=kind,
                size=size,
                path=str(info.path),
            )
        )


BACKUP_KINDS = (N_("auto"), N_("manual"))
"""How a backup was made, as `backup --list` shows it (automatic, then by hand)."""


def _without_password(target: str) -> str:
    """A database URL as it may be shown: `postgresql://anna:secret@db/crm` → `anna:***@`."""
    return re.sub(r"(://[^:/@?]*:)[^/]*@", r"\1***@", target)


@click.command()
@click.argument("what", type=click.Choice(["db", "config", "data", "log"]), default="db")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database, config file, data directory or log file is."""
    options: Options = ctx.find_object(Options)  # type: ignore[assignment]
    where = {
        "db": _without_password(options.target),
        "config": str(paths.config_file()),
        "data": str(paths.data_dir()),
        "log": str(paths.log_file()),
    }[what]
    say(clean(where))
