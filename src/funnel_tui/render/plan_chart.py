"""The reference funnel beside the actual one (DESIGN.md, Screens 5; "Reference funnel"):
per stage, the deals of the month's cohort that reached it drawn over the number the plan
needs there, so a shortfall shows as the ░ left over; then the plan, what was won and the
share of the plan that makes.

Shortfalls are numbers in their own column and ✓ where the plan is met, not only colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rich.console import Console, RenderableType
from rich.text import Text

from funnel_tui.analytics.metrics_model import PlanReport, PlanStage
from funnel_tui.i18n import N_, _, ngettext, pgettext
from funnel_tui.render.chart_parts import (
    BAR,
    MUTED,
    TRACK,
    UNDEFINED,
    BarRow,
    ReportChart,
    bars,
    deals,
    flow,
    number,
    scope_parts,
    side_bars,
    stacked_bars,
    wrapped,
)
from funnel_tui.render.format import date_in_words, format_money
from funnel_tui.render.funnel_chart import format_conversion
from funnel_tui.render.safe import fill, safe_text

REACHED_STYLE = "cyan"
WON_STYLE = "green"
SHORT_STYLE = "red"
MET = "✓"
CONFIGURED_MARK = "*"
"""After odds that are the stage's configured probability (nothing measured)."""
MONTH_FORMAT = "%B %Y"
MONTH_PATTERN = "LLLL y"
"""The same in other languages (CLDR, LDML): `ноябрь 2026`."""
NO_PLAN_HINT = N_("set one with `funnel plan set`")
"""What to do about a missing plan, on the command line; the app passes its own key
(translated where shown, so a hint marked with `N_` is translated too)."""
HEADINGS = (N_("reached"), N_("needed"), N_("short"), N_("odds"))
"""The figures' column headings (translated where shown)."""


def month_label(month: date) -> str:
    return date_in_words(month, MONTH_FORMAT, MONTH_PATTERN)


class PlanChart(ReportChart):
    """A `PlanReport`: the plan's fulfilment, then required against actual per stage."""

    def __init__(
        self, report: PlanReport, *, heading: bool = True, no_plan_hint: str = NO_PLAN_HINT
    ) -> None:
        """`heading`: start with the pipeline, the month and the owner (False where the
        screen says them). `no_plan_hint`: how to set a plan, said when none is set."""
        self.report = report
        self.heading = heading
        self.no_plan_hint = no_plan_hint

    def _heading(self) -> list[Text]:
        report = self.report
        month = month_label(report.month)
        return scope_parts(_("Plan"), report.pipeline_name, report.owner_login, period=month)

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        report = self.report
        yield from self._summary(console, width)
        yield Text()
        planned = report.required_wins is not None
        if planned:
            yield from flow(_legend(), width)
        yield from _stage_lines(report, width, planned=planned)
        if planned and any(stage.required is None for stage in report.stages):
            said = _("{mark} needed: the stage's odds of a win are 0").format(mark=UNDEFINED)
            note = Text(said, MUTED)
            yield from wrapped(note, console, width)
        if planned and not all(stage.measured for stage in report.stages):
            said = _(
                "{mark} the stage's set probability: no closed deals to measure its odds from"
            ).format(mark=CONFIGURED_MARK)
            note = Text(said, MUTED)
            yield from wrapped(note, console, width)

    def _summary(self, console: Console, width: int) -> Iterator[Text]:
        report = self.report
        won = Text(
            _("won {amount} ({deals})").format(
                amount=format_money(report.won_amount, compact=True), deals=deals(report.won)
            )
        )
        if report.plan is None:
            yield from flow([won], width)
            note = fill(
                _("No plan for {month}: {hint}"),
                "bold",
                month=month_label(report.month),
                hint=safe_text(_(self.no_plan_hint), ""),
            )
            yield from wrapped(note, console, width)
            return
        fulfilment = Text(
            _("{share} of plan").format(share=format_conversion(report.fulfilment)), "bold"
        )
        plan = Text(_("plan {amount}").format(amount=format_money(report.plan, compact=True)))
        yield from flow([plan, won, fulfilment], width)
        progress = BarRow(
            labels=(),
            value=report.won_amount.minor,
            track=report.plan.minor,
            style=WON_STYLE,
            figures=(Text(format_conversion(report.fulfilment)),),
        )
        yield from bars([progress], width)
        if report.average_deal_size is None:
            note = Text(
                _(
                    "No deal won in the 12 months before: no average deal size to work the "
                    "needed deals back from."
                ),
                MUTED,
            )
            yield from wrapped(note, console, width)
        elif report.required_wins is not None:
            average = format_money(report.average_deal_size, compact=True)
            needed = ngettext("{n} win needed", "{n} wins needed", report.required_wins)
            yield from flow(
                [
                    Text(_("average deal {amount} (12 months)").format(amount=average)),
                    Text(needed.format(n=number(report.required_wins)), "bold"),
                ],
                width,
            )


def _legend() -> list[Text]:
    return [
        Text.assemble((BAR, REACHED_STYLE), " " + _("reached")),
        Text.assemble((TRACK, MUTED), " " + _("still needed for the plan")),
    ]


def _stage_lines(report: PlanReport, width: int, *, planned: bool) -> list[Text]:
    """With the odds column while the bars keep room enough, then without it (reached,
    needed and short say the plan: those stay), then stacked."""
    headings = tuple(_(heading) for heading in (HEADINGS if planned else HEADINGS[:1]))
    rows = _rows(report, planned=planned)
    for count in (4, 3) if planned else (1,):
        kept = [_keep(row, count) for row in rows]
        lines = side_bars(kept, width, headings=headings[:count], label_heading=_("stage"))
        if lines is not None:
            return lines
    return stacked_bars(rows, width)


def _keep(row: BarRow, count: int) -> BarRow:
    return BarRow(
        labels=row.labels,
        value=row.value,
        style=row.style,
        track=row.track,
        figures=row.figures[:count],
        stacked_figures=row.stacked_figures,
    )


def _rows(report: PlanReport, *, planned: bool) -> list[BarRow]:
    rows = [_stage_row(stage, planned=planned) for stage in report.stages]
    required = report.required_wins
    deficit = None if required is None else max(0, required - report.won)
    rows.append(
        _row(
            Text(pgettext("kpi", "Won"), WON_STYLE),
            actual=report.won,
            required=required,
            deficit=deficit,
            odds=Text(),
            style=WON_STYLE,
            planned=planned,
        )
    )
    return rows


def _stage_row(stage: PlanStage, *, planned: bool) -> BarRow:
    odds = Text(format_conversion(stage.win_odds))
    if stage.win_odds is not None and not stage.measured:
        odds.append(CONFIGURED_MARK)
    return _row(
        safe_text(stage.name),
        actual=stage.actual,
        required=stage.required,
        deficit=stage.deficit,
        odds=odds,
        style=REACHED_STYLE,
        planned=planned,
    )


def _row(
    name: Text,
    *,
    actual: int,
    required: int | None,
    deficit: int | None,
    odds: Text,
    style: str,
    planned: bool,
) -> BarRow:
    needed = UNDEFINED if required is None else number(required)
    if deficit is None:
        short = Text(UNDEFINED, MUTED)
    elif deficit == 0:
        short = Text(MET, WON_STYLE)
    else:
        short = Text(number(deficit), SHORT_STYLE)
    if not planned:
        return BarRow(
            labels=(name,),
            value=actual,
            style=style,
            figures=(Text(number(actual)),),
            stacked_figures=(
                Text(ngettext("{n} reached", "{n} reached", actual).format(n=number(actual))),
            ),
        )
    stacked_short = (
        short.copy()
        if deficit is None or deficit == 0
        else Text(ngettext("{n} short", "{n} short", deficit).format(n=number(deficit)))
    )
    stacked_short.stylize(short.style)
    return BarRow(
        labels=(name,),
        value=actual,
        style=style,
        track=required or 0,
        figures=(Text(number(actual)), Text(needed), short, odds),
        stacked_figures=(
            Text(_("{actual} of {needed}").format(actual=number(actual), needed=needed)),
            stacked_short,
        ),
    )
