"""`funnel pipeline add/list`: a pipeline from a template, the Refusals one with its holding
stage, and a clear refusal of a duplicate name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funnel_tui.cli import main


def test_add_from_a_template_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "pipeline", "add", "--template", "refusals", "--lang", "ru"]) == 0
    added = capsys.readouterr().out
    assert "Отказы" in added and "holds deals until their revival date" in added

    assert main(["--db", db, "pipeline", "add", "Sales", "--template", "b2b"]) == 0
    assert main(["--db", db, "pipeline", "add", "sales", "--template", "aida"]) == 1
    assert "a pipeline named 'sales' exists" in capsys.readouterr().err

    assert main(["--db", db, "pipeline", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == ["Отказы", "Sales"]
    held = listed[0]["stages"][0]
    assert (held["name"], held["on_hold"], held["rot_days"]) == ("Условный отказ", True, None)
    assert not any(stage["on_hold"] for stage in listed[1]["stages"])

    assert main(["--db", db, "pipeline", "list"]) == 0
    text = capsys.readouterr().out
    assert "Sales" in text and "key stage" in text and "rots after 14 d" in text


def test_an_unknown_template_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["--db", str(tmp_path / "p.db"), "pipeline", "add", "--template", "nope"]) == 2
