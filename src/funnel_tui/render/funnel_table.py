"""The funnel's numbers as Rich tables (beside the chart, in the app and in `funnel report`):
one row per open stage, and the losses by stage and reason."""

from __future__ import annotations

from fractions import Fraction

from rich import box
from rich.table import Table
from rich.text import Text

from funnel_tui.analytics.funnel_model import FunnelReport, FunnelView
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _, ngettext
from funnel_tui.render.chart_parts import number
from funnel_tui.render.funnel_chart import format_conversion
from funnel_tui.render.locale_format import format_amount
from funnel_tui.render.safe import safe_text


def percent(ratio: Fraction | None) -> str:
    """The same rounding as the chart, so a conversion reads the same in both."""
    return format_conversion(ratio)


NARROW = 72
"""Below this width the table keeps the counts and drops the money (the chart shows it)."""


def stage_table(report: FunnelReport, width: int = 80) -> Table:
    cohort = report.view is FunnelView.COHORT
    wide = width >= NARROW
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column(_("stage"), no_wrap=True, overflow="ellipsis", min_width=8, ratio=1)
    for header in (
        _("reached") if wide else _("reach"),
        _("→ next") if wide else _("conv"),
        _("lost"),
    ):
        table.add_column(header, justify="right", no_wrap=True)
    # The cohort's deals open at the stage now, or (snapshot) every open deal there.
    table.add_column(_("open now") if cohort and wide else _("open"), justify="right", no_wrap=True)
    if wide:
        table.add_column(report.currency, justify="right", no_wrap=True)
        table.add_column(_("weighted"), justify="right", no_wrap=True)
    bottleneck = report.bottleneck.index if report.bottleneck else None
    for index, stage in enumerate(report.stages):
        name = safe_text(stage.name, "bold" if stage.is_key else "")
        if stage.is_key:
            name = Text("★ ", style="bold") + name
        conversion = Text(percent(stage.conversion_to_next))
        if index == bottleneck:
            conversion = Text("⚠ ", style="bold red") + conversion
            conversion.stylize("bold red")
        count = Text(number(stage.count))
        if index in report.inverse_at:
            count = Text("▲ ", style="yellow") + count
        cells: list[Text | str] = [
            name,
            number(stage.reached),
            conversion,
            number(stage.dropoff) if stage.dropoff else "",
            count,
        ]
        if wide:
            cells += [
                _amount(stage.amount.minor, report),
                _amount(stage.weighted_amount.minor, report),
            ]
        table.add_row(*cells)
    won_cells: list[Text | str] = [
        safe_text(report.won_stage_name, "green"),
        number(report.won),
    ]
    table.add_row(*won_cells, *[""] * (len(table.columns) - 2))
    return table


def _amount(minor: int, report: FunnelReport) -> str:
    """The amount without its currency code (the column header names it)."""
    return format_amount(Money(minor, report.currency), compact=True)


def loss_table(report: FunnelReport) -> Table | None:
    """Losses by the stage deals dropped off at and their reason; None when there are none."""
    if not report.losses:
        return None
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(_("lost after"), no_wrap=True, overflow="ellipsis", min_width=8, ratio=1)
    table.add_column(_("reason"), no_wrap=True, overflow="ellipsis", min_width=8, ratio=1)
    table.add_column(_("deals"), justify="right", no_wrap=True)
    table.add_column(report.currency, justify="right", no_wrap=True)
    previous = None
    for loss in report.losses:
        stage = report.stages[loss.stage_index].name
        table.add_row(
            safe_text(stage if stage != previous else ""),
            safe_text(loss.reason) if loss.reason else Text(_("no reason"), style="dim"),
            number(loss.count),
            _amount(loss.amount.minor, report),
        )
        previous = stage
    return table


def summary_line(report: FunnelReport) -> Text:
    """Whole-funnel conversion, the cohort, the bottleneck and the inverse-funnel flag."""
    line = Text()
    first = report.stages[0].reached
    whole = _("Whole funnel: {conversion}").format(conversion=percent(report.whole_conversion))
    line.append(whole, style="bold")
    # Four counts in one sentence: the translation says them without plural forms.
    figures = _(
        "({won} won of {reached} reached the first stage; "
        "{created} created in the period, {lost} lost)"
    ).format(
        won=number(report.won),
        reached=number(first),
        created=number(report.cohort_size),
        lost=number(report.lost),
    )
    line.append(f" {figures}")
    if report.bottleneck is not None:
        bottleneck = report.bottleneck
        line.append("\n" + _("Bottleneck:") + " ", style="bold")
        line.append_text(safe_text(bottleneck.from_name))
        line.append(" → ")
        line.append_text(safe_text(bottleneck.to_name))
        line.append(f" ({percent(bottleneck.conversion)})")
    if report.inverse:
        names = ", ".join(report.stages[index].name for index in report.inverse_at)
        line.append("\n" + _("Inverse funnel:") + " ", style="bold yellow")
        # English as before ("hold" for one stage too): the screens' snapshots say so.
        said = ngettext(
            "{stages} hold more deals than an earlier stage",
            "{stages} hold more deals than an earlier stage",
            len(report.inverse_at),
        )
        line.append_text(safe_text(said.format(stages=names)))
    if report.other_currencies:
        note = _("Amounts in {currency}; deals in {currencies} are counted but not summed.")
        said = note.format(currency=report.currency, currencies=", ".join(report.other_currencies))
        line.append_text(Text("\n" + said, style="dim"))
    return line
