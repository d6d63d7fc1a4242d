"""ImportPreview: what an import of a table would do, before it is done (issue 10).

The file (its format, encoding, delimiter and size), which column becomes which field, the
first rows as read, the counts (new, already here, repeated, bad), what would be created
and the problems row by row. Attributes down: the screen hands over what it planned with
`show`; the widget only draws. Everything from the file is someone else's text: it goes
through `safe_text` / `clean` and is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from funnel_tui.i18n import _, ngettext
from funnel_tui.render.safe import clean, fill, safe_text

if TYPE_CHECKING:
    from funnel_tui.services.csv_import import ImportPlan, Preset, Table

PREVIEW_ROWS = 10
"""How many of the file's rows the table shows."""
MAX_CELL = 24
"""A cell longer than this is cut with "…" in the table (the whole row stays in the file)."""
MAX_PROBLEMS = 200
"""More problems than this are counted, not listed."""
SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class Preview:
    """What the screen planned, as `ImportPreview` draws it."""

    filename: str
    table: Table
    preset: Preset
    detected: bool
    """The preset was detected from the header (the user chose "auto")."""
    columns: Mapping[int, str]
    """Column index → Funnel field; the columns not in it are ignored."""
    plan: ImportPlan


def bad_rows(plan: ImportPlan) -> int:
    """How many rows have a problem (a row may have several)."""
    return len({problem.line for problem in plan.problems})


def summary_text(preview: Preview) -> Text:
    """`deals.csv: amoCRM / Kommo (detected) · cp1251 · delimiter ';' · 12 rows`."""
    table = preview.table
    line = safe_text(preview.filename, "bold")
    line.append(f": {preview.preset.label}")
    if preview.detected:
        line.append(" " + _("(detected)"), "dim")
    delimiter = {"\t": _("tab"), "": _("none")}.get(table.delimiter, repr(table.delimiter))
    rows = len(table.rows)
    line.append(SEPARATOR + table.encoding)
    line.append(SEPARATOR + _("delimiter {delimiter}").format(delimiter=delimiter))
    line.append(SEPARATOR + ngettext("{n} row", "{n} rows", rows).format(n=rows))
    return line


def mapping_text(header: tuple[str, ...], columns: Mapping[int, str]) -> Text:
    """Each column of the file and the field it fills: `Бюджет → value`, `Кем создано →
    ignored` (dim). The fields are named as in IMPORT-FORMATS.md and the CLI's options."""
    line = Text(_("Columns:") + " ", "bold")
    for index, name in enumerate(header):
        if index:
            line.append(SEPARATOR, "dim")
        field = columns.get(index)
        line.append_text(safe_text(name or f"#{index + 1}"))
        if field is None:
            line.append(" → " + _("ignored"), "dim")
        else:
            line.append(" → ")
            line.append(field, "bold")
    return line


def counts_text(plan: ImportPlan) -> Text:
    """`12 new deals · 3 already here · 1 repeated in the file · 2 bad rows`."""
    line = Text()
    new = len(plan.deals)
    new_deals = ngettext("{n} new deal", "{n} new deals", new).format(n=new)
    line.append(new_deals, "bold green" if new else "bold")
    here = plan.already_present
    line.append(SEPARATOR + ngettext("{n} already here", "{n} already here", here).format(n=here))
    repeated = plan.duplicates_in_file
    line.append(
        SEPARATOR
        + ngettext("{n} repeated in the file", "{n} repeated in the file", repeated).format(
            n=repeated
        )
    )
    bad = bad_rows(plan)
    line.append(SEPARATOR)
    bad_text = ngettext("{n} bad row", "{n} bad rows", bad).format(n=bad)
    line.append(bad_text, "bold red" if bad else "")
    return line


def new_stage_groups(plan: ImportPlan) -> list[tuple[str, list[str], bool]]:
    """(pipeline, its stages to create, whether the pipeline itself is new), in the plan's
    order: the new pipelines with all their stages, then the stages new to existing ones."""
    fresh = {new.name for new in plan.new_pipelines.values()}
    groups: dict[str, list[str]] = {new.name: [] for new in plan.new_pipelines.values()}
    for pipeline, stage in plan.new_stages:
        groups.setdefault(pipeline, []).append(stage)
    return [(name, stages, name in fresh) for name, stages in groups.items()]


def creates_text(plan: ImportPlan) -> Text:
    """What the import would add besides deals: pipelines, stages, loss reasons, users."""
    lines: list[Text] = []
    for pipeline, stages, fresh in new_stage_groups(plan):
        template = (
            _("New pipeline {pipeline}: {stages}")
            if fresh
            else _("New stages in {pipeline}: {stages}")
        )
        lines.append(_named(template, pipeline, stages=", ".join(stages)))
    reasons: dict[str, list[str]] = {}
    for pipeline, reason in plan.new_loss_reasons:
        reasons.setdefault(pipeline, []).append(reason)
    for pipeline, names in reasons.items():
        template = _("Loss reasons in {pipeline}: {reasons}")
        lines.append(_named(template, pipeline, reasons=", ".join(names)))
    if plan.new_owners:
        owners = ", ".join(f"{login} ({name})" for login, name in sorted(plan.new_owners.items()))
        lines.append(fill(_("New users: {users}"), users=clean(owners)))
    if not lines:
        return Text(_("Nothing else to create: every pipeline, stage and user is here."), "dim")
    return Text("\n").join([Text(_("Would also create:"), "bold"), *lines])


def _named(template: str, pipeline: str, **names: str) -> Text:
    """`template` with the pipeline's name quoted in bold, and `names`."""
    listed = {field: clean(value) for field, value in names.items()}
    quoted = safe_text(_("“{name}”").format(name=pipeline), "bold")
    return fill(template, pipeline=quoted, **listed)


def problems_text(plan: ImportPlan) -> Text:
    """The problems, one a line (`line 7, column 'Бюджет': not a number`)."""
    if not plan.problems:
        return Text(_("No problems found."), "dim")
    count = len(plan.problems)
    heading = ngettext("Problems ({n}):", "Problems ({n}):", count).format(n=count)
    lines = [Text(heading, "bold red")]
    lines += [safe_text(str(problem)) for problem in plan.problems[:MAX_PROBLEMS]]
    if count > MAX_PROBLEMS:
        more = count - MAX_PROBLEMS
        lines.append(Text(ngettext("… and {n} more", "… and {n} more", more).format(n=more), "dim"))
    return Text("\n").join(lines)


def _cell(value: str) -> Text:
    text = clean(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return Text(text, no_wrap=True)


class ImportPreview(Vertical):
    """The preview of one planned import (see the module)."""

    DEFAULT_CSS = """
    ImportPreview { height: auto; }
    ImportPreview > Static { height: auto; margin-top: 1; }
    ImportPreview > #preview-summary, ImportPreview > #preview-counts { margin-top: 0; }
    ImportPreview > DataTable { height: auto; max-height: 12; margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preview: Preview | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="preview-summary")
        yield Static("", id="preview-counts")
        yield Static("", id="preview-mapping")
        table: DataTable[Text] = DataTable(
            id="preview-rows", cursor_type="none", zebra_stripes=True, show_cursor=False
        )
        yield table
        yield Static("", id="preview-creates")
        yield Static("", id="preview-problems")

    def show(self, preview: Preview) -> None:
        self.preview = preview
        self.query_one("#preview-summary", Static).update(summary_text(preview))
        self.query_one("#preview-counts", Static).update(counts_text(preview.plan))
        header = preview.table.header
        self.query_one("#preview-mapping", Static).update(mapping_text(header, preview.columns))
        self._fill_rows(preview)
        self.query_one("#preview-creates", Static).update(creates_text(preview.plan))
        self.query_one("#preview-problems", Static).update(problems_text(preview.plan))

    def _fill_rows(self, preview: Preview) -> None:
        table: DataTable[Text] = self.query_one("#preview-rows", DataTable)
        table.clear(columns=True)
        table.add_column(Text(_("line"), "dim"), key="line")
        for index, name in enumerate(preview.table.header):
            mapped = index in preview.columns
            label = _cell(name or f"#{index + 1}")
            label.stylize("bold" if mapped else "dim")
            table.add_column(label, key=f"c{index}")
        for line, cells in preview.table.rows[:PREVIEW_ROWS]:
            table.add_row(Text(str(line), "dim"), *(_cell(cell) for cell in cells))
