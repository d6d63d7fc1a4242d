"""The `funnel` command as a user runs it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_tui.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess (as the console script would)."""
    return subprocess.run(
        [sys.executable, "-m", "funnel_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    assert (
        main(["--db", str(path), "add", "Chairs", "--value", "1 500,50", "--company", "Romashka"])
        == 0
    )
    return path


def test_demo_creates_private_file_in_new_directory(tmp_path: Path) -> None:
    new_dir = tmp_path / "NEWDIR" / "nested"
    result = run("--db", str(new_dir / "a.db"), "demo", "--deals", "300", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert (new_dir / "a.db").stat().st_mode & 0o777 == 0o600
    assert new_dir.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "NEWDIR").stat().st_mode & 0o777 == 0o700
    assert "Created 300 deals" in result.stdout


def test_export_import_round_trip_is_lossless(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run("--db", str(a), "demo", "--deals", "400", "--seed", "3").returncode == 0
    exported = run("--db", str(a), "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    (tmp_path / "e.json").write_text(exported.stdout, encoding="utf-8")
    imported = run("--db", str(b), "import", str(tmp_path / "e.json"))
    assert imported.returncode == 0, imported.stderr
    again = run("--db", str(b), "export", "--format", "json")
    assert again.stdout == exported.stdout
    document = json.loads(exported.stdout)
    assert len(document["deals"]) == 400
    assert any(deal["activities"] for deal in document["deals"])


def test_two_demo_runs_with_one_seed_are_identical(tmp_path: Path) -> None:
    exports = []
    for name in ("x.db", "y.db"):
        path = str(tmp_path / name)
        assert run("--db", path, "demo", "--deals", "200", "--seed", "1").returncode == 0
        exports.append(run("--db", path, "export").stdout)
    assert exports[0] == exports[1]
    assert json.loads(exports[0])["deals"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["move", "999999", "Meeting"], "deal 999999 does not exist"),
        (["add", "Chairs", "--value", "abc"], "not an amount"),
        (["lost", "1"], "needs a reason"),
        (["move", "1", "Nowhere"], "no stage 'Nowhere'"),
        (["lost", "1", "--reason", "Weather"], "unknown loss reason"),
        (["move", "1", "Meeting", "--expect-version", "7"], "changed by someone else"),
    ],
)
def test_user_errors_exit_1_with_one_line_and_change_nothing(
    db: Path, args: list[str], message: str
) -> None:
    before = run("--db", str(db), "export").stdout
    result = run("--db", str(db), *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert run("--db", str(db), "export").stdout == before


@pytest.mark.parametrize("target", ["/etc/passwd", "dir", "text.txt", "missing.db"])
def test_unopenable_databases_exit_1_and_stay_untouched(tmp_path: Path, target: str) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "text.txt").write_text("name,value\n", encoding="utf-8")
    path = Path(target) if target.startswith("/") else tmp_path / target
    before = digest(path) if path.is_file() else None
    result = run("--db", str(path), "export")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    if before is not None:
        assert digest(path) == before
    assert not (tmp_path / "missing.db").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("--db", str(tmp_path / "a.db"), "no-such-command").returncode == 2
    assert run("--db", str(tmp_path / "a.db"), "move").returncode == 2
    assert run("--db", str(tmp_path / "a.db"), "next", "1").returncode == 2  # no WHEN


def test_next_contact_is_typed_as_people_say_it(db: Path) -> None:
    result = run("--db", str(db), "next", "1", "tomorrow", "10:00", "--note", "call back")
    assert result.returncode == 0, result.stderr
    assert "tomorrow 10:00" in result.stdout
    bad = run("--db", str(db), "next", "1", "someday")
    assert bad.returncode == 1
    assert "'someday' is not a date or time" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_scripted_edits_with_at_and_by(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(db)]
    assert main([*base, "move", "1", "Meeting", "--at", "2030-01-02 10:00", "--by", "ivan"]) == 0
    assert (
        main(
            [
                *base,
                "log",
                "1",
                "--outcome",
                "reached",
                "--duration",
                "3m",
                "--note",
                "ok",
                "--at",
                "2030-01-02 11:00",
                "--by",
                "ivan",
            ]
        )
        == 0
    )
    assert main([*base, "next", "1", "25.12.2030 15:30", "--note", "send the offer"]) == 0
    assert (
        main(
            [
                *base,
                "lost",
                "1",
                "--reason",
                "price",
                "--note",
                "too dear",
                "--at",
                "2030-01-03 09:00",
            ]
        )
        == 0
    )
    assert main([*base, "reopen", "1", "--at", "2030-01-04 09:00"]) == 0
    assert main([*base, "won", "1", "--at", "2030-01-05 09:00"]) == 0
    capsys.readouterr()
    assert main([*base, "export"]) == 0
    deal = json.loads(capsys.readouterr().out)["deals"][0]
    stages = [entry["stage"] for entry in deal["history"]]
    assert stages == ["Prospecting", "Meeting", "Lost", "Meeting", "Won"]
    assert deal["history"][1]["by"] == "ivan"
    assert deal["history"][1]["at"].startswith("2030-01-02")
    assert deal["activities"][0]["duration_s"] == 180
    assert deal["activities"][0]["by"] == "ivan"
    assert deal["next_contact_note"] == "send the offer"
    assert deal["loss_reason"] is None


def test_delete_is_soft_and_restore_brings_back(db: Path) -> None:
    assert main(["--db", str(db), "delete", "1"]) == 0
    result = run("--db", str(db), "move", "1", "Meeting")
    assert result.returncode == 1 and "restore" in result.stderr
    assert main(["--db", str(db), "restore", "1"]) == 0
    assert main(["--db", str(db), "move", "1", "Meeting"]) == 0


def test_import_refuses_unknown_keys_and_imports_nothing(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run("--db", str(a), "demo", "--deals", "50").returncode == 0
    document = json.loads(run("--db", str(a), "export").stdout)
    document["deals"][30]["colour"] = "red"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    result = run("--db", str(b), "import", str(bad))
    assert result.returncode == 1
    assert "deals[30].colour: unknown key" in result.stderr
    assert "nothing was imported" in result.stderr
    assert json.loads(run("--db", str(b), "export").stdout)["deals"] == []


def test_backup_makes_a_consistent_private_copy(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert main(["--db", str(db), "backup", str(copy)]) == 0
    assert copy.stat().st_mode & 0o777 == 0o600
    assert run("--db", str(copy), "export").stdout == run("--db", str(db), "export").stdout
    assert run("--db", str(db), "backup", str(copy)).returncode == 1


def test_markup_and_escapes_in_data_are_printed_literally(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    title = "[bold red]x[/] \x1b]52;c;aGk=\x07"
    result = run("--db", str(db), "add", title)
    assert result.returncode == 0
    assert "[bold red]x[/]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "␛]52;c;aGk=␇" in result.stdout


def test_the_app_s_exit_code_is_the_command_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app that failed or crashed (return code 1) makes `funnel` exit 1, not 0."""
    import funnel_tui.bootstrap as bootstrap
    import funnel_tui.cli.base as base

    class Crashed:
        return_code = 1

        def run(self) -> None:
            return None

    monkeypatch.setattr(base, "has_screen", lambda: True)
    monkeypatch.setattr(bootstrap, "check_database", lambda target: None)
    monkeypatch.setattr(bootstrap, "build_app", lambda settings, target: Crashed())
    assert main(["--db", str(tmp_path / "a.db")]) == 1
