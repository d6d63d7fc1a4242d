"""FunnelScreen: how far the deals of one pipeline got, for a period (DESIGN.md, Screens 4).

The chart, the same numbers as a table, the summary, and the losses by stage and reason, for
a choice of view (cohort or snapshot), period, pipeline and owner. Every choice reads the
report again in a thread: at a million deals that takes about a second. Reads are numbered
and only the latest one asked for is shown, so a quick run of keys ends on the last choice
(`ReportScreen`).
"""

from __future__ import annotations

from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.types import NoActiveAppError
from textual.widgets import Header, Static

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelReport, FunnelView
from funnel_tui.analytics.periods import Period, PeriodName
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import N_, _
from funnel_tui.render.funnel_chart import FunnelChart
from funnel_tui.render.funnel_table import loss_table, stage_table, summary_line
from funnel_tui.services import Services
from funnel_tui.services.board_model import BoardContext, BoardQuery
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.screens.report_screen import (
    PeriodSteps,
    ReportScreen,
    choice_header,
)
from funnel_tui.ui.widgets.key_footer import KeyFooter
from funnel_tui.ui.widgets.rich_lines import RichLines

VIEW_NAMES = {FunnelView.COHORT: N_("cohort view"), FunnelView.SNAPSHOT: N_("snapshot view")}
"""How the status line names each view."""


@dataclass(frozen=True, slots=True)
class FunnelChoice(PeriodSteps):
    """What the screen shows."""

    pipeline_id: int
    owner_id: int | None
    """One owner's deals; None: everyone's."""
    view: FunnelView = FunnelView.COHORT
    period: PeriodName | Period = PeriodName.THIS_MONTH
    """A named period (counted from today when read) or a custom range of days."""


class FunnelScreen(Localized, ReportScreen[FunnelChoice, FunnelReport]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v",
            "toggle_view",
            N_("View"),
            id="funnel.toggle-view",
            tooltip=N_("Cohort (the deals created in the period) or snapshot (open deals now)"),
        ),
        Binding(
            "left_square_bracket,left",
            "period(-1)",
            N_("Previous period"),
            id="funnel.previous-period",
            group=Binding.Group(N_("Period")),
        ),
        Binding(
            "right_square_bracket,right",
            "period(1)",
            N_("Next period"),
            id="funnel.next-period",
            group=Binding.Group(N_("Period")),
        ),
        Binding("d", "pick_dates", N_("Dates…"), id="funnel.custom-period"),
        Binding("p", "next_pipeline", N_("Pipeline"), id="funnel.switch-pipeline"),
        Binding("o", "pick_owner", N_("Owner…"), id="funnel.switch-owner"),
        Binding("r", "reload", N_("Refresh"), show=False, id="funnel.refresh"),
        Binding("escape,b", "back", N_("Back"), id="funnel.back"),
    ]
    DEFAULT_CSS = """
    FunnelScreen #funnel-status { height: 1; padding: 0 1; background: $boost; }
    FunnelScreen #funnel-body {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        /* The scrollbar showing up with the report would narrow the chart and the tables:
           they would be drawn again, one layout pass later. */
        scrollbar-gutter: stable;
    }
    FunnelScreen #funnel-body > Static { width: 1fr; height: auto; }
    FunnelScreen .funnel-heading { margin-top: 1; text-style: bold; }
    FunnelScreen #funnel-summary { margin-top: 1; }
    """

    STATUS = "#funnel-status"
    BODY = "#funnel-body"

    def __init__(self, services: Services, currency: str, start: BoardQuery | None = None) -> None:
        super().__init__(services, currency, start)
        self._ahead: tuple[tuple[FunnelChoice, Period], Future[FunnelReport]] | None = None
        """The first choice and its report, read with the pipelines (`_load_context`)."""

    @property
    def report(self) -> FunnelReport | None:
        """The report shown (None until the first read)."""
        return self.figures

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="funnel-status")
        with VerticalScroll(id="funnel-body"):
            # Rich renderables (never strings with markup) go into these.
            yield RichLines(id="funnel-chart")
            yield Static(Text(_("Stage by stage")), classes="funnel-heading")
            yield RichLines(id="funnel-table")
            yield RichLines(id="funnel-summary")
            yield Static(Text(_("Losses by stage and reason")), classes="funnel-heading")
            yield RichLines(id="funnel-losses")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Funnel")
        self.sub_title = ""  # the pipeline's name once known (not the app's: the file's path)
        self.query_one("#funnel-body").focus()
        self._start_reading()

    # --- reading ---------------------------------------------------------------------------

    def _first_choice(self, pipeline_id: int, owner_id: int | None) -> FunnelChoice:
        return FunnelChoice(pipeline_id, owner_id)

    def _context_read(self, known: BoardContext) -> None:
        """On opening, the first report is read in this worker too, right after the
        pipelines: the UI thread chooses it meanwhile (`_context_loaded`) and its read
        (`_fetch`) takes this one's result. Read once the UI thread had chosen, it started a
        frame or so later (docs/performance.md)."""
        first = self._first_read()
        ahead: Future[FunnelReport] = Future()
        self._ahead = (first, ahead) if first is not None else None
        with suppress(NoActiveAppError):  # the screen has been closed meanwhile
            self.call_later(self._context_loaded, known)
        if first is not None:
            try:
                ahead.set_result(self._read_report(*first))
            except FunnelError as err:  # told by the read that takes the result (`_fetch`)
                ahead.set_exception(err)
            except BaseException as err:  # a bug: it fails this worker, as any other's would
                ahead.set_exception(err)  # (and does not keep that read waiting)
                raise

    def _first_read(self) -> tuple[FunnelChoice, Period] | None:
        """What `_context_loaded` will choose first: the board's pipeline and owner (None on
        a reload)."""
        if self.choice is not None or self._start is None:
            return None
        choice = self._first_choice(self._start.pipeline_id, self._start.owner_id)
        return choice, choice.days(self._today())

    def _fetch(self, choice: FunnelChoice, period: Period) -> FunnelReport:
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == (choice, period):
            return ahead[1].result()  # being read with the pipelines
        return self._read_report(choice, period)

    def _read_report(self, choice: FunnelChoice, period: Period) -> FunnelReport:
        start, end = period.bounds(self._zone)
        query = FunnelQuery(choice.pipeline_id, start, end, choice.owner_id)
        return funnel_report(
            self._services.context.store, query, choice.view, fallback_currency=self._currency
        )

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, report: FunnelReport) -> None:
        if not report.stages:  # the chart and the table need at least one open stage
            self._update("#funnel-chart", Text(_("This pipeline has no open stages.")))
            for part in ("#funnel-table", "#funnel-summary", "#funnel-losses"):
                self._update(part, Text())
            return
        self._update("#funnel-chart", FunnelChart(report, self._zone, heading=False))
        self._draw_table(report)
        self._update("#funnel-summary", summary_line(report))
        losses = loss_table(report)
        nothing = Text(_("No deal of the period was lost."), style="dim")
        self._update("#funnel-losses", losses if losses is not None else nothing)

    def _draw_table(self, report: FunnelReport) -> None:
        # The table drops its money columns when narrow: it must know the width it gets.
        width = self.query_one("#funnel-chart").content_region.width or self.size.width
        self._update("#funnel-table", stage_table(report, width))

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, RichLines).update(content)

    def on_resize(self, _event: events.Resize) -> None:
        if self.report is not None and self.report.stages:
            self.call_after_refresh(self._draw_table, self.report)

    def _header(self, known: BoardContext, choice: FunnelChoice, period: Period) -> Text:
        """The pipeline · the view · the period · whose deals."""
        return choice_header(known, choice, period, _(VIEW_NAMES[choice.view]))

    # --- the keys --------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        if self.choice is not None:
            snapshot = self.choice.view is FunnelView.COHORT
            view = FunnelView.SNAPSHOT if snapshot else FunnelView.COHORT
            self._choose(replace(self.choice, view=view))
