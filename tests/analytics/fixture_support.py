"""What the analytics acceptance tests (`test_*_fixture.py`) share: deal documents of the
interchange format written as short step strings, and a database with a fixture imported the
way a user would (`funnel import`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.cli import main
from tests.postgres_server import PostgresServer


def moment(text: str, year: int | None = None) -> str:
    """The moment "YYYY-MM-DD HH:MM" (UTC) as the interchange format writes it; with `year`,
    "MM-DD HH:MM" of that year."""
    day, clock = text.split(" ")
    return f"{'' if year is None else f'{year}-'}{day}T{clock}:00Z"


def deal_document(
    title: str,
    owner: str,
    value: str,
    *steps: str,
    pipeline: str,
    year: int | None = None,
    currency: str = "RUB",
    reason: str | None = None,
    expected_close: str | None = None,
    next_contact: str | None = None,
    activities: tuple[dict[str, Any], ...] = (),
    deleted: str | None = None,
) -> dict[str, Any]:
    """A deal document. Each step is "DAY HH:MM Stage" (UTC; the day as `moment` reads it
    with `year`), optionally "Pipeline/Stage" for a stage of another pipeline than the deal's
    own, and " @login" at the end when someone else than the owner made the move. The first
    step is the creation, the last one the deal's current stage. `next_contact`, `deleted`:
    moments as the steps write them; `expected_close`: a date, "YYYY-MM-DD"."""
    history: list[dict[str, Any]] = []
    for step in steps:
        day, clock, where = step.split(" ", 2)
        where, _, by = where.partition(" @")
        other, _, stage = where.rpartition("/")
        entry: dict[str, Any] = {
            "stage": stage,
            "at": moment(f"{day} {clock}", year),
            "by": by or owner,
        }
        if other:
            entry["pipeline"] = other
        history.append(entry)
    return {
        "title": title,
        "pipeline": pipeline,
        "value": value,
        "currency": currency,
        "owner": owner,
        "loss_reason": reason,
        "expected_close": expected_close,
        "next_contact_at": None if next_contact is None else moment(next_contact, year),
        "deleted_at": None if deleted is None else moment(deleted, year),
        "created_at": history[0]["at"],
        "history": history,
        "activities": list(activities),
    }


def import_fixture(tmp_path: Path, document: dict[str, Any], target: str | None = None) -> str:
    """A new database (`target`, a URL; else a file in `tmp_path`) with `document` imported
    by `funnel import`."""
    target = target or str(tmp_path / "crm.db")
    source = tmp_path / "fixture.json"
    source.write_text(json.dumps(document, indent=2), encoding="utf-8")
    assert main(["--db", target, "import", str(source)]) == 0
    return target


def database_for(request: pytest.FixtureRequest) -> str | None:
    """A fresh PostgreSQL database's URL when the test is parametrised with "postgresql"
    (tests/conftest.py ENGINES), else None (an SQLite file)."""
    if getattr(request, "param", "sqlite") != "postgresql":
        return None
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
