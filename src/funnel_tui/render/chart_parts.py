"""What the report charts share (KPI tiles, forecast, plan, team, losses): lines fitted to a
width, labelled horizontal bars that fall back to a stacked layout when the width is short,
the scope line each report starts with (`ReportChart`), and the figures' plain-text forms.

Every mark is a character as well as a colour (█ ░ ▒ ▲ ▼ ✓), so the charts read the same
under NO_COLOR; everything that came from data arrives here as `Text` built by `safe_text`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

from funnel_tui.domain.date_format import format_range
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _, ngettext
from funnel_tui.render.locale_format import format_amount, format_number
from funnel_tui.render.safe import fill, safe_text

BAR = "█"
TRACK = "░"
"""The part of a target a bar has not reached yet (the plan's still-needed deals)."""
ZERO_BAR = "│"
"""A zero keeps its row: a thin line where the bar would be (as in the funnel chart)."""
UNDEFINED = "—"
"""A figure of 0/0 or of nothing (DESIGN.md: shown as "—", never as 0)."""

GAP = "  "
SEPARATOR = " · "
MUTED = "dim"
MIN_BAR = 12
"""Narrower bars than this say too little: the figures go on their own line instead."""
MIN_WIDTH = 20


# --- lines ---------------------------------------------------------------------------------


def fit(text: Text, width: int) -> Text:
    """`text` cut with "…" or padded with spaces to exactly `width` cells."""
    fitted = text.copy()
    if cell_len(fitted.plain) > width:
        fitted.truncate(max(0, width - 1), overflow="crop")
        fitted.rstrip()  # "Proposal…", not "Proposal …"; also drops half a wide character
        fitted.append("…")
    fitted.pad_right(width - cell_len(fitted.plain))
    return fitted


def finish(text: Text, width: int) -> Text:
    """One finished line: no trailing blanks, never wider than `width` (a safety net)."""
    text.rstrip()
    text.truncate(width, overflow="ellipsis")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def flow(parts: Iterable[Text], width: int) -> Iterator[Text]:
    """`parts` joined by " · ", wrapped between parts (never inside one) to fit `width`."""
    line = Text()
    for part in parts:
        if line and cell_len(line.plain) + len(SEPARATOR) + cell_len(part.plain) > width:
            yield finish(line, width)
            line = Text()
        if line:
            line.append(SEPARATOR, MUTED)
        line.append_text(part)
    if line:
        yield finish(line, width)


def wrapped(text: Text, console: Console, width: int) -> Iterator[Text]:
    """A sentence wrapped between words onto as many lines as it needs."""
    for line in text.wrap(console, width, overflow="ellipsis"):
        yield finish(line, width)


def spread(left: Text, right: Text, width: int) -> Text:
    """`left` and `right` on one line, `right` flush with the right edge; `left` is cut
    with "…" when both do not fit."""
    room = max(1, width - cell_len(right.plain) - 1)
    line = fit(left, room) if cell_len(left.plain) > room else left.copy()
    line.pad_right(width - cell_len(line.plain) - cell_len(right.plain))
    line.append_text(right)
    return finish(line, width)


# --- the scope every report starts with ----------------------------------------------------


def period_label(start: datetime, end: datetime, zone: tzinfo | None) -> str:
    """A half-open [start, end) told as its first and last local days, both included."""
    first_day = start.astimezone(zone).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(zone).date()
    return format_range(first_day, last_day)


def scope_parts(
    title: str,
    pipeline_name: str | None,
    owner_login: str | None,
    *,
    period: str | None = None,
    owners: bool = True,
) -> list[Text]:
    """The heading: what the report is, which pipeline (or all), the period, and whose
    deals (`owners`: False for a report that is about every owner by nature)."""
    parts = [Text(title, "bold")]
    parts.append(
        safe_text(pipeline_name, "bold") if pipeline_name is not None else Text(_("all pipelines"))
    )
    if period is not None:
        parts.append(Text(period))
    if owners:
        parts.append(safe_text(owner_login) if owner_login is not None else Text(_("all owners")))
    return parts


class ReportChart:
    """A report as a Rich renderable: it takes whatever width it is given (at least
    `MIN_WIDTH` when measured) and starts with its heading (`_heading`: see `scope_parts`)
    unless `heading` is False, where the screen says what the heading would."""

    heading: bool

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(MIN_WIDTH, options.max_width), options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.heading:
            yield from flow(self._heading(), width)
        yield from self._body(console, width)

    def _heading(self) -> list[Text]:
        raise NotImplementedError

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        """What follows the heading, in `width` cells."""
        raise NotImplementedError


def currency_note(currency: str, other_currencies: Sequence[str]) -> Text | None:
    """What the amounts leave unsaid: deals in other currencies are counted, not summed."""
    if not other_currencies:
        return None
    return fill(
        _("amounts in {currency}; deals in {currencies} are counted but not summed"),
        MUTED,
        currency=safe_text(currency, MUTED),
        currencies=safe_text(", ".join(other_currencies), MUTED),
    )


# --- figures as text -----------------------------------------------------------------------


def number(value: int) -> str:
    """A count as the language groups its digits: `1,234` / `1 234`."""
    return format_number(value)


def deals(count: int) -> str:
    return ngettext("{n} deal", "{n} deals", count).format(n=format_number(count))


def amount(money: Money) -> str:
    """The amount without its currency code, for columns whose heading names it."""
    return format_amount(money, compact=True)


def round_half_up(value: Fraction) -> int:
    # round() goes half to even, so 2.25 days would show as 2.2: not what people expect.
    return math.floor(value + Fraction(1, 2))


def one_decimal_under_ten(value: Fraction) -> str:
    """`3.5` under ten, where a tenth matters, `23` from ten on; halves round up."""
    tenths = round_half_up(value * 10)
    if tenths < 100:
        return format_number(Decimal(tenths) / 10, decimals=1)
    return format_number(round_half_up(value))


def format_days(days: Fraction | None) -> str:
    """A duration in days: `3.5 days`, `23 days`; "—" when undefined."""
    if days is None:
        return UNDEFINED
    tenths = round_half_up(days * 10)
    if tenths < 100:
        # A fraction of days: one form in Russian ("1,0 дня", "3,5 дня"), so no ngettext.
        shown = one_decimal_under_ten(days)
        return (_("{days} day") if tenths == 10 else _("{days} days")).format(days=shown)
    whole = round_half_up(days)
    return ngettext("{n} day", "{n} days", whole).format(n=format_number(whole))


MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def format_duration(duration: timedelta | None) -> str:
    """A response time as people say it: `45 min` under an hour, `5.5 h` under two days,
    `3.5 d` from there; "—" when undefined."""
    if duration is None:
        return UNDEFINED
    seconds = Fraction(round(duration.total_seconds() * 1_000_000), 1_000_000)
    if seconds < HOUR:
        minutes = round_half_up(seconds / MINUTE)
        return ngettext("{n} min", "{n} min", minutes).format(n=format_number(minutes))
    # Abbreviated units read the same whatever the number: no plural forms.
    if seconds < 2 * DAY:
        return _("{hours} h").format(hours=one_decimal_under_ten(seconds / HOUR))
    return _("{days} d").format(days=one_decimal_under_ten(seconds / DAY))


# --- labelled horizontal bars --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BarRow:
    """One bar with what is said about it: labels to its left, figures to its right."""

    labels: tuple[Text, ...]
    """Left columns; the first is cut with "…" if need be, an empty one continues a group."""
    value: int
    """The bar's length in the chart's unit (deals, minor units of money)."""
    style: str
    glyph: str = BAR
    track: int = 0
    """A target drawn behind the bar: the part not reached shows as ░ (0: none)."""
    figures: tuple[Text, ...] = ()
    """Right columns, right-aligned under the chart's headings."""
    stacked_figures: tuple[Text, ...] | None = None
    """What to say beside the labels when the bar has a line of its own (no headings
    there, so each figure names itself); None: the figures."""


def bar(row: BarRow, scale: int, width: int) -> Text:
    """`row` as a left-aligned bar in exactly `width` cells, `scale` filling them all. A
    non-zero value always shows at least one cell, and a target the bar falls short of
    always shows at least one ░, so neither a small value nor a small shortfall vanishes."""
    filled = _cells(row.value, scale, width)
    tracked = _cells(row.track, scale, width)
    if row.track > row.value:
        filled = min(filled, width - 1)
        tracked = max(tracked, filled + 1)
    if filled == 0 and tracked == 0:
        return fit(Text(ZERO_BAR, MUTED), width)
    drawn = Text(row.glyph * filled, row.style)
    if tracked > filled:
        drawn.append(TRACK * (tracked - filled), MUTED)
    return fit(drawn, width)


def _cells(value: int, scale: int, width: int) -> int:
    if value <= 0 or scale <= 0:
        return 0
    return min(width, max(1, round(Fraction(value * width, scale))))


def bar_scale(rows: Iterable[BarRow]) -> int:
    """The value that fills the bar area: the largest bar or target."""
    return max((max(row.value, row.track) for row in rows), default=0)


def side_bars(
    rows: Sequence[BarRow],
    width: int,
    *,
    headings: Sequence[str] = (),
    label_heading: str = "",
    scale: int | None = None,
) -> list[Text] | None:
    """Labels, bars and figures on one line per row, the figures in aligned columns under
    `headings`; None when that leaves the bars fewer than `MIN_BAR` cells."""
    label_count = max((len(row.labels) for row in rows), default=0)
    figure_count = max((len(row.figures) for row in rows), default=0)
    labels = [
        max((cell_len(row.labels[i].plain) for row in rows if i < len(row.labels)), default=0)
        for i in range(label_count)
    ]
    if labels:
        labels[0] = min(max(labels[0], cell_len(label_heading)), max(10, width // 3))
    figures = [
        max(
            cell_len(headings[i]) if i < len(headings) else 0,
            *(cell_len(row.figures[i].plain) for row in rows if i < len(row.figures)),
        )
        for i in range(figure_count)
    ]
    lead = sum(column + len(GAP) for column in labels)
    bar_width = width - lead - sum(len(GAP) + column for column in figures)
    if bar_width < MIN_BAR:
        return None
    lines = []
    if headings or label_heading:
        heading = Text(label_heading.ljust(lead + bar_width), MUTED)
        for index, column in enumerate(figures):
            title = headings[index] if index < len(headings) else ""
            heading.append(GAP + title.rjust(column), MUTED)
        lines.append(finish(heading, width))
    largest = bar_scale(rows) if scale is None else scale
    for row in rows:
        line = Text()
        for index, column in enumerate(labels):
            label = row.labels[index] if index < len(row.labels) else Text()
            line.append_text(fit(label, column))
            line.append(GAP)
        line.append_text(bar(row, largest, bar_width))
        for index, column in enumerate(figures):
            figure = row.figures[index] if index < len(row.figures) else Text()
            line.append(GAP + " " * (column - cell_len(figure.plain)))
            line.append_text(figure)
        lines.append(finish(line, width))
    return lines


def stacked_bars(rows: Sequence[BarRow], width: int, *, scale: int | None = None) -> list[Text]:
    """Each row's labels and figures on a line, then its bar across the whole width."""
    largest = bar_scale(rows) if scale is None else scale
    lines = []
    for row in rows:
        label = Text(" ").join(label for label in row.labels if label.plain)
        said = row.figures if row.stacked_figures is None else row.stacked_figures
        figures = Text(SEPARATOR).join(said)
        if cell_len(figures.plain) + 1 + min(cell_len(label.plain), MIN_BAR) <= width:
            lines.append(spread(label, figures, width))
        else:
            lines.append(finish(fit(label, width), width))
            lines.extend(flow(said, width))
        lines.append(finish(bar(row, largest, width), width))
    return lines


def bars(
    rows: Sequence[BarRow],
    width: int,
    *,
    headings: Sequence[str] = (),
    label_heading: str = "",
    scale: int | None = None,
) -> list[Text]:
    """The side layout when it leaves the bars room enough, else the stacked one."""
    side = side_bars(rows, width, headings=headings, label_heading=label_heading, scale=scale)
    return side if side is not None else stacked_bars(rows, width, scale=scale)
