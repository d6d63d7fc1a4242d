"""CSV import benchmark (issue 10): `funnel import` of a 100,000-row amoCRM export.

Usage:  .venv/bin/python benchmarks/import_bench.py [--rows 100000]

Writes a deterministic amoCRM-style deals export (cp1251, `;`, Russian headers, dd.mm.yyyy
dates, budgets with spaces, won/lost/open deals over two pipelines and 20 owners) into
benchmarks/.cache/, then times, each as a fresh `funnel` process on a fresh database:
- the dry run (read, check and plan every row, write nothing);
- the import (`--create-stages`), run under a pseudo-terminal so that the progress bar is
  drawn as a person sees it: the bar's redraws are counted from the terminal output;
- the same import again into the now full database (every row found by its external id).
Results go to benchmarks/results/import-N.json. Target: 100,000 rows under 60 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import pty
import random
import re
import select
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
HEADER = [
    "ID",
    "Название сделки",
    "Бюджет",
    "Ответственный",
    "Статус сделки",
    "Воронка",
    "Компания",
    "Основной контакт",
    "Телефон",
    "E-mail",
    "Теги сделки",
    "Дата создания",
    "Дата закрытия",
    "Причина отказа",
]
PIPELINES = {
    "Продажи": ["Первичный контакт", "Переговоры", "Принимают решение", "Согласование договора"],
    "Партнёры": ["Заявка", "Встреча", "Пилот"],
}
REASONS = ["Дорого", "Выбрали конкурента", "Нет бюджета", "Не отвечает"]
FIRST = ["Иван", "Мария", "Алёна", "Пётр", "Ольга", "Дмитрий", "Наталья", "Сергей", "Юлия", "Артём"]
LAST = ["Петров", "Сидорова", "Ёлкина", "Щукин"]


def export_file(rows: int) -> Path:
    """The cached export of `rows` rows (same rows for the same count)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"amocrm-{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(rows)
    owners = [f"{first} {last}" for first in FIRST[:5] for last in LAST]
    start = datetime(2023, 1, 1, 9, 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        pipeline = rng.choice(list(PIPELINES))
        created = start + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        fate = rng.random()
        closed = created + timedelta(days=rng.randrange(1, 90))
        if fate < 0.25:
            stage, closed_text, reason = "Успешно реализовано", f"{closed:%d.%m.%Y %H:%M:%S}", ""
        elif fate < 0.55:
            stage, closed_text = "Закрыто и не реализовано", f"{closed:%d.%m.%Y %H:%M:%S}"
            reason = rng.choice(REASONS)
        else:
            stage, closed_text, reason = rng.choice(PIPELINES[pipeline]), "не закрыта", ""
        company = f"ООО «Компания {rng.randrange(5000)}»"
        writer.writerow(
            [
                str(100000 + n),
                f"Сделка №{n} с {company}",
                f"{rng.randrange(1, 5000) * 1000:,}".replace(",", " "),
                rng.choice(owners),
                stage,
                pipeline,
                company,
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"+7 9{rng.randrange(10, 99)} {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-"
                f"{rng.randrange(10, 99)}",
                f"client{n}@example.ru",
                rng.choice(["", "опт", "сайт, опт", "выставка"]),
                f"{created:%d.%m.%Y %H:%M:%S}",
                closed_text,
                reason,
            ]
        )
    path.write_bytes(buffer.getvalue().encode("cp1251"))
    return path


def _funnel(database: Path, *args: str) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "funnel_tui", "--db", str(database), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def _in_terminal(database: Path, *args: str) -> tuple[float, bytes]:
    """Run `funnel` with a pseudo-terminal for its output; the time and what it drew."""
    controller, terminal = pty.openpty()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "funnel_tui", "--db", str(database), *args],
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "100", "LINES": "30", "TERM": "xterm-256color"},
    )
    os.close(terminal)
    drawn = bytearray()
    while True:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            drawn += chunk
        elif process.poll() is not None:
            break
    code = process.wait()
    elapsed = time.perf_counter() - began
    os.close(controller)
    if code != 0:
        raise SystemExit(f"funnel import failed ({code}): {drawn[-2000:].decode(errors='replace')}")
    return elapsed, bytes(drawn)


def measure_import(rows: int) -> dict[str, object]:
    """Dry run, import under a terminal, and re-import of the cached `rows`-row export."""
    source = export_file(rows)
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "import.db"
        dry = _funnel(database, "import", str(source), "--dry-run")
        full, drawn = _in_terminal(database, "import", str(source), "--create-stages")
        again = _funnel(database, "import", str(source))
    text = drawn.decode("utf-8", errors="replace")
    imported = re.search(r"Imported (\d+) deals", text)
    return {
        "rows": rows,
        "file_bytes": source.stat().st_size,
        "dry_run_s": round(dry, 2),
        "import_s": round(full, 2),
        "rows_per_s": round(rows / full),
        "reimport_s": round(again, 2),
        "imported": int(imported[1]) if imported else None,
        "progress_redraws": {
            "checking rows": len(re.findall(r"Checking rows", text)),
            "writing deals": len(re.findall(r"Writing deals", text)),
        },
        "target_s": 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    result = {
        "benchmark": "import",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        **measure_import(args.rows),
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"import-{args.rows}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
