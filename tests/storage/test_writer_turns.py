"""Writers take turns through a lock file; without one they still write (writer_turns.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from funnel_tui.storage.database import open_store
from funnel_tui.storage.writer_turns import WriterTurns


def test_a_turn_excludes_another_until_given_back(tmp_path: Path) -> None:
    database = tmp_path / "team.db"
    database.touch(mode=0o660)
    os.chmod(database, 0o660)
    first, second = WriterTurns(database, wait_s=0.05), WriterTurns(database, wait_s=0.05)
    held = first.take()
    assert held is not None
    assert second.take() is None  # the wait ran out: the writer goes on to BEGIN IMMEDIATE
    WriterTurns.give_back(held)
    again = second.take()
    assert again is not None
    WriterTurns.give_back(again)
    # The group can open it, whatever the umask: the database file's bits.
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o660


def test_without_a_lock_file_writers_go_straight_to_sqlite(tmp_path: Path) -> None:
    turns = WriterTurns(tmp_path / "missing-dir" / "x.db", wait_s=0.05)
    assert turns.take() is None


def test_every_write_transaction_takes_and_gives_back_its_turn(tmp_path: Path) -> None:
    store = open_store(tmp_path / "funnel.db")
    try:
        with store.write() as uow:
            uow.pipelines.list()  # the transaction begins with its first statement
            turns = WriterTurns(tmp_path / "funnel.db", wait_s=0.05)
            assert turns.take() is None  # held by the open write transaction
            uow.commit()
        with store.write() as uow:
            uow.pipelines.list()  # and is rolled back: the turn ends too
        handle = WriterTurns(tmp_path / "funnel.db", wait_s=0.05).take()
        assert handle is not None
        WriterTurns.give_back(handle)
    finally:
        store.close()
