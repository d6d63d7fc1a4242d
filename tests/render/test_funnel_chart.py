"""The funnel chart: proportional centred bars, honest ratios, marks that survive NO_COLOR,
data shown literally, and a clean fit at any width.

Snapshots: `.txt` plain text (no colour), `.ansi` the coloured output (`cat` it in a terminal
to see it). Update only after looking at them:
`pytest -n 0 tests/render/test_funnel_chart.py --snapshot-update`.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import pytest
import rich
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from funnel_tui.analytics.funnel_model import FunnelReport, FunnelView, StageFigures, Transition
from funnel_tui.domain.money import Money
from funnel_tui.render.funnel_chart import FunnelChart, format_conversion

WIDTHS = (40, 80, 160)
HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07"


class PlainText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "txt"


class AnsiText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "ansi"


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich reads these: the tests choose colour through the Console alone."""
    for variable in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)


def stage(
    index: int,
    name: str,
    *,
    reached: int,
    conversion: Fraction | None,
    dropoff: int = 0,
    count: int = 0,
    amount: int = 0,
    probability: int = 10,
    key: bool = False,
) -> StageFigures:
    return StageFigures(
        stage_id=index + 1,
        name=name,
        is_key=key,
        probability=probability,
        reached=reached,
        conversion_to_next=conversion,
        dropoff=dropoff,
        count=count,
        amount=Money(amount * 100, "RUB"),
        weighted_amount=Money(amount * probability, "RUB"),
    )


def report(
    stages: tuple[StageFigures, ...],
    *,
    view: FunnelView = FunnelView.COHORT,
    won: int = 0,
    lost: int = 0,
    whole: Fraction | None = None,
    bottleneck: Transition | None = None,
    inverse_at: tuple[int, ...] = (),
    other_currencies: tuple[str, ...] = (),
    pipeline_name: str = "New clients",
) -> FunnelReport:
    return FunnelReport(
        pipeline_id=1,
        pipeline_name=pipeline_name,
        won_stage_name="Won",
        view=view,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 12, 1, tzinfo=UTC),
        owner_login=None,
        currency="RUB",
        stages=stages,
        cohort_size=stages[0].reached,
        won=won,
        lost=lost,
        whole_conversion=whole,
        bottleneck=bottleneck,
        inverse_at=inverse_at,
        losses=(),
        other_currencies=other_currencies,
    )


# A November cohort of a B2B pipeline, a few weeks old: nobody has reached Contract yet, so
# Negotiation → Contract is the bottleneck (0 of 12) and Contract → Won is undefined (0/0).
B2B_COHORT = report(
    (
        stage(
            0,
            "Lead",
            reached=120,
            conversion=Fraction(75, 120),
            dropoff=30,
            count=15,
            amount=420_000,
        ),
        stage(
            1,
            "Qualification",
            reached=75,
            conversion=Fraction(30, 75),
            dropoff=28,
            count=17,
            amount=2_125_000,
            probability=20,
            key=True,
        ),
        stage(
            2,
            "Proposal sent",
            reached=30,
            conversion=Fraction(12, 30),
            dropoff=10,
            count=8,
            amount=1_480_000,
            probability=50,
        ),
        stage(
            3,
            "Negotiation",
            reached=12,
            conversion=Fraction(0),
            dropoff=2,
            count=10,
            amount=3_950_500,
            probability=70,
        ),
        stage(4, "Contract", reached=0, conversion=None, probability=90),
    ),
    lost=70,
    whole=Fraction(0),
    bottleneck=Transition(3, "Negotiation", "Contract", Fraction(0)),
    other_currencies=("USD", "EUR"),
)

# The same pipeline's open deals now, whatever their age: Proposal holds more than Lead.
B2B_SNAPSHOT = dataclasses.replace(
    B2B_COHORT,
    view=FunnelView.SNAPSHOT,
    stages=tuple(
        dataclasses.replace(
            figures,
            count=count,
            amount=Money(amount * 100, "RUB"),
            weighted_amount=Money(amount * figures.probability, "RUB"),
        )
        for figures, count, amount in zip(
            B2B_COHORT.stages,
            (31, 22, 35, 9, 4),
            (1_240_000, 3_300_000, 6_125_000, 2_870_000, 1_600_000),
            strict=True,
        )
    ),
    inverse_at=(2,),
)

ALL_ZERO = report(
    (
        stage(0, "Lead", reached=0, conversion=None),
        stage(1, "Deal", reached=0, conversion=None),
    ),
    pipeline_name="Empty",
)

HOSTILE_REPORT = report(
    (
        stage(0, HOSTILE, reached=40, conversion=Fraction(1, 2), count=3, amount=1000),
        stage(
            1,
            "Переговоры с лицом, принимающим решение",
            reached=20,
            conversion=Fraction(1, 4),
            count=4,
            amount=2000,
            key=True,
        ),
        stage(2, "商談中の案件と見積もりの最終確認", reached=5, conversion=Fraction(3, 5), count=5),
    ),
    won=3,
    whole=Fraction(3, 40),
    pipeline_name=HOSTILE,
)

REPORTS = {
    "b2b-cohort": B2B_COHORT,
    "b2b-snapshot": B2B_SNAPSHOT,
    "all-zero": ALL_ZERO,
    "hostile": HOSTILE_REPORT,
}


def plain(chart_report: FunnelReport, width: int) -> str:
    console = Console(width=width, color_system=None, file=io.StringIO())
    console.print(FunnelChart(chart_report))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def coloured(chart_report: FunnelReport, width: int, **options: Any) -> str:
    console = Console(
        width=width,
        force_terminal=True,
        color_system="truecolor",
        record=True,
        file=io.StringIO(),
        **options,
    )
    console.print(FunnelChart(chart_report))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def bar_cells(line: str) -> int:
    return line.count("█")


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["b2b-cohort", "b2b-snapshot"])
def test_chart_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(REPORTS[name], width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["b2b-cohort", "b2b-snapshot"])
def test_chart_in_colour(snapshot: Any, name: str, width: int) -> None:
    assert coloured(REPORTS[name], width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", ["all-zero", "hostile"])
def test_edge_cases_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(REPORTS[name], width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", [*WIDTHS, *range(20, 201, 7)])
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    lines = plain(REPORTS[name], width).splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_bars_are_proportional_and_the_largest_fills_the_bar_area(width: int) -> None:
    halving = report(
        (
            stage(0, "Lead", reached=100, conversion=Fraction(1, 2)),
            stage(1, "Meeting", reached=50, conversion=Fraction(1, 2)),
            stage(2, "Offer", reached=25, conversion=Fraction(1, 5)),
        ),
        won=5,
        whole=Fraction(1, 20),
    )
    lines = plain(halving, width).splitlines()
    lead, meeting, offer, won = [bar_cells(line) for line in lines if "█" in line]
    assert lead > meeting > offer > won >= 1
    assert abs(lead - 2 * meeting) <= 1
    assert abs(meeting - 2 * offer) <= 1
    assert abs(lead - 20 * won) <= 20  # rounding: won is within one cell of 1/20
    bar_line = next(line for line in lines if bar_cells(line) == lead)
    if width == 40:  # labels on their own lines: the bar has the whole width
        assert bar_line == "█" * 40
    else:  # from the name column (7 cells, "Meeting") and a gap to the figures' gap
        assert bar_line.startswith("Lead" + " " * 5 + "█" * lead + "  ")


def test_bars_are_centred() -> None:
    bars = [line for line in plain(B2B_COHORT, 40).splitlines() if "█" in line]
    assert len(bars) == 4  # Contract and Won have none
    for line in bars:
        left = len(line) - len(line.lstrip())
        assert line.strip() == "█" * bar_cells(line)
        assert abs(left - (40 - left - bar_cells(line))) <= 1, line


def test_a_small_stage_keeps_one_cell_and_an_empty_one_a_thin_line() -> None:
    tiny = report(
        (
            stage(0, "Lead", reached=1000, conversion=Fraction(1, 1000)),
            stage(1, "Deal", reached=1, conversion=Fraction(0)),
        ),
        whole=Fraction(0),
    )
    lines = plain(tiny, 80).splitlines()
    bars = [bar_cells(line) for line in lines if "█" in line]
    assert bars[1] == 1
    won_line = next(line for line in lines if line.lstrip().startswith("Won"))
    assert "│" in won_line and "█" not in won_line
    assert "↓ 0.1 %" in "\n".join(lines)


def test_undefined_conversions_are_dashes_never_zero_percent() -> None:
    output = plain(ALL_ZERO, 80)
    assert "0 %" not in output
    steps = [line.strip() for line in output.splitlines() if "↓" in line]
    assert steps == ["↓ —", "↓ —"]
    assert "whole funnel —" in output


def test_a_defined_zero_and_an_undefined_ratio_are_told_apart() -> None:
    steps = [line.strip() for line in plain(B2B_COHORT, 80).splitlines() if "↓" in line]
    assert steps == ["↓ 63 %", "↓ 40 %", "↓ 40 %", "↓ 0 % ⚠ bottleneck", "↓ —"]


@pytest.mark.parametrize("width", WIDTHS)
def test_marks_are_characters_not_only_colour(width: int) -> None:
    for output in (
        plain(B2B_SNAPSHOT, width),
        coloured(B2B_SNAPSHOT, width, no_color=True),
    ):
        text = re.sub(r"\x1b\[[0-9;]*m", "", output)
        assert "★ Qualification" in text
        assert "↓ 0 % ⚠ bottleneck" in text
        assert "Proposal sent ▲" in text
        assert "▲ inverse funnel:" in text


def test_no_color_keeps_emphasis_but_drops_colours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    output = coloured(B2B_SNAPSHOT, 80)
    codes = set(re.findall(r"\x1b\[([0-9;]*)m", output))
    assert codes <= {"0", "1", "2", "1;2"}, codes  # reset, bold, dim: no colour codes
    assert "⚠ bottleneck" in output


def test_a_dumb_terminal_gets_no_escapes_and_every_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    console = Console(width=80, force_terminal=True, file=io.StringIO())
    console.print(FunnelChart(B2B_SNAPSHOT))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in output
    assert "★ Qualification" in output and "⚠ bottleneck" in output and "▲" in output


def test_hostile_names_are_shown_literally() -> None:
    text = plain(HOSTILE_REPORT, 160)
    assert "[@click=app.quit]x[/] ␛]52;c;aGk=␇" in text
    assert "\x1b" not in text and "\x07" not in text
    output = coloured(HOSTILE_REPORT, 160)
    assert "[@click=app.quit]x[/]" in output
    assert "\x1b]52" not in output
    assert re.sub(r"\x1b\[[0-9;]*m", "", output).count("\x1b") == 0  # only SGR sequences


@pytest.mark.parametrize("width", [40, 80])
def test_long_and_wide_names_are_cut_with_an_ellipsis(width: int) -> None:
    lines = plain(HOSTILE_REPORT, width).splitlines()
    named = [line for line in lines if "Переговоры" in line or "商談" in line]
    assert len(named) == 2
    assert all("…" in line for line in named)
    assert all(cell_len(line) <= width for line in named)


def test_other_currencies_are_named_not_summed() -> None:
    output = plain(B2B_COHORT, 160)
    assert "amounts in RUB; deals in USD, EUR are counted but not summed" in output


def test_cohort_footer_counts_the_cohort_and_snapshot_footer_the_open_deals() -> None:
    assert "120 deals in the cohort · 0 won, 70 lost" in plain(B2B_COHORT, 160)
    assert "101 deals open" in plain(B2B_SNAPSHOT, 160)


def test_rich_print_and_nesting_work(capsys: pytest.CaptureFixture[str]) -> None:
    rich.print(FunnelChart(B2B_COHORT))
    assert "★ Qualification" in capsys.readouterr().out
    console = Console(width=60, color_system=None, file=io.StringIO())
    console.print(Panel(FunnelChart(B2B_COHORT), title="Funnel"))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert all(cell_len(line) <= 60 for line in lines)
    assert any("↓ 0 % ⚠ bottleneck" in line for line in lines)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (Fraction(0), "0 %"),
        (Fraction(1, 10_000), "<0.1 %"),
        (Fraction(1, 1000), "0.1 %"),
        (Fraction(45, 1000), "4.5 %"),
        (Fraction(999, 10_000), "10 %"),
        (Fraction(5, 8), "63 %"),
        (Fraction(995, 1000), ">99 %"),
        (Fraction(1), "100 %"),
    ],
)
def test_conversions_read_as_people_expect(value: Fraction | None, shown: str) -> None:
    assert format_conversion(value) == shown
