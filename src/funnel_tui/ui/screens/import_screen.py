"""ImportScreen: deals from another CRM's export, from inside the app (issue 10).

The same import as `funnel import FILE` (services/csv_import), in three steps: type a path
and press enter; look at the preview (which column becomes which field, the first rows, the
counts, what would be created, the problems) and change the preset or the pipeline if need
be; press `i`. Pipelines and stages are created only once the user has said yes to the list,
and bad rows are left out only once they have said yes to importing the rest. The write is
one transaction in a thread, with a progress bar; the board shows the new deals at the app's
next look for changes (live refresh).

Reading the file and planning run in threads: both read the database, and a file may hold
a hundred thousand rows. The import machinery is imported in those threads, not here (it
costs ~0.2 s, and the app imports this module before its first frame).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker

from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import clean, fill, safe_text
from funnel_tui.services import Services
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.import_preview import (
    ImportPreview,
    Preview,
    bad_rows,
    new_stage_groups,
)
from funnel_tui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from funnel_tui.services.csv_import import ImportPlan, Preset, Table

AUTO = "auto"
"""The preset choice that lets the header decide."""
PRESET_CHOICES: tuple[tuple[str, str], ...] = (
    (N_("Auto (from the header)"), AUTO),
    ("amoCRM / Kommo", "amocrm"),
    ("Bitrix24", "bitrix24"),
    ("Pipedrive", "pipedrive"),
    (N_("Generic spreadsheet"), "generic"),
)
"""The presets of services/csv_import/presets.py (a test checks they are all here): their
labels are spelled out so that this module need not import the import machinery. The
labels are translated where shown (the CRMs' names stay as they are)."""
PROGRESS_EVERY_S = 0.05
"""The progress bar moves at most this often (each step waits for the UI thread)."""
MAX_NAMED = 12
"""A question names at most this many stages, users…; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Choice:
    """How the file is to be read: the preset (or auto) and the pipeline for every deal."""

    preset: str = AUTO
    pipeline: str | None = None
    """Every deal into this pipeline; None: the pipeline the file names (or the preset's)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file read and planned."""

    path: Path
    table: Table
    choice: Choice
    preset: Preset
    plan: ImportPlan
    columns: dict[int, str]


class ImportScreen(Localized, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), id="import.back", tooltip=N_("Back to where you were")
        ),
        Binding(
            "i", "run_import", N_("Import"), id="import.run", tooltip=N_("Import the new deals")
        ),
        Binding(
            "o", "open_file", N_("File…"), id="import.open-file", tooltip=N_("Type another path")
        ),
        Binding(
            "p",
            "next_preset",
            N_("Preset"),
            id="import.next-preset",
            tooltip=N_("Read the columns as another CRM's export (auto: from the header)"),
        ),
        Binding(
            "P",
            "edit_pipeline",
            N_("Pipeline…"),
            id="import.set-pipeline",
            tooltip=N_("Put every deal into one pipeline"),
        ),
    ]
    DEFAULT_CSS = """
    ImportScreen .import-row { height: 1; padding: 0 1; }
    ImportScreen .import-row > Label { width: 10; color: $text-muted; }
    ImportScreen .import-row > Input, ImportScreen .import-row > Select { width: 1fr; }
    ImportScreen #import-status { height: 1; padding: 0 1; }
    ImportScreen #import-status.-error { color: $text-error; }
    ImportScreen #import-body { height: 1fr; padding: 0 1; }
    ImportScreen #import-choices { height: auto; }
    ImportScreen #import-choices .import-row { padding: 0; }
    ImportScreen #import-body.-empty > * { display: none; }
    ImportScreen #import-progress { height: 1; padding: 0 1; display: none; }
    ImportScreen #import-progress.-shown { display: block; }
    """
    AUTO_FOCUS = "#import-path"

    def __init__(self, services: Services, directory: Path, currency: str = "RUB") -> None:
        """`directory`: where a relative path is read from (the app's working directory);
        `currency`: of the amounts in a file without a currency column."""
        super().__init__()
        self._services = services
        self._directory = directory
        self._currency = currency
        self.loaded: Loaded | None = None
        """The file read and its plan, as the preview shows them (None before a file)."""
        self._asked = 0
        """The number of the latest read or plan asked for: any other one's result is stale."""
        self.importing = False
        self.imported: int | None = None
        """Deals written by the last import of this file (None: none yet)."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="import-row", id="import-file"):
            yield Label(_("File"))
            yield Input(
                placeholder=_("a CSV or XLSX export, from {directory}").format(
                    directory=clean(self._directory)
                ),
                compact=True,
                id="import-path",
            )
        yield Static(
            Text(_("Type the path of an export (amoCRM, Bitrix24, Pipedrive…) and press enter")),
            id="import-status",
        )
        with VerticalScroll(id="import-body", classes="-empty"):
            with Vertical(id="import-choices"):
                with Horizontal(classes="import-row"):
                    yield Label(_("Preset"))
                    yield Select(
                        [(_(label), value) for label, value in PRESET_CHOICES],
                        value=AUTO,
                        allow_blank=False,
                        compact=True,
                        id="import-preset",
                    )
                with Horizontal(classes="import-row"):
                    yield Label(_("Pipeline"))
                    yield Input(
                        placeholder=_("every deal into this pipeline (empty: as the file says)"),
                        compact=True,
                        id="import-pipeline",
                    )
            yield ImportPreview(id="import-preview")
        yield ProgressBar(show_eta=False, id="import-progress")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Import deals")
        self.sub_title = ""  # not the app's (the database's path)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys that need a previewed file are greyed out until there is one, and while
        the import runs."""
        if action in ("run_import", "next_preset", "edit_pipeline"):
            return True if self.loaded is not None and not self.importing else None
        return True

    # --- the status line -------------------------------------------------------------------

    def _say(self, message: str | Text, *, error: bool = False) -> None:
        """One line under the path: where things are, or what went wrong (never a traceback;
        a path or a cell quoted in it is plain text)."""
        line = message if isinstance(message, Text) else Text(clean(message))
        line.no_wrap = True
        line.overflow = "ellipsis"
        status = self.query_one("#import-status", Static)
        status.set_class(error, "-error")
        status.update(line)

    @property
    def status(self) -> str:
        """The status line's text (for tests)."""
        return str(self.query_one("#import-status", Static).content)

    # --- reading and planning --------------------------------------------------------------

    def _path(self, typed: str) -> Path:
        path = Path(typed.strip()).expanduser()
        return path if path.is_absolute() else self._directory / path

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        if self.importing:
            return
        if not event.value.strip():
            self._say(_("Type the path of a CSV or XLSX file first"), error=True)
            return
        self._asked += 1
        self.loaded = None  # until the new file is read: `i` must not import the last one
        self.imported = None
        self.query_one("#import-body").add_class("-empty")
        self.query_one("#import-progress", ProgressBar).remove_class("-shown")
        self.refresh_bindings()
        self._say(_("Reading {file}…").format(file=event.value.strip()))
        self._read(self._asked, self._path(event.value), self._choice())

    def _choice(self) -> Choice:
        """The preset and pipeline as the fields say now."""
        preset = self.query_one("#import-preset", Select).value
        pipeline = self.query_one("#import-pipeline", Input).value.strip()
        return Choice(preset if isinstance(preset, str) else AUTO, pipeline or None)

    @work(thread=True, exclusive=True, group="import-read")
    def _read(self, number: int, path: Path, choice: Choice) -> None:
        from funnel_tui.services.csv_import import ImportProblem, read_table

        if path.is_dir():
            message = _("{path} is a directory, not a file").format(path=path)
            call_back(self, self._failed, number, message)
            return
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            call_back(self, self._failed, number, _("No such file: {path}").format(path=path))
            return
        except OSError as err:
            reason = err.strerror or str(err)
            message = _("Cannot read {path}: {reason}").format(path=path, reason=reason)
            call_back(self, self._failed, number, message)
            return
        try:
            table = read_table(data, path.name)
        except ImportProblem as err:
            call_back(self, self._failed, number, f"{path.name}: {err}")
            return
        self._plan_in_thread(number, path, table, choice)

    def _replan(self) -> None:
        """Plan the loaded file again with the fields' preset and pipeline."""
        if self.loaded is None or self.importing:
            return
        self._asked += 1
        self._say(_("Planning…"))
        self._plan(self._asked, self.loaded.path, self.loaded.table, self._choice())

    @work(thread=True, exclusive=True, group="import-plan")
    def _plan(self, number: int, path: Path, table: Table, choice: Choice) -> None:
        self._plan_in_thread(number, path, table, choice)

    def _plan_in_thread(self, number: int, path: Path, table: Table, choice: Choice) -> None:
        from funnel_tui.services.csv_import.apply import plan_import

        preset_name = None if choice.preset == AUTO else choice.preset
        try:
            preset, plan = plan_import(
                self._services.context,
                table,
                preset=preset_name,
                pipeline=choice.pipeline,
                currency=self._currency,
            )
        except FunnelError as err:
            call_back(self, self._failed, number, f"{path.name}: {err}")
            return
        loaded = Loaded(path, table, choice, preset, plan, dict(plan.columns))
        if not get_current_worker().is_cancelled:
            call_back(self, self._show, number, loaded)

    def _show(self, number: int, loaded: Loaded) -> None:
        if number != self._asked:
            return  # the user has asked for something else since
        first = self.loaded is None or self.loaded.path != loaded.path
        self.loaded = loaded
        self.sub_title = clean(loaded.path.name)
        preview = Preview(
            loaded.path.name,
            loaded.table,
            loaded.preset,
            loaded.choice.preset == AUTO,
            loaded.columns,
            loaded.plan,
        )
        self.query_one(ImportPreview).show(preview)
        body = self.query_one("#import-body", VerticalScroll)
        body.remove_class("-empty")
        if first:
            body.scroll_home(animate=False)
            body.focus()
        self._say(self._ready_line(loaded.plan))
        self.refresh_bindings()

    def _ready_line(self, plan: ImportPlan) -> Text:
        new = len(plan.deals)
        if self.imported is not None:
            done = ngettext("Imported {n} deal.", "Imported {n} deals.", self.imported)
            line = Text(done.format(n=format_number(self.imported)), "bold green")
            if new:
                more = ngettext(" {n} more new in the file", " {n} more new in the file", new)
                line.append(more.format(n=format_number(new)))
            else:
                line.append(_(" Nothing new left."))
            return line
        if not new:
            return Text(_("Nothing to import: no new deals in the file (esc goes back)"))
        bad = bad_rows(plan)
        ready = ngettext(
            "Ready: press i to import {n} new deal", "Ready: press i to import {n} new deals", new
        )
        line = Text(ready.format(n=format_number(new)))
        if bad:
            left_out = ngettext(
                " ({n} bad row would be left out)", " ({n} bad rows would be left out)", bad
            )
            line.append(left_out.format(n=format_number(bad)))
        return line

    def _failed(self, number: int, message: str) -> None:
        if number == self._asked:
            self._say(message, error=True)

    # --- the choices -----------------------------------------------------------------------

    @on(Select.Changed, "#import-preset")
    def _preset_changed(self) -> None:
        if self.loaded is not None and self.loaded.choice != self._choice():
            self._replan()

    @on(Input.Submitted, "#import-pipeline")
    def _pipeline_submitted(self) -> None:
        if self.loaded is not None and self.loaded.choice != self._choice():
            self._replan()
        self.query_one("#import-body", VerticalScroll).focus()

    def action_next_preset(self) -> None:
        select: Select[str] = self.query_one("#import-preset", Select)
        names = [value for _label, value in PRESET_CHOICES]
        current = select.value if isinstance(select.value, str) else AUTO
        select.value = names[(names.index(current) + 1) % len(names)]

    def action_edit_pipeline(self) -> None:
        self.query_one("#import-pipeline", Input).focus()

    def action_open_file(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_back(self) -> None:
        if self.importing:
            self._say(_("Importing: the screen closes when it is done"))
            return
        self.dismiss(None)

    # --- the import ------------------------------------------------------------------------

    def action_run_import(self) -> None:
        if self.loaded is None or self.importing:
            return
        if self.loaded.choice != self._choice():
            self._replan()  # typed but not yet previewed: show it first
            return
        if not self.loaded.plan.deals:
            self._say(_("Nothing to import: no new deals in the file"))
            return
        self._ask_and_import(self.loaded)

    @work(group="import-confirm")
    async def _ask_and_import(self, loaded: Loaded) -> None:
        plan = loaded.plan
        if new_stage_groups(plan) and not await self.app.push_screen_wait(
            ConfirmModal(create_question(plan))
        ):
            self._say(_("Nothing imported: no pipeline or stage was created"))
            return
        bad = bad_rows(plan)
        if bad and not await self.app.push_screen_wait(
            ConfirmModal(skip_question(len(plan.deals), bad))
        ):
            self._say(_("Nothing imported"))
            return
        if self.loaded is not loaded:
            return  # planned again meanwhile (a teammate's change, a new file)
        self.importing = True
        self.refresh_bindings()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=len(plan.deals), progress=0)
        bar.add_class("-shown")
        count = len(plan.deals)
        importing = ngettext("Importing {n} deal…", "Importing {n} deals…", count)
        self._say(importing.format(n=format_number(count)))
        self._write(loaded, skip_bad=bad > 0)

    @work(thread=True, exclusive=True, group="import-write")
    def _write(self, loaded: Loaded, *, skip_bad: bool) -> None:
        from funnel_tui.services.csv_import import ImportProblem
        from funnel_tui.services.csv_import.apply import import_table

        last = 0.0

        def progress(phase: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done >= total or now - last >= PROGRESS_EVERY_S:
                last = now
                call_back(self, self._progress, phase, done, total)

        choice = loaded.choice
        try:
            result = import_table(
                self._services.context,
                loaded.table,
                preset=loaded.preset.name,
                pipeline=choice.pipeline,
                currency=self._currency,
                create_stages=True,
                skip_bad=skip_bad,
                progress=progress,
            )
        except ImportProblem as err:
            call_back(self, self._import_failed, str(err))
            return
        except FunnelError as err:  # a validation error, a busy or read-only database
            message = _("{error}; nothing was imported").format(error=err)
            call_back(self, self._import_failed, message)
            return
        call_back(self, self._imported, result.created)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        line = _("{phase}: {done} of {total}…")
        # `phase` comes translated (services/csv_import/apply.py says it in the language).
        self._say(line.format(phase=phase, done=format_number(done), total=format_number(total)))

    def _imported(self, created: int) -> None:
        self.importing = False
        self.imported = created
        done = ngettext("Imported {n} deal", "Imported {n} deals", created)
        self._say(Text(done.format(n=format_number(created)), "bold green"))
        # The preview again: they are "already here" now.
        self._replan()

    def _import_failed(self, message: str) -> None:
        self.importing = False
        self.query_one("#import-progress", ProgressBar).remove_class("-shown")
        self.refresh_bindings()
        self._say(message, error=True)


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    if len(names) <= MAX_NAMED:
        return shown
    more = len(names) - MAX_NAMED
    return ngettext("{names} and {n} more", "{names} and {n} more", more).format(
        names=shown, n=format_number(more)
    )


def create_question(plan: ImportPlan) -> Text:
    """Which pipelines and stages (and loss reasons, users) the import would create."""
    lines = [Text(_("Create these to import the deals?"), "bold")]
    for pipeline, stages, fresh in new_stage_groups(plan):
        if fresh:
            template = _("• new pipeline {pipeline}: stages {stages}")
        else:
            template = _("• in {pipeline}: new stages {stages}")
        line = fill(
            template,
            pipeline=safe_text(f"“{pipeline}”", "bold"),
            stages=safe_text(_named(stages)),
        )
        lines.append(line)
    reasons = [reason for _pipeline, reason in plan.new_loss_reasons]
    if reasons:
        lines.append(fill(_("• loss reasons {reasons}"), reasons=safe_text(_named(reasons))))
    if plan.new_owners:
        users = [f"{login} ({name})" for login, name in sorted(plan.new_owners.items())]
        lines.append(fill(_("• users {users}"), users=safe_text(_named(users))))
    lines.append(Text(_("No: nothing is imported."), "dim"))
    return Text("\n").join(lines)


def skip_question(good: int, bad: int) -> Text:
    refused = ngettext(
        "{n} row cannot be imported (listed on the screen).",
        "{n} rows cannot be imported (listed on the screen).",
        bad,
    )
    question = Text(refused.format(n=format_number(bad)))
    question.append("\n")
    rest = ngettext("Import the {n} good row?", "Import the {n} good rows?", good)
    question.append(rest.format(n=format_number(good)), "bold")
    question.append("\n")
    question.append(_("No: nothing is imported."), "dim")
    return question
