"""Shared fixtures. Every test runs isolated from the developer's real files and database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from funnel_tui.domain.date_format import set_date_format
from funnel_tui.domain.models import Pipeline
from funnel_tui.i18n import set_language
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.pipelines import PipelineService
from funnel_tui.storage.database import SqlStore, open_store
from tests.postgres_server import PostgresServer, start_server, stop_server, why_not

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every path Funnel (or a library) might use into the test's own directory; the
    interface in English whatever the machine's locale (a test asks for Russian itself)."""
    for variable, folder in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_CACHE_HOME", "xdg-cache"),
    ):
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        monkeypatch.setenv(variable, str(directory))
    monkeypatch.setenv("FUNNEL_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("FUNNEL_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FUNNEL_DB", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def default_date_format() -> Iterator[None]:
    """Dates in the language's usual format again after each test (one that picks a format,
    or runs a command with a config that does, must not leak it into the next)."""
    yield
    set_date_format("")


def _pin_zone(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[None]:
    """Local times (cards, timelines, "today") read this zone for the test, then the
    machine's again."""
    monkeypatch.setenv("TZ", name)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Snapshots show local times: pinned, they match on every machine."""
    yield from _pin_zone(monkeypatch, "UTC")


@pytest.fixture
def moscow_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC+3 with no daylight saving: local days differ from UTC ones around midnight."""
    yield from _pin_zone(monkeypatch, "Europe/Moscow")


class FakeClock:
    """A controllable clock: returns aware UTC datetimes; `advance` moves it forward."""

    def __init__(self, start: datetime = START) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self.now += delta if delta is not None else timedelta(**kwargs)
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)


ENGINES = ["sqlite", "postgresql"]
"""`@pytest.mark.parametrize("store", ENGINES, indirect=True)` runs a test on both engines."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server per test process (tests/postgres_server.py)."""
    reason = why_not()
    if reason is not None:
        pytest.skip(reason)
    server, root = start_server()
    yield server
    stop_server(root)


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """An empty store: an SQLite file, or (parametrised with "postgresql") a fresh database
    on the tests' PostgreSQL server."""
    engine = getattr(request, "param", "sqlite")
    if engine == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        opened = open_store(server.new_database())
    else:
        opened = open_store(tmp_path / "t.db")
    yield opened
    opened.close()


def target_of(store: SqlStore) -> str:
    """What opens `store`'s database again, in this process or another: its file, or its URL."""
    if store.path is not None:
        return str(store.path)
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def context(store: SqlStore, clock: FakeClock) -> ServiceContext:
    return ServiceContext(store, login="anna", clock=clock)


@pytest.fixture
def pipeline(context: ServiceContext) -> Pipeline:
    return PipelineService(context).create_from_template("b2b", "en", "New clients")


@pytest.fixture
def russian() -> None:
    """The interface in Russian for the test (isolated_environment goes back to English
    afterwards). Before an app is built if it is to show Russian: its screens take their keys
    from the language of that moment."""
    set_language("ru")
