"""KPI tiles (DESIGN.md, Screens 5 and 7): each KPI's value, the previous period's and the
change between them, flowed into as many columns as the width holds.

The change is an arrow as well as a colour: ▲ up, ▼ down, "=" unchanged, "—" when there is
nothing to compare (a previous 0 or an undefined figure). Green means better, red worse: up
for most KPIs, down for the sales cycle (shorter is better). Rates change in percentage
points (a win rate from 20 % to 30 % is "▲ 10 pp", not "▲ 50 %"); the rest relatively.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from fractions import Fraction

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.text import Text

from funnel_tui.analytics.metrics_model import KpiReport, KpiValues, relative_change
from funnel_tui.domain.money import Money
from funnel_tui.i18n import NP_, _, pgettext
from funnel_tui.render.chart_parts import (
    GAP,
    MUTED,
    UNDEFINED,
    ReportChart,
    currency_note,
    finish,
    fit,
    format_days,
    number,
    period_label,
    round_half_up,
    scope_parts,
    spread,
    wrapped,
)
from funnel_tui.render.format import format_money
from funnel_tui.render.funnel_chart import format_conversion

UP = "▲"
DOWN = "▼"
SAME = "="
BETTER_STYLE = "green"
WORSE_STYLE = "red"
VALUE_STYLE = "bold"
LABEL_STYLE = "bold dim"
WHOLE_UNITS_FROM = 1000
MIN_TILE = 16
"""Tiles narrower than this crowd their figures: one KPI a line below two such columns."""


class Better(enum.Enum):
    """Which way a KPI improves."""

    UP = "up"
    DOWN = "down"


class ChangeKind(enum.Enum):
    RELATIVE = "relative"
    """(current − previous) / previous, in percent."""
    POINTS = "points"
    """current − previous of a rate, in percentage points."""


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    key: str
    """The `KpiValues` field the KPI is."""
    label: str
    """Marked for translation: `_()` where shown (`KpiTile.label` is translated)."""
    better: Better
    change: ChangeKind
    figure: Callable[[KpiValues], Fraction | int | Money | None]
    """The KPI's figure in one period (a count, a rate, days or money)."""
    shown: Callable[[KpiValues], str]
    """The figure as the tile shows it."""


def _money(value: Money | None) -> str:
    """An amount as a tile shows it: whole major units from `WHOLE_UNITS_FROM` on (kopecks
    on 42,955.92 RUB make a tile slower to read and say nothing more; JSON keeps them)."""
    if value is None:
        return UNDEFINED
    if value.major >= WHOLE_UNITS_FROM:
        whole = round_half_up(Fraction(value.major))
        return format_money(Money.from_major(whole, value.currency), compact=True)
    return format_money(value, compact=True)


def _per_day(value: Money | None) -> str:
    return UNDEFINED if value is None else _("{amount}/day").format(amount=_money(value))


# KPI names have the context "kpi" (a literal: gettext tools read it): "Won" here is an
# amount (выиграно), not a deal's state (выиграна).
KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "new_leads",
        NP_("kpi", "New leads"),
        Better.UP,
        ChangeKind.RELATIVE,
        lambda values: values.new_leads,
        lambda values: number(values.new_leads),
    ),
    KpiDefinition(
        "open_opportunities",
        NP_("kpi", "Open opportunities"),
        Better.UP,
        ChangeKind.RELATIVE,
        lambda values: values.open_opportunities,
        lambda values: number(values.open_opportunities),
    ),
    KpiDefinition(
        "win_rate",
        NP_("kpi", "Win rate"),
        Better.UP,
        ChangeKind.POINTS,
        lambda values: values.win_rate,
        lambda values: format_conversion(values.win_rate),
    ),
    KpiDefinition(
        "average_deal_size",
        NP_("kpi", "Average deal"),
        Better.UP,
        ChangeKind.RELATIVE,
        lambda values: values.average_deal_size,
        lambda values: _money(values.average_deal_size),
    ),
    KpiDefinition(
        "cycle_mean_days",
        NP_("kpi", "Sales cycle, mean"),
        Better.DOWN,
        ChangeKind.RELATIVE,
        lambda values: values.cycle_mean_days,
        lambda values: format_days(values.cycle_mean_days),
    ),
    KpiDefinition(
        "cycle_median_days",
        NP_("kpi", "Sales cycle, median"),
        Better.DOWN,
        ChangeKind.RELATIVE,
        lambda values: values.cycle_median_days,
        lambda values: format_days(values.cycle_median_days),
    ),
    KpiDefinition(
        "velocity",
        NP_("kpi", "Velocity"),
        Better.UP,
        ChangeKind.RELATIVE,
        lambda values: values.velocity,
        lambda values: _per_day(values.velocity),
    ),
    KpiDefinition(
        "won_amount",
        NP_("kpi", "Won"),
        Better.UP,
        ChangeKind.RELATIVE,
        lambda values: values.won_amount,
        lambda values: _money(values.won_amount),
    ),
)
KPI_KEYS = tuple(definition.key for definition in KPIS)


@dataclass(frozen=True, slots=True)
class KpiTile:
    """One KPI as a tile says it (the dashboard may lay these out in large type)."""

    key: str
    label: str
    value: str
    previous: str
    change: Text
    """The arrow and the size of the change, coloured better/worse."""


def kpi_tiles(report: KpiReport, keys: Sequence[str] = KPI_KEYS) -> tuple[KpiTile, ...]:
    """The tiles of `keys` (see `KPI_KEYS`), in that order."""
    by_key = {definition.key: definition for definition in KPIS}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise ValueError(f"unknown KPI {unknown[0]!r} (known: {', '.join(KPI_KEYS)})")
    return tuple(_tile(by_key[key], report.current, report.previous) for key in keys)


def _tile(definition: KpiDefinition, current: KpiValues, previous: KpiValues) -> KpiTile:
    return KpiTile(
        key=definition.key,
        label=pgettext("kpi", definition.label),
        value=definition.shown(current),
        previous=definition.shown(previous),
        change=change_text(
            _number(definition.figure(current)),
            _number(definition.figure(previous)),
            kind=definition.change,
            better=definition.better,
        ),
    )


def _number(figure: Fraction | int | Money | None) -> Fraction | int | None:
    # Both periods' money is in the report's one currency: comparing minor units is exact.
    return figure.minor if isinstance(figure, Money) else figure


def change_value(
    current: Fraction | int | None,
    previous: Fraction | int | None,
    kind: ChangeKind = ChangeKind.RELATIVE,
) -> Fraction | None:
    """The change as a number: relative (0.25 is 25 % up) or, for a rate, the difference
    (0.1 is 10 percentage points); None when there is nothing to compare."""
    if kind is ChangeKind.POINTS:
        return None if current is None or previous is None else Fraction(current - previous)
    return relative_change(current, previous)


def kpi_change(definition: KpiDefinition, report: KpiReport) -> Fraction | None:
    """The change of one KPI between the report's previous period and its current one."""
    return change_value(
        _number(definition.figure(report.current)),
        _number(definition.figure(report.previous)),
        definition.change,
    )


def change_text(
    current: Fraction | int | None,
    previous: Fraction | int | None,
    *,
    kind: ChangeKind = ChangeKind.RELATIVE,
    better: Better = Better.UP,
) -> Text:
    """`▲ 25 %`, `▼ 4.0 pp`, `= 0 %` or `—`, green when the change is for the better."""
    change = change_value(current, previous, kind)
    if change is None:
        return Text(UNDEFINED, MUTED)
    size = format_conversion(abs(change))
    if kind is ChangeKind.POINTS:
        # Percentage points, not percent: "▲ 10 pp" for a rate from 20 % to 30 %.
        size = _("{points} pp").format(points=size.removesuffix(" %"))
    if change == 0:
        return Text(f"{SAME} {size}", MUTED)
    rising = change > 0
    style = BETTER_STYLE if rising == (better is Better.UP) else WORSE_STYLE
    return Text(f"{UP if rising else DOWN} {size}", style)


class KpiTiles(ReportChart):
    """A `KpiReport` as tiles in as many columns as fit; one KPI a line when narrow."""

    def __init__(
        self,
        report: KpiReport,
        zone: tzinfo | None = None,
        *,
        heading: bool = True,
        keys: Sequence[str] = KPI_KEYS,
    ) -> None:
        """`zone`: where the period's days are told (None: the system's). `heading`: start
        with the pipeline, both periods and the owner (False where the screen says them).
        `keys`: which KPIs, in which order (see `KPI_KEYS`)."""
        self.report = report
        self.zone = zone
        self.heading = heading
        self.tiles = kpi_tiles(report, keys)

    def _heading(self) -> list[Text]:
        report = self.report
        parts = scope_parts(
            _("KPIs"),
            report.pipeline_name,
            report.owner_login,
            period=period_label(report.start, report.end, self.zone),
        )
        previous = period_label(report.previous_start, report.previous_end, self.zone)
        parts.insert(3, Text(_("vs {period}").format(period=previous), MUTED))
        return parts

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        if self.heading:
            yield Text()  # a blank line between the heading and the tiles
        tile_width = max(MIN_TILE, *(_tile_width(tile) for tile in self.tiles))
        columns = _columns(len(self.tiles), tile_width, width)
        if columns < 2:
            yield from _listed(self.tiles, width)
        else:
            yield from _grid(self.tiles, columns, width)
        note = currency_note(self.report.currency, self.report.other_currencies)
        if note is not None:
            yield Text()
            yield from wrapped(note, console, width)


def _tile_lines(tile: KpiTile) -> tuple[Text, Text, Text]:
    value = Text(tile.value, VALUE_STYLE)
    value.append(GAP)
    value.append_text(tile.change)
    was = _("was {value}").format(value=tile.previous)
    return Text(tile.label, LABEL_STYLE), value, Text(was, MUTED)


def _tile_width(tile: KpiTile) -> int:
    return max(cell_len(line.plain) for line in _tile_lines(tile))


def _columns(count: int, tile_width: int, width: int) -> int:
    """As many columns as fit, then as few as give the same number of rows (8 tiles in 5
    columns would leave 3 alone on the second row; 4 columns make two even rows)."""
    fitting = max(1, (width + len(GAP)) // (tile_width + len(GAP)))
    rows = math.ceil(count / min(fitting, count))
    return math.ceil(count / rows)


def _grid(tiles: Sequence[KpiTile], columns: int, width: int) -> Iterator[Text]:
    tile_width = (width - len(GAP) * (columns - 1)) // columns
    for start in range(0, len(tiles), columns):
        if start:
            yield Text()
        row = [_tile_lines(tile) for tile in tiles[start : start + columns]]
        for index in range(3):
            line = Text(GAP).join(fit(lines[index], tile_width) for lines in row)
            yield finish(line, width)


def _listed(tiles: Sequence[KpiTile], width: int) -> Iterator[Text]:
    """Label and value on one line, the change and the previous value under them."""
    for tile in tiles:
        yield spread(Text(tile.label, LABEL_STYLE), Text(tile.value, VALUE_STYLE), width)
        change = Text(GAP)
        change.append_text(tile.change)
        was = _("was {value}").format(value=tile.previous)
        yield spread(change, Text(was, MUTED), width)
