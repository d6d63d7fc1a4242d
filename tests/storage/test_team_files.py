"""A team database file: the directory (group, setgid, 2770), the file and its WAL/SHM (0660,
the group), checked by stat; and the checks every open makes (modes, symlinks, network
filesystems). Uses the current user's primary group, so it runs as root and as anyone else."""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from funnel_tui.domain.errors import StoreError
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage import team_files
from funnel_tui.storage.database import open_store
from funnel_tui.storage.team_files import (
    filesystem_type,
    group_id,
    path_warnings,
    prepare_team_file,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def other_group() -> int | None:
    """A group other than our primary one that we may give files to (any, as root)."""
    mine = set(os.getgroups()) - {os.getegid()}
    for entry in grp.getgrall():
        if entry.gr_gid != os.getegid() and (os.geteuid() == 0 or entry.gr_gid in mine):
            return entry.gr_gid
    return None


GROUPS = [os.getegid(), other_group()]


@pytest.mark.parametrize("gid", [g for g in GROUPS if g is not None], ids=str)
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o007, 0o000], ids=oct)
def test_new_team_database_belongs_to_the_group_only(tmp_path: Path, mask: int, gid: int) -> None:
    path = tmp_path / "srv" / "team" / "funnel.db"
    with umask(mask):
        prepared = prepare_team_file(path, gid)
        assert prepared.created_directory and not prepared.existing_funnel
        assert prepared.warnings == []
        store = open_store(path)
        try:
            PipelineService(ServiceContext(store, login="anna")).create_from_template("three")
            team = path.parent
            assert mode(team) == 0o2770 and team.stat().st_gid == gid
            assert mode(tmp_path / "srv") == 0o755  # teammates pass through it
            assert mode(path) == 0o660 and path.stat().st_gid == gid
            sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(side.exists() for side in sidecars), "expected WAL mode"
            for side in sidecars:
                # SQLite copies the main file's mode; the setgid directory gives the group.
                assert mode(side) == 0o660, f"{side.name} is {oct(mode(side))}"
                assert side.stat().st_gid == gid
        finally:
            store.close()


def test_an_existing_directory_is_checked_not_changed(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    prepared = prepare_team_file(folder / "t.db", os.getegid())
    assert not prepared.created_directory
    [warning] = prepared.warnings
    name = grp.getgrgid(os.getegid()).gr_name
    assert f"chgrp {name} {folder} && chmod 2770 {folder}" in warning
    assert mode(folder) == 0o755
    assert mode(folder / "t.db") == 0o660


def test_a_ready_team_directory_gets_no_warning(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    assert prepare_team_file(folder / "t.db", os.getegid()).warnings == []


def test_a_funnel_database_is_kept_and_given_to_the_group(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = open_store(path)  # a personal database: 0600
    PipelineService(ServiceContext(store, login="anna")).create_from_template("three")
    store.close()
    assert mode(path) == 0o600
    prepared = prepare_team_file(path, os.getegid())
    assert prepared.existing_funnel
    assert mode(path) == 0o660
    store = open_store(path)
    try:
        assert len(PipelineService(ServiceContext(store, login="anna")).list()) == 1
    finally:
        store.close()


def test_anything_else_at_the_path_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    other.chmod(0o644)
    with pytest.raises(StoreError, match="not a Funnel one"):
        prepare_team_file(other, os.getegid())
    assert mode(other) == 0o644
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(StoreError, match="not an SQLite file"):
        prepare_team_file(text, os.getegid())


def test_an_unknown_group_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^no group 'no-such-group-x' on this system"):
        group_id("no-such-group-x")


def test_a_group_one_is_not_in_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(team_files, "_may_use_group", lambda gid: False)
    with pytest.raises(StoreError, match="you are not a member of group"):
        prepare_team_file(tmp_path / "team" / "t.db", os.getegid())
    assert not (tmp_path / "team").exists()


def test_a_failed_chgrp_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    with pytest.raises(StoreError, match=r"cannot give .*team to group .*: Operation not perm"):
        prepare_team_file(tmp_path / "team" / "t.db", os.getegid())
    assert not (tmp_path / "team").exists()


# --- the checks on every open -----------------------------------------------------------


def make_file(path: Path, file_mode: int, dir_mode: int) -> Path:
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"")
    path.chmod(file_mode)
    path.parent.chmod(dir_mode)
    return path


@pytest.mark.parametrize(
    ("file_mode", "dir_mode", "expected"),
    [
        (0o600, 0o700, []),
        (0o660, 0o2770, []),
        (0o644, 0o755, ["readable by everyone: run `chmod o-rwx {file}`"]),
        (0o606, 0o755, ["readable and writable by everyone: run `chmod o-rwx {file}`"]),
        (0o602, 0o755, ["writable by everyone: run `chmod o-rwx {file}`"]),
        (
            0o600,
            0o777,
            ["without the sticky bit, so anyone can replace the database: run `chmod +t {dir}`"],
        ),
        (0o600, 0o1777, []),
    ],
    ids=lambda v: oct(v) if isinstance(v, int) else None,
)
def test_open_warnings_name_the_fix(
    tmp_path: Path, file_mode: int, dir_mode: int, expected: list[str]
) -> None:
    path = make_file(tmp_path / "d" / "t.db", file_mode, dir_mode)
    warnings = path_warnings(path)
    assert len(warnings) == len(expected)
    for warning, wanted in zip(warnings, expected, strict=True):
        assert wanted.format(file=path, dir=path.parent) in warning
        assert "\n" not in warning


def test_a_symlink_in_a_shared_directory_is_refused(tmp_path: Path) -> None:
    real = make_file(tmp_path / "private" / "t.db", 0o600, 0o700)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    link = shared / "t.db"
    link.symlink_to(real)
    with pytest.raises(StoreError, match=r"symbolic link in .*shared.* --allow-symlink"):
        path_warnings(link)
    assert path_warnings(link, allow_symlink=True) == []
    shared.chmod(0o755)  # only we can change the link: fine
    assert path_warnings(link) == []


def test_a_network_filesystem_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_file(tmp_path / "d" / "t.db", 0o600, 0o700)
    monkeypatch.setattr(team_files, "filesystem_type", lambda _path: "nfs4")
    [warning] = path_warnings(path)
    assert "network filesystem (nfs4)" in warning and "locking is unreliable" in warning


def test_filesystem_type_takes_the_deepest_mount(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "server:/export /srv/team\\040share nfs4 rw 0 0\n"
        "host:/x /srv/team\\040shareholder fuse.sshfs rw 0 0\n"
    )
    assert filesystem_type(Path("/srv/team share/t.db"), mounts) == "nfs4"
    assert filesystem_type(Path("/srv/team shareholder/t.db"), mounts) == "fuse.sshfs"
    assert filesystem_type(Path("/home/anna/t.db"), mounts) == "ext4"
    assert filesystem_type(Path("/x"), tmp_path / "missing") is None


def test_no_warning_for_what_is_not_a_database(tmp_path: Path) -> None:
    """Opening it fails with its own one-line error; a warning before it would be noise."""
    text = make_file(tmp_path / "d" / "notes.txt", 0o644, 0o777)
    text.write_text("name,value\n")
    assert path_warnings(text) == []
    assert path_warnings(tmp_path / "d") == []
