"""`funnel dashboard`: its options, its one-line errors, and (under tmux) the real thing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funnel_tui.cli import main
from funnel_tui.cli.dashboard import parse_interval


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    assert main(["--db", str(path), "demo", "--deals", "200", "--seed", "2"]) == 0
    return path


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage: funnel dashboard [OPTIONS]" in out
    for option in ("--pipeline", "--owner LOGIN", "--interval SECONDS"):
        assert option in out
    assert "[default: 10]" in out


@pytest.mark.parametrize("value", ["0", "0.1", "-5", "abc", "", "nan", "inf", "3601", "1e9"])
def test_a_bad_interval_is_one_line_and_a_usage_error(
    value: str, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "dashboard", "--interval", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0] == (
        f"funnel dashboard: --interval: {value!r} is not a number of seconds from 0.5 to 3600"
    )


def test_intervals_read_as_people_write_them() -> None:
    assert parse_interval("10") == 10
    assert parse_interval(" 2.5 ") == 2.5
    assert parse_interval("30s") == 30
    assert parse_interval("0.5") == 0.5
    assert parse_interval("3600") == 3600


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pipeline", "Nope"], "funnel: no pipeline 'Nope' (pipelines: "),
        (["--owner", "nobody"], "funnel: no user 'nobody' (users: "),
        ([], "funnel: the dashboard needs a terminal; `funnel report` prints the figures"),
    ],
)
def test_wrong_names_and_no_terminal_are_one_line_user_errors(
    args: list[str], message: str, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "dashboard", *args]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_a_missing_database_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "none.db"
    assert main(["--db", str(path), "dashboard"]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not path.exists()


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_dashboard_runs_in_a_terminal_and_follows_another_process(
    db: Path, tmp_path: Path
) -> None:
    """The real command in a real terminal (tmux): it draws, and a deal won by another
    `funnel` process shows within the interval (plus the time to read and draw)."""
    # A server of its own (its socket in the test's directory): the command gets this test's
    # isolated environment, not that of a tmux server already running.
    tmux = ["tmux", "-S", str(tmp_path / "tmux.sock")]
    # The terminal's size set before the app starts: on a busy machine tmux could size the
    # window after the app had read it, and the resize signal came before Textual listened.
    command = (
        f"stty cols 160 rows 45; exec {sys.executable} -m funnel_tui --db {db}"
        " dashboard --interval 0.5"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "wall", "-x", "160", "-y", "45", command],
        check=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:

        def screen() -> str:
            done = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "wall"],
                capture_output=True,
                text=True,
                check=False,
            )
            return done.stdout

        deadline = time.monotonic() + 30

        # Read, and drawn at the window's full size (large type: 160×45 is big enough).
        def ready(text: str) -> bool:
            return "Plan fulfilment" in text and "updated" in text and "Won this month" in text

        while not ready(screen()) and time.monotonic() < deadline:
            time.sleep(0.1)
        before = screen()
        assert "updated" in before and "Won this month" in before, before

        def figures() -> list[str]:
            """The key figures' lines (under the title and its ticking clock)."""
            return screen().splitlines()[1:6]

        shown = figures()
        deal_id = _an_open_deal(db)
        won = subprocess.run(
            [sys.executable, "-m", "funnel_tui", "--db", str(db), "won", str(deal_id)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert won.returncode == 0, won.stderr
        committed = time.monotonic()
        now = shown
        while time.monotonic() < committed + 3:
            now = figures()
            if now != shown:
                break
            time.sleep(0.05)
        took = time.monotonic() - committed
        assert now != shown, f"the won figure did not change in {took:.1f} s"
        assert took < 0.5 + 1.5
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)


def _an_open_deal(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id"
            " WHERE s.kind = 'open' AND d.deleted_at IS NULL"
            " AND d.pipeline_id = (SELECT MIN(id) FROM pipelines)"
            " ORDER BY d.id LIMIT 1"
        ).fetchone()
    assert row is not None
    return int(row[0])
