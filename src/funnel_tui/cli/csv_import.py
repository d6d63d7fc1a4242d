"""`funnel import FILE.csv|FILE.xlsx`: deals from another CRM's export (amoCRM, Bitrix24,
Pipedrive) or any spreadsheet. The command and its options are `cli/data.py`'s `import`;
this module is imported only when a table is imported (the import machinery costs ~0.2 s)."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from funnel_tui.cli.base import (
    Options,
    open_services_for,
    progress_bar,
    say,
    shown_kind,
)
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.i18n import _, ngettext
from funnel_tui.render.safe import clean, fill
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

    try:
        data = file.read_bytes()
    except OSError as err:
        raise FunnelError(
            _("cannot read {path}: {reason}").format(path=file, reason=err.strerror or err)
        ) from None
    try:
        table = read_table(data, file.name)
    except ImportProblem as err:
        raise FunnelError(f"{file}: {err}") from None
    with (
        open_services_for(ctx, create=True) as services,
        progress_bar() as progress,
    ):
        task = progress.add_task(_(CHECKING), total=len(table.rows))
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
            raise FunnelError(
                _("{path}: {error}; nothing was imported").format(path=file, error=err)
            ) from None
    _report(file, table.encoding, table.delimiter, result, dry_run, create_stages)
    if skip_bad and result.rejected and not dry_run:
        rejects = file.with_name(file.stem + ".rejected.csv")
        count = _write_rejects(rejects, table, result.rejected)
        say(
            fill(
                ngettext(
                    "{count} bad row written to {path} (fix it and import that file)",
                    "{count} bad rows written to {path} (fix them and import that file)",
                    count,
                ),
                count=count,
                path=rejects,
            )
        )


def services_currency(ctx: click.Context) -> str:
    """The currency of amounts in a file without a currency column: the user's setting."""
    options: Options = ctx.find_object(Options)  # type: ignore[assignment]
    return options.settings.effective_currency


def _problems(problems: tuple[RowProblem, ...]) -> None:
    for problem in problems[:MAX_SHOWN]:
        say(clean(str(problem)))
    if len(problems) > MAX_SHOWN:
        more = len(problems) - MAX_SHOWN
        say(ngettext("… and {n} more problem", "… and {n} more problems", more).format(n=more))


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
    new_deals = len(plan.deals)
    if plan.duplicates_in_file:
        summary = ngettext(
            "{file}: {preset}, {encoding}, delimiter {delimiter!r}; {new} new deal, "
            "{present} already here, {repeated} repeated in the file, {bad} bad rows.",
            "{file}: {preset}, {encoding}, delimiter {delimiter!r}; {new} new deals, "
            "{present} already here, {repeated} repeated in the file, {bad} bad rows.",
            new_deals,
        )
    else:
        summary = ngettext(
            "{file}: {preset}, {encoding}, delimiter {delimiter!r}; {new} new deal, "
            "{present} already here, {bad} bad rows.",
            "{file}: {preset}, {encoding}, delimiter {delimiter!r}; {new} new deals, "
            "{present} already here, {bad} bad rows.",
            new_deals,
        )
    say(
        fill(
            summary,
            file=file,
            preset=result.preset.label,
            encoding=encoding,
            delimiter=shown_delimiter,
            new=new_deals,
            present=plan.already_present,
            repeated=plan.duplicates_in_file,
            bad=len({p.line for p in plan.problems}),
        )
    )
    if dry_run:
        _problems(tuple(plan.problems))
    if create_stages:
        new_pipeline, new_stages = (
            _("New pipeline {name!r}: {stages}"),
            _("New stages in {name!r}: {stages}"),
        )
    else:
        new_pipeline = _("New pipeline {name!r} (with --create-stages): {stages}")
        new_stages = _("New stages in {name!r} (with --create-stages): {stages}")
    for new in plan.new_pipelines.values():
        stages = ", ".join(
            _("{stage} ({kind})").format(stage=name, kind=shown_kind(kind.value))
            for name, kind in new.stages()
        )
        say(fill(new_pipeline, name=new.name, stages=stages))
        if new.loss_reasons:
            say(fill(_("  loss reasons: {reasons}"), reasons=", ".join(new.loss_reasons)))
    for additions in plan.additions.values():
        if additions.open_stages:
            stages = ", ".join(additions.open_stages)
            say(fill(new_stages, name=additions.name, stages=stages))
        if additions.loss_reasons:
            reasons = ", ".join(additions.loss_reasons)
            say(
                fill(
                    _("New loss reasons in {name!r}: {reasons}"),
                    name=additions.name,
                    reasons=reasons,
                )
            )
    for login, name in sorted(plan.new_owners.items()):
        say(fill(_("New user {login} ({name})"), login=login, name=name))
    for (pipeline, stage), count in sorted(plan.per_stage().items()):
        say(clean(f"  {pipeline} / {stage}: {count}"))
    if dry_run:
        count = len(plan.deals)
        say(ngettext("Would import {n} deal.", "Would import {n} deals.", count).format(n=count))
    else:
        count = result.created
        say(ngettext("Imported {n} deal.", "Imported {n} deals.", count).format(n=count))


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
        raise FunnelError(
            _("cannot write {path}: {reason}").format(path=path, reason=err.strerror or err)
        ) from None
    return len(bad)
