"""The stress benchmark, shortened (issues 8, 13): 3 processes × 100 writes on one SQLite
file, and on a PostgreSQL database, with conflicts on shared deals; nothing lost, nothing
locked, integrity ok."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ENGINES

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "stress.py"


@pytest.mark.parametrize("engine", ENGINES)
def test_three_processes_lose_nothing_and_never_see_locked(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = (
        str(tmp_path / "stress.db")
        if engine == "sqlite"
        else request.getfixturevalue("postgres_server").new_database()
    )
    out = tmp_path / "stress.json"
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--workers",
            "3",
            "--ops",
            "100",
            "--db",
            target,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(out.read_text())["runs"][engine]
    assert done.returncode == 0, (report["failures"], report["crashed_workers"], done.stderr)
    assert report["failures"] == [] and report["crashed_workers"] == []
    assert report["integrity_check"] == "ok"
    assert report["locked_errors"] == 0 and report["errors"] == 0
    assert report["lost_operations"] == 0
    assert report["operations"] == 300
    assert report["results"].get("ok", 0) + report["results"].get("conflict", 0) == 300
