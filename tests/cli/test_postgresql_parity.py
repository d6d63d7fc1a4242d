"""The issue "PostgreSQL: every feature works unchanged with --db postgresql+psycopg://…":
the same `funnel` commands, run against a fresh SQLite file and a fresh PostgreSQL database
with the same pinned clock, time zone and login, print the same (the database's own name
aside) and leave the same data behind (`export --format json`).

The commands run in this process through `main`, as most CLI tests run them; the clock is
pinned by replacing the system clock the CLI hands to the services (bootstrap's and the
deal commands' `utc_now`) with a FakeClock that moves a minute per command. Skipped, with
the reason, where no PostgreSQL server can be started (tests/postgres_server.py).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import funnel_tui.bootstrap
import funnel_tui.cli.deals
from funnel_tui.cli import main
from funnel_tui.domain.models import Role
from funnel_tui.storage.database import open_store
from funnel_tui.storage.sql_dialect import code_point_order
from funnel_tui.storage.tables import UserRow
from tests.conftest import FakeClock
from tests.postgres_server import PostgresServer, server_binaries

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
START = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
DEMO = ["demo", "--deals", "300", "--seed", "5", "--today", "2026-03-19"]
AS_OF = ["--as-of", "2026-03-20 12:00"]


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str


@dataclass
class Session:
    """One engine's run: its database, a working directory, and what each command said."""

    target: str
    copy: str
    """Another empty database of the same engine, for the export to be imported into."""
    workdir: Path
    capsys: pytest.CaptureFixture[str]
    clock: FakeClock
    results: list[Result] = field(default_factory=list)
    expected: list[int] = field(default_factory=list)
    """The exit code each command should have ended with (1: a refusal)."""

    def __call__(self, *args: str, db: str | None = None, expect: int = 0) -> Result:
        target = db or self.target
        self.capsys.readouterr()
        code = main(["--db", target, *args])
        captured = self.capsys.readouterr()
        self.clock.advance(minutes=1)
        result = Result(
            tuple(self.normalise(arg, target) for arg in args),
            code,
            self.normalise(captured.out, target),
            self.normalise(captured.err, target),
        )
        self.results.append(result)
        self.expected.append(expect)
        return result

    def normalise(self, text: str, target: str) -> str:
        """The database's name and the working directory are the only things that differ."""
        for name in (target, self.target, self.copy):
            text = text.replace(name, "<DB>")
        return text.replace(str(self.workdir), "<DIR>")


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """UTC as the local zone, and a clock the CLI's services read instead of the system's."""
    clock = FakeClock(START)
    monkeypatch.setattr(funnel_tui.bootstrap, "utc_now", clock)
    monkeypatch.setattr(funnel_tui.cli.deals, "utc_now", clock)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "200")
    time.tzset()
    yield clock
    monkeypatch.undo()
    time.tzset()


def number(result: Result) -> str:
    """The deal number `add --format json` printed."""
    assert result.code == 0, result
    return str(json.loads(result.out)["id"])


def scenario(run: Session) -> None:
    """Every command the issue names, in the order a user might run them."""
    run(*DEMO)
    run("pipeline", "add", "Partners", "--template", "aida")
    run("pipeline", "list")
    run("pipeline", "list", "--format", "json")
    run("users", "add", "boris", "--role", "rep", "--name", "Boris B.")
    run("users", "add", "boris", expect=1)  # taken
    run("users", "list", "--format", "json")
    run("pipeline", "add", "partners", "--template", "b2b", expect=1)  # taken, in any case

    chairs = number(run("add", "Office chairs", "--value", "1 500,50", "--company", "Romashka",
                        "--tag", "b2b", "--tag", "chairs", "--owner", "boris",
                        "--expected-close", "2026-04-30", "--format", "json"))  # fmt: skip
    run("add", "Stools", "--value", "2 000", "--stage", "Meeting", "--by", "boris")
    desks = number(run("add", "Desks", "--value", "990 RUB", "--format", "json"))
    lamps = number(run("add", "Lamps", "--value", "120", "--currency", "EUR",
                       "--pipeline", "Partners", "--format", "json"))  # fmt: skip

    run("move", chairs, "2")
    run("move", chairs, "3", "--expect-version", "1", expect=1)  # changed since
    run("move", chairs, "999", expect=1)  # no such stage
    run("log", chairs, "--kind", "call", "--direction", "out", "--outcome", "reached",
        "--duration", "3m", "--note", "asked for a quote")  # fmt: skip
    run("log", desks, "--kind", "note", "--note", "Привет, «мир»")
    run("next", chairs, "tomorrow", "10:00", "--note", "send the quote")
    run("next", desks, "2026-03-19", "15:30", expect=1)  # in the past
    run("next", desks, "--clear")
    run("next", desks, "2026-03-20", "10:30")  # overdue at 12:00
    run("lost", desks, "--note", "no budget", expect=1)  # a reason is needed
    run("lost", desks, "--reason", "Weather", expect=1)  # unknown reason
    run("lost", desks, "--reason", "no budget", "--note", "Бюджет на следующий год")
    run("reopen", desks)
    run("won", chairs)
    run("won", chairs, expect=1)  # already won
    run("delete", lamps)
    run("move", lamps, "2", expect=1)  # deleted
    run("restore", lamps)
    run("move", lamps, "Interest", "--by", "boris")
    run("move", lamps, "Desire", "--at", "2026-03-20 09:00", expect=1)  # before its last move

    run("agenda", *AS_OF)
    run("agenda", "--format", "json", *AS_OF)
    run("agenda", "--owner", "boris", "--quiet", *AS_OF)
    run("agenda", "--owner", "nobody", expect=1)
    run("agenda", "--quiet")  # now, by the pinned clock
    run("report")
    run("report", "--format", "json")
    run("report", "--period", "last-month", "--format", "csv")
    run("report", "--from", "2025-10-01", "--to", "2025-12-31", "--view", "cohort")
    run("report", "--view", "snapshot", "--pipeline", "2")
    run("report", "--kpi", *AS_OF, "--period", "last-month")
    run("report", "--kpi", "--format", "json", *AS_OF, "--period", "this-quarter")
    run("report", "--forecast", "--months", "3", *AS_OF)
    run("report", "--team", "--losses", *AS_OF, "--period", "last-12-months")
    run("report", "--losses", "--format", "json", *AS_OF, "--period", "last-12-months")
    run("dashboard", "--pipeline", "Nope", expect=1)  # one-line refusal before the screen
    run("dashboard", "--owner", "boris", expect=1)  # no terminal here: the one-line refusal

    run("plan", "set", "1 500 000", "--month", "2026-03", "--currency", "RUB")
    run("plan", "set", "$2,000", "--owner", "boris", "--month", "2026-04", "--currency", "USD")
    run("plan", "list")
    run("plan", "list", "--format", "json")
    run("report", "--plan", "--month", "2026-03", *AS_OF)
    run("report", "--plan", "--owner", "boris", "--month", "2026-04", "--format", "json", *AS_OF)

    csv_file = run.workdir / "amocrm_ru.csv"
    shutil.copyfile(FIXTURES / "amocrm_ru.csv", csv_file)
    run("import", str(csv_file), "--dry-run")
    run("import", str(csv_file), expect=1)  # bad rows, stages this database lacks
    run("import", str(csv_file), "--create-stages", "--skip-bad")
    run("import", str(csv_file), "--create-stages", "--skip-bad")  # nothing new the second time
    run("pipeline", "list")

    run("export", "--format", "csv")
    activities = run.workdir / "activities.csv"
    run("export", "--format", "csv", "--activities", str(activities), "--status", "won",
        "-o", str(run.workdir / "won.csv"))  # fmt: skip
    run("export", "--format", "csv", "--owner", "boris", "--delimiter", ";")
    run("ics")
    run("ics", "--owner", "boris")
    run("locate")
    exported = run("export", "--format", "json")
    assert exported.code == 0, exported

    # The export, imported into an empty database of the same engine, exports the same.
    document = run.workdir / "export.json"
    document.write_text(exported.out, encoding="utf-8")
    run("import", str(document), db=run.copy)
    again = run("export", "--format", "json", db=run.copy)
    assert again.out == exported.out


@pytest.fixture
def sessions(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pinned: FakeClock,
    postgres_server: PostgresServer,
) -> tuple[Session, Session]:
    made = []
    for engine in ("sqlite", "postgresql"):
        workdir = tmp_path / engine
        workdir.mkdir()
        if engine == "sqlite":
            target, copy = str(workdir / "crm.db"), str(workdir / "copy.db")
        else:
            target, copy = postgres_server.new_database(), postgres_server.new_database()
        made.append(Session(target, copy, workdir, capsys, pinned))
    return made[0], made[1]


def test_every_command_says_and_stores_the_same_on_both_engines(
    sessions: tuple[Session, Session], pinned: FakeClock
) -> None:
    sqlite, postgresql = sessions
    for session in sessions:
        pinned.set(START)
        scenario(session)
    assert [r.args for r in sqlite.results] == [r.args for r in postgresql.results]
    for on_sqlite, on_postgresql in zip(sqlite.results, postgresql.results, strict=True):
        assert on_postgresql == on_sqlite, on_sqlite.args
    assert (sqlite.workdir / "won.csv").read_bytes() == (
        postgresql.workdir / "won.csv"
    ).read_bytes()
    assert (sqlite.workdir / "activities.csv").read_bytes() == (
        postgresql.workdir / "activities.csv"
    ).read_bytes()
    rejected = "amocrm_ru.rejected.csv"
    assert (sqlite.workdir / rejected).read_bytes() == (postgresql.workdir / rejected).read_bytes()
    for result, expected in zip(sqlite.results, sqlite.expected, strict=True):
        assert result.code == expected, result


def test_backup_of_a_postgresql_database_is_a_pg_dump_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], postgres_server: PostgresServer
) -> None:
    target = postgres_server.new_database()
    assert main(["--db", target, "demo", "--deals", "50", "--today", "2026-03-19"]) == 0
    destination = tmp_path / "crm.dump"
    capsys.readouterr()
    assert main(["--db", target, "backup", str(destination)]) == 0
    assert capsys.readouterr().out == f"Backed up to {destination}.\n"
    data = destination.read_bytes()
    assert data.startswith(b"PGDMP") and len(data) > 1000
    binaries = server_binaries()
    pg_restore = shutil.which("pg_restore") or str(binaries / "pg_restore" if binaries else "")
    listing = subprocess.run(
        [pg_restore, "--list", str(destination)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    for table in ("deals", "stage_changes", "activities", "pipelines", "users"):
        assert f"TABLE DATA public {table} " in listing, listing

    # With no destination: into the data directory's backups/, named after the database.
    assert main(["--db", target, "backup"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Backed up to ") and said.endswith(".\n")
    default = Path(said.removeprefix("Backed up to ").removesuffix(".\n"))
    assert default.read_bytes().startswith(b"PGDMP")
    # `--list` lists the dumps in the data directory (not the one given a destination).
    assert main(["--db", target, "backup", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and listed[0].endswith(str(default)), listed


# --- a server's collation -------------------------------------------------------------------

LOGINS = ["boris", "Zoe", "anna", "Anna", "a_b", "a1", "a.b", "a-b", "ivan.petrov", "ivanb"]


@pytest.fixture
def collated_database(postgres_server: PostgresServer) -> str:
    """A fresh database whose text sorts by a language's rules (ICU en-US: "anna" before
    "Anna", "_" before digits), as on most servers, which take the OS's locale at initdb;
    the tests' server itself is C.UTF-8, which sorts like SQLite."""
    import psycopg

    name = f"icu{os.getpid()}_{next(_COLLATED)}"
    with psycopg.connect(
        host=str(postgres_server.socket_dir),
        user=postgres_server.user,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        try:
            connection.execute(
                f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu'
                " ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            )
        except psycopg.Error as err:
            pytest.skip(f"this PostgreSQL has no ICU collations: {err}")
    return postgres_server.url(name)


_COLLATED = itertools.count(1)


def test_code_point_order_and_the_boards_users_ignore_the_servers_collation(
    tmp_path: Path, collated_database: str
) -> None:
    """sql_dialect.code_point_order sorts as Python (and SQLite) do on any server; so does
    the board's list of users (board_sql.py)."""
    for target in (str(tmp_path / "crm.db"), collated_database):
        store = open_store(target)
        try:
            with store.write() as uow:
                for login in LOGINS:
                    uow.users.add(login, login, Role.REP, START)
                uow.commit()
            login = UserRow.__table__.c.login  # type: ignore[attr-defined]
            with store.engine.connect() as connection:
                query = select(login).order_by(code_point_order(login))
                assert list(connection.execute(query).scalars()) == sorted(LOGINS), target
            with store.read() as uow:
                assert [user.login for user in uow.board.users()] == sorted(LOGINS), target
        finally:
            store.close()


def test_users_are_listed_and_exported_in_one_order_whatever_the_servers_collation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pinned: FakeClock, collated_database: str
) -> None:
    said = []
    for target in (str(tmp_path / "crm.db"), collated_database):
        session = Session(target, target, tmp_path, capsys, pinned)
        pinned.set(START)
        session("add", "Chairs")  # creates the database; its user is the lead
        for login in LOGINS:
            session("users", "add", login)
        session("add", "Desks", "--by", "Zoe")
        session("users", "list")
        session("export", "--format", "json")
        said.append(session.results)
    assert said[1] == said[0]
    logins = [user["login"] for user in json.loads(said[0][-1].out)["users"]]
    assert logins == sorted(logins)


def test_funnel_db_names_the_server_and_its_password_is_never_shown(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    postgres_server: PostgresServer,
) -> None:
    """FUNNEL_DB instead of --db; a password in the URL (the tests' server trusts every
    local connection, so any password opens it) stays out of every message."""
    target = postgres_server.new_database()
    with_password = target.replace(
        f"//{postgres_server.user}@", f"//{postgres_server.user}:S3cret@"
    )
    assert with_password != target
    monkeypatch.setenv("FUNNEL_DB", with_password)
    said = []
    for args, code in (
        (["add", "Chairs", "--value", "100"], 0),
        (["move", "1", "2"], 0),
        (["move", "99", "2"], 1),
        (["agenda", "--quiet"], 0),
        (["locate"], 0),
        (["export", "--format", "csv"], 0),
    ):
        assert main(args) == code, args
        captured = capsys.readouterr()
        said.append(captured.out + captured.err)
    assert "S3cret" not in "".join(said)
    assert said[4] == with_password.replace(":S3cret@", ":***@") + "\n"
    assert "Chairs" in said[5]

    monkeypatch.setenv("FUNNEL_DB", with_password.replace("/t", "/no_such_database_t", 1))
    assert main(["agenda"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("funnel: "), captured.err
    assert "S3cret" not in captured.err + captured.out
