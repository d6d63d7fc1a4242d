"""Smoke test of benchmarks/terminal.py at 1,000 deals: every figure is produced and plausible.

Runs the real `funnel` and the bare app under a pty (skipped where no pty can be opened).
The kanban-tui comparison is left out: it installs from the network.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyte", reason="pyte (the `bench` dependency group) is not installed")

from benchmarks.common import funnel_command

from benchmarks import pty_session, terminal

WHY_NOT = pty_session.pty_available()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo-1000.db"
    subprocess.run(
        [*funnel_command(), "--db", str(db), "demo", "--deals", "1000", "--seed", "1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return db


def _plausible(shown: dict[str, Any] | None, name: str) -> None:
    assert shown is not None, name
    assert 0 < shown["min_ms"] <= shown["median_ms"] <= shown["max_ms"] < 60_000, name
    assert shown["samples"], name


def test_every_terminal_figure_is_produced(demo_db: Path) -> None:
    before = demo_db.read_bytes()

    pair = terminal.measure_start_pair(demo_db, runs=1)
    bare, start = pair["bare"], pair["funnel"]
    keys = terminal.measure_keys(demo_db, runs=1, keys=2)

    for result in (bare, start, keys):
        assert result["errors"] == []
    for result in (bare, start):
        _plausible(result["pty"], f"{result['app']} pty start")
        _plausible(result["headless"], f"{result['app']} headless start")
        assert result["rss_mb"]["max"] > 10
        assert result["bytes"]["min"] > 0
        assert result["ready_text"]
    assert start["deals"] == 1000
    for action in terminal.ACTIONS:
        _plausible(keys[action], action)
        assert keys[action]["bytes"]["min"] > 0, action
    assert keys["rss_mb"]["max"] > 10
    assert pair["verdict"]["pty"]["ratio"] > 0
    assert pair["verdict"]["pty"]["target"] == "≤ 1.2× bare"
    assert terminal.key_verdicts(keys)["focus_move_bytes"]["median"] > 0
    # The measured database was copied, never written to.
    assert demo_db.read_bytes() == before


def test_the_ready_checks_read_the_screen() -> None:
    assert terminal.column_counts(
        [" x", " 30 deals · 5%  ▕ 1 deal · 10%  ▕ 12,345 deals · 25%"]
    ) == (
        30,
        1,
        12345,
    )
    assert terminal.column_counts(["Opening the database…"]) is None
