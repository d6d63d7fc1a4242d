"""The services' tests run on both engines: every test that takes the `store` fixture (or
`context`, `pipeline`, which build on it) runs once on an SQLite file and once on a fresh
PostgreSQL database, `[sqlite]` and `[postgresql]` in its id. The store is tests/conftest.py's
own, parametrised indirectly; its PostgreSQL runs skip with the reason when no server can be
started here (tests/postgres_server.py).

A test that needs an SQLite file itself (it opens the file, or reads SQLite's query plans)
says so with `@pytest.mark.sqlite_only("why")`: its PostgreSQL run is skipped with that
reason."""

from __future__ import annotations

import pytest

from tests.conftest import ENGINES


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test needs an SQLite file; not run on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store" not in metafunc.fixturenames:
        return
    if any("store" in _names(m) for m in metafunc.definition.iter_markers("parametrize")):
        return  # the test chose its engines itself
    marker = metafunc.definition.get_closest_marker("sqlite_only")
    engines = [
        pytest.param(
            engine,
            marks=pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"),
        )
        if marker is not None and engine != "sqlite"
        else engine
        for engine in ENGINES
    ]
    metafunc.parametrize("store", engines, indirect=True)


def _names(parametrize: pytest.Mark) -> list[str]:
    """The argument names a `parametrize` mark sets."""
    names = parametrize.args[0] if parametrize.args else parametrize.kwargs.get("argnames", "")
    if isinstance(names, str):
        return [name.strip() for name in names.split(",")]
    return list(names)
