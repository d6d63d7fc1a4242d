"""`funnel plan set/list/clear`: plans from a month on, the currency of the plan in effect
kept, one-line errors with exit 1, usage errors with exit 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.cli import main


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "p.db")
    assert main(["--db", path, "pipeline", "add", "Sales", "--template", "b2b"]) == 0
    assert main(["--db", path, "pipeline", "add", "Renewals", "--template", "repeat"]) == 0
    return path


def plans(db: str, capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert main(["--db", db, "plan", "list", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_set_list_and_clear(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--month", "2026-10", "--currency", "RUB"]
    assert main(["--db", db, "plan", "set", "1 500 000", *args]) == 0
    assert "Sales from 2026-10: ₽1,500,000.00 a month" in capsys.readouterr().out
    # No --currency: the plan in effect keeps its currency.
    assert main(["--db", db, "plan", "set", "2000000", "--month", "2027-01"]) == 0
    args = ["--pipeline", "renewals", "--month", "11.2026", "--currency", "EUR"]
    assert main(["--db", db, "plan", "set", "300,50", *args]) == 0
    assert main(["--db", db, "plan", "clear", "--month", "2027-03"]) == 0
    assert "Cleared: Sales from 2027-03: no plan" in capsys.readouterr().out
    assert plans(db, capsys) == [
        {"pipeline": "Sales", "owner": None, "month": "2026-10", "amount": "1500000.00",
         "currency": "RUB"},
        {"pipeline": "Sales", "owner": None, "month": "2027-01", "amount": "2000000.00",
         "currency": "RUB"},
        {"pipeline": "Sales", "owner": None, "month": "2027-03", "amount": None,
         "currency": None},
        {"pipeline": "Renewals", "owner": None, "month": "2026-11", "amount": "300.50",
         "currency": "EUR"},
    ]  # fmt: skip
    assert main(["--db", db, "plan", "list", "--pipeline", "Renewals"]) == 0
    assert capsys.readouterr().out == "Renewals from 2026-11: €300.50 a month\n"


def test_an_owner_plan(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "add", "Chairs", "--by", "boris"]) == 0  # boris joins
    args = ["--owner", "boris", "--month", "2026-10", "--currency", "USD"]
    assert main(["--db", db, "plan", "set", "$1,000", *args]) == 0
    assert "Sales (boris) from 2026-10: $1,000.00 a month" in capsys.readouterr().out
    assert [plan["owner"] for plan in plans(db, capsys)] == ["boris"]


def test_the_default_month_is_this_one(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "plan", "set", "100", "--currency", "RUB"]) == 0
    [plan] = plans(db, capsys)
    assert plan["month"] == f"{date.today():%Y-%m}"


def test_no_plans_yet(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "plan", "list"]) == 0
    assert "No plans yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "-5"], "funnel: plan: must not be negative"),
        (["set", "lots"], "funnel: plan: not an amount: 'lots'"),
        (["set", "100", "--currency", "XYZ"], "funnel: plan: unknown currency 'XYZ'"),
        (["set", "100", "--pipeline", "Nope"], "funnel: no pipeline 'Nope'"),
        (["set", "100", "--owner", "nobody"], "funnel: no user 'nobody'"),
        (["clear", "--month", "2026-10"], "funnel: no plan for 'Sales' in 2026-10 to clear"),
    ],
)
def test_user_errors_exit_1_with_one_line(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    assert main(["--db", db, "plan", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert plans(db, capsys) == []


@pytest.mark.parametrize(
    "args",
    [["set"], ["set", "100", "--month", "2026-13"], ["list", "--format", "csv"], ["nope"]],
)
def test_usage_errors_exit_2(db: str, args: list[str]) -> None:
    assert main(["--db", db, "plan", *args]) == 2
