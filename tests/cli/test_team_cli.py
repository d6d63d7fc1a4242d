"""`funnel init-team`, `funnel users` and the checks every command makes before it opens the
database: one-line messages, exit codes, modes and group by stat."""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest

from funnel_tui.cli import main
from funnel_tui.services.context import os_login

GROUP = grp.getgrgid(os.getegid()).gr_name
ME = os_login()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def init(path: Path) -> None:
    assert main(["init-team", str(path), "--group", GROUP]) == 0


def test_init_team_creates_a_group_only_database_with_its_creator_as_lead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "team" / "funnel.db"
    init(path)
    out, err = capsys.readouterr()
    assert err == ""
    assert f"Created {path} for group {GROUP}" in out
    assert "setgid, mode 2770" in out and f"You ({ME}) are a lead" in out
    assert f"FUNNEL_DB={path}" in out
    assert mode(path.parent) == 0o2770 and path.parent.stat().st_gid == os.getegid()
    assert mode(path) == 0o660 and path.stat().st_gid == os.getegid()

    assert main(["--db", str(path), "users", "list", "--format", "json"]) == 0
    [me] = json.loads(capsys.readouterr().out)
    assert (me["login"], me["role"]) == (ME, "lead")

    # Again on the same file, made readable by everyone meanwhile: kept, and fixed.
    path.chmod(0o644)
    init(path)
    assert mode(path) == 0o660
    assert f"Kept the Funnel database at {path}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--group", "no-such-group-x"], 1, "funnel: no group 'no-such-group-x' on this system"),
        ([], 2, "Missing option '--group'"),
    ],
)
def test_init_team_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    path = tmp_path / "team" / "t.db"
    assert main(["init-team", str(path), *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not path.parent.exists()


def test_init_team_refuses_a_database_that_is_not_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    other.chmod(0o600)
    assert main(["init-team", str(other), "--group", GROUP]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Funnel one" in err


def test_init_team_warns_about_an_existing_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    init(folder / "t.db")
    err = capsys.readouterr().err
    assert err.startswith("funnel: warning: ") and err.count("\n") == 1
    assert f"chmod 2770 {folder}" in err


def test_users_add_list_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "team" / "t.db")
    init(Path(db))
    capsys.readouterr()
    assert main(["--db", db, "users", "add", "ivan", "--role", "rep", "--name", "Иван"]) == 0
    assert "Added ivan (rep, Иван)." in capsys.readouterr().out
    assert main(["--db", db, "users", "add", "ivan"]) == 1
    assert "already a user" in capsys.readouterr().err
    assert main(["--db", db, "users", "add", "petr", "--role", "boss"]) == 2
    capsys.readouterr()
    assert main(["--db", db, "users", "set", "ivan", "--role", "lead", "--name", "Ivan"]) == 0
    assert "Now ivan (lead, Ivan)." in capsys.readouterr().out
    assert main(["--db", db, "users", "set", "ivan"]) == 2
    capsys.readouterr()
    assert main(["--db", db, "users", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["ivan", "lead"] for line in lines)
    assert any(line.split()[:2] == [ME, "lead"] for line in lines)


def test_a_rep_may_not_add_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "team" / "t.db")
    init(Path(db))
    assert main(["--db", db, "users", "add", "ivan"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("funnel_tui.bootstrap.os_login", lambda: "ivan")
    assert main(["--db", db, "users", "add", "petr", "--role", "lead"]) == 1
    assert capsys.readouterr().err == f"funnel: only a lead can add users; ask {ME}\n"


def test_a_database_open_to_everyone_warns_once_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "open.db"
    assert main(["--db", str(db), "pipeline", "add", "--template", "three"]) == 0
    db.chmod(0o644)
    capsys.readouterr()
    assert main(["--db", str(db), "pipeline", "list"]) == 0
    out, err = capsys.readouterr()
    assert "Calls" in out
    assert err == f"funnel: warning: {db} is readable by everyone: run `chmod o-rwx {db}`\n"


def test_a_symlink_in_a_shared_directory_needs_allow_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "mine" / "t.db"
    real.parent.mkdir(mode=0o700)
    assert main(["--db", str(real), "pipeline", "add", "--template", "three"]) == 0
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    link = shared / "t.db"
    link.symlink_to(real)
    capsys.readouterr()
    assert main(["--db", str(link), "pipeline", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a symbolic link in" in err and "--allow-symlink" in err
    assert main(["--allow-symlink", "--db", str(link), "pipeline", "list"]) == 0
    assert "Calls" in capsys.readouterr().out
