"""Loss reasons as bars (DESIGN.md, Screens 5): the deals lost in the period by reason, the
most first, each bar as long as its count, with the count, its share of the losses and the
amount lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from fractions import Fraction

from rich.console import Console, RenderableType
from rich.text import Text

from funnel_tui.analytics.metrics_model import LossReasonFigure, LossReport
from funnel_tui.domain.money import Money
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.chart_parts import (
    MUTED,
    BarRow,
    ReportChart,
    amount,
    bars,
    currency_note,
    deals,
    flow,
    number,
    period_label,
    scope_parts,
    wrapped,
)
from funnel_tui.render.format import format_money
from funnel_tui.render.funnel_chart import format_conversion
from funnel_tui.render.safe import safe_text

BAR_STYLE = "red"
NO_REASON = N_("no reason")
"""Translated where shown."""


class LossBars(ReportChart):
    """A `LossReport` as one bar per reason, fitted to whatever width it is given."""

    def __init__(
        self, report: LossReport, zone: tzinfo | None = None, *, heading: bool = True
    ) -> None:
        """`zone`: where the period's days are told (None: the system's). `heading`: start
        with the pipeline and the period (False where the screen says them)."""
        self.report = report
        self.zone = zone
        self.heading = heading

    def _heading(self) -> list[Text]:
        report = self.report
        period = period_label(report.start, report.end, self.zone)
        return scope_parts(
            _("Loss reasons"), report.pipeline_name, None, period=period, owners=False
        )

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        report = self.report
        if not report.reasons:
            yield Text(_("No deal was lost in this period."), MUTED)
            return
        yield from bars(
            _rows(report),
            width,
            headings=(_("deals"), _("share"), report.currency),
            label_heading="",
        )
        yield from _footer(report, console, width)


def _rows(report: LossReport) -> list[BarRow]:
    total = sum(reason.count for reason in report.reasons)
    return [_row(reason, total) for reason in report.reasons]


def _row(reason: LossReasonFigure, total: int) -> BarRow:
    share = format_conversion(Fraction(reason.count, total) if total else None)
    label = safe_text(reason.reason) if reason.reason is not None else Text(_(NO_REASON), MUTED)
    return BarRow(
        labels=(label,),
        value=reason.count,
        style=BAR_STYLE,
        figures=(Text(number(reason.count)), Text(share, MUTED), Text(amount(reason.amount))),
        stacked_figures=(
            Text(deals(reason.count)),
            Text(share, MUTED),
            Text(format_money(reason.amount, compact=True)),
        ),
    )


def _footer(report: LossReport, console: Console, width: int) -> Iterator[Text]:
    lost = sum(reason.count for reason in report.reasons)
    worth = Money(sum(reason.amount.minor for reason in report.reasons), report.currency)
    yield from flow(
        [
            Text(ngettext("{n} deal lost", "{n} deals lost", lost).format(n=number(lost)), "bold"),
            Text(_("worth {amount}").format(amount=format_money(worth, compact=True))),
        ],
        width,
    )
    note = currency_note(report.currency, report.other_currencies)
    if note is not None:
        yield from wrapped(note, console, width)
