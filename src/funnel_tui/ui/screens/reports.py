"""ReportsScreen: the team lead's figures (DESIGN.md, Screens 5).

Five tabs, one key each: the KPIs with their change against the previous period, the
forecast by month, the plan (the reference funnel beside the actual one), the manager table
(sortable) and the loss reasons. Period, pipeline ("all pipelines" too) and owner are
chosen as on the funnel screen; every choice reads all five reports again in a thread, in
one go (at a million deals: a few seconds). Reads are numbered and only the latest one asked
for is shown. The plan of a pipeline is set from here (`P`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, tzinfo
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from funnel_tui.analytics.forecast import forecast_report
from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.losses import loss_report
from funnel_tui.analytics.metrics_model import (
    ForecastQuery,
    ForecastReport,
    KpiReport,
    LossReport,
    MetricsQuery,
    PlanQuery,
    PlanReport,
    TeamReport,
)
from funnel_tui.analytics.months import month_of
from funnel_tui.analytics.periods import PERIOD_LABELS, Period, PeriodName, named_period
from funnel_tui.analytics.plan import plan_report
from funnel_tui.analytics.team import team_report
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.render.chart_parts import period_label
from funnel_tui.render.forecast_chart import ForecastChart, odds_table
from funnel_tui.render.format import format_money
from funnel_tui.render.kpi_tiles import KpiTiles
from funnel_tui.render.loss_bars import LossBars
from funnel_tui.render.plan_chart import PlanChart
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.render.team_table import DEFAULT_SORT, TEAM_SORT_KEYS, TeamTable, team_column
from funnel_tui.services import Services
from funnel_tui.services.board_model import BoardContext, BoardQuery
from funnel_tui.services.plans import PlanLine
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.period_range import PeriodRangeModal
from funnel_tui.ui.modals.plan_modal import PlanDraft, PlanModal
from funnel_tui.ui.notices import tell
from funnel_tui.ui.screens.funnel import LOADING_DELAY_S, NAMED_PERIODS, read_context
from funnel_tui.ui.widgets.key_footer import KeyFooter

FORECAST_MONTHS = 6
"""The forecast covers this month and the five after it."""

TABS: tuple[tuple[str, str], ...] = (
    ("kpis", "KPIs"),
    ("forecast", "Forecast"),
    ("plan", "Plan"),
    ("team", "Team"),
    ("losses", "Losses"),
)
"""(id, title) of the tabs, in order: keys 1 to 5."""

SEPARATOR = " · "
PLAN_HINT = "press P to set one"


@dataclass(frozen=True, slots=True)
class ReportsChoice:
    """What the screen shows."""

    pipeline_id: int | None
    """One pipeline; None: all of them (the plan then asks for one)."""
    owner_id: int | None
    period: PeriodName | Period = PeriodName.THIS_MONTH

    def days(self, today: date) -> Period:
        if isinstance(self.period, Period):
            return self.period
        return named_period(self.period, today)

    def stepped(self, step: int) -> ReportsChoice:
        """The next (1) or previous (-1) named period; from a custom range, the first or the
        last of them."""
        if isinstance(self.period, Period):
            return replace(self, period=NAMED_PERIODS[0 if step > 0 else -1])
        index = NAMED_PERIODS.index(self.period) + step
        return replace(self, period=NAMED_PERIODS[index % len(NAMED_PERIODS)])


def plan_month(period: Period, today: date) -> date:
    """The month whose plan goes with `period`: the month of its last day, or this month if
    that is still to come (this quarter: this month's plan)."""
    return month_of(min(period.last, today))


@dataclass(frozen=True, slots=True)
class ReportSet:
    """One read: the five reports for one choice."""

    choice: ReportsChoice
    period: Period
    kpi: KpiReport
    forecast: ForecastReport
    plan: PlanReport | None
    """None for all pipelines: a plan belongs to one."""
    team: TeamReport
    losses: LossReport


def read_reports(
    services: Services, choice: ReportsChoice, period: Period, zone: tzinfo, currency: str
) -> ReportSet:
    """All five reports for `choice` (blocking: in a thread)."""
    store = services.context.store
    now = services.context.clock()
    today = now.astimezone(zone).date()
    start, end = period.bounds(zone)
    query = MetricsQuery(choice.pipeline_id, start, end, choice.owner_id)
    plan = None
    if choice.pipeline_id is not None:
        plan = plan_report(
            store,
            PlanQuery(choice.pipeline_id, plan_month(period, today), choice.owner_id),
            now=now,
            zone=zone,
            fallback_currency=currency,
        )
    return ReportSet(
        choice=choice,
        period=period,
        kpi=kpi_report(store, query, now=now, zone=zone, fallback_currency=currency),
        forecast=forecast_report(
            store,
            ForecastQuery(choice.pipeline_id, month_of(today), FORECAST_MONTHS, choice.owner_id),
            now=now,
            zone=zone,
            fallback_currency=currency,
        ),
        plan=plan,
        team=team_report(store, query, now=now, fallback_currency=currency),
        losses=loss_report(store, query, fallback_currency=currency),
    )


def save_plan(services: Services, draft: PlanDraft) -> PlanLine:
    """Set a plan through the plan service (blocking)."""
    return services.plans.set_plan(
        draft.pipeline_id,
        draft.amount,
        month=draft.month,
        currency=draft.amount.currency,
        owner_id=draft.owner_id,
    )


class ReportsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(number),
                f"show_tab('{tab}')",
                title,
                id=f"reports.tab-{tab}",
                group=Binding.Group("Tab"),
            )
            for number, (tab, title) in enumerate(TABS, start=1)
        ),
        Binding(
            "left_square_bracket,left",
            "period(-1)",
            "Previous period",
            id="reports.previous-period",
            group=Binding.Group("Period"),
        ),
        Binding(
            "right_square_bracket,right",
            "period(1)",
            "Next period",
            id="reports.next-period",
            group=Binding.Group("Period"),
        ),
        Binding(
            "P",
            "set_plan",
            "Plan…",
            id="reports.set-plan",
            tooltip="Set the monthly plan of the pipeline (the team's or one owner's)",
        ),
        Binding("p", "next_pipeline", "Pipeline", id="reports.switch-pipeline"),
        Binding("o", "pick_owner", "Owner…", id="reports.switch-owner"),
        Binding("d", "pick_dates", "Dates…", id="reports.custom-period"),
        Binding(
            "s", "sort", "Sort", id="reports.team-sort", tooltip="Sort the team by the next column"
        ),
        Binding(
            "S", "reverse", "Reverse", id="reports.team-reverse", tooltip="Flip the team's order"
        ),
        Binding("r", "reload", "Refresh", show=False, id="reports.refresh"),
        Binding("escape,b", "back", "Back", id="reports.back"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #reports-status { height: 1; padding: 0 1; background: $boost; }
    ReportsScreen #reports-tabs { height: 1fr; }
    ReportsScreen TabPane { padding: 0; height: 1fr; }
    ReportsScreen .report-body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    ReportsScreen .report-body > Static { width: 1fr; height: auto; }
    """

    def __init__(self, services: Services, currency: str, start: BoardQuery | None = None) -> None:
        """`start`: the board's pipeline and owner to begin with; None: the first pipeline and
        the owner a board would start with."""
        super().__init__()
        self._services = services
        self._currency = currency
        self._start = start
        self._zone = local_zone()
        self._known: BoardContext | None = None
        self.choice: ReportsChoice | None = None
        self.reports: ReportSet | None = None
        self.sort_by = DEFAULT_SORT
        self.descending = True
        self._asked = 0
        """The number of the latest read asked for: any other read's result is stale."""
        self._loading_timer: Timer | None = None
        self.loads = 0
        """How many report sets have been shown: tests wait on it."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="reports-status", markup=False)
        with TabbedContent(id="reports-tabs", initial="tab-kpis"):
            for number, (tab, title) in enumerate(TABS, start=1):
                with (
                    TabPane(f"{number} {title}", id=f"tab-{tab}"),
                    VerticalScroll(id=f"body-{tab}", classes="report-body"),
                ):
                    # Rich renderables (never strings with markup) go into these.
                    yield Static(id=f"reports-{tab}", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Reports"
        self.sub_title = ""
        # The tabs change with 1-5 (and a click): arrows and brackets stay the period's keys.
        self.query_one(Tabs).can_focus = False
        self._focus_tab()
        self._set_loading(True)
        self._load_context()

    @property
    def tab(self) -> str:
        """The shown tab's id (`kpis`, `forecast`, `plan`, `team`, `losses`)."""
        return (self.query_one(TabbedContent).active or "tab-kpis").removeprefix("tab-")

    def _focus_tab(self) -> None:
        self.query_one(f"#body-{self.tab}").focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._focus_tab()
        self.refresh_bindings()  # the team's sort keys show on its tab only

    # --- reading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="reports-context")
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
            choice = ReportsChoice(wanted, owner)
        if choice.pipeline_id is not None and choice.pipeline_id not in ids:
            choice = replace(choice, pipeline_id=ids[0])  # archived meanwhile
        self._choose(choice)

    def _today(self) -> date:
        return self._services.context.clock().astimezone(self._zone).date()

    def _choose(self, choice: ReportsChoice) -> None:
        """Show `choice`: its header at once, its figures once read."""
        if self._known is None:
            return
        self.choice = choice
        self._asked += 1
        period = choice.days(self._today())
        name = _pipeline_name(self._known, choice.pipeline_id)
        self.sub_title = clean(name) if choice.pipeline_id is not None else "All pipelines"
        self._status(self._header(self._known, choice, period))
        if self.reports is None:
            self._set_loading(True)
        elif self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY_S, self._loading_late)
        self._read(self._asked, choice, period)

    @work(thread=True, exclusive=True, group="reports-load")
    def _read(self, number: int, choice: ReportsChoice, period: Period) -> None:
        try:
            reports = read_reports(self._services, choice, period, self._zone, self._currency)
        except FunnelError as err:
            self.app.call_from_thread(self._failed, number, err)
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            self.app.call_from_thread(self._show, number, reports)

    def _show(self, number: int, reports: ReportSet) -> None:
        if number != self._asked:
            return  # stale: the user has chosen something else since
        self.reports = reports
        self._set_loading(False)
        self._draw(reports)
        self.loads += 1

    def _failed(self, number: int, error: FunnelError) -> None:
        if number == self._asked:
            self._set_loading(False)
            tell(self, str(error), "warning")

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, reports: ReportSet) -> None:
        zone = self._zone
        previous = period_label(reports.kpi.previous_start, reports.kpi.previous_end, zone)
        compared = Text(f"against the period before: {previous}", style="dim")
        self._update("kpis", Group(compared, Text(), KpiTiles(reports.kpi, zone, heading=False)))
        self._update(
            "forecast",
            Group(
                ForecastChart(reports.forecast, heading=False),
                Text(),
                Text("Win odds by stage", style="bold"),
                odds_table(reports.forecast),
            ),
        )
        self._draw_plan(reports)
        self._draw_team(reports)
        self._update("losses", LossBars(reports.losses, zone, heading=False))

    def _draw_plan(self, reports: ReportSet) -> None:
        plan = reports.plan
        if plan is None:
            self._update(
                "plan",
                Text("A plan belongs to one pipeline: press p to choose one.", style="dim"),
            )
            return
        heading = Text(f"{plan.month:%B %Y}", style="bold")
        whose = plan.owner_login if plan.owner_login is not None else "the team"
        heading.append(SEPARATOR)
        heading.append_text(safe_text(f"the plan of {whose}"))
        self._update("plan", Group(heading, PlanChart(plan, heading=False, no_plan_hint=PLAN_HINT)))

    def _draw_team(self, reports: ReportSet) -> None:
        column = team_column(self.sort_by).heading.format(currency=reports.team.currency)
        order = "most first" if self.descending else "least first"
        sort = Text(f"sorted by {column}, {order} (s: next column, S: reverse)", style="dim")
        table = TeamTable(
            reports.team,
            self._zone,
            sort_by=self.sort_by,
            descending=self.descending,
            heading=False,
        )
        self._update("team", Group(sort, table))

    def _update(self, tab: str, content: RenderableType) -> None:
        self.query_one(f"#reports-{tab}", Static).update(content)

    def _header(self, known: BoardContext, choice: ReportsChoice, period: Period) -> Text:
        """The pipeline · the period · whose deals."""
        if choice.pipeline_id is None:
            line = Text("All pipelines", style="bold")
        else:
            line = safe_text(_pipeline_name(known, choice.pipeline_id), "bold")
        line.append(SEPARATOR)
        if isinstance(choice.period, PeriodName):
            line.append(f"{PERIOD_LABELS[choice.period]}, ")
        line.append(period.label())
        line.append(SEPARATOR)
        line.append_text(_owner_label(known, choice.owner_id))
        return line

    def _status(self, text: Text) -> None:
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.query_one("#reports-status", Static).update(text)

    def _set_loading(self, loading: bool) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one("#reports-tabs").loading = loading

    def _loading_late(self) -> None:
        self._loading_timer = None
        self.query_one("#reports-tabs").loading = True

    # --- the keys --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sort", "reverse"):
            return self.tab == "team"
        return True

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab}"

    def action_period(self, step: int) -> None:
        if self.choice is not None:
            self._choose(self.choice.stepped(step))

    def action_next_pipeline(self) -> None:
        """The next pipeline; after the last, all of them; then the first again."""
        if self.choice is None or self._known is None:
            return
        ids: list[int | None] = [pipeline.id for pipeline in self._known.pipelines]
        ids.append(None)
        index = ids.index(self.choice.pipeline_id) if self.choice.pipeline_id in ids else -1
        self._choose(replace(self.choice, pipeline_id=ids[(index + 1) % len(ids)]))

    def action_pick_dates(self) -> None:
        if self.choice is not None:
            self._pick_dates(self.choice)

    @work(group="reports-confirm")
    async def _pick_dates(self, choice: ReportsChoice) -> None:
        period = await self.app.push_screen_wait(PeriodRangeModal(choice.days(self._today())))
        if period is not None and self.choice is not None:
            self._choose(replace(self.choice, period=period))

    def action_pick_owner(self) -> None:
        if self.choice is not None and self._known is not None:
            self._pick_owner(self._known, self.choice.owner_id)

    @work(group="reports-confirm")
    async def _pick_owner(self, known: BoardContext, owner_id: int | None) -> None:
        choice = await self.app.push_screen_wait(OwnerPickerModal(known.users, known.me, owner_id))
        if choice is not None and self.choice is not None and choice.owner_id != owner_id:
            self._choose(replace(self.choice, owner_id=choice.owner_id))

    def action_sort(self) -> None:
        index = TEAM_SORT_KEYS.index(self.sort_by)
        self.sort_by = TEAM_SORT_KEYS[(index + 1) % len(TEAM_SORT_KEYS)]
        self.descending = self.sort_by != "name"  # names A to Z, figures most first
        if self.reports is not None:
            self._draw_team(self.reports)

    def action_reverse(self) -> None:
        self.descending = not self.descending
        if self.reports is not None:
            self._draw_team(self.reports)

    def action_set_plan(self) -> None:
        choice, known = self.choice, self._known
        if choice is None or known is None:
            return
        if choice.pipeline_id is None:
            tell(self, "A plan belongs to one pipeline: press p to choose one first.", "warning")
            return
        self._set_plan(choice, known)

    @work(group="reports-confirm")
    async def _set_plan(self, choice: ReportsChoice, known: BoardContext) -> None:
        assert choice.pipeline_id is not None
        period = choice.days(self._today())
        plan = self.reports.plan if self.reports is not None else None
        shown = plan is not None and self.reports is not None and self.reports.choice == choice
        services = self._services
        modal = PlanModal(
            pipeline_id=choice.pipeline_id,
            pipeline_name=_pipeline_name(known, choice.pipeline_id),
            users=known.users,
            owner_id=choice.owner_id,
            month=plan_month(period, self._today()),
            currency=plan.currency if plan is not None and shown else self._currency,
            current=plan.plan if plan is not None and shown else None,
            save=lambda draft: save_plan(services, draft),
        )
        saved = await self.app.push_screen_wait(modal)
        if saved is None:
            return
        tell(self, _saved_message(saved))
        if self.choice is not None:
            self._choose(self.choice)

    def action_reload(self) -> None:
        """Read the pipelines and the team again (renamed, added), then the figures."""
        self._load_context()

    def action_back(self) -> None:
        self.dismiss(None)


def _pipeline_name(known: BoardContext, pipeline_id: int | None) -> str:
    if pipeline_id is None:
        return "All pipelines"
    return next((p.name for p in known.pipelines if p.id == pipeline_id), "?")


def _owner_label(known: BoardContext, owner_id: int | None) -> Text:
    if owner_id is None:
        return Text("all owners")
    user = next((u for u in known.users if u.id == owner_id), None)
    return safe_text(user.display_name if user else f"user #{owner_id}")


def _saved_message(saved: PlanLine) -> str:
    whose = saved.owner_login if saved.owner_login is not None else "the team"
    when = f"{saved.month:%B %Y}"
    if saved.amount is None:
        return f"No plan for {whose} in {saved.pipeline_name} from {when} on"
    amount = format_money(saved.amount, compact=True)
    return f"Plan set: {amount} a month for {whose} in {saved.pipeline_name} from {when} on"
