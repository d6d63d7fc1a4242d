"""The funnel chart (DESIGN.md, Screens 4): a Rich renderable for the app, the CLI and `rich.print`.

One centred bar per open stage, as long as its count (`reached` in the cohort view, open
deals now in the snapshot view), the figures beside it, and the conversion to the next stage
on the line between two bars. Every mark is a character as well as a colour (★ key stage,
⚠ bottleneck, ▲ inverse), so the chart reads the same under NO_COLOR or on a dumb terminal.

Wide enough, the figures sit in aligned columns to the right of the bars; narrower, each
stage takes its name and count on one line, its bar on the next and its other figures under
that, so nothing is ever cut except overlong names (with "…").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from funnel_tui.analytics.funnel_model import FunnelReport, FunnelView, StageFigures
from funnel_tui.domain.date_format import format_range
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.chart_parts import (
    MUTED,
    currency_note,
    deals,
    finish,
    fit,
    flow,
    number,
    round_half_up,
    wrapped,
)
from funnel_tui.render.format import format_money
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import fill, safe_text

BAR = "█"
ZERO_BAR = "│"
"""A stage nobody reached keeps its row: a thin line where the bar would be."""
KEY_MARK = "★"
INVERSE_MARK = "▲"
BOTTLENECK_MARK = N_("⚠ bottleneck")
"""Translated where shown."""
UNDEFINED = "—"
"""A ratio of 0/0 (DESIGN.md: shown as "—", never as 0 %)."""

MIN_SIDE_BAR = 16
"""Narrower bars than this say too little: the figures go on their own lines instead."""
MIN_WIDTH = 20
GAP = "  "

BAR_STYLE = "cyan"
KEY_STYLE = "bold yellow"
WON_STYLE = "green"
BOTTLENECK_STYLE = "bold red"
INVERSE_STYLE = "yellow"


def format_conversion(value: Fraction | None) -> str:
    """A conversion as people read it: whole percents (`63 %`), one decimal under 10 % where
    small differences matter (`4.5 %`), `<0.1 %` and `>99 %` rather than rounding a
    non-zero to 0 or a shortfall to 100, and `—` for an undefined 0/0. Halves round up."""
    if value is None:
        return UNDEFINED
    if value == 0 or value >= 1:
        return f"{format_number(round_half_up(value * 100))} %"
    tenths = round_half_up(value * 1000)
    if tenths == 0:
        return f"<{format_number(Decimal('0.1'), decimals=1)} %"
    if tenths < 100:
        return f"{format_number(Decimal(tenths) / 10, decimals=1)} %"
    percent = round_half_up(value * 100)
    return ">99 %" if percent == 100 else f"{percent} %"


@dataclass(frozen=True, slots=True)
class _Row:
    """One bar of the chart, with everything said about it in either layout."""

    name: Text
    key: bool
    inverse: bool
    value: int
    bar_style: str
    cells: tuple[str, ...]
    """Side layout: one figure per column heading."""
    headline: str
    """Stacked layout: the main figure, beside the name."""
    details: tuple[str, ...]
    """Stacked layout: the other figures, on their own line."""
    step: Text | None
    """The conversion to the next row, shown between the two bars."""


@dataclass(frozen=True, slots=True)
class _SideLayout:
    """Cell widths of the side layout, left to right."""

    mark: int
    name: int
    bar: int
    headings: tuple[str, ...]
    columns: tuple[int, ...]

    @property
    def lead(self) -> int:
        """Where the bar area starts."""
        return self.mark + self.name + len(GAP)


class FunnelChart:
    """A `FunnelReport` drawn as a funnel, fitted to whatever width it is given."""

    def __init__(
        self, report: FunnelReport, zone: tzinfo | None = None, *, heading: bool = True
    ) -> None:
        """`zone`: where the period's days are told (None: the system's local zone); the
        report's bounds are instants, its days are local (DESIGN.md). `heading`: start
        with the pipeline, view, period and owner (False where the screen says them)."""
        self.report = report
        self.zone = zone
        self.heading = heading

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(MIN_WIDTH, options.max_width), options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        rows = _rows(self.report)
        if self.heading:
            yield from flow(_header_parts(self.report, self.zone), width)
            yield Text()
        layout = _side_layout(rows, self.report.view, width)
        if layout is None:
            yield from _stacked(rows, width)
        else:
            yield from _side(rows, layout, width)
        yield Text()
        yield from flow(_footer_parts(self.report), width)
        yield from _notes(self.report, console, width)


# Building the rows


def _rows(report: FunnelReport) -> list[_Row]:
    cohort = report.view is FunnelView.COHORT
    last = len(report.stages) - 1
    rows = [
        _stage_row(report, index, stage, last_step_to_won=not cohort and index == last)
        for index, stage in enumerate(report.stages)
    ]
    if cohort:
        rows.append(
            _Row(
                name=safe_text(report.won_stage_name, WON_STYLE),
                key=False,
                inverse=False,
                value=report.won,
                bar_style=WON_STYLE,
                cells=(number(report.won), "", "", ""),
                headline=ngettext("{n} won", "{n} won", report.won).format(n=number(report.won)),
                details=(),
                step=None,
            )
        )
    return rows


def _stage_row(
    report: FunnelReport, index: int, stage: StageFigures, *, last_step_to_won: bool
) -> _Row:
    amount = format_money(stage.amount, compact=True)
    cells: tuple[str, ...]
    details: tuple[str, ...]
    if report.view is FunnelView.COHORT:
        value = stage.reached
        cells = (number(stage.reached), number(stage.count), amount, number(stage.dropoff))
        headline = ngettext("{n} reached", "{n} reached", stage.reached).format(
            n=number(stage.reached)
        )
        details = (
            ngettext("{n} open", "{n} open", stage.count).format(n=number(stage.count)),
            amount,
            ngettext("{n} lost", "{n} lost", stage.dropoff).format(n=number(stage.dropoff)),
        )
    else:
        value = stage.count
        weighted = format_money(stage.weighted_amount, compact=True)
        cells = (number(stage.count), amount, weighted)
        headline = deals(stage.count)
        details = (amount, _("weighted {amount}").format(amount=weighted))
    return _Row(
        name=safe_text(stage.name, "bold" if stage.is_key else ""),
        key=stage.is_key,
        inverse=index in report.inverse_at,
        value=value,
        bar_style=KEY_STYLE if stage.is_key else BAR_STYLE,
        cells=cells,
        headline=headline,
        details=details,
        step=_step(report, index, stage, to_won=last_step_to_won),
    )


def _step(report: FunnelReport, index: int, stage: StageFigures, *, to_won: bool) -> Text:
    conversion = format_conversion(stage.conversion_to_next)
    if to_won:
        # The snapshot view draws no won bar: say where the last conversion leads.
        step = fill(
            _("↓ {conversion} to {stage}"),
            conversion=conversion,
            stage=safe_text(report.won_stage_name),
        )
    else:
        step = Text(f"↓ {conversion}")
    if report.bottleneck is not None and report.bottleneck.index == index:
        step.append(" ")
        step.append(_(BOTTLENECK_MARK), BOTTLENECK_STYLE)
    return step


# Side layout: names, bars, then the figures in aligned columns


COHORT_HEADINGS = (N_("reached"), N_("open"), N_("amount"), N_("lost"))
HEADINGS = (N_("deals"), N_("amount"), N_("weighted"))
"""The figures' column headings in each view (translated where shown)."""


def _side_layout(rows: Sequence[_Row], view: FunnelView, width: int) -> _SideLayout | None:
    """Widths leaving the bars at least `MIN_SIDE_BAR` cells, dropping the snapshot's
    weighted amount if need be; None when even that leaves too little."""
    headings = tuple(
        _(heading) for heading in (COHORT_HEADINGS if view is FunnelView.COHORT else HEADINGS)
    )
    mark = 2 if any(row.key for row in rows) else 0
    name = min(max(_name_width(row) for row in rows), max(10, width // 5))
    fewest = len(headings) if view is FunnelView.COHORT else len(headings) - 1
    for count in range(len(headings), fewest - 1, -1):
        columns = tuple(
            max(cell_len(headings[i]), *(cell_len(row.cells[i]) for row in rows))
            for i in range(count)
        )
        bar = width - mark - name - len(GAP) - sum(len(GAP) + column for column in columns)
        if bar >= MIN_SIDE_BAR:
            return _SideLayout(mark, name, bar, headings[:count], columns)
    return None


def _side(rows: Sequence[_Row], layout: _SideLayout, width: int) -> Iterator[Text]:
    headings = Text(" " * (layout.lead + layout.bar))
    for heading, column in zip(layout.headings, layout.columns, strict=True):
        headings.append(GAP + " " * (column - cell_len(heading)) + heading, MUTED)
    yield finish(headings, width)
    largest = max(row.value for row in rows)
    for row in rows:
        line = _mark(row) if layout.mark else Text()
        line.append_text(fit(_name(row, layout.name), layout.name))
        line.append(GAP)
        line.append_text(_bar(row, largest, layout.bar))
        # zip stops at the kept columns: a dropped column's figure is not shown.
        for cell, column in zip(row.cells, layout.columns, strict=False):
            line.append(GAP + " " * (column - cell_len(cell)) + cell)
        yield finish(line, width)
        if row.step is not None:
            yield finish(_centred(row.step, layout.lead, layout.bar), width)


# Stacked layout: name and count, then the bar, then the other figures


def _stacked(rows: Sequence[_Row], width: int) -> Iterator[Text]:
    largest = max(row.value for row in rows)
    indent = 2 if any(row.key for row in rows) else 0
    for row in rows:
        head = _mark(row) if indent else Text()
        headline = Text(row.headline)
        name_width = max(1, width - indent - 1 - cell_len(row.headline))
        head.append_text(fit(_name(row, name_width), name_width))
        head.append(" ")
        head.append_text(headline)
        yield finish(head, width)
        yield finish(_bar(row, largest, width), width)
        for line in flow([Text(detail) for detail in row.details], width - indent):
            line.stylize(MUTED)
            yield finish(Text(" " * indent) + line, width)
        if row.step is not None:
            yield finish(_centred(row.step, 0, width), width)


# Pieces shared by both layouts


def _bar(row: _Row, largest: int, width: int) -> Text:
    """The row's bar centred in exactly `width` cells, the largest bar filling them; a
    non-zero count always shows at least one cell, so a small stage never looks empty."""
    if row.value == 0 or largest == 0:
        bar = Text(ZERO_BAR, MUTED)
    else:
        bar = Text(BAR * max(1, round(Fraction(row.value * width, largest))), row.bar_style)
    return fit(_centred(bar, 0, width), width)


def _mark(row: _Row) -> Text:
    # A span, not the Text's base style: the rest of the line is appended to this Text.
    return Text.assemble((KEY_MARK, KEY_STYLE), " ") if row.key else Text("  ")


def _name(row: _Row, width: int) -> Text:
    """The stage name cut to fit `width` with the inverse mark (if any) kept after it."""
    if not row.inverse:
        return row.name.copy()
    name = fit(row.name, max(1, width - 2))
    name.rstrip()
    name.append(f" {INVERSE_MARK}", INVERSE_STYLE)
    return name


def _name_width(row: _Row) -> int:
    return cell_len(row.name.plain) + (2 if row.inverse else 0)


def _centred(text: Text, lead: int, width: int) -> Text:
    """`text` centred in `width` cells after `lead` cells; longer text runs on to the right."""
    spare = max(0, width - cell_len(text.plain))
    return Text(" " * (lead + spare // 2)) + text


def _header_parts(report: FunnelReport, zone: tzinfo | None) -> list[Text]:
    first_day = report.start.astimezone(zone).date()
    last_day = (report.end - timedelta(microseconds=1)).astimezone(zone).date()
    return [
        safe_text(report.pipeline_name, "bold"),
        Text(_("cohort view") if report.view is FunnelView.COHORT else _("snapshot view")),
        Text(format_range(first_day, last_day)),
        safe_text(report.owner_login) if report.owner_login is not None else Text(_("all owners")),
    ]


def _footer_parts(report: FunnelReport) -> list[Text]:
    whole = _("whole funnel {conversion}").format(
        conversion=format_conversion(report.whole_conversion)
    )
    parts = [Text(whole)]
    if report.view is FunnelView.COHORT:
        cohort = ngettext("{n} deal in the cohort", "{n} deals in the cohort", report.cohort_size)
        parts.append(Text(cohort.format(n=number(report.cohort_size))))
        # Two counts in one phrase: the translation says them without plural forms.
        closed = _("{won} won, {lost} lost")
        parts.append(Text(closed.format(won=number(report.won), lost=number(report.lost))))
    else:
        open_now = sum(stage.count for stage in report.stages)
        phrase = ngettext("{n} deal open", "{n} deals open", open_now)
        parts.append(Text(phrase.format(n=number(open_now))))
    if report.key_index is not None:
        parts.append(Text(_("{mark} key stage").format(mark=KEY_MARK), KEY_STYLE))
    return parts


def _notes(report: FunnelReport, console: Console, width: int) -> Iterator[Text]:
    """What the marks and amounts leave unsaid, one muted line each (wrapped if narrow)."""
    if report.inverse:
        said = _(
            "{mark} inverse funnel: these stages hold more open deals than an earlier one"
        ).format(mark=INVERSE_MARK)
        # The words up to the colon are the mark's name, in the mark's colour.
        name, colon, rest = said.partition(":")
        if not colon:
            name, rest = "", said
        note = Text.assemble((name + colon, INVERSE_STYLE), (rest, MUTED))
        yield from wrapped(note, console, width)
    currencies = currency_note(report.currency, report.other_currencies)
    if currencies is not None:
        yield from wrapped(currencies, console, width)
