"""`funnel report --kpi | --forecast | --plan | --team | --losses` on demo data with a frozen
clock: text, JSON and CSV carry the numbers the analytics compute, and bad input gets one line
and exit code 1 or 2.

The database is built once for the module (300 demo deals up to 2026-11-20, in UTC) and only
read by the tests.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.analytics.forecast import forecast_report
from funnel_tui.analytics.kpi import kpi_report
from funnel_tui.analytics.losses import loss_report
from funnel_tui.analytics.metrics_model import (
    ForecastQuery,
    ForecastReport,
    KpiReport,
    LossReport,
    MetricsQuery,
    PlanQuery,
    PlanReport,
    TeamReport,
)
from funnel_tui.analytics.plan import plan_report
from funnel_tui.analytics.team import team_report
from funnel_tui.bootstrap import open_services
from funnel_tui.cli import main
from funnel_tui.config import load_settings
from funnel_tui.domain.money import Money
from funnel_tui.render.chart_parts import amount, format_duration
from funnel_tui.render.funnel_chart import format_conversion
from funnel_tui.render.kpi_tiles import KPIS, kpi_change, kpi_tiles
from funnel_tui.services.demo import generate_demo
from funnel_tui.storage.database import SqlStore, open_store

TODAY = date(2026, 11, 20)
AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OCTOBER = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
FROZEN = ["--as-of", "2026-11-20 12:00", "--period", "last-month"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("metrics") / "crm.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        services = open_services(str(path), login="anna")
        try:
            generate_demo(services.context.store, deals=300, seed=1, today=TODAY, viewer="anna")
        finally:
            services.close()
    time.tzset()
    yield str(path)


@pytest.fixture(autouse=True)
def in_utc(utc_zone: None) -> None:
    """The command and the direct calls tell days in one zone."""


@pytest.fixture
def store(database: str) -> Iterator[SqlStore]:
    opened = open_store(database, create=False)
    yield opened
    opened.close()


@pytest.fixture
def fallback() -> str:
    return load_settings().effective_currency


def report(capsys: pytest.CaptureFixture[str], database: str, *options: str) -> str:
    """`funnel report` with the clock frozen; its standard output."""
    capsys.readouterr()
    assert main(["--db", database, "report", *FROZEN, *options]) == 0
    return capsys.readouterr().out


def as_json(capsys: pytest.CaptureFixture[str], database: str, *options: str) -> Any:
    return json.loads(report(capsys, database, *options, "--format", "json"))


def as_csv(
    capsys: pytest.CaptureFixture[str], database: str, *options: str
) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report(capsys, database, *options, "--format", "csv"))))


def fraction(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def money(value: Money | None) -> str | None:
    return None if value is None else value.to_decimal_string()


def cell(value: Any) -> str:
    """A JSON value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def first_pipeline(store: SqlStore) -> tuple[int, str]:
    with store.read() as uow:
        pipeline = uow.pipelines.list()[0]
    return pipeline.id, pipeline.name


# --- KPIs ----------------------------------------------------------------------------------


def kpis(store: SqlStore, fallback: str, pipeline_id: int | None = None) -> KpiReport:
    query = MetricsQuery(pipeline_id, *OCTOBER)
    return kpi_report(store, query, now=AS_OF, zone=UTC, fallback_currency=fallback)


KPI_FIELDS = (
    "new_leads",
    "open_opportunities",
    "won",
    "lost",
    "win_rate",
    "won_amount",
    "average_deal_size",
    "cycle_mean_days",
    "cycle_median_days",
    "velocity",
    "velocity_open_deals",
)


def kpi_json_values(values: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for field in KPI_FIELDS:
        value = getattr(values, field)
        shown[field] = money(value) if isinstance(value, Money) else value
        if isinstance(value, Fraction):
            shown[field] = float(value)
    if values.average_deal_size is None:
        shown["average_deal_size"] = None
    if values.velocity is None:
        shown["velocity"] = None
    return shown


def test_kpi_json_is_the_analytics(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    expected = kpis(store, fallback)
    document = as_json(capsys, database, "--kpi")
    assert document == {
        "report": "kpi",
        "pipeline": None,
        "owner": None,
        "from": "2026-10-01",
        "to": "2026-10-31",
        "previous_from": "2026-09-01",
        "previous_to": "2026-09-30",
        "currency": expected.currency,
        "current": kpi_json_values(expected.current),
        "previous": kpi_json_values(expected.previous),
        "change": {
            definition.key: fraction(kpi_change(definition, expected)) for definition in KPIS
        },
        "other_currencies": list(expected.other_currencies),
    }
    assert expected.current.new_leads > 0 and expected.current.won > 0  # a telling sample
    assert 0 <= document["current"]["win_rate"] <= 1


def test_kpi_csv_and_text_carry_the_same_numbers(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    document = as_json(capsys, database, "--kpi")
    rows = {row["kpi"]: row for row in as_csv(capsys, database, "--kpi")}
    assert list(rows) == list(KPI_FIELDS)
    for field in KPI_FIELDS:
        row = rows[field]
        assert row["current"] == cell(document["current"][field]), field
        assert row["previous"] == cell(document["previous"][field]), field
        assert row["change"] == cell(document["change"].get(field)), field
    assert rows["won_amount"]["currency"] == document["currency"]
    assert rows["new_leads"]["currency"] == ""
    text = report(capsys, database, "--kpi")
    for tile in kpi_tiles(kpis(store, fallback)):
        assert tile.label in text
        assert tile.value in text and tile.change.plain in text, tile.key


def test_kpi_of_one_pipeline(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    pipeline_id, name = first_pipeline(store)
    expected = kpis(store, fallback, pipeline_id)
    document = as_json(capsys, database, "--kpi", "--pipeline", name)
    assert document["pipeline"] == name
    assert document["current"] == kpi_json_values(expected.current)


# --- forecast ------------------------------------------------------------------------------


def forecast(store: SqlStore, fallback: str, months: int = 3) -> ForecastReport:
    query = ForecastQuery(None, date(2026, 11, 1), months)
    return forecast_report(store, query, now=AS_OF, zone=UTC, fallback_currency=fallback)


def test_forecast_in_all_three_formats(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    expected = forecast(store, fallback, months=4)
    document = as_json(capsys, database, "--forecast", "--months", "4")
    months = [
        {
            "month": month.month.isoformat(),
            "deals": month.deals,
            "amount": money(month.amount),
            "weighted": money(month.weighted),
            "historical": money(month.historical),
        }
        for month in expected.months
    ]
    assert document == {
        "report": "forecast",
        "pipeline": None,
        "owner": None,
        "currency": expected.currency,
        "months": months,
        "odds": [
            {
                "pipeline": odds.pipeline_name,
                "stage": odds.stage_name,
                "configured": float(odds.configured),
                "measured": fraction(odds.measured),
                "sample": odds.sample,
            }
            for odds in expected.odds
        ],
        "overdue_deals": expected.overdue_deals,
        "undated_deals": expected.undated_deals,
        "other_currencies": list(expected.other_currencies),
    }
    assert [month["month"] for month in months] == [
        "2026-11-01",
        "2026-12-01",
        "2027-01-01",
        "2027-02-01",
    ]
    rows = as_csv(capsys, database, "--forecast", "--months", "4")
    assert rows == [
        {key: cell(value) for key, value in month.items()} | {"currency": expected.currency}
        for month in months
    ]
    text = report(capsys, database, "--forecast", "--months", "4")
    for month in expected.months:
        assert f"{month.month:%b %Y}" in text
        assert amount(month.weighted) in text and amount(month.historical) in text
    assert "Win odds by stage" in text


# --- plan ----------------------------------------------------------------------------------


def plan(store: SqlStore, fallback: str, month: date) -> PlanReport:
    pipeline_id, _ = first_pipeline(store)
    query = PlanQuery(pipeline_id, month)
    return plan_report(store, query, now=AS_OF, zone=UTC, fallback_currency=fallback)


def test_plan_in_all_three_formats(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    expected = plan(store, fallback, date(2026, 11, 1))
    document = as_json(capsys, database, "--plan")
    stages = [
        {
            "stage": stage.name,
            "win_odds": fraction(stage.win_odds),
            "odds_measured": stage.measured,
            "required": stage.required,
            "actual": stage.actual,
            "deficit": stage.deficit,
        }
        for stage in expected.stages
    ]
    assert document == {
        "report": "plan",
        "pipeline": expected.pipeline_name,
        "month": "2026-11-01",
        "owner": None,
        "currency": expected.currency,
        "plan": money(expected.plan),
        "won_amount": money(expected.won_amount),
        "won": expected.won,
        "fulfilment": fraction(expected.fulfilment),
        "average_deal_size": money(expected.average_deal_size),
        "required_wins": expected.required_wins,
        "stages": stages,
    }
    assert expected.plan is not None and expected.required_wins is not None  # the demo plans
    rows = as_csv(capsys, database, "--plan")
    assert rows[:-1] == [
        {key: cell(value) for key, value in stage.items()} | {"currency": expected.currency}
        for stage in stages
    ]
    short = max(0, expected.required_wins - expected.won)
    assert rows[-1] == {
        "stage": "won",
        "win_odds": "",
        "odds_measured": "",
        "required": str(expected.required_wins),
        "actual": str(expected.won),
        "deficit": str(short),
        "currency": expected.currency,
    }
    text = report(capsys, database, "--plan")
    assert f"{format_conversion(expected.fulfilment)} of plan" in text
    assert f"{expected.required_wins} wins needed" in text


def test_a_month_without_a_plan_says_how_to_set_one(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    assert plan(store, fallback, date(2024, 1, 1)).plan is None
    document = as_json(capsys, database, "--plan", "--month", "2024-01")
    assert (document["plan"], document["fulfilment"], document["required_wins"]) == (
        None,
        None,
        None,
    )
    _, name = first_pipeline(store)
    text = " ".join(report(capsys, database, "--plan", "--month", "01.2024").split())
    assert "No plan for January 2024" in text  # the hint wraps between words: joined here
    assert f"funnel plan set AMOUNT --pipeline '{name}' --month 2024-01" in text


# --- team ----------------------------------------------------------------------------------


def team(store: SqlStore, fallback: str) -> TeamReport:
    query = MetricsQuery(None, *OCTOBER)
    return team_report(store, query, now=AS_OF, fallback_currency=fallback)


def test_team_in_all_three_formats(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    expected = team(store, fallback)
    document = as_json(capsys, database, "--team")
    managers = [
        {
            "login": manager.login,
            "name": manager.display_name,
            "calls": manager.calls,
            "meetings": manager.meetings,
            "created": manager.created,
            "moved_forward": manager.moved_forward,
            "won": manager.won,
            "won_amount": money(manager.won_amount),
            "lost": manager.lost,
            "median_first_response_seconds": None
            if manager.median_first_response is None
            else manager.median_first_response.total_seconds(),
            "overdue_now": manager.overdue_now,
            "without_next_contact": manager.without_next_contact,
        }
        for manager in expected.managers
    ]
    assert document == {
        "report": "team",
        "pipeline": None,
        "from": "2026-10-01",
        "to": "2026-10-31",
        "currency": expected.currency,
        "managers": managers,
        "other_currencies": list(expected.other_currencies),
    }
    assert len(managers) >= 2
    rows = as_csv(capsys, database, "--team")
    assert rows == [
        {key: cell(value) for key, value in manager.items()} | {"currency": expected.currency}
        for manager in managers
    ]
    text = report(capsys, database, "--team")
    for manager in expected.managers:
        line = next(line for line in text.splitlines() if line.startswith(manager.display_name))
        assert amount(manager.won_amount) in line
        assert format_duration(manager.median_first_response) in line


# --- losses --------------------------------------------------------------------------------


def losses(store: SqlStore, fallback: str) -> LossReport:
    return loss_report(store, MetricsQuery(None, *OCTOBER), fallback_currency=fallback)


def test_losses_in_all_three_formats(
    capsys: pytest.CaptureFixture[str], database: str, store: SqlStore, fallback: str
) -> None:
    expected = losses(store, fallback)
    document = as_json(capsys, database, "--losses")
    reasons = [
        {"reason": reason.reason, "count": reason.count, "amount": money(reason.amount)}
        for reason in expected.reasons
    ]
    assert document == {
        "report": "losses",
        "pipeline": None,
        "from": "2026-10-01",
        "to": "2026-10-31",
        "currency": expected.currency,
        "reasons": reasons,
        "other_currencies": list(expected.other_currencies),
    }
    assert reasons
    rows = as_csv(capsys, database, "--losses")
    assert rows == [
        {key: cell(value) for key, value in reason.items()} | {"currency": expected.currency}
        for reason in reasons
    ]
    text = report(capsys, database, "--losses")
    lost = sum(reason.count for reason in expected.reasons)
    assert f"{lost} deals lost" in text
    for reason in expected.reasons:
        line = next(line for line in text.splitlines() if line.startswith(reason.reason or "no"))
        share = format_conversion(Fraction(reason.count, lost))
        assert line.split()[-4:] == [str(reason.count), *share.split(), amount(reason.amount)]


# --- several, and the funnel unchanged ----------------------------------------------------


def test_several_reports_print_in_a_fixed_order(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    text = report(capsys, database, "--losses", "--team", "--plan", "--forecast", "--kpi")
    titles = ["KPIs", "Forecast", "Plan", "Team", "Loss reasons"]
    starts = [text.index(f"{title} · ") for title in titles]
    assert starts == sorted(starts)


def test_the_funnel_report_without_flags_is_unchanged(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    document = as_json(capsys, database)
    assert "report" not in document
    assert document["view"] == "cohort" and document["stages"]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (
            ["--forecast", "--months", "12"],
            2,
            "--months: '12' is not a number of months from 3 to 9",
        ),
        (["--forecast", "--months", "x"], 2, "--months: 'x' is not a number of months"),
        (["--plan", "--month", "2026-13"], 2, "--month: '2026-13' is not a month"),
        (["--months", "4"], 2, "--months goes with --forecast"),
        (["--kpi", "--month", "2026-11"], 2, "--month goes with --plan"),
        (["--kpi", "--view", "snapshot"], 2, "--view is for the funnel report"),
        (["--kpi", "--team", "--format", "json"], 2, "--format json takes one report at a time"),
        (["--kpi", "--team", "--format", "csv"], 2, "(got --kpi, --team)"),
        (["--kpi", "--pipeline", "Nowhere"], 1, "no pipeline 'Nowhere'"),
        (["--team", "--owner", "nobody"], 1, "no user 'nobody'"),
        (["--losses", "--currency", "XYZ"], 1, "unknown currency 'XYZ'"),
        (["--kpi", "--from", "2026-10-31", "--to", "2026-10-01"], 1, "before it starts"),
    ],
)
def test_bad_input_gets_one_line_and_an_exit_code(
    capsys: pytest.CaptureFixture[str],
    database: str,
    options: list[str],
    code: int,
    message: str,
) -> None:
    capsys.readouterr()
    frozen = ["--as-of", "2026-11-20 12:00"]
    assert main(["--db", database, "report", *frozen, *options]) == code
    captured = capsys.readouterr()
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_a_missing_database_is_one_line_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.db"
    assert main(["--db", str(missing), "report", "--kpi"]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not missing.exists()
