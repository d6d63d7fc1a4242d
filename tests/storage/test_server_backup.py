"""Backups of a PostgreSQL database: `funnel backup` and the one taken before a schema
upgrade are pg_dump files that pg_restore reads, listed by `funnel backup --list`; without
pg_dump the upgrade is refused, changing nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from funnel_tui import paths
from funnel_tui.cli import main
from funnel_tui.domain.errors import StoreError
from funnel_tui.storage.database import open_store
from tests.postgres_server import PostgresServer
from tests.storage.old_schema import old_database, version_of

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v7.sql"


def restorable(dump: Path) -> list[str]:
    """The table data entries pg_restore finds in `dump`."""
    assert dump.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run(
        ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    return sorted(line.split()[-2] for line in listing.splitlines() if " TABLE DATA " in line)


@pytest.fixture
def postgresql_url(postgres_server: PostgresServer) -> str:
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    return postgres_server.new_database()


def test_backup_dumps_the_database_and_lists_it(
    postgresql_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", postgresql_url, "add", "Chairs", "--value", "100"]) == 0
    assert main(["--db", postgresql_url, "backup"]) == 0
    said = capsys.readouterr().out
    dumps = sorted((paths.data_dir() / "backups").glob("*.dump"))
    assert len(dumps) == 1 and str(dumps[0]) in said
    assert dumps[0].stat().st_mode & 0o077 == 0  # every deal is in it: the owner's only
    assert "deals" in restorable(dumps[0]) and "stage_changes" in restorable(dumps[0])
    assert main(["--db", postgresql_url, "backup", "--list"]) == 0
    assert str(dumps[0]) in capsys.readouterr().out


def test_an_upgrade_is_backed_up_first(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    old = old_database("postgresql", FIXTURE, tmp_path, request)
    store = open_store(old.url)
    store.close()
    assert store.backup_path is not None and ".dump.v7-" in store.backup_path.name
    assert "deals" in restorable(store.backup_path)
    assert main(["--db", old.url, "backup", "--list"]) == 0
    assert str(store.backup_path) in capsys.readouterr().out


def test_without_pg_dump_an_upgrade_is_refused_and_nothing_changes(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = old_database("postgresql", FIXTURE, tmp_path, request)
    monkeypatch.setattr(shutil, "which", lambda _name: None)  # no pg_dump on this machine
    with pytest.raises(StoreError, match=r"backs up first.*pg_dump is not installed"):
        open_store(old.url)
    assert version_of(old) == 7
