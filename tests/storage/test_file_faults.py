"""Database file faults through the command line (issue 9): a file locked for long, read-only,
truncated, of random bytes, not a database, on a full disk, or with a damaged page gives one
line on stderr and exit code 1, and leaves the file as it was.

tests/storage/test_files.py covers the same refusals at `open_store`; these go through
`main([...])` as a user meets them. The app's side is in tests/ui/test_app_file_faults.py.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from funnel_tui.cli import main
from funnel_tui.domain.errors import StoreError
from funnel_tui.services.demo import generate_demo
from funnel_tui.storage import database
from funnel_tui.storage.backups import run_auto_backup
from funnel_tui.storage.database import BusyRetry, SqlStore, open_store
from funnel_tui.storage.files import inspect_file
from funnel_tui.storage.unit_of_work import translate_error

SRC = Path(__file__).resolve().parents[2] / "src"

# --- a real database, copied for each test -------------------------------------------------


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Funnel database with 150 demo deals: the deals table spans several pages."""
    path = tmp_path_factory.mktemp("pristine") / "base.db"
    store = open_store(path)
    try:
        generate_demo(store, deals=150, seed=4, today=datetime.date(2026, 11, 23))
    finally:
        store.close()
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    """A private, checkpointed copy (no -wal) of the pristine database, in WAL mode."""
    path = tmp_path / "funnel.db"
    copy_database(pristine, path)
    return path


def copy_database(source: Path, destination: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(destination)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    destination.chmod(0o600)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str = "deals") -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def sound(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        return bool(connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    finally:
        connection.close()


def funnel(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    """Run `funnel --db DB ARGS…` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str, *words: str) -> str:
    """The single stderr line of a failed command, holding `words`."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("funnel: "), line
    assert "Traceback" not in line and "internal error" not in line, line
    for word in words:
        assert word in line, line
    return line


def files_beside(path: Path) -> set[str]:
    return {entry.name for entry in path.parent.iterdir()}


def nothing_new_beside(path: Path, before: set[str]) -> None:
    """No backup, `.partial` or other file appeared next to `path`; only, possibly, the
    empty `-wal` and `-shm` files a read-only look at a WAL database leaves."""
    new = files_beside(path) - before
    assert new <= {path.name + "-wal", path.name + "-shm"}, new
    wal = path.with_name(path.name + "-wal")
    if wal.name in new:
        assert wal.stat().st_size == 0


WRITES = [
    ("add", "Desks", "--value", "1000"),
    ("log", "1", "--kind", "call", "--note", "Called about the desks"),
    ("move", "1", "2"),
]
READS = [("report",), ("export",), ("agenda",)]


def patch_store(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """Every `open_store` of the commands gets these options (fast busy timeouts)."""
    monkeypatch.setattr(database, "open_store", partial(open_store, **options))


def patch_connections(monkeypatch: pytest.MonkeyPatch, configure: Callable[[Any], None]) -> None:
    """Every connection of the stores the commands open runs `configure` first."""

    def opened(*args: Any, **kwargs: Any) -> SqlStore:
        store = open_store(*args, **kwargs)
        event.listen(store.engine, "connect", lambda dbapi, _record: configure(dbapi))
        store.engine.dispose()  # the connections made while opening, without it
        return store

    monkeypatch.setattr(database, "open_store", opened)


# --- (1) locked for a long time by another process -----------------------------------------


@pytest.fixture
def locked(db: Path) -> Iterator[Path]:
    """Another process holds `BEGIN IMMEDIATE` on `db` until the test ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n"
            "c.execute('ROLLBACK')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        yield db
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize("command", WRITES, ids=lambda c: c[0])
def test_a_write_on_a_long_locked_file_is_one_busy_line_and_writes_nothing(
    locked: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    patch_store(monkeypatch, busy_timeout_s=0.1, retry=BusyRetry(retries=1, pause_s=0.01))
    before, deals, activities = digest(locked), count(locked), count(locked, "activities")
    code, _out, err = funnel(capsys, locked, *command)
    assert code == 1
    one_line(err, str(locked), "busy", "try again")
    assert digest(locked) == before
    assert count(locked) == deals
    assert count(locked, "activities") == activities


def test_reads_still_work_while_another_process_holds_the_write_lock(
    locked: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_store(monkeypatch, busy_timeout_s=0.1, retry=BusyRetry(retries=1, pause_s=0.01))
    for command in READS:
        code, out, err = funnel(capsys, locked, *command)
        assert code == 0, err
        assert out.strip()


def test_the_write_goes_through_once_the_lock_is_released(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_store(monkeypatch, busy_timeout_s=0.1, retry=BusyRetry(retries=1, pause_s=0.01))
    deals = count(db)
    code, _out, err = funnel(capsys, db, "add", "Desks")
    assert code == 0, err
    assert count(db) == deals + 1


# --- (2) read-only -------------------------------------------------------------------------

READ_ONLY_TEXTS = [
    "attempt to write a readonly database",
    "attempt to write a read-only database",
]

FAULT_TEXTS = [
    ("database is locked", ("busy", "try again")),
    ("database table is locked", ("busy",)),
    *((text, ("read-only",)) for text in READ_ONLY_TEXTS),
    ("database disk image is malformed", ("is damaged", "restore it from a backup")),
    ("file is not a database", ("is damaged", "restore it from a backup")),
    ("database or disk is full", ("disk is full", "nothing was saved")),
    ("disk I/O error", ("disk I/O error", "nothing was saved")),
    ("no such table: deals", ("database error",)),
]


@pytest.mark.parametrize(("text", "words"), FAULT_TEXTS, ids=[t for t, _ in FAULT_TEXTS])
def test_each_sqlite_failure_maps_to_one_line_naming_the_file(
    text: str, words: tuple[str, ...]
) -> None:
    error = sa_exc.OperationalError("INSERT …", {}, sqlite3.OperationalError(text + "\nmore"))
    message = str(translate_error(error, "/data/funnel.db"))
    assert "\n" not in message
    assert "/data/funnel.db" in message
    for word in words:
        assert word in message, message


def test_a_write_refused_as_read_only_is_one_line_and_reads_still_work(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`PRAGMA query_only` fails a write with SQLite's own read-only error (SQLITE_READONLY,
    "attempt to write a readonly database"): the message path of a chmod 0444 file, which
    root (who runs these tests in containers) could write anyway. The real chmod follows."""
    patch_connections(monkeypatch, lambda dbapi: dbapi.execute("PRAGMA query_only = ON"))
    before, deals = digest(db), count(db)
    for command in WRITES:
        code, _out, err = funnel(capsys, db, *command)
        assert code == 1, command
        one_line(err, str(db), "read-only")
    for command in READS:
        code, out, err = funnel(capsys, db, *command)
        assert code == 0, err
        assert out.strip()
    assert digest(db) == before
    assert count(db) == deals


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a mode-0400 file: see the next test")
def test_a_chmod_0400_file_refuses_writes_in_one_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.chmod(0o400)  # read-only, and private: no "readable by everyone" warning
    try:
        before, deals = digest(db), count(db)
        for command in WRITES:
            code, _out, err = funnel(capsys, db, *command)
            assert code == 1, command
            one_line(err, str(db), "read-only")
        code, _out, err = funnel(capsys, db, "export")
        assert code == 0, err
        assert digest(db) == before
        assert count(db) == deals
    finally:
        db.chmod(0o600)


NOBODY = 65534


def _python_for_nobody() -> list[str] | None:
    """A command line that runs `funnel` as user `nobody`: this interpreter (or the system's
    of the same version, if this one sits in root's home) with this venv's packages."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    paths = [str(SRC), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    for candidate in (sys.executable, shutil.which(version), f"/usr/bin/{version}"):
        if not candidate or not Path(candidate).exists():
            continue
        command = [candidate, "-S", "-c", f"import sys; sys.path[:0] = {paths!r}; "]
        try:
            probe = subprocess.run(
                [*command[:-1], command[-1] + "import funnel_tui.cli"],
                user=NOBODY,
                group=NOBODY,
                extra_groups=[],
                capture_output=True,
                timeout=60,
                check=False,
                cwd="/",
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return command
    return None


@pytest.mark.skipif(os.geteuid() != 0, reason="the previous test covers a non-root user")
def test_a_chmod_0400_file_refuses_writes_in_one_line_for_its_owner(pristine: Path) -> None:
    """As root, the file is given to `nobody`, made 0400 (read-only), and `funnel` runs as
    `nobody`."""
    python = _python_for_nobody()
    if python is None:
        pytest.skip("no interpreter that user nobody may run with these packages")
    home = Path(tempfile.mkdtemp(prefix="funnel-ro-"))
    try:
        db = home / "funnel.db"
        copy_database(pristine, db)
        db.chmod(0o400)  # read-only, and private: no "readable by everyone" warning
        for entry in (home, db):
            os.chown(entry, NOBODY, NOBODY)
        home.chmod(0o700)
        before, deals = digest(db), count(db)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "FUNNEL_TUI_CONFIG": str(home / "config.toml"),
            "FUNNEL_TUI_DATA_DIR": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            code = "from funnel_tui.cli import main; sys.exit(main(sys.argv[1:]))"
            return subprocess.run(
                [*python[:-1], python[-1] + code, "--db", str(db), *args],
                user=NOBODY,
                group=NOBODY,
                extra_groups=[],
                env=env,
                cwd=home,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        for command in WRITES:
            result = run(*command)
            assert result.returncode == 1, result
            one_line(result.stderr, str(db), "read-only")
        result = run("export")
        assert result.returncode == 0, result.stderr
        assert '"deals"' in result.stdout
        assert digest(db) == before
        assert count(db) == deals
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_a_database_on_a_read_only_filesystem_is_one_line(pristine: Path, tmp_path: Path) -> None:
    """A WAL database is read through its `-shm` file: where that cannot be made (a
    read-only mount), even reading fails, and says why. Root cannot write there either."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs unshare(1) and mount(8)")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "funnel.db"
    copy_database(pristine, db)
    before = digest(db)
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
        f'exec "$0" -c "import sys; sys.path.insert(0, {str(SRC)!r}); '
        f'from funnel_tui.cli import main; sys.exit(main(sys.argv[1:]))" "$@"'
    )
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind {folder} {folder}"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.decode().strip()}")
    for command in [*WRITES[:1], *READS[:2]]:
        result = subprocess.run(
            ["unshare", "-m", "sh", "-c", script, sys.executable, "--db", str(db), *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=os.environ.copy(),
        )
        assert result.returncode == 1, result
        one_line(result.stderr, str(db), "read-only")
    assert digest(db) == before
    assert files_beside(db) == {"funnel.db"}


# --- (3) truncated, (4) random bytes, (5) not a database -----------------------------------

ALL_COMMANDS = [*WRITES, *READS, ("backup",), ("pipeline", "list")]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def random_after_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(path.stat().st_size - 16))


def text_file(path: Path) -> None:
    path.write_text("name,value\nChairs,100\n" * 200, encoding="utf-8")


FILE_FAULTS: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("truncated", truncate, ("is damaged", "restore it from a backup")),
    ("random-bytes", random_bytes, ("not a Funnel database",)),
    ("sqlite-header-then-random", random_after_header, ("is damaged", "restore it from a backup")),
    ("text-file", text_file, ("not a Funnel database",)),
]


@pytest.mark.parametrize(
    ("damage", "words"), [(d, w) for _, d, w in FILE_FAULTS], ids=[n for n, _, _ in FILE_FAULTS]
)
@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: "-".join(c))
def test_a_broken_file_is_one_line_for_every_command_and_stays_as_it_was(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Path], None],
    words: tuple[str, ...],
    command: tuple[str, ...],
) -> None:
    damage(db)
    before, beside = digest(db), files_beside(db)
    code, out, err = funnel(capsys, db, *command)
    assert code == 1
    one_line(err, str(db), *words)
    assert not out
    assert digest(db) == before
    nothing_new_beside(db, beside)


def test_a_directory_is_one_line_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "funnel.db"
    folder.mkdir()
    (folder / "keep").write_text("x")
    for command in ALL_COMMANDS:
        code, _out, err = funnel(capsys, folder, *command)
        assert code == 1, command
        one_line(err, str(folder), "directory")
    assert [entry.name for entry in folder.iterdir()] == ["keep"]


def test_the_truncated_file_is_refused_before_anything_opens_it(db: Path) -> None:
    truncate(db)
    with pytest.raises(StoreError, match=r"is damaged .*restore it from a backup"):
        inspect_file(db)


# --- (6) disk full -------------------------------------------------------------------------


def cap_pages(extra: int) -> Callable[[Any], None]:
    """SQLite's `max_page_count`: the file may grow by `extra` pages, then SQLITE_FULL
    ("database or disk is full"), as on a full disk."""

    def configure(dbapi: Any) -> None:
        pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
        dbapi.execute(f"PRAGMA max_page_count = {pages + extra}")

    return configure


def test_an_import_that_fills_the_disk_is_one_line_and_imports_nothing(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, document, err = funnel(capsys, pristine, "export")
    assert code == 0, err
    export = tmp_path / "export.json"
    export.write_text(document, encoding="utf-8")
    target = tmp_path / "small.db"
    assert funnel(capsys, target, "add", "First")[0] == 0
    before, deals, activities = digest(target), count(target), count(target, "activities")

    patch_connections(monkeypatch, cap_pages(5))
    code, _out, err = funnel(capsys, target, "import", str(export))
    assert code == 1
    one_line(err, str(target), "disk is full", "nothing was saved")
    assert digest(target) == before
    assert count(target) == deals == 1
    assert count(target, "activities") == activities
    assert sound(target)


def test_a_write_on_a_full_disk_is_one_line_and_the_file_stays_sound(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_connections(monkeypatch, cap_pages(0))
    before, activities = digest(db), count(db, "activities")
    # A long note needs overflow pages: more than the file has.
    code, _out, err = funnel(capsys, db, "log", "1", "--note", "Long call. " * 1500)
    assert code == 1
    one_line(err, str(db), "disk is full", "nothing was saved")
    assert digest(db) == before
    assert count(db, "activities") == activities
    assert sound(db)


# --- (7) a damaged page in the middle ------------------------------------------------------


def damage_a_deals_page(path: Path) -> int:
    """Overwrite a leaf page of the deals table (found through its root page) with 0xFF:
    an invalid b-tree page in the middle of the file. Returns its number."""
    connection = sqlite3.connect(path)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'deals'"
        ).fetchone()[0]
    finally:
        connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    assert data[start] == 0x05, "the deals table should have an interior root page"
    leaf = struct.unpack(">I", data[start + 8 : start + 12])[0]  # its right-most child
    assert 1 < leaf < pages
    data[(leaf - 1) * page_size : leaf * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    return int(leaf)


@pytest.mark.parametrize("command", [("export",), ("backup",)], ids=lambda c: c[0])
def test_a_damaged_page_is_reported_by_reads_and_backups(
    db: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    damage_a_deals_page(db)
    before, beside = digest(db), files_beside(db)
    code, out, err = funnel(capsys, db, *command)
    assert code == 1
    one_line(err, str(db), "is damaged", "restore it from a backup")
    assert not out
    assert digest(db) == before
    nothing_new_beside(db, beside)  # no backup of the damaged file, no .partial


def test_a_backup_to_a_named_file_of_a_damaged_database_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_a_deals_page(db)
    destination = tmp_path / "copies" / "copy.db"
    destination.parent.mkdir()
    code, _out, err = funnel(capsys, db, "backup", str(destination))
    assert code == 1
    one_line(err, "is damaged", "no backup was written")
    assert list(destination.parent.iterdir()) == []


def test_the_automatic_backup_refuses_a_damaged_database(db: Path, tmp_path: Path) -> None:
    """A daily copy of a damaged file would push the good backups out of their window."""
    damage_a_deals_page(db)
    folder = tmp_path / "backups"
    with pytest.raises(StoreError, match=r"is damaged .*restore it from a backup"):
        run_auto_backup(db, today=datetime.date(2026, 11, 23), directory=folder)
    assert [entry.name for entry in folder.iterdir()] == []


def test_a_write_that_meets_the_damaged_page_is_one_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_a_deals_page(db)
    before = digest(db)
    code, _out, err = funnel(capsys, db, "add", "Desks")
    assert code == 1
    one_line(err, str(db), "is damaged", "restore it from a backup")
    assert digest(db) == before


def test_backups_of_a_sound_database_still_work(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destination = tmp_path / "copy.db"
    code, out, err = funnel(capsys, db, "backup", str(destination))
    assert code == 0, err
    assert "Backed up" in out
    assert count(destination) == count(db)
