"""The first screen until the board lands: every pipeline's stages with deal counts and sums."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from funnel_tui.domain.models import StageKind
from funnel_tui.domain.money import Money
from funnel_tui.render.safe import safe_text
from funnel_tui.services import Services
from funnel_tui.services.overview import PipelineSummary, summarize_pipelines


def _amounts(amounts: tuple[Money, ...]) -> Text:
    parts = [f"{money.major:,} {money.currency}" for money in amounts]
    return Text(" + ".join(parts) if parts else "—", justify="right")


class OverviewScreen(Screen[None]):
    """Pipelines and their stages: open deals and amount at each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="overview.refresh"),
    ]
    services: reactive[Services | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database…", id="overview-status")
        yield DataTable(id="overview-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Pipeline", "Stage", "Deals", "Amount")
        table.display = False

    def watch_services(self, services: Services | None) -> None:
        if services is not None:
            self.sub_title = services.context.store.label
            self._load(services)

    def action_refresh(self) -> None:
        if self.services is not None:
            self._load(self.services)

    @work(thread=True, exclusive=True, group="overview-load")
    def _load(self, services: Services) -> None:
        summaries = summarize_pipelines(services.context.store)
        self.app.call_from_thread(self._show, summaries)

    def _show(self, summaries: list[PipelineSummary]) -> None:
        status = self.query_one("#overview-status", Static)
        table = self.query_one(DataTable)
        table.clear()
        if not summaries:
            status.update(
                "No pipelines yet. Quit (q) and run `funnel demo` to try Funnel on sample data."
            )
            table.display = False
            return
        status.update(Text("Deals at every stage. The board comes next.", style="dim"))
        for summary in summaries:
            for index, stage_summary in enumerate(summary.stages):
                stage = stage_summary.stage
                style = {StageKind.WON: "green", StageKind.LOST: "red"}.get(stage.kind, "")
                table.add_row(
                    safe_text(summary.pipeline.name) if index == 0 else Text(""),
                    safe_text(stage.name, style + (" bold" if stage.is_key else "")),
                    Text(str(stage_summary.count), justify="right"),
                    _amounts(stage_summary.amounts),
                )
        table.display = True
        table.focus()
