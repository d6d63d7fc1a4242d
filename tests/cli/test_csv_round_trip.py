"""`funnel export --format csv` then `funnel import FILE.csv` into an empty database: the same
deals, stages, owners, values and dates; a second import adds nothing (issue 10)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from funnel_tui.cli import main

KEPT = (
    "title",
    "pipeline",
    "stage",
    "status",
    "value",
    "currency",
    "owner",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "expected_close",
    "next_contact",
    "next_contact_note",
    "loss_reason",
    "loss_note",
    "created_at",
    "closed_at",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(
            ({key: row[key] for key in KEPT} for row in csv.DictReader(handle)),
            key=lambda row: (row["created_at"], row["title"]),
        )


def test_export_csv_import_csv_gives_the_same_deals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert main(["--db", str(source), "demo", "--deals", "150", "--seed", "3"]) == 0
    assert main(["--db", str(source), "export", "--format", "csv", "--bom", "-o", str(first)]) == 0
    assert main(["--db", str(target), "import", str(first), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would import 150 deals" in out and "(with --create-stages)" in out
    assert main(["--db", str(target), "import", str(first)]) == 1  # it would create stages
    assert main(["--db", str(target), "import", str(first), "--create-stages"]) == 0
    assert main(["--db", str(target), "export", "--format", "csv", "-o", str(second)]) == 0
    assert _rows(second) == _rows(first)
    # Stages keep their order (those no deal is in are not in a deals file to bring along).
    before, after = _stage_orders(first), _stage_orders(second)
    assert after == {p: [s for s in stages if s in after[p]] for p, stages in before.items()}
    assert any(row["next_contact"] for row in _rows(first))
    assert any(row["loss_reason"] for row in _rows(first))
    assert any(row["tags"] for row in _rows(first))
    ids = {row["title"] + row["created_at"]: row["id"] for row in _all(first)}
    assert {row["external_id"] for row in _all(second)} == {
        f"generic:{ids[row['title'] + row['created_at']]}" for row in _all(second)
    }
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(first)]) == 0  # again: nothing new
    assert "Imported 0 deals" in capsys.readouterr().out
    assert main(["--db", str(target), "import", str(second)]) == 0  # nor from the copy
    assert "Imported 0 deals" in capsys.readouterr().out


def _stage_orders(path: Path) -> dict[str, list[str]]:
    """Pipeline → its stages that deals are in, in the pipeline's order."""
    positions: dict[str, dict[str, int]] = {}
    for row in _all(path):
        positions.setdefault(row["pipeline"], {})[row["stage"]] = int(row["stage_position"])
    return {p: sorted(stages, key=stages.__getitem__) for p, stages in positions.items()}


def _all(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_options_with_a_json_file_are_a_usage_error(tmp_path: Path) -> None:
    document = tmp_path / "export.json"
    assert main(["--db", str(tmp_path / "a.db"), "demo", "--deals", "5"]) == 0
    assert main(["--db", str(tmp_path / "a.db"), "export", "-o", str(document)]) == 0
    assert main(["--db", str(tmp_path / "b.db"), "import", str(document), "--dry-run"]) == 2


def test_a_formula_looking_title_survives_the_round_trip(tmp_path: Path) -> None:
    """The export guards `=SUM(A1)` as `'=SUM(A1)` for spreadsheets; the import takes the
    guard off again, so the deal keeps its title."""
    source, target, exported = tmp_path / "s.db", tmp_path / "t.db", tmp_path / "d.csv"
    assert main(["--db", str(source), "add", "=SUM(A1)", "--value", "100"]) == 0
    assert main(["--db", str(source), "add", "'quoted already", "--value", "5"]) == 0
    assert main(["--db", str(source), "export", "--format", "csv", "-o", str(exported)]) == 0
    assert "'=SUM(A1)" in exported.read_text(encoding="utf-8")
    assert main(["--db", str(target), "import", str(exported), "--create-stages"]) == 0
    again = tmp_path / "again.csv"
    assert main(["--db", str(target), "export", "--format", "csv", "--raw", "-o", str(again)]) == 0
    titles = {row["title"] for row in csv.DictReader(again.open(encoding="utf-8"))}
    assert titles == {"=SUM(A1)", "'quoted already"}
