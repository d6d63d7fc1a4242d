"""The manager table (DESIGN.md, Screens 5; "Manager activity"): one row per owner, sorted
by any column either way, keeping as many columns as the width holds (the least telling go
first), with the team's totals under it.

The sorted column's heading carries ▼ or ▲; overdue contacts and deals with no next contact
are numbers in their own columns, coloured only as a second cue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from funnel_tui.analytics.metrics_model import ManagerActivity, TeamReport
from funnel_tui.domain.money import Money
from funnel_tui.i18n import N_, _
from funnel_tui.render.chart_parts import (
    GAP,
    MUTED,
    ReportChart,
    amount,
    currency_note,
    format_duration,
    number,
    period_label,
    scope_parts,
    wrapped,
)
from funnel_tui.render.safe import safe_text

DESCENDING = "▼"
ASCENDING = "▲"
ALERT_STYLE = "red"
WARNING_STYLE = "yellow"
MIN_NAME = 8
"""Names are cut with "…" down to this width (or a fifth of the table's) before a column
is dropped for them."""
DEFAULT_SORT = "won_amount"

SortValue = float | str | None


@dataclass(frozen=True, slots=True)
class TeamColumn:
    key: str
    title: str
    """The heading in English, marked for translation (`heading` is it translated);
    `{currency}` in it stands for the report's currency."""
    keep: int
    """The order columns are kept in as the width shrinks: 0 stays longest."""
    sort_value: Callable[[ManagerActivity], SortValue]
    """What the column sorts by; None sorts last either way (e.g. no first response)."""
    cell: Callable[[ManagerActivity, str], Text]
    """The cell for a manager, given the report's currency."""
    total: Callable[[Sequence[ManagerActivity], str], Text] | None = None
    """The team's total under the column; None: none makes sense (a median)."""

    @property
    def heading(self) -> str:
        """The heading in the interface language; `{currency}` stands for the currency."""
        return _(self.title)


TeamColumnParts = tuple[
    Callable[[ManagerActivity], SortValue],
    Callable[[ManagerActivity, str], Text],
    Callable[[Sequence[ManagerActivity], str], Text],
]


def _count(value: int, alert: str = "") -> Text:
    """Zeros recede; a count that needs attention is coloured (and still a number)."""
    return Text(number(value), MUTED if value == 0 else alert)


def _counted(field: Callable[[ManagerActivity], int], alert: str = "") -> TeamColumnParts:
    """The sort value, cell and total of a column that counts `field`."""
    return (
        lambda manager: field(manager),
        lambda manager, _currency: _count(field(manager), alert),
        lambda managers, _currency: _count(sum(field(manager) for manager in managers), alert),
    )


def _name(manager: ManagerActivity) -> str:
    return manager.display_name or manager.login


def _won_amount(money: Money) -> Text:
    return Text(amount(money), MUTED if money.minor == 0 else "")


def _response_seconds(manager: ManagerActivity) -> SortValue:
    response = manager.median_first_response
    return None if response is None else response.total_seconds()


TEAM_COLUMNS: tuple[TeamColumn, ...] = (
    TeamColumn(
        "name",
        N_("manager"),
        0,
        lambda manager: _name(manager).casefold(),
        lambda manager, _currency: safe_text(_name(manager)),
        lambda managers, _currency: Text(_("team"), "bold"),
    ),
    TeamColumn("calls", N_("calls"), 4, *_counted(lambda manager: manager.calls)),
    TeamColumn("meetings", N_("meetings"), 8, *_counted(lambda manager: manager.meetings)),
    TeamColumn("created", N_("created"), 7, *_counted(lambda manager: manager.created)),
    TeamColumn(
        "moved_forward", N_("moved on"), 9, *_counted(lambda manager: manager.moved_forward)
    ),
    TeamColumn("won", N_("won"), 1, *_counted(lambda manager: manager.won)),
    TeamColumn(
        "won_amount",
        N_("won {currency}"),
        2,
        lambda manager: manager.won_amount.minor,
        lambda manager, _currency: _won_amount(manager.won_amount),
        lambda managers, currency: _won_amount(
            Money(sum(manager.won_amount.minor for manager in managers), currency)
        ),
    ),
    TeamColumn("lost", N_("lost"), 10, *_counted(lambda manager: manager.lost)),
    TeamColumn(
        "first_response",
        N_("1st reply"),
        6,
        _response_seconds,
        lambda manager, _currency: Text(
            format_duration(manager.median_first_response),
            MUTED if manager.median_first_response is None else "",
        ),
    ),
    TeamColumn(
        "overdue_now", N_("overdue"), 3, *_counted(lambda manager: manager.overdue_now, ALERT_STYLE)
    ),
    TeamColumn(
        "without_next_contact",
        N_("no next"),
        5,
        *_counted(lambda manager: manager.without_next_contact, WARNING_STYLE),
    ),
)
TEAM_SORT_KEYS = tuple(column.key for column in TEAM_COLUMNS)


def team_column(key: str) -> TeamColumn:
    for column in TEAM_COLUMNS:
        if column.key == key:
            return column
    raise ValueError(f"unknown column {key!r} (known: {', '.join(TEAM_SORT_KEYS)})")


def sorted_managers(
    managers: Sequence[ManagerActivity], sort_by: str = DEFAULT_SORT, *, descending: bool = True
) -> list[ManagerActivity]:
    """`managers` by the column `sort_by`; ties by name, and the undefined (None) last in
    either direction, so "fastest first reply" never starts with people who have none."""
    column = team_column(sort_by)
    by_name = sorted(managers, key=lambda manager: (_name(manager).casefold(), manager.login))
    present = [manager for manager in by_name if column.sort_value(manager) is not None]
    missing = [manager for manager in by_name if column.sort_value(manager) is None]
    # sorted() keeps equal items in their order even with reverse=True: ties stay by name.
    ordered = sorted(
        present, key=lambda manager: _defined(column.sort_value(manager)), reverse=descending
    )
    return ordered + missing


def _defined(value: SortValue) -> float | str:
    if value is None:
        raise ValueError("an undefined value has no place in the order")
    return value


class TeamTable(ReportChart):
    """A `TeamReport` as a table sorted by `sort_by` (a key of `TEAM_SORT_KEYS`)."""

    def __init__(
        self,
        report: TeamReport,
        zone: tzinfo | None = None,
        *,
        sort_by: str = DEFAULT_SORT,
        descending: bool = True,
        heading: bool = True,
    ) -> None:
        """`zone`: where the period's days are told (None: the system's). `heading`: start
        with the pipeline and the period (False where the screen says them)."""
        team_column(sort_by)  # an unknown key fails here, not at the first render
        self.report = report
        self.zone = zone
        self.sort_by = sort_by
        self.descending = descending
        self.heading = heading

    def _heading(self) -> list[Text]:
        report = self.report
        period = period_label(report.start, report.end, self.zone)
        parts = scope_parts(_("Team"), report.pipeline_name, None, period=period, owners=False)
        parts.append(Text(_("amounts in {currency}").format(currency=report.currency), MUTED))
        return parts

    def _body(self, console: Console, width: int) -> Iterator[RenderableType]:
        report = self.report
        if not report.managers:
            yield Text(_("Nobody owned a deal or logged an activity in this period."), MUTED)
            return
        yield self.table(width)
        note = currency_note(report.currency, report.other_currencies)
        if note is not None:
            yield from wrapped(note, console, width)

    def table(self, width: int) -> Table:
        """The table with the columns that fit `width`, in their usual order."""
        report = self.report
        managers = sorted_managers(report.managers, self.sort_by, descending=self.descending)
        headings = {
            column.key: _heading(column, report.currency, self.sort_by, self.descending)
            for column in TEAM_COLUMNS
        }
        columns, name_width = _fitting_columns(report, managers, headings, self.sort_by, width)
        table = Table(
            box=box.SIMPLE,
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
            show_footer=len(managers) > 1,
            expand=False,
        )
        for column in columns:
            total = column.total(managers, report.currency) if column.total else Text()
            if column.key == "name":
                # Its width is set, so Rich never squeezes the figures to make room for it.
                table.add_column(
                    headings[column.key],
                    footer=total,
                    no_wrap=True,
                    overflow="ellipsis",
                    max_width=name_width,
                )
            else:
                table.add_column(headings[column.key], footer=total, justify="right", no_wrap=True)
        for manager in managers:
            table.add_row(*(column.cell(manager, report.currency) for column in columns))
        return table


def _heading(column: TeamColumn, currency: str, sort_by: str, descending: bool) -> Text:
    title = Text(column.heading.format(currency=currency))
    if column.key == sort_by:
        title.append(f" {DESCENDING if descending else ASCENDING}", "bold")
    return title


def _fitting_columns(
    report: TeamReport,
    managers: Sequence[ManagerActivity],
    headings: dict[str, Text],
    sort_by: str,
    width: int,
) -> tuple[list[TeamColumn], int]:
    """The columns to show, by `keep` order while they fit beside the names (a fifth of
    the width for them, at least `MIN_NAME`; the sorted column always: the table says what
    it is sorted by), in their usual order; and the width left for the names."""

    def cells_width(column: TeamColumn) -> int:
        cells = [column.cell(manager, report.currency) for manager in managers]
        if column.total is not None:
            cells.append(column.total(managers, report.currency))
        return max(cell_len(text.plain) for text in [headings[column.key], *cells])

    ranked = sorted(
        (column for column in TEAM_COLUMNS if column.key != "name"),
        key=lambda column: (column.key != sort_by, column.keep),
    )
    heading = cell_len(headings["name"].plain)  # "manager ▼" stays whole when sorted by
    names = max(heading, *(cell_len(_name(manager)) for manager in managers))
    reserved = min(names, max(MIN_NAME, width // 5, heading))
    used = reserved
    kept = {"name"}
    for column in ranked:
        needed = len(GAP) + cells_width(column)
        if used + needed > width and column.key != sort_by:
            continue
        used += needed
        kept.add(column.key)
    name_width = max(MIN_NAME, width - used + reserved)
    return [column for column in TEAM_COLUMNS if column.key in kept], name_width
