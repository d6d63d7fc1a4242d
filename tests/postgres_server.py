"""A throwaway PostgreSQL server for the tests: `initdb` into a temporary directory, started
with `pg_ctl` on a Unix socket only (no TCP port), one fresh database per test, stopped at the
end of the session. Skipped with the reason when the server binaries are missing.

PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user (the
Debian package creates it), which then owns the temporary directory.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BINARY_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    for directory in BINARY_DIRS:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def why_not() -> str | None:
    """Why PostgreSQL tests cannot run here (None: they can)."""
    if server_binaries() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


@dataclass
class PostgresServer:
    socket_dir: Path
    user: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(
            host=str(self.socket_dir), user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_server(*, durable: bool = False) -> tuple[PostgresServer, Path]:
    """initdb + pg_ctl start in a new temporary directory; the server and the directory.

    Tests run it with fsync off (nothing there needs to survive a power cut); `durable`
    keeps PostgreSQL's defaults, for benchmarks that compare commit costs with SQLite's."""
    binaries = server_binaries()
    assert binaries is not None
    root = Path(tempfile.mkdtemp(prefix="funnel-pg-"))
    data, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
        root.chmod(0o755)
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_server_user(
            [str(binaries / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8"]
        ),
        **run,  # type: ignore[call-overload]
    )
    fsync = "" if durable else " -c fsync=off"
    options = f"-k {socket_dir} -c listen_addresses=''{fsync} -c max_connections=200"
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(root / "server.log"),
                "start",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    return PostgresServer(socket_dir, user), root


def stop_server(root: Path) -> None:
    binaries = server_binaries()
    assert binaries is not None
    subprocess.run(
        _as_server_user([str(binaries / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"]),
        capture_output=True,
        timeout=60,
        check=False,
    )
    shutil.rmtree(root, ignore_errors=True)
