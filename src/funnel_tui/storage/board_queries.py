"""The board's reads inside a unit of work: the shared SQL of `board_sql.py`, run by SQLAlchemy.

PostgreSQL (and in-memory SQLite, which only the store's own connection can see) read the
board this way; an SQLite file is read by the lean `sqlite_board.SqliteBoardReader`. Both
run the same SQL text, so the board's queries are written once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from funnel_tui.storage.board_sql import BoardQueries


class SqlBoardReader(BoardQueries):
    def __init__(self, session: Session) -> None:
        super().__init__(self._fetch)
        self._session = session

    def _fetch(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        return [tuple(row) for row in self._session.execute(text(sql), params)]
