"""FunnelScreen: how far the deals of one pipeline got, for a period (DESIGN.md, Screens 4).

The chart, the same numbers as a table, the summary, and the losses by stage and reason, for
a choice of view (cohort or snapshot), period, pipeline and owner. Every choice reads the
report again in a thread: at a million deals that takes about a second. Reads are numbered
and only the latest one asked for is shown, so a quick run of keys ends on the last choice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelReport, FunnelView
from funnel_tui.analytics.periods import PERIOD_LABELS, Period, PeriodName, named_period
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.render.funnel_chart import FunnelChart
from funnel_tui.render.funnel_table import loss_table, stage_table, summary_line
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.board import StoreBoardSource
from funnel_tui.services.board_model import BoardContext, BoardQuery
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.period_range import PeriodRangeModal
from funnel_tui.ui.notices import tell
from funnel_tui.ui.widgets.key_footer import KeyFooter

NAMED_PERIODS = tuple(PeriodName)
"""What `[` and `]` cycle through: this month, last month, this quarter, the last 12 months."""

LOADING_DELAY_S = 0.15
"""A read quicker than this swaps the figures without the loading indicator flashing up."""

SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class FunnelChoice:
    """What the screen shows."""

    pipeline_id: int
    owner_id: int | None
    """One owner's deals; None: everyone's."""
    view: FunnelView = FunnelView.COHORT
    period: PeriodName | Period = PeriodName.THIS_MONTH
    """A named period (counted from today when read) or a custom range of days."""

    def days(self, today: date) -> Period:
        if isinstance(self.period, Period):
            return self.period
        return named_period(self.period, today)

    def stepped(self, step: int) -> FunnelChoice:
        """The next (`step` 1) or previous (-1) named period; from a custom range, the
        first or the last of them."""
        if isinstance(self.period, Period):
            return replace(self, period=NAMED_PERIODS[0 if step > 0 else -1])
        index = NAMED_PERIODS.index(self.period) + step
        return replace(self, period=NAMED_PERIODS[index % len(NAMED_PERIODS)])


def read_context(services: Services) -> BoardContext:
    """Pipelines, the team and who is looking, as the board reads them (blocking)."""
    source = StoreBoardSource(services.context.store)
    users = tuple(source.users())
    me = next((user for user in users if user.login == services.context.login), None)
    return BoardContext(tuple(source.pipelines()), users, me)


def _pipeline_name(known: BoardContext, pipeline_id: int) -> str:
    return next((p.name for p in known.pipelines if p.id == pipeline_id), "?")


class FunnelScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v",
            "toggle_view",
            "View",
            id="funnel.toggle-view",
            tooltip="Cohort (the deals created in the period) or snapshot (open deals now)",
        ),
        Binding(
            "left_square_bracket,left",
            "period(-1)",
            "Previous period",
            id="funnel.previous-period",
            group=Binding.Group("Period"),
        ),
        Binding(
            "right_square_bracket,right",
            "period(1)",
            "Next period",
            id="funnel.next-period",
            group=Binding.Group("Period"),
        ),
        Binding("d", "pick_dates", "Dates…", id="funnel.custom-period"),
        Binding("p", "next_pipeline", "Pipeline", id="funnel.switch-pipeline"),
        Binding("o", "pick_owner", "Owner…", id="funnel.switch-owner"),
        Binding("r", "reload", "Refresh", show=False, id="funnel.refresh"),
        Binding("escape,b", "back", "Back", id="funnel.back"),
    ]
    DEFAULT_CSS = """
    FunnelScreen #funnel-status { height: 1; padding: 0 1; background: $boost; }
    FunnelScreen #funnel-body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    FunnelScreen #funnel-body > Static { width: 1fr; height: auto; }
    FunnelScreen .funnel-heading { margin-top: 1; text-style: bold; }
    FunnelScreen #funnel-summary { margin-top: 1; }
    """

    def __init__(self, services: Services, currency: str, start: BoardQuery | None = None) -> None:
        """`start`: the board's pipeline and owner to begin with; None: the first pipeline
        and the owner a board would start with (a rep: their own deals)."""
        super().__init__()
        self._services = services
        self._currency = currency
        self._start = start
        self._zone = local_zone()
        self._known: BoardContext | None = None
        self.choice: FunnelChoice | None = None
        self.report: FunnelReport | None = None
        self._asked = 0
        """The number of the latest read asked for: any other read's result is stale."""
        self._loading_timer: Timer | None = None
        self.loads = 0
        """How many reports have been shown: tests wait on it."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="funnel-status")
        with VerticalScroll(id="funnel-body"):
            # Rich renderables (never strings with markup) go into these.
            yield Static(id="funnel-chart", markup=False)
            yield Static(Text("Stage by stage"), classes="funnel-heading")
            yield Static(id="funnel-table", markup=False)
            yield Static(id="funnel-summary", markup=False)
            yield Static(Text("Losses by stage and reason"), classes="funnel-heading")
            yield Static(id="funnel-losses", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Funnel"
        self.sub_title = ""  # the pipeline's name once known (not the app's: the file's path)
        self.query_one("#funnel-body").focus()
        self._set_loading(True)
        self._load_context()

    # --- reading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="funnel-context")
    def _load_context(self) -> None:
        try:
            known = read_context(self._services)
        except FunnelError as err:
            self.app.call_from_thread(self._failed, self._asked, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._context_loaded, known)

    def _context_loaded(self, known: BoardContext) -> None:
        self._known = known
        ids = [pipeline.id for pipeline in known.pipelines]
        if not ids:
            self._set_loading(False)
            self._status(Text("No pipelines yet: `funnel demo` creates sample ones"))
            return
        choice = self.choice
        if choice is None:  # the first time: the board's pipeline and owner
            start = self._start
            owner = start.owner_id if start is not None else known.default_owner_id
            wanted = start.pipeline_id if start is not None else ids[0]
            choice = FunnelChoice(wanted, owner)
        if choice.pipeline_id not in ids:  # archived meanwhile
            choice = replace(choice, pipeline_id=ids[0])
        self._choose(choice)

    def _choose(self, choice: FunnelChoice) -> None:
        """Show `choice`: its header at once, its figures once read."""
        if self._known is None:
            return
        self.choice = choice
        self._asked += 1
        period = choice.days(self._services.context.clock().astimezone(self._zone).date())
        self.sub_title = clean(_pipeline_name(self._known, choice.pipeline_id))
        self._status(self._header(self._known, choice, period))
        if self.report is None:
            self._set_loading(True)
        elif self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY_S, self._loading_late)
        self._read(self._asked, choice, period)

    @work(thread=True, exclusive=True, group="funnel-load")
    def _read(self, number: int, choice: FunnelChoice, period: Period) -> None:
        start, end = period.bounds(self._zone)
        query = FunnelQuery(choice.pipeline_id, start, end, choice.owner_id)
        try:
            report = funnel_report(
                self._services.context.store,
                query,
                choice.view,
                fallback_currency=self._currency,
            )
        except FunnelError as err:
            self.app.call_from_thread(self._failed, number, err)
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            self.app.call_from_thread(self._show, number, report)

    def _show(self, number: int, report: FunnelReport) -> None:
        if number != self._asked:
            return  # stale: the user has chosen something else since
        self.report = report
        self._set_loading(False)
        self._draw(report)
        self.loads += 1

    def _failed(self, number: int, error: FunnelError) -> None:
        if number == self._asked:
            self._set_loading(False)
            tell(self, str(error), "warning")

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, report: FunnelReport) -> None:
        if not report.stages:  # the chart and the table need at least one open stage
            self._update("#funnel-chart", Text("This pipeline has no open stages."))
            for part in ("#funnel-table", "#funnel-summary", "#funnel-losses"):
                self._update(part, Text())
            return
        self._update("#funnel-chart", FunnelChart(report, self._zone, heading=False))
        self._draw_table(report)
        self._update("#funnel-summary", summary_line(report))
        losses = loss_table(report)
        nothing = Text("No deal of the period was lost.", style="dim")
        self._update("#funnel-losses", losses if losses is not None else nothing)

    def _draw_table(self, report: FunnelReport) -> None:
        # The table drops its money columns when narrow: it must know the width it gets.
        width = self.query_one("#funnel-chart").content_region.width or self.size.width
        self._update("#funnel-table", stage_table(report, width))

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    def on_resize(self, _event: events.Resize) -> None:
        if self.report is not None and self.report.stages:
            self.call_after_refresh(self._draw_table, self.report)

    def _header(self, known: BoardContext, choice: FunnelChoice, period: Period) -> Text:
        """The pipeline · the view · the period · whose deals."""
        line = safe_text(_pipeline_name(known, choice.pipeline_id), "bold")
        line.append(f"{SEPARATOR}{choice.view.value} view{SEPARATOR}")
        if isinstance(choice.period, PeriodName):
            line.append(f"{PERIOD_LABELS[choice.period]}, ")
        line.append(period.label())
        line.append(SEPARATOR)
        line.append_text(self._owner_label(known, choice.owner_id))
        return line

    @staticmethod
    def _owner_label(known: BoardContext, owner_id: int | None) -> Text:
        if owner_id is None:
            return Text("all owners")
        user = next((u for u in known.users if u.id == owner_id), None)
        return safe_text(user.display_name if user else f"user #{owner_id}")

    def _status(self, text: Text) -> None:
        text.no_wrap = True
        text.overflow = "ellipsis"
        self._update("#funnel-status", text)

    def _set_loading(self, loading: bool) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one("#funnel-body").loading = loading

    def _loading_late(self) -> None:
        self._loading_timer = None
        self.query_one("#funnel-body").loading = True

    # --- the keys --------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        if self.choice is not None:
            snapshot = self.choice.view is FunnelView.COHORT
            view = FunnelView.SNAPSHOT if snapshot else FunnelView.COHORT
            self._choose(replace(self.choice, view=view))

    def action_period(self, step: int) -> None:
        if self.choice is not None:
            self._choose(self.choice.stepped(step))

    def action_next_pipeline(self) -> None:
        if self.choice is None or self._known is None:
            return
        ids = [pipeline.id for pipeline in self._known.pipelines]
        index = ids.index(self.choice.pipeline_id) if self.choice.pipeline_id in ids else -1
        self._choose(replace(self.choice, pipeline_id=ids[(index + 1) % len(ids)]))

    def action_pick_dates(self) -> None:
        if self.choice is not None:
            self._pick_dates(self.choice)

    @work(group="funnel-confirm")
    async def _pick_dates(self, choice: FunnelChoice) -> None:
        today = self._services.context.clock().astimezone(self._zone).date()
        period = await self.app.push_screen_wait(PeriodRangeModal(choice.days(today)))
        if period is not None and self.choice is not None:
            self._choose(replace(self.choice, period=period))

    def action_pick_owner(self) -> None:
        if self.choice is not None and self._known is not None:
            self._pick_owner(self._known, self.choice.owner_id)

    @work(group="funnel-confirm")
    async def _pick_owner(self, known: BoardContext, owner_id: int | None) -> None:
        choice = await self.app.push_screen_wait(OwnerPickerModal(known.users, known.me, owner_id))
        if choice is not None and self.choice is not None and choice.owner_id != owner_id:
            self._choose(replace(self.choice, owner_id=choice.owner_id))

    def action_reload(self) -> None:
        """Read the pipelines and the team again (renamed, added), then the figures."""
        self._load_context()

    def action_back(self) -> None:
        self.dismiss(None)
