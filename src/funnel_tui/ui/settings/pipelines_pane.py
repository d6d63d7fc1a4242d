"""Pipelines and their stages (settings tab; DESIGN.md, Screens 6).

On the left the pipelines in the board's order (archived ones dimmed); on the right the
stages of the highlighted one, with this month's targets. Keys act on the list that has the
focus (tab switches): new pipeline, rename, archive or restore, move up or down; add a stage
after the highlighted one, edit it, delete it (moving its deals), its targets for a month.

Every change is one service call in a thread; the pane then reads everything again and
keeps the user's place (the same pipeline and stage, found by id). Names anyone typed are
shown literally, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, OptionList, Static

from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import Pipeline, Stage
from funnel_tui.i18n import N_, _, language, ngettext
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.plan_chart import month_label
from funnel_tui.render.safe import fill, safe_text
from funnel_tui.services.stages import StageTargets
from funnel_tui.ui.notices import tell
from funnel_tui.ui.settings.pane import SettingsPane
from funnel_tui.ui.settings.pipeline_modals import NameModal, NewPipelineModal, titled
from funnel_tui.ui.settings.stage_modals import (
    StageDeleteModal,
    StageDraft,
    StageEditModal,
    StageTargetsModal,
    TargetDraft,
    stage_changes,
)
from funnel_tui.ui.settings.stage_rows import pipeline_option, stage_cells
from funnel_tui.ui.threads import call_back

if TYPE_CHECKING:
    from funnel_tui.services import Services

Targets = dict[int, dict[int, StageTargets]]
"""Pipeline id → stage id → this month's targets."""

_PIPELINE_ACTIONS = {"new_pipeline", "archive"}
_STAGE_ACTIONS = {"add_stage", "edit_stage", "delete_stage", "targets"}
_OPEN_STAGE_ACTIONS = {"edit_stage", "delete_stage", "targets"}


class PipelinesPane(SettingsPane):
    """Pipelines and their stages."""

    DEFAULT_CSS = """
    PipelinesPane { layout: horizontal; }
    PipelinesPane #pipelines-side { width: 24%; max-width: 30; min-width: 18; height: 1fr; }
    PipelinesPane #stages-side { width: 1fr; height: 1fr; }
    PipelinesPane .side-title { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis; }
    PipelinesPane #pipeline-list { height: 1fr; }
    PipelinesPane #stage-table { height: 1fr; }
    PipelinesPane #stage-detail { height: auto; max-height: 3; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_pipeline", N_("New pipeline"), id="settings.new-pipeline"),
        Binding("r", "rename", N_("Rename"), id="settings.rename"),
        Binding("a", "archive", N_("Archive"), id="settings.archive-pipeline"),
        Binding("plus", "add_stage", N_("Add"), id="settings.add-stage"),
        Binding("e", "edit_stage", N_("Edit"), id="settings.edit-stage"),
        Binding("x,delete", "delete_stage", N_("Delete"), id="settings.delete-stage"),
        Binding("t", "targets", N_("Targets"), id="settings.stage-targets"),
        Binding(
            "K,shift+up",
            "move(-1)",
            N_("Move up"),
            id="settings.move-up",
            group=Binding.Group(N_("Move")),
        ),
        Binding(
            "J,shift+down",
            "move(1)",
            N_("Move down"),
            id="settings.move-down",
            group=Binding.Group(N_("Move")),
        ),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self.pipelines: list[Pipeline] = []
        self.targets: Targets = {}
        self.month = _this_month(services)
        """The month whose targets the table shows: this one."""
        self._want_pipeline: int | None = None
        self._want_stage: int | None = None
        self.loads = 0
        """How many times the pane has shown what it read (tests wait on it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="pipelines-side"):
            yield Static(_("Pipelines"), classes="side-title")
            yield OptionList(id="pipeline-list")
        with Vertical(id="stages-side"):
            yield Static("", id="stages-title", classes="side-title")
            table: DataTable[Text] = DataTable(
                id="stage-table", cursor_type="row", zebra_stripes=False
            )
            yield table
            yield Static("", id="stage-detail")

    def on_mount(self) -> None:
        table = self.stage_table
        for label in (
            N_("Stage"),
            "%",
            "★",
            N_("Rots"),
            N_("Hold"),
            N_("Qs"),
            N_("Target"),
            N_("Kind"),
        ):
            table.add_column(_(label))
        self.start_reading()

    def on_show(self) -> None:
        """Shown (the tab chosen): the keys work at once, on the pipelines."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.pipeline_list.focus()

    # --- widgets and what is highlighted ------------------------------------------------------

    @property
    def pipeline_list(self) -> OptionList:
        return self.query_one("#pipeline-list", OptionList)

    @property
    def stage_table(self) -> DataTable[Text]:
        return self.query_one("#stage-table", DataTable)

    @property
    def pipeline(self) -> Pipeline | None:
        """The highlighted pipeline."""
        index = self.pipeline_list.highlighted
        if index is None or not 0 <= index < len(self.pipelines):
            return None
        return self.pipelines[index]

    @property
    def stage(self) -> Stage | None:
        """The highlighted stage of the highlighted pipeline."""
        pipeline, table = self.pipeline, self.stage_table
        if pipeline is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in pipeline.stages if str(s.id) == key), None)

    # --- reading ----------------------------------------------------------------------------

    def read(self) -> tuple[list[Pipeline], Targets, date]:
        month = _this_month(self.services)
        pipelines = self.services.pipelines.list(include_archived=True)
        targets = {p.id: self.services.stages.targets(p.id, month) for p in pipelines}
        return pipelines, targets, month

    def show(self, read: tuple[list[Pipeline], Targets, date]) -> None:
        pipelines, targets, month = read
        current, stage = self.pipeline, self.stage
        want = self._want_pipeline or (current.id if current else None)
        self._want_pipeline = None
        self._want_stage = self._want_stage or (stage.id if stage else None)
        self.pipelines, self.targets, self.month = pipelines, targets, month
        listing = self.pipeline_list
        listing.clear_options()
        listing.add_options([pipeline_option(p) for p in pipelines])
        ids = [p.id for p in pipelines]
        index = ids.index(want) if want in ids else 0
        if pipelines:
            listing.highlighted = index
        self._show_stages()
        self.loads += 1

    @on(OptionList.OptionHighlighted, "#pipeline-list")
    def _pipeline_highlighted(self) -> None:
        self._show_stages()

    @on(OptionList.OptionSelected, "#pipeline-list")
    def _pipeline_chosen(self) -> None:
        """Enter on a pipeline: on to its stages."""
        self.stage_table.focus()

    def _show_stages(self) -> None:
        """The highlighted pipeline's stages, keeping the highlighted stage if it is there."""
        pipeline, table = self.pipeline, self.stage_table
        keep = self._want_stage
        if keep is None and (stage := self.stage) is not None:
            keep = stage.id
        self._want_stage = None
        table.clear()
        title = self.query_one("#stages-title", Static)
        if pipeline is None:
            title.update("")
            return
        targets = self.targets.get(pipeline.id, {})
        currency = self.funnel_app.settings.effective_currency
        for stage in pipeline.stages:
            table.add_row(*stage_cells(stage, targets.get(stage.id), currency), key=str(stage.id))
        ids = [stage.id for stage in pipeline.stages]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        heading = fill(_("Stages of “{pipeline}”"), pipeline=pipeline.name)
        if pipeline.archived_at is not None:
            heading.append(" " + _("(archived)"))
        heading.append(
            "  ·  "
            + _("targets for {month}, {currency}").format(
                month=month_label(self.month), currency=currency
            ),
            style="dim",
        )
        title.update(heading)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#stage-table")
    def _show_detail(self) -> None:
        """The highlighted stage's checklist questions, under the table."""
        stage = self.stage
        detail = Text()
        if stage is not None and stage.checklist:
            detail.append(_("Checklist: "), style="bold")
            detail.append_text(safe_text(" · ".join(stage.checklist)))
        self.query_one("#stage-detail", Static).update(detail)

    # --- which keys apply -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_stages = self.screen.focused is self.stage_table
        if action in _PIPELINE_ACTIONS:
            return not on_stages
        if action in _STAGE_ACTIONS:
            if not on_stages:
                return False
            stage = self.stage
            if action in _OPEN_STAGE_ACTIONS and (stage is None or not stage.is_open):
                return None  # greyed: won and lost have a name only
            return stage is not None or None
        if action == "move" and on_stages:
            stage = self.stage
            return True if stage is not None and stage.is_open else None
        return True

    @on(OptionList.OptionHighlighted)
    @on(DataTable.RowHighlighted)
    def _keys_changed(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # --- writing ---------------------------------------------------------------------------

    @work(thread=True, group="settings-pipelines-write")
    def _write(self, change: Callable[[], object]) -> None:
        """One service call; then everything is read again."""
        try:
            change()
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
        call_back(self, self.reload)

    def _saved(self, result: object | None) -> None:
        """A modal closed: read again when it saved something."""
        if result is not None:
            self.reload()

    def action_new_pipeline(self) -> None:
        lang = language()

        def create(name: str, template: str | None) -> Pipeline:
            if template is None:
                return self.services.pipelines.create_empty(name, lang)
            return self.services.pipelines.create_from_template(
                template, lang, name.strip() or None, as_lead=True
            )

        def created(pipeline: Pipeline | None) -> None:
            if pipeline is not None:
                self._want_pipeline = pipeline.id
                self.reload()

        self.app.push_screen(NewPipelineModal(create), created)

    def action_rename(self) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            return
        if self.screen.focused is self.stage_table:
            stage = self.stage
            if stage is None:
                return
            self.app.push_screen(
                NameModal(
                    titled(_("Rename stage “{stage}”"), stage=stage.name),
                    _("New name"),
                    stage.name,
                    lambda name: self.services.stages.rename(pipeline.id, stage.id, name),
                ),
                self._saved,
            )
            return
        self.app.push_screen(
            NameModal(
                titled(_("Rename pipeline “{pipeline}”"), pipeline=pipeline.name),
                _("New name"),
                pipeline.name,
                lambda name: self.services.pipelines.rename(pipeline.id, name),
            ),
            self._saved,
        )

    def action_archive(self) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            return
        if pipeline.archived_at is None:
            self._write(lambda: self.services.pipelines.archive(pipeline.id))
        else:
            self._write(lambda: self.services.pipelines.restore(pipeline.id))

    def action_move(self, step: int) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            return
        if self.screen.focused is self.stage_table:
            stage = self.stage
            if stage is not None and stage.is_open:
                self._want_stage = stage.id
                self._write(lambda: self.services.stages.move(pipeline.id, stage.id, step))
            return
        self._want_pipeline = pipeline.id
        self._write(lambda: self.services.pipelines.move(pipeline.id, step))

    def action_add_stage(self) -> None:
        pipeline, stage = self.pipeline, self.stage
        if pipeline is None:
            return
        after = stage.id if stage is not None and stage.is_open else None

        def added(new: Stage | None) -> None:
            if new is not None:
                self._want_stage = new.id
                self.reload()

        title = Text(_("New stage"), style="bold")
        if stage is not None and stage.is_open:
            title = titled(_("New stage after “{stage}”"), stage=stage.name)
        self.app.push_screen(
            NameModal(
                title,
                _("Name"),
                "",
                lambda name: self.services.stages.add(pipeline.id, name, after_stage_id=after),
            ),
            added,
        )

    def action_edit_stage(self) -> None:
        pipeline, stage = self.pipeline, self.stage
        if pipeline is None or stage is None:
            return
        if not stage.is_open:
            self.action_rename()  # won and lost have a name only
            return

        def save(draft: StageDraft) -> Stage:
            """What changed, one service call each (nothing when nothing did)."""
            changes = stage_changes(stage, draft)
            if not changes:
                return stage
            return self.services.stages.edit(pipeline.id, stage.id, **changes)

        self.app.push_screen(StageEditModal(stage, save), self._saved)

    @on(DataTable.RowSelected, "#stage-table")
    def _row_chosen(self) -> None:
        self.action_edit_stage()

    def action_delete_stage(self) -> None:
        pipeline, stage = self.pipeline, self.stage
        if pipeline is None or stage is None or not stage.is_open:
            return
        self._count_then_delete(pipeline, stage)

    @work(thread=True, group="settings-pipelines-write")
    def _count_then_delete(self, pipeline: Pipeline, stage: Stage) -> None:
        try:
            deals = self.services.stages.deal_count(stage.id)
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
            return
        call_back(self, self._ask_delete, pipeline, stage, deals)

    def _ask_delete(self, pipeline: Pipeline, stage: Stage, deals: int) -> None:
        others = [s for s in pipeline.open_stages if s.id != stage.id]

        def delete(move_to: int | None) -> int:
            return self.services.stages.delete(pipeline.id, stage.id, move_to=move_to)

        def deleted(moved: int | None) -> None:
            if moved is None:
                return
            if moved:
                tell(
                    self,
                    ngettext(
                        "Stage deleted; {n} deal moved", "Stage deleted; {n} deals moved", moved
                    ).format(n=format_number(moved)),
                )
            self.reload()

        self.app.push_screen(StageDeleteModal(stage, deals, others, delete), deleted)

    def action_targets(self) -> None:
        pipeline, stage = self.pipeline, self.stage
        if pipeline is None or stage is None or not stage.is_open:
            return
        currency = self.funnel_app.settings.effective_currency

        def save(draft: TargetDraft) -> StageTargets:
            return self.services.stages.set_target(
                pipeline.id,
                stage.id,
                draft.month,
                count=draft.count,
                amount=draft.amount,
                currency=currency,
            )

        def read(month: date) -> StageTargets | None:
            return self.services.stages.targets(pipeline.id, month).get(stage.id)

        current = self.targets.get(pipeline.id, {}).get(stage.id)
        modal = StageTargetsModal(stage, self.month, current, currency, save, read)
        self.app.push_screen(modal, self._saved)


def _this_month(services: Services) -> date:
    """The first day of this month, in the user's time zone."""
    return services.context.clock().astimezone(local_zone()).date().replace(day=1)
