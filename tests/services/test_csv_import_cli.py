"""`funnel import FILE.csv` (cli/data.py `import`, cli/csv_import.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from funnel_tui.cli.base import Options
from funnel_tui.cli.data import import_
from funnel_tui.config import load_settings
from funnel_tui.domain.errors import FunnelError
from tests.analytics.fixture_support import database_for
from tests.conftest import ENGINES
from tests.services.test_csv_import import AMO_HEADER, amo_rows, bad_amo_rows, to_bytes


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database imported into: an SQLite file, or a fresh PostgreSQL database."""
    return database_for(request) or str(tmp_path / "funnel.db")


def run(db: str, *args: str) -> tuple[int, str, BaseException | None]:
    options = Options(db=db, settings=load_settings())
    result = CliRunner().invoke(import_, list(args), obj=options)
    return result.exit_code, result.output, result.exception


def test_dry_run_then_import_then_again(tmp_path: Path, db: str) -> None:
    file = tmp_path / "amo.csv"
    file.write_bytes(to_bytes(AMO_HEADER, amo_rows(50), "cp1251", ";"))
    code, out, _ = run(db, str(file), "--dry-run")
    assert code == 0, out
    assert "amoCRM" in out and "cp1251" in out and "Would import 50 deals." in out
    assert "New pipeline 'Продажи' (with --create-stages)" in out and "ivan.petrov" in out
    code, out, error = run(db, str(file))
    assert isinstance(error, FunnelError) and "needs 1 pipeline this database lacks" in str(error)
    code, out, _ = run(db, str(file), "--create-stages")
    assert code == 0 and "Imported 50 deals." in out
    code, out, _ = run(db, str(file))
    assert "50 already here" in out and "Imported 0 deals." in out


def test_bad_rows_are_listed_and_skip_bad_writes_rejects(tmp_path: Path, db: str) -> None:
    rows, bad = bad_amo_rows()
    file = tmp_path / "amo.csv"
    file.write_bytes(to_bytes(AMO_HEADER, rows, "utf-8-sig", ","))
    code, out, error = run(db, str(file), "--create-stages")
    assert isinstance(error, FunnelError) and "nothing imported" in str(error)
    assert all(f"line {line}" in out for line in bad)
    code, out, _ = run(db, str(file), "--skip-bad", "--create-stages")
    assert code == 0 and "Imported 196 deals." in out
    assert "4 bad rows written to" in out
    rejects = tmp_path / "amo.rejected.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        header, *kept = list(csv.reader(handle))
    assert header == [*AMO_HEADER, "funnel: line", "funnel: problem"]
    assert [int(row[-2]) for row in kept] == sorted(bad)
    assert [row[:-2] for row in kept] == [rows[line - 2] for line in sorted(bad)]
    assert "Бюджет: " in kept[1][-1]
    # Fixed, the reject file imports as it is (its two extra columns are ignored).
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in kept:
            writer.writerow([*fixed_amo_row(row[: len(AMO_HEADER)]), *row[-2:]])
    code, out, _ = run(db, str(fixed))
    assert code == 0 and "Imported 4 deals." in out, out


def fixed_amo_row(row: list[str]) -> list[str]:
    """What a person fixing bad_amo_rows() would type in: a title, an amount, a real date,
    an e-mail."""
    fixed = list(row)
    fixed[1] = fixed[1] or "Fixed title"
    fixed[2] = "1000"
    fixed[9] = "fixed@example.ru"
    fixed[11] = "28.02.2024"
    return fixed


def test_the_import_commands_preset_choice_names_every_preset() -> None:
    from funnel_tui.services.csv_import import PRESETS

    choice = next(param for param in import_.params if param.name == "preset")
    assert sorted(choice.type.choices) == sorted(PRESETS)  # type: ignore[attr-defined]
