"""DashboardScreen: the wall dashboard (DESIGN.md, Screens 7).

A full screen for a big monitor that runs all day with nobody at the keyboard: this month's
cohort funnel of one pipeline, the key figures in large type (won this month, plan
fulfilment, win rate, open deals, new leads) and the plan beside the actual funnel.

Every `interval` seconds a thread reads the reports again (a teammate's change shows within
one interval); a tick that comes while the previous read is still running is skipped, so a
slow database never piles reads up. The figures are swapped in place (no widget is mounted or
removed, no loading overlay after the first read): nothing flickers. A read that fails says
so in the status line, and the last figures stay on screen until a read succeeds again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from funnel_tui.analytics.funnel import funnel_report
from funnel_tui.analytics.funnel_model import FunnelQuery, FunnelReport, FunnelView
from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.metrics_model import KpiReport, MetricsQuery, PlanQuery, PlanReport
from funnel_tui.analytics.periods import Period, PeriodName, named_period
from funnel_tui.analytics.plan import plan_report
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError, NotFoundError
from funnel_tui.domain.models import Pipeline
from funnel_tui.i18n import N_, _, ngettext, pgettext
from funnel_tui.render.funnel_chart import FunnelChart, format_conversion
from funnel_tui.render.kpi_tiles import kpi_tiles
from funnel_tui.render.locale_format import format_number, format_short_money
from funnel_tui.render.plan_chart import PlanChart, month_label
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.board_model import BoardContext
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.screens.report_screen import SEPARATOR, one_line, read_context
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.key_footer import KeyFooter
from funnel_tui.ui.widgets.kpi_digits import KpiDigits, compact_amount, compact_ratio

DEFAULT_INTERVAL_S = 10.0
"""Seconds between reads unless told otherwise (`funnel dashboard --interval`)."""

LARGE_WIDTH = 110
"""From this many columns (and `LARGE_HEIGHT` rows) the key figures are drawn in large type
and the plan sits beside the funnel; below, they are plain lines, one under the other."""
LARGE_HEIGHT = 32

NO_PLAN_HINT = N_("set one in the app (R, then P) or with `funnel plan set`")
"""Said where no plan is set (PlanChart translates it when drawn)."""


@dataclass(frozen=True, slots=True)
class DashboardStart:
    """What the dashboard shows and how often it reads."""

    pipeline_id: int | None = None
    """None: the pipeline named `pipeline_name`, else the first."""
    owner_id: int | None = None
    """One owner's deals; None: the team's."""
    interval: float = DEFAULT_INTERVAL_S
    """Seconds between reads."""
    pipeline_name: str | None = None
    """A pipeline to look up by name (the config's default pipeline)."""
    standalone: bool = False
    """Started by `funnel dashboard`: nothing to go back to (esc does nothing)."""


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    """One read: everything the dashboard shows."""

    pipeline: Pipeline
    owner_label: str
    period: Period
    funnel: FunnelReport
    kpi: KpiReport
    plan: PlanReport
    read_at: datetime
    read_s: float
    """How long the read took (seconds)."""


def read_figures(
    services: Services, start: DashboardStart, zone: tzinfo, currency: str
) -> DashboardFigures:
    """Read the dashboard's reports (blocking: in a thread). The month is the current one,
    counted from the services' clock at each read, so the dashboard rolls over at midnight
    on the first of a month by itself."""
    began = time.perf_counter()
    known = read_context(services)
    pipeline = _pipeline(known, start)
    now = services.context.clock()
    period = named_period(PeriodName.THIS_MONTH, now.astimezone(zone).date())
    first, end = period.bounds(zone)
    store = services.context.store
    funnel = funnel_report(
        store,
        FunnelQuery(pipeline.id, first, end, start.owner_id),
        FunnelView.COHORT,
        fallback_currency=currency,
    )
    kpi = kpi_report(
        store,
        MetricsQuery(pipeline.id, first, end, start.owner_id),
        now=now,
        zone=zone,
        fallback_currency=currency,
    )
    plan = plan_report(
        store,
        PlanQuery(pipeline.id, period.first, start.owner_id),
        now=now,
        zone=zone,
        fallback_currency=currency,
    )
    return DashboardFigures(
        pipeline=pipeline,
        owner_label=_owner_label(known, start.owner_id),
        period=period,
        funnel=funnel,
        kpi=kpi,
        plan=plan,
        read_at=now,
        read_s=time.perf_counter() - began,
    )


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One of the key figures, as a tile in large type and as a plain line say it."""

    key: str
    """The tile: `won`, `plan`, `win-rate`, `open`, `new`."""
    caption: str
    """Over the figure in large type."""
    short: str
    """Over the figure as a plain line (a fifth of 80 columns)."""
    large: str
    """For `Digits`: digits, `.`, `%`, one letter (`4.35M`, `32%`)."""
    plain: str
    """For a plain line (`₽1,624,000`, `32 %`)."""
    note: Text
    """Under the figure: the change against last month, the count, the plan."""
    narrow: Text | None = None
    """Under the figure as a plain line when `note` does not fit there (the change alone)."""


def key_figures(figures: DashboardFigures) -> tuple[KeyFigure, ...]:
    """Won this month, plan fulfilment, win rate, open deals and new leads, in that order.
    The changes against the previous month are the KPI tiles' (arrows and colours)."""
    kpi, plan = figures.kpi.current, figures.plan
    won, win_rate, opened, new = kpi_tiles(
        figures.kpi, ("won_amount", "win_rate", "open_opportunities", "new_leads")
    )
    won_note = Text(ngettext("{n} deal", "{n} deals", kpi.won).format(n=format_number(kpi.won)))
    won_note.append("  ")
    won_note.append_text(won.change)
    if plan.plan is None:
        plan_note = Text(_("no plan set"), style="dim")
    else:
        plan_note = Text(_("of {amount}").format(amount=format_short_money(plan.plan)))
    currency = kpi.won_amount.currency
    return (
        KeyFigure(
            "won",
            _("Won this month, {currency}").format(currency=currency),
            pgettext("kpi", "Won"),  # the plain line's amount carries its currency sign
            compact_amount(kpi.won_amount),
            won.value,
            won_note,
            won.change.copy(),
        ),
        KeyFigure(
            "plan",
            _("Plan fulfilment"),
            _("Plan"),
            compact_ratio(plan.fulfilment),
            format_conversion(plan.fulfilment),
            plan_note,
        ),
        KeyFigure(
            "win-rate",
            _("Win rate"),
            _("Win rate"),
            compact_ratio(kpi.win_rate),
            win_rate.value,
            win_rate.change,
        ),
        KeyFigure(
            "open",
            _("Open deals"),
            _("Open deals"),
            f"{kpi.open_opportunities}",
            opened.value,
            opened.change,
        ),
        KeyFigure("new", _("New leads"), _("New leads"), f"{kpi.new_leads}", new.value, new.change),
    )


class FirstThatFits:
    """The first of some texts that fits the width it is drawn in (the last, cut, if none
    does): a plain line's note at 80 columns, a fifth of which is ~15 cells."""

    def __init__(self, *texts: Text | None) -> None:
        self.texts = [text for text in texts if text is not None]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        fitting = (text for text in self.texts if text.cell_len <= options.max_width)
        yield next(fitting, self.texts[-1])

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lengths = [text.cell_len for text in self.texts]
        return Measurement(min(lengths), max(lengths))


def _pipeline(known: BoardContext, start: DashboardStart) -> Pipeline:
    if not known.pipelines:
        raise NotFoundError(_("there are no pipelines yet (`funnel demo` creates sample ones)"))
    for pipeline in known.pipelines:
        if pipeline.id == start.pipeline_id:
            return pipeline
    if start.pipeline_name is not None:
        wanted = start.pipeline_name.casefold()
        for pipeline in known.pipelines:
            if pipeline.name.casefold() == wanted:
                return pipeline
    return known.pipelines[0]  # none asked for, or archived since


def _owner_label(known: BoardContext, owner_id: int | None) -> str:
    if owner_id is None:
        return _("the whole team")
    user = next((user for user in known.users if user.id == owner_id), None)
    return user.display_name if user is not None else _("user #{number}").format(number=owner_id)


class DashboardScreen(Localized, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b", "back", N_("Back"), id="dashboard.back"),
        Binding("r", "refresh_now", N_("Refresh"), show=False, id="dashboard.refresh"),
    ]
    DEFAULT_CSS = """
    DashboardScreen #dash-top { height: 1; padding: 0 1; background: $boost; }
    DashboardScreen #dash-title { width: 1fr; height: 1; }
    DashboardScreen #dash-clock { width: auto; height: 1; margin-left: 2; }
    DashboardScreen #dash-body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    DashboardScreen #dash-body Static { height: auto; }
    DashboardScreen #dash-tiles { height: auto; display: none; margin-bottom: 1; }
    DashboardScreen #dash-kpis { width: 1fr; margin-bottom: 1; }
    DashboardScreen #dash-charts { height: auto; layout: vertical; }
    DashboardScreen #dash-charts > Static { width: 1fr; }
    DashboardScreen #dash-plan { margin-top: 1; }
    DashboardScreen .-large #dash-tiles { display: block; }
    DashboardScreen .-large #dash-kpis { display: none; }
    DashboardScreen .-large #dash-charts { layout: horizontal; }
    DashboardScreen .-large #dash-plan { margin-top: 0; margin-left: 2; }
    DashboardScreen #dash-status { height: 1; padding: 0 1; background: $boost; }
    DashboardScreen #dash-status.-error { color: $text-warning; }
    """

    def __init__(self, services: Services | None, currency: str, start: DashboardStart) -> None:
        """`services` None: the app is still opening the database; `use_services` follows."""
        super().__init__()
        self._services = services
        self._currency = currency
        self.start = start
        self._zone = local_zone()
        self.figures: DashboardFigures | None = None
        self.reading = False
        """A read is running: ticks meanwhile are skipped."""
        self.reads = 0
        """How many reads have been shown (tests wait on it)."""
        self.skipped = 0
        """Ticks skipped because the previous read was still running."""
        self.error: str | None = None
        """The last read's error, until a read succeeds."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="dash-top"):
            yield Static(Text(_("Wall dashboard")), id="dash-title", markup=False)
            yield Static(Text(""), id="dash-clock", markup=False)
        with VerticalScroll(id="dash-body"):
            with Horizontal(id="dash-tiles"):
                yield KpiDigits(_("Won this month"), id="tile-won")
                yield KpiDigits(_("Plan fulfilment"), id="tile-plan")
                yield KpiDigits(_("Win rate"), id="tile-win-rate")
                yield KpiDigits(_("Open deals"), id="tile-open")
                yield KpiDigits(_("New leads"), id="tile-new")
            # Rich renderables (never strings with markup) go into these.
            yield Static(id="dash-kpis", markup=False)
            with Horizontal(id="dash-charts"):
                yield Static(id="dash-funnel", markup=False)
                yield Static(id="dash-plan", markup=False)
        yield Static(Text(_("Opening the database…")), id="dash-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Dashboard")
        self._fit(self.size.width, self.size.height)
        self._tick_clock()
        self.set_interval(1.0, self._tick_clock)
        self.set_interval(self.start.interval, self.refresh_figures)
        if self._services is not None:
            self.query_one("#dash-body").loading = True
            self.refresh_figures()

    def use_services(self, services: Services) -> None:
        """The database is open (the app calls this when started on the dashboard)."""
        if self._services is None:
            self._services = services
            self._tick_clock()  # the services' clock from now on
            self.query_one("#dash-body").loading = True
            self.refresh_figures()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        large = width >= LARGE_WIDTH and height >= LARGE_HEIGHT
        self.query_one("#dash-body").set_class(large, "-large")

    @property
    def large(self) -> bool:
        return self.query_one("#dash-body").has_class("-large")

    # --- reading ---------------------------------------------------------------------------

    def refresh_figures(self) -> None:
        """Read the figures again, unless a read is still running (then this tick is
        skipped: the running one will show what is there)."""
        if self._services is None:
            return
        if self.reading:
            self.skipped += 1
            return
        self.reading = True
        self._read(self._services)

    @work(thread=True, group="dashboard-read")
    def _read(self, services: Services) -> None:
        try:
            figures = read_figures(services, self.start, self._zone, self._currency)
        except FunnelError as err:
            self._answer(self._failed, str(err), services)
        except Exception as err:  # noqa: BLE001 - the wall keeps running; said in the status line
            self._answer(self._failed, f"{type(err).__name__}: {err}", services)
        else:
            self._answer(self._show, figures)

    def _answer(self, handler: Callable[..., None], *args: object) -> None:
        """Hand a read's outcome to the UI thread, unless the screen has gone meanwhile."""
        if not get_current_worker().is_cancelled:
            call_back(self, handler, *args)

    def _show(self, figures: DashboardFigures) -> None:
        if not self.is_attached:
            return  # closed while the read ran
        self.reading = False
        self.error = None
        before, self.figures = self.figures, figures
        self.query_one("#dash-body").loading = False
        self._draw(figures, before)
        self.reads += 1

    def _failed(self, message: str, services: Services) -> None:
        if not self.is_attached:
            return
        self.reading = False
        self.error = message
        self.query_one("#dash-body").loading = False
        when = _clock_text(services.context.clock(), self._zone)
        line = Text(_("⚠ refresh failed at {time}: ").format(time=when), style="bold")
        line.append_text(safe_text(message))
        if self.figures is not None:
            shown = _clock_text(self.figures.read_at, self._zone)
            line.append(SEPARATOR + _("showing the figures of {time}").format(time=shown))
        self._status(line, error=True)

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, figures: DashboardFigures, before: DashboardFigures | None) -> None:
        """Redraw the parts whose figures changed since `before` (None: all of them). A
        refresh that finds nothing new repaints only the status line: a few dozen bytes to
        the terminal instead of the whole screen, every few seconds all day."""

        def changed(part: Callable[[DashboardFigures], object]) -> bool:
            return before is None or part(before) != part(figures)

        if changed(lambda f: (f.pipeline.name, f.owner_label, f.period)):
            title = safe_text(figures.pipeline.name, "bold")
            title.append(f"{SEPARATOR}{clean(figures.owner_label)}{SEPARATOR}")
            title.append(month_label(figures.period.first))
            self._update("#dash-title", one_line(title))
            self.sub_title = clean(figures.pipeline.name)
        if changed(lambda f: (f.kpi, f.plan, f.period)):
            self._draw_kpis(figures)
        if changed(lambda f: f.funnel):
            funnel = figures.funnel
            chart: RenderableType
            if funnel.stages:
                chart = FunnelChart(funnel, self._zone, heading=False)
            else:
                chart = Text(_("This pipeline has no open stages."))
            heading = Text(_("Funnel of the deals created this month"), style="bold")
            self._update("#dash-funnel", Group(heading, chart))
        if changed(lambda f: f.plan):
            plan = PlanChart(figures.plan, heading=False, no_plan_hint=NO_PLAN_HINT)
            self._update("#dash-plan", Group(Text(_("Plan for the month"), style="bold"), plan))
        every = _seconds(self.start.interval)
        updated = _clock_text(figures.read_at, self._zone)
        status = Text(_("updated {time}").format(time=updated))
        status.append(
            SEPARATOR + _("refreshes every {interval}").format(interval=every), style="dim"
        )
        self._status(status, error=False)

    def _draw_kpis(self, figures: DashboardFigures) -> None:
        shown = key_figures(figures)
        for figure in shown:
            tile = self.query_one(f"#tile-{figure.key}", KpiDigits)
            tile.show(figure.large, figure.note.copy(), figure.caption)
        # The same figures as plain lines, for a terminal too small for large type.
        grid = Table.grid(expand=True, padding=(0, 1))
        for _figure in shown:
            grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_row(*(Text(figure.short, style="dim") for figure in shown))
        grid.add_row(*(Text(figure.plain, style="bold") for figure in shown))
        grid.add_row(*(FirstThatFits(figure.note, figure.narrow) for figure in shown))
        self._update("#dash-kpis", grid)

    def _tick_clock(self) -> None:
        services = self._services
        now = services.context.clock() if services is not None else datetime.now(self._zone)
        self._update("#dash-clock", Text(_clock_text(now, self._zone)))

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    def _status(self, text: Text, *, error: bool) -> None:
        status = self.query_one("#dash-status", Static)
        status.set_class(error, "-error")
        status.update(one_line(text))

    # --- the keys --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Started on its own (`funnel dashboard`): nothing to go back to; q quits.
        return not (action == "back" and self.start.standalone)

    def action_back(self) -> None:
        if not self.start.standalone:
            self.dismiss(None)

    def action_refresh_now(self) -> None:
        self.refresh_figures()


def _clock_text(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M:%S")


def _seconds(interval: float) -> str:
    return _("{seconds} s").format(seconds=f"{interval:g}")
