"""`funnel import FILE.csv|FILE.xlsx`: deals from another CRM's export (amoCRM, Bitrix24,
Pipedrive) or any spreadsheet. The command and its options are `cli/data.py`'s `import`;
this module is imported only when a table is imported (the import machinery costs ~0.2 s)."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from funnel_tui.cli.base import Options, err_console, open_services_for, say
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.render.safe import clean
from funnel_tui.services.csv_import import ImportProblem, RowProblem, Table, read_table
from funnel_tui.services.csv_import.apply import CHECKING, CsvImportResult, import_table
from funnel_tui.services.csv_import.plan import ImportPlan

MAX_SHOWN = 200
REJECT_LINE = "funnel: line"
REJECT_REASON = "funnel: problem"


def import_csv(
    ctx: click.Context,
    file: Path,
    *,
    preset: str | None,
    maps: tuple[str, ...],
    pipeline: str | None,
    dry_run: bool,
    create_stages: bool,
    skip_bad: bool,
) -> None:
    """Import deals from a CSV or XLSX export: all rows or nothing (--skip-bad: the good
    ones). A re-import of the same file adds nothing (each deal keeps its source id)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    try:
        data = file.read_bytes()
    except OSError as err:
        raise FunnelError(f"cannot read {file}: {err.strerror or err}") from None
    try:
        table = read_table(data, file.name)
    except ImportProblem as err:
        raise FunnelError(f"{file}: {err}") from None
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
        task = progress.add_task(CHECKING, total=len(table.rows))
        try:
            result = import_table(
                services.context,
                table,
                preset=preset,
                maps=maps,
                pipeline=pipeline,
                currency=services_currency(ctx),
                create_stages=create_stages,
                dry_run=dry_run,
                skip_bad=skip_bad,
                progress=lambda phase, done, total: progress.update(
                    task, description=phase, completed=done, total=total
                ),
            )
        except ImportProblem as err:
            _problems(err.problems)
            raise FunnelError(f"{file}: {err}") from None
        except ValidationError as err:
            raise FunnelError(f"{file}: {err}; nothing was imported") from None
    _report(file, table.encoding, table.delimiter, result, dry_run, create_stages)
    if skip_bad and result.rejected and not dry_run:
        rejects = file.with_name(file.stem + ".rejected.csv")
        count = _write_rejects(rejects, table, result.rejected)
        say(f"{count} bad rows written to {clean(rejects)} (fix them and import that file)")


def services_currency(ctx: click.Context) -> str:
    """The currency of amounts in a file without a currency column: the user's setting."""
    options: Options = ctx.find_object(Options)  # type: ignore[assignment]
    return options.settings.effective_currency


def _problems(problems: tuple[RowProblem, ...]) -> None:
    for problem in problems[:MAX_SHOWN]:
        say(clean(str(problem)))
    if len(problems) > MAX_SHOWN:
        say(f"… and {len(problems) - MAX_SHOWN} more problems")


def _report(
    file: Path,
    encoding: str,
    delimiter: str,
    result: CsvImportResult,
    dry_run: bool,
    create_stages: bool,
) -> None:
    plan: ImportPlan = result.plan
    shown_delimiter = {"\t": "tab", "": "-"}.get(delimiter, delimiter)
    say(
        f"{clean(file)}: {result.preset.label}, {encoding}, delimiter {shown_delimiter!r}; "
        f"{len(plan.deals)} new deals, {plan.already_present} already here"
        + (f", {plan.duplicates_in_file} repeated in the file" if plan.duplicates_in_file else "")
        + f", {len({p.line for p in plan.problems})} bad rows."
    )
    if dry_run:
        _problems(tuple(plan.problems))
    asks = "" if create_stages else " (with --create-stages)"
    for new in plan.new_pipelines.values():
        stages = ", ".join(f"{name} ({kind.value})" for name, kind in new.stages())
        say(clean(f"New pipeline {new.name!r}{asks}: {stages}"))
        if new.loss_reasons:
            say(clean(f"  loss reasons: {', '.join(new.loss_reasons)}"))
    for additions in plan.additions.values():
        if additions.open_stages:
            stages = ", ".join(additions.open_stages)
            say(clean(f"New stages in {additions.name!r}{asks}: {stages}"))
        if additions.loss_reasons:
            reasons = ", ".join(additions.loss_reasons)
            say(clean(f"New loss reasons in {additions.name!r}: {reasons}"))
    for login, name in sorted(plan.new_owners.items()):
        say(clean(f"New user {login} ({name})"))
    for (pipeline, stage), count in sorted(plan.per_stage().items()):
        say(clean(f"  {pipeline} / {stage}: {count}"))
    verb = "Would import" if dry_run else "Imported"
    say(f"{verb} {len(plan.deals) if dry_run else result.created} deals.")


def _write_rejects(path: Path, table: Table, problems: tuple[RowProblem, ...]) -> int:
    """The bad rows as they were, each with its line in the file and what is wrong with it
    (two extra columns the importer ignores), so the file can be fixed and imported."""
    why: dict[int, list[str]] = {}
    for problem in problems:
        why.setdefault(problem.line, []).append(
            f"{problem.column}: {problem.reason}" if problem.column else problem.reason
        )
    bad = [(line, cells) for line, cells in table.rows if line in why]
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=table.delimiter or ",")
            writer.writerow([*table.header, REJECT_LINE, REJECT_REASON])
            writer.writerows([*cells, line, "; ".join(why[line])] for line, cells in bad)
    except OSError as err:
        raise FunnelError(f"cannot write {path}: {err.strerror or err}") from None
    return len(bad)
