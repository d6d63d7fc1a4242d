"""ReportsScreen: the team lead's figures (DESIGN.md, Screens 5).

Five tabs, one key each: the KPIs with their change against the previous period, the
forecast by month, the plan (the reference funnel beside the actual one), the manager table
(sortable) and the loss reasons. Period, pipeline ("all pipelines" too) and owner are
chosen as on the funnel screen; every choice reads all five reports again in a thread, in
one go (at a million deals: a few seconds). Reads are numbered and only the latest one asked
for is shown. The plan of a pipeline is set from here (`P`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane, Tabs

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
from funnel_tui.analytics.periods import Period, PeriodName
from funnel_tui.analytics.plan import plan_report
from funnel_tui.analytics.team import team_report
from funnel_tui.i18n import N_, _
from funnel_tui.render.chart_parts import period_label
from funnel_tui.render.forecast_chart import ForecastChart, odds_table
from funnel_tui.render.format import format_money
from funnel_tui.render.kpi_tiles import KpiTiles
from funnel_tui.render.loss_bars import LossBars
from funnel_tui.render.plan_chart import PlanChart, month_label
from funnel_tui.render.safe import safe_text
from funnel_tui.render.team_table import DEFAULT_SORT, TEAM_SORT_KEYS, TeamTable, team_column
from funnel_tui.services import Services
from funnel_tui.services.board_model import BoardContext, BoardQuery
from funnel_tui.services.plans import PlanLine
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.modals.plan_modal import PlanDraft, PlanModal
from funnel_tui.ui.notices import tell
from funnel_tui.ui.screens.report_screen import (
    SEPARATOR,
    PeriodSteps,
    ReportScreen,
    pipeline_name,
)
from funnel_tui.ui.widgets.key_footer import KeyFooter

FORECAST_MONTHS = 6
"""The forecast covers this month and the five after it."""

TABS: tuple[tuple[str, str], ...] = (
    ("kpis", N_("KPIs")),
    ("forecast", N_("Forecast")),
    ("plan", N_("Plan")),
    ("team", N_("Team")),
    ("losses", N_("Losses")),
)
"""(id, title) of the tabs, in order: keys 1 to 5."""

PLAN_HINT = N_("press P to set one")
"""Said where the plan tab has no plan (PlanChart translates it when drawn)."""


@dataclass(frozen=True, slots=True)
class ReportsChoice(PeriodSteps):
    """What the screen shows."""

    pipeline_id: int | None
    """One pipeline; None: all of them (the plan then asks for one)."""
    owner_id: int | None
    period: PeriodName | Period = PeriodName.THIS_MONTH


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


class ReportsScreen(Localized, ReportScreen[ReportsChoice, ReportSet]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(number),
                f"show_tab('{tab}')",
                title,
                id=f"reports.tab-{tab}",
                group=Binding.Group(N_("Tab")),
            )
            for number, (tab, title) in enumerate(TABS, start=1)
        ),
        Binding(
            "left_square_bracket,left",
            "period(-1)",
            N_("Previous period"),
            id="reports.previous-period",
            group=Binding.Group(N_("Period")),
        ),
        Binding(
            "right_square_bracket,right",
            "period(1)",
            N_("Next period"),
            id="reports.next-period",
            group=Binding.Group(N_("Period")),
        ),
        Binding(
            "P",
            "set_plan",
            N_("Plan…"),
            id="reports.set-plan",
            tooltip=N_("Set the monthly plan of the pipeline (the team's or one owner's)"),
        ),
        Binding("p", "next_pipeline", N_("Pipeline"), id="reports.switch-pipeline"),
        Binding("o", "pick_owner", N_("Owner…"), id="reports.switch-owner"),
        Binding("d", "pick_dates", N_("Dates…"), id="reports.custom-period"),
        Binding(
            "s",
            "sort",
            N_("Sort"),
            id="reports.team-sort",
            tooltip=N_("Sort the team by the next column"),
        ),
        Binding(
            "S",
            "reverse",
            N_("Reverse"),
            id="reports.team-reverse",
            tooltip=N_("Flip the team's order"),
        ),
        Binding("r", "reload", N_("Refresh"), show=False, id="reports.refresh"),
        Binding("escape,b", "back", N_("Back"), id="reports.back"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #reports-status { height: 1; padding: 0 1; background: $boost; }
    ReportsScreen #reports-tabs { height: 1fr; }
    ReportsScreen TabPane { padding: 0; height: 1fr; }
    ReportsScreen .report-body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    ReportsScreen .report-body > Static { width: 1fr; height: auto; }
    """

    STATUS = "#reports-status"
    BODY = "#reports-tabs"
    ANY_PIPELINE = True

    def __init__(self, services: Services, currency: str, start: BoardQuery | None = None) -> None:
        """`start`: the board's pipeline and owner to begin with; None: the first pipeline and
        the owner a board would start with."""
        super().__init__(services, currency, start)
        self.sort_by = DEFAULT_SORT
        self.descending = True

    @property
    def reports(self) -> ReportSet | None:
        """The reports shown (None until the first read)."""
        return self.figures

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="reports-status", markup=False)
        with TabbedContent(id="reports-tabs", initial="tab-kpis"):
            for number, (tab, title) in enumerate(TABS, start=1):
                with (
                    TabPane(f"{number} {_(title)}", id=f"tab-{tab}"),
                    VerticalScroll(id=f"body-{tab}", classes="report-body"),
                ):
                    # Rich renderables (never strings with markup) go into these.
                    yield Static(id=f"reports-{tab}", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Reports")
        self.sub_title = ""
        # The tabs change with 1-5 (and a click): arrows and brackets stay the period's keys.
        self.query_one(Tabs).can_focus = False
        self._focus_tab()
        self._start_reading()

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

    def _first_choice(self, pipeline_id: int, owner_id: int | None) -> ReportsChoice:
        return ReportsChoice(pipeline_id, owner_id)

    def _fetch(self, choice: ReportsChoice, period: Period) -> ReportSet:
        return read_reports(self._services, choice, period, self._zone, self._currency)

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, reports: ReportSet) -> None:
        zone = self._zone
        previous = period_label(reports.kpi.previous_start, reports.kpi.previous_end, zone)
        compared = Text(_("against the period before: {dates}").format(dates=previous), style="dim")
        self._update("kpis", Group(compared, Text(), KpiTiles(reports.kpi, zone, heading=False)))
        self._update(
            "forecast",
            Group(
                ForecastChart(reports.forecast, heading=False),
                Text(),
                Text(_("Win odds by stage"), style="bold"),
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
                Text(_("A plan belongs to one pipeline: press p to choose one."), style="dim"),
            )
            return
        heading = Text(month_label(plan.month), style="bold")
        if plan.owner_login is None:
            whose = _("the plan of the team")
        else:
            whose = _("the plan of {owner}").format(owner=plan.owner_login)
        heading.append(SEPARATOR)
        heading.append_text(safe_text(whose))
        chart = PlanChart(plan, heading=False, no_plan_hint=PLAN_HINT)
        self._update("plan", Group(heading, chart))

    def _draw_team(self, reports: ReportSet) -> None:
        column = team_column(self.sort_by).heading.format(currency=reports.team.currency)
        if self.descending:
            order = _("sorted by {column}, most first (s: next column, S: reverse)")
        else:
            order = _("sorted by {column}, least first (s: next column, S: reverse)")
        sort = Text(order.format(column=column), style="dim")
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

    # --- the keys --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sort", "reverse"):
            return self.tab == "team"
        return True

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab}"

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
            tell(self, _("A plan belongs to one pipeline: press p to choose one first."), "warning")
            return
        self._set_plan(choice, known)

    @work(group="report-confirm")
    async def _set_plan(self, choice: ReportsChoice, known: BoardContext) -> None:
        assert choice.pipeline_id is not None
        period = choice.days(self._today())
        plan = self.reports.plan if self.reports is not None else None
        shown = plan is not None and self.reports is not None and self.reports.choice == choice
        services = self._services
        modal = PlanModal(
            pipeline_id=choice.pipeline_id,
            pipeline_name=pipeline_name(known, choice.pipeline_id),
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


def _saved_message(saved: PlanLine) -> str:
    when = month_label(saved.month)
    fields = {"owner": saved.owner_login, "pipeline": saved.pipeline_name, "month": when}
    team = saved.owner_login is None
    if saved.amount is None:
        if team:
            return _("No plan for the team in {pipeline} from {month} on").format(**fields)
        return _("No plan for {owner} in {pipeline} from {month} on").format(**fields)
    amount = format_money(saved.amount, compact=True)
    if team:
        message = _("Plan set: {amount} a month for the team in {pipeline} from {month} on")
    else:
        message = _("Plan set: {amount} a month for {owner} in {pipeline} from {month} on")
    return message.format(amount=amount, **fields)
