"""The forecast by month (DESIGN.md, Screens 5): per month a pair of bars, the weighted
forecast (configured stage probabilities) and the historical one (win odds measured over the
last 12 months), each with its amount; and the table of those odds, stage by stage.

The two bars differ in character as well as colour (█ weighted, ▒ historical), and a legend
line names them, so the chart reads the same under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from funnel_tui.analytics.metrics_model import ForecastMonth, ForecastReport
from funnel_tui.domain.money import Money
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.chart_parts import (
    MUTED,
    BarRow,
    ReportChart,
    amount,
    bar_scale,
    currency_note,
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
from funnel_tui.render.safe import safe_text

WEIGHTED_GLYPH = "█"
HISTORICAL_GLYPH = "▒"
WEIGHTED_STYLE = "cyan"
HISTORICAL_STYLE = "magenta"
MONTH_FORMAT = "%b %Y"
MONTH_PATTERN = "LLL y"
"""The same in other languages (CLDR, LDML): `нояб. 2026`."""
WEIGHTED = N_("weighted")
HISTORICAL = N_("historical")
WEIGHTED_AMOUNT = N_("weighted {amount}")
HISTORICAL_AMOUNT = N_("historical {amount}")
"""The two kinds of forecast, alone and with an amount (translated where shown)."""


def month_label(month: date) -> str:
    return date_in_words(month, MONTH_FORMAT, MONTH_PATTERN)


class ForecastChart(ReportChart):
    """A `ForecastReport`'s months as bars, fitted to whatever width it is given."""

    def __init__(self, report: ForecastReport, *, heading: bool = True) -> None:
        """`heading`: start with the pipeline, the owner and the months (False where the
        screen says them)."""
        self.report = report
        self.heading = heading

    def _heading(self) -> list[Text]:
        report = self.report
        months = None
        if report.months:
            first, last = report.months[0].month, report.months[-1].month
            months = f"{month_label(first)} – {month_label(last)}"
        parts = scope_parts(_("Forecast"), report.pipeline_name, report.owner_login, period=months)
        parts.append(Text(_("amounts in {currency}").format(currency=report.currency), MUTED))
        return parts

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        report = self.report
        yield from flow(_legend(), width)
        yield Text()
        yield from _month_bars(report.months, width)
        yield Text()
        yield from flow(_totals(report), width)
        for note in _notes(report):
            yield from wrapped(note, console, width)


def _legend() -> list[Text]:
    return [
        Text.assemble((WEIGHTED_GLYPH, WEIGHTED_STYLE), " " + _("weighted (stage probabilities)")),
        Text.assemble((HISTORICAL_GLYPH, HISTORICAL_STYLE), " " + _("historical (measured odds)")),
    ]


def _month_bars(months: Sequence[ForecastMonth], width: int) -> list[Text]:
    """Both bars of every month on one scale, so months and kinds compare at a glance;
    the words "weighted"/"historical" go first when the width is short (the glyphs and the
    legend still tell the bars apart)."""
    named = _rows(months, kinds=True)
    scale = bar_scale(named)
    for rows in (named, _rows(months, kinds=False)):
        lines = side_bars(rows, width, scale=scale)
        if lines is not None:
            return lines
    return stacked_bars(_rows(months, kinds=False), width, scale=scale)


def _rows(months: Sequence[ForecastMonth], *, kinds: bool) -> list[BarRow]:
    rows = []
    for month in months:
        label = Text(month_label(month.month), "bold")
        count = Text(deals(month.deals), MUTED)
        for labels, money, glyph, style, kind, with_amount in (
            ((label,), month.weighted, WEIGHTED_GLYPH, WEIGHTED_STYLE, WEIGHTED, WEIGHTED_AMOUNT),
            (
                (count,),
                month.historical,
                HISTORICAL_GLYPH,
                HISTORICAL_STYLE,
                HISTORICAL,
                HISTORICAL_AMOUNT,
            ),
        ):
            rows.append(
                BarRow(
                    labels=(*labels, Text(_(kind), MUTED)) if kinds else labels,
                    value=money.minor,
                    style=style,
                    glyph=glyph,
                    figures=(Text(amount(money)),),
                    stacked_figures=(Text(_(with_amount).format(amount=amount(money))),),
                )
            )
    return rows


def _totals(report: ForecastReport) -> list[Text]:
    months = report.months
    total = Money(sum(month.amount.minor for month in months), report.currency)
    weighted = Money(sum(month.weighted.minor for month in months), report.currency)
    historical = Money(sum(month.historical.minor for month in months), report.currency)
    due = sum(month.deals for month in months)
    return [
        Text(
            ngettext("{n} deal due to close", "{n} deals due to close", due).format(n=number(due)),
            "bold",
        ),
        Text(_("worth {amount}").format(amount=format_money(total, compact=True))),
        Text(_(WEIGHTED_AMOUNT).format(amount=amount(weighted)), WEIGHTED_STYLE),
        Text(_(HISTORICAL_AMOUNT).format(amount=amount(historical)), HISTORICAL_STYLE),
    ]


def _notes(report: ForecastReport) -> Iterator[Text]:
    """The open deals no month counts, so the totals are not mistaken for the whole pipeline."""
    if report.overdue_deals:
        overdue = ngettext(
            "{n} deal expected to close before these months, still open: in no month",
            "{n} deals expected to close before these months, still open: in no month",
            report.overdue_deals,
        )
        yield Text(overdue.format(n=number(report.overdue_deals)), MUTED)
    if report.undated_deals:
        undated = ngettext(
            "{n} deal with no expected close: in no month",
            "{n} deals with no expected close: in no month",
            report.undated_deals,
        )
        yield Text(undated.format(n=number(report.undated_deals)), MUTED)
    note = currency_note(report.currency, report.other_currencies)
    if note is not None:
        yield note


def odds_table(report: ForecastReport) -> Table:
    """Per open stage: the configured win probability, the odds measured from the deals
    closed over the last 12 months, and how many deals those odds rest on. Stages of several
    pipelines are grouped under each pipeline's name."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column(_("stage"), no_wrap=True, overflow="ellipsis", min_width=8, ratio=1)
    table.add_column(_("set"), justify="right", no_wrap=True)
    table.add_column(_("measured"), justify="right", no_wrap=True)
    table.add_column(_("of deals"), justify="right", no_wrap=True)
    grouped = len({odds.pipeline_name for odds in report.odds}) > 1
    pipeline = None
    for odds in report.odds:
        if grouped and odds.pipeline_name != pipeline:
            table.add_row(safe_text(odds.pipeline_name, "bold"))
            pipeline = odds.pipeline_name
        name = safe_text(odds.stage_name)
        table.add_row(
            Text("  ") + name if grouped else name,
            format_conversion(odds.configured),
            Text(format_conversion(odds.measured), "" if odds.measured is not None else MUTED),
            number(odds.sample),
        )
    return table
