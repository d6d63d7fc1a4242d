"""KPI tiles: each value with the previous period's and an arrowed change, better/worse in
colour and in sign, undefined changes as "—", and the tiles flowing into columns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import pytest
import rich

from funnel_tui.analytics.metrics_model import KpiReport, KpiValues
from funnel_tui.domain.money import Money
from funnel_tui.render.kpi_tiles import (
    KPI_KEYS,
    Better,
    ChangeKind,
    KpiTiles,
    change_text,
    kpi_tiles,
)
from tests.render.metrics_support import (
    FIT_WIDTHS,
    HOSTILE,
    WIDTHS,
    AnsiText,
    PlainText,
    assert_fits,
    assert_shown_literally,
    coloured,
    line_with,
    plain,
    plain_environment,  # noqa: F401 (autouse)
    under_no_color,
)


def rub(major: int, minor: int = 0) -> Money:
    return Money(major * 100 + minor, "RUB")


NOVEMBER = KpiValues(
    new_leads=124,
    open_opportunities=310,
    won=18,
    lost=40,
    win_rate=Fraction(18, 58),
    won_amount=rub(4_512_000),
    average_deal_size=rub(250_666, 67),
    cycle_mean_days=Fraction(473, 20),
    cycle_median_days=Fraction(19),
    velocity=rub(1_023, 46),
    velocity_open_deals=300,
)
OCTOBER = KpiValues(
    new_leads=98,
    open_opportunities=320,
    won=20,
    lost=30,
    win_rate=Fraction(2, 5),
    won_amount=rub(4_000_000),
    average_deal_size=rub(200_000),
    cycle_mean_days=Fraction(30),
    cycle_median_days=Fraction(19),
    velocity=rub(1_500),
    velocity_open_deals=320,
)
NOTHING = KpiValues(
    new_leads=0,
    open_opportunities=0,
    won=0,
    lost=0,
    win_rate=None,
    won_amount=rub(0),
    average_deal_size=None,
    cycle_mean_days=None,
    cycle_median_days=None,
    velocity=None,
    velocity_open_deals=0,
)


def kpi_report(
    current: KpiValues = NOVEMBER,
    previous: KpiValues = OCTOBER,
    *,
    pipeline_name: str | None = "New clients",
    owner_login: str | None = None,
    other_currencies: tuple[str, ...] = (),
) -> KpiReport:
    return KpiReport(
        pipeline_id=1 if pipeline_name is not None else None,
        pipeline_name=pipeline_name,
        owner_login=owner_login,
        currency="RUB",
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 12, 1, tzinfo=UTC),
        previous_start=datetime(2026, 10, 1, tzinfo=UTC),
        previous_end=datetime(2026, 11, 1, tzinfo=UTC),
        current=current,
        previous=previous,
        other_currencies=other_currencies,
    )


MONTH = kpi_report(other_currencies=("USD",))
FIRST_MONTH = kpi_report(NOVEMBER, NOTHING, pipeline_name=None)
EMPTY = kpi_report(NOTHING, NOTHING, owner_login=HOSTILE)
REPORTS = {"month": MONTH, "first-month": FIRST_MONTH, "empty": EMPTY}


def tiles(report: KpiReport) -> KpiTiles:
    return KpiTiles(report, UTC)


# Snapshots


@pytest.mark.parametrize("width", WIDTHS)
def test_tiles_without_colour(snapshot: Any, width: int) -> None:
    assert plain(tiles(MONTH), width) == snapshot.use_extension(PlainText)


@pytest.mark.parametrize("width", WIDTHS)
def test_tiles_in_colour(snapshot: Any, width: int) -> None:
    assert coloured(tiles(MONTH), width) == snapshot.use_extension(AnsiText)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["first-month", "empty"])
def test_undefined_figures_without_colour(snapshot: Any, name: str, width: int) -> None:
    assert plain(tiles(REPORTS[name]), width) == snapshot.use_extension(PlainText)


# Behaviour


@pytest.mark.parametrize("width", FIT_WIDTHS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_line_is_wider_than_the_console(name: str, width: int) -> None:
    assert_fits(plain(tiles(REPORTS[name]), width), width)


def test_every_kpi_has_its_value_previous_value_and_change() -> None:
    shown = {tile.key: tile for tile in kpi_tiles(MONTH)}
    assert list(shown) == list(KPI_KEYS)
    expected = {
        "new_leads": ("124", "98", "▲ 27 %"),
        "open_opportunities": ("310", "320", "▼ 3.1 %"),
        "win_rate": ("31 %", "40 %", "▼ 9.0 pp"),
        "average_deal_size": ("₽250,667", "₽200,000", "▲ 25 %"),
        "cycle_mean_days": ("24 days", "30 days", "▼ 21 %"),
        "cycle_median_days": ("19 days", "19 days", "= 0 %"),
        "velocity": ("₽1,023/day", "₽1,500/day", "▼ 32 %"),
        "won_amount": ("₽4,512,000", "₽4,000,000", "▲ 13 %"),
    }
    for key, (value, previous, change) in expected.items():
        tile = shown[key]
        assert (tile.value, tile.previous, tile.change.plain) == (value, previous, change), key


def test_a_rate_changes_in_percentage_points_not_percent() -> None:
    change = change_text(Fraction(3, 10), Fraction(1, 5), kind=ChangeKind.POINTS)
    assert change.plain == "▲ 10 pp"  # 20 % → 30 %: ten points, not "50 %"


@pytest.mark.parametrize(
    ("current", "previous", "better", "shown", "style"),
    [
        (Fraction(12), Fraction(10), Better.UP, "▲ 20 %", "green"),
        (Fraction(8), Fraction(10), Better.UP, "▼ 20 %", "red"),
        (Fraction(8), Fraction(10), Better.DOWN, "▼ 20 %", "green"),  # a shorter cycle
        (Fraction(12), Fraction(10), Better.DOWN, "▲ 20 %", "red"),
        (Fraction(10), Fraction(10), Better.UP, "= 0 %", "dim"),
        (5, 0, Better.UP, "—", "dim"),  # no base to compare against
        (None, Fraction(10), Better.DOWN, "—", "dim"),
    ],
)
def test_arrows_point_the_way_and_colour_says_better_or_worse(
    current: Fraction | int | None,
    previous: Fraction | int | None,
    better: Better,
    shown: str,
    style: str,
) -> None:
    change = change_text(current, previous, better=better)
    assert (change.plain, str(change.style)) == (shown, style)


def test_a_shorter_sales_cycle_is_green() -> None:
    shown = {tile.key: tile for tile in kpi_tiles(MONTH)}
    assert shown["cycle_mean_days"].change.plain.startswith("▼")
    assert str(shown["cycle_mean_days"].change.style) == "green"
    assert str(shown["open_opportunities"].change.style) == "red"


def test_undefined_figures_are_dashes_never_zero() -> None:
    shown = {tile.key: tile for tile in kpi_tiles(EMPTY)}
    for key in (
        "win_rate",
        "average_deal_size",
        "cycle_mean_days",
        "cycle_median_days",
        "velocity",
    ):
        assert shown[key].value == "—", key
        assert shown[key].change.plain == "—", key
    assert shown["new_leads"].value == "0"
    assert shown["new_leads"].change.plain == "—"  # 0 against 0: no base, not "0 %"


@pytest.mark.parametrize(("width", "per_row"), [(40, 2), (80, 3), (120, 4)])
def test_tiles_flow_into_as_many_even_columns_as_fit(width: int, per_row: int) -> None:
    output = plain(KpiTiles(MONTH, UTC, heading=False), width)
    labels = ["New leads", "Open opportunities", "Win rate", "Average deal"]
    first_row = line_with(output, "New leads")
    assert sum(label in first_row for label in labels) == per_row


def test_a_subset_of_kpis_in_a_chosen_order() -> None:
    output = plain(KpiTiles(MONTH, UTC, heading=False, keys=("won_amount", "win_rate")), 80)
    assert output.index("Won") < output.index("Win rate")
    assert "New leads" not in output
    with pytest.raises(ValueError, match="unknown KPI 'profit'"):
        kpi_tiles(MONTH, ("profit",))


def test_heading_names_both_periods_and_the_scope() -> None:
    output = plain(tiles(MONTH), 120)
    assert "New clients · 11/01/2026 – 11/30/2026 · vs 10/01/2026 – 10/31/2026" in output
    assert "all owners" in output
    assert "all pipelines" in plain(tiles(FIRST_MONTH), 120)
    assert "amounts in RUB; deals in USD are counted but not summed" in output


@pytest.mark.parametrize("width", WIDTHS)
def test_no_color_keeps_the_arrows(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    text = under_no_color(monkeypatch, tiles(MONTH), width)
    assert "▲ 27 %" in text and "▼ 9.0 pp" in text and "= 0 %" in text


def test_a_hostile_owner_is_shown_literally() -> None:
    output = coloured(tiles(EMPTY), 120)
    assert_shown_literally(output)


def test_rich_print_works(capsys: pytest.CaptureFixture[str]) -> None:
    rich.print(tiles(MONTH))
    assert "Win rate" in capsys.readouterr().out


def test_large_amounts_show_whole_units_small_ones_their_cents() -> None:
    small = dataclasses.replace(
        NOVEMBER, average_deal_size=Money(99_950, "USD"), velocity=Money(1_250, "USD")
    )
    shown = {tile.key: tile for tile in kpi_tiles(kpi_report(small))}
    assert shown["average_deal_size"].value == "$999.50"
    assert shown["velocity"].value == "$12.50/day"
    assert shown["won_amount"].value == "₽4,512,000"


def test_velocity_needs_every_part() -> None:
    no_velocity = dataclasses.replace(NOVEMBER, velocity=None)
    shown = {tile.key: tile for tile in kpi_tiles(kpi_report(no_velocity))}
    assert shown["velocity"].value == "—"
    assert shown["velocity"].change.plain == "—"
