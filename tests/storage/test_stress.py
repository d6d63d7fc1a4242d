"""The stress benchmark, shortened (issue 8): 3 processes × 100 writes on one file, with
conflicts on shared deals; nothing lost, nothing locked, integrity ok."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "stress.py"


def test_three_processes_lose_nothing_and_never_see_locked(tmp_path: Path) -> None:
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
            str(tmp_path / "stress.db"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(out.read_text())
    assert done.returncode == 0, (report["failures"], report["crashed_workers"], done.stderr)
    assert report["failures"] == [] and report["crashed_workers"] == []
    assert report["integrity_check"] == "ok"
    assert report["locked_errors"] == 0 and report["errors"] == 0
    assert report["lost_operations"] == 0
    assert report["operations"] == 300
    assert report["results"].get("ok", 0) + report["results"].get("conflict", 0) == 300
