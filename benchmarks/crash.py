"""Crash benchmark (issue 8): a writer killed with SIGKILL at a random moment, many times.

Usage:  .venv/bin/python benchmarks/crash.py [--iterations 50] [--db PATH]

The writer logs activities on one deal through `DealService`, one transaction each, and
prints each one's number to stdout (flushed) only after its commit returned. It is killed
with SIGKILL after a random 0.2–1.2 s. After each kill:
- `PRAGMA integrity_check` is ok;
- the activities in the database number at least what the writer acknowledged, and at most
  one more (the one committed but killed before it could say so).
Prints a table and exits 1 on any failure. tests/storage/test_crash.py runs 10 iterations.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WRITER = """
import sys
from funnel_tui.bootstrap import open_services
from funnel_tui.domain.models import ActivityKind

path, deal_id, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
services = open_services(path, login="writer")
print("ready", flush=True)
number = start
while True:
    number += 1
    services.deals.log_activity(deal_id, ActivityKind.NOTE, body=f"crash-{number}")
    print(number, flush=True)
"""


@dataclass(frozen=True, slots=True)
class Outcome:
    acknowledged: int
    committed: int
    integrity: str

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.acknowledged <= self.committed <= (
            self.acknowledged + 1
        )


def prepare(path: Path) -> int:
    """A database with one deal; its id."""
    from funnel_tui.bootstrap import open_services
    from funnel_tui.domain.models import DealDraft
    from funnel_tui.domain.money import Money

    services = open_services(path, login="writer")
    try:
        pipeline = services.pipelines.create_from_template("b2b", "en", "Crash")
        return services.deals.create(
            DealDraft("Crash", Money(1, "RUB")), pipeline_id=pipeline.id
        ).id
    finally:
        services.close()


def committed(path: Path) -> tuple[int, str]:
    """Activities written by the crash writer, and the integrity check's verdict."""
    db = sqlite3.connect(path)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        count = db.execute("SELECT count(*) FROM activities WHERE body LIKE 'crash-%'").fetchone()[
            0
        ]
    finally:
        db.close()
    return int(count), str(integrity)


def one_kill(path: Path, deal_id: int, rng: random.Random) -> Outcome:
    """Start the writer, let it write for a random while, SIGKILL it; compare."""
    before, _ = committed(path)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(deal_id), str(before)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert writer.stdout is not None
    if writer.stdout.readline().strip() != "ready":
        writer.kill()
        raise SystemExit(
            "the writer did not start: " + (writer.stderr.read() if writer.stderr else "")
        )
    time.sleep(rng.uniform(0.2, 1.2))
    os.kill(writer.pid, signal.SIGKILL)
    out, _ = writer.communicate()
    numbers = [int(line) for line in out.split()]
    acknowledged = before + len(numbers)
    if numbers:
        assert numbers[-1] == acknowledged, "the writer's numbers must follow on"
    count, integrity = committed(path)
    return Outcome(acknowledged, count, integrity)


def run(path: Path, iterations: int, seed: int = 1) -> list[Outcome]:
    deal_id = prepare(path)
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    for _ in range(iterations):
        outcome = one_kill(path, deal_id, rng)
        outcomes.append(outcome)
        if not outcome.ok:
            break
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="funnel-crash-")) / "crash.db"
    started = time.perf_counter()
    outcomes = run(path, args.iterations)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Crash: writer killed with SIGKILL, {len(outcomes)} times")
    for column in ("iterations ok", "commits acknowledged", "commits in the file", "time"):
        table.add_column(column, justify="right")
    good = sum(outcome.ok for outcome in outcomes)
    last = outcomes[-1]
    table.add_row(
        f"{good}/{args.iterations}",
        f"{last.acknowledged:,}",
        f"{last.committed:,}",
        f"{time.perf_counter() - started:.1f} s",
    )
    Console().print(table)
    if good != args.iterations:
        print(f"FAILED at iteration {len(outcomes)}: {last}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
