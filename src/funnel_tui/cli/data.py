"""Data in and out: sample data (`demo`), `import`, `export`, `backup`, and `locate` for where
the files are."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from funnel_tui import paths
from funnel_tui.cli.base import DAY, Options, err_console, open_services_for, say
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.render.safe import clean

# --- sample data ---------------------------------------------------------------------------


@click.command()
@click.option("--deals", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--today", type=DAY, help="Date the data ends on (default: today).")
@click.pass_context
def demo(ctx: click.Context, deals: int, seed: int, today: date | None) -> None:
    """Fill an empty database with realistic sample data over the last 12 months."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from funnel_tui.services.demo import generate_demo

    with (
        open_services_for(ctx, create=True) as services,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
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
    say(
        f"Created {summary.deals} deals in {summary.pipelines} pipelines for {summary.users} "
        f"users, with {summary.stage_changes} stage changes and {summary.activities} activities."
    )


# --- data in and out -----------------------------------------------------------------------


@click.command(name="import")
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
    with open_services_for(ctx, create=True) as services:
        try:
            summary = services.interchange.import_json(text)
        except ValidationError as err:
            raise FunnelError(f"{file}: {err}; nothing was imported") from None
    say(
        f"Imported {summary.deals} deals ({summary.stage_changes} stage changes, "
        f"{summary.activities} activities), {summary.pipelines_created} new pipelines, "
        f"{summary.users_created} new users."
    )


@click.command()
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
    with open_services_for(ctx) as services:
        document = services.interchange.export_json()
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as err:
        raise FunnelError(f"cannot write {output}: {err.strerror or err}") from None


@click.command()
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, destination: Path | None) -> None:
    """Copy the live database safely (default: next to it, with the date in the name)."""
    with open_services_for(ctx) as services:
        store = services.context.store
        if destination is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            source = Path(store.label)
            destination = source.with_name(f"{source.stem}-{stamp}{source.suffix}")
        store.backup(destination)
    say(f"Backed up to {clean(destination)}.")


@click.command()
@click.argument("what", type=click.Choice(["db", "config", "data", "log"]), default="db")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database, config file, data directory or log file is."""
    options: Options = ctx.find_object(Options)  # type: ignore[assignment]
    where = {
        "db": options.target,
        "config": str(paths.config_file()),
        "data": str(paths.data_dir()),
        "log": str(paths.log_file()),
    }[what]
    say(clean(where))
