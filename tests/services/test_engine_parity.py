"""SQL that each engine spells its own way (storage/sql_dialect.py) gives the same answers
on both (the `store` fixture runs each test on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import literal, select

from funnel_tui.domain.models import Role
from funnel_tui.storage.database import SqlStore
from funnel_tui.storage.sql_dialect import code_point_order, seconds_between
from funnel_tui.storage.tables import UserRow
from funnel_tui.storage.types import UTCDateTime

START = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("earlier", "later", "seconds"),
    [
        ("2026-03-20 09:00:00", "2026-03-20 09:00:00", 0),
        ("2026-03-20 09:00:00", "2026-03-20 09:00:01.4996", 2),  # read as 1.500 s
        ("2026-03-20 09:00:00.0004", "2026-03-20 09:00:01.5004", 2),  # 0.000 to 1.500
        ("2026-03-20 09:00:00", "2026-03-20 09:00:01.4994", 1),
        ("2026-03-20 09:00:00", "2026-03-21 09:00:00.7", 86401),
        ("2026-03-21 09:00:00", "2026-03-20 09:00:00.3", -86400),
        ("2025-12-31 23:59:59.999", "2026-01-01 00:00:00", 0),
        ("2024-02-28 12:00:00", "2024-03-01 12:00:00", 2 * 86400),  # a leap day
    ],
)
def test_seconds_between_rounds_alike(
    store: SqlStore, earlier: str, later: str, seconds: int
) -> None:
    """Whole seconds, each moment read to the millisecond first (SQLite's julianday())."""
    query = select(
        seconds_between(literal(at(later), UTCDateTime()), literal(at(earlier), UTCDateTime()))
    )
    with store.engine.connect() as connection:
        assert connection.execute(query).scalar_one() == seconds


def test_code_point_order_is_pythons_string_order(store: SqlStore) -> None:
    logins = ["boris", "Zoe", "anna", "Anna", "a_b", "a1", "a.b", "a-b", "ivan.petrov", "ivanb"]
    with store.write() as uow:
        for login in logins:
            uow.users.add(login, login, Role.REP, START)
        uow.commit()
    column = UserRow.__table__.c.login  # type: ignore[attr-defined]
    with store.engine.connect() as connection:
        query = select(column).order_by(code_point_order(column), column)
        assert list(connection.execute(query).scalars()) == sorted(logins)
