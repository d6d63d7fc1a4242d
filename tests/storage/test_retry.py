"""A write that meets the lock after the busy timeout is tried again, whole, a few times;
only then does the user see one line saying the database is busy (issue 8)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from funnel_tui.domain.errors import StoreError
from funnel_tui.domain.models import ActivityKind, Deal, DealDraft, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.storage.database import BusyRetry, SqlStore, open_store
from tests.conftest import FakeClock

TIMEOUT_S = 0.1
PAUSE_S = 0.1


@pytest.fixture
def impatient(store: SqlStore) -> Iterator[SqlStore]:
    """A second store on the same file that waits 0.1 s for the lock, then retries 3 times."""
    assert store.path is not None
    opened = open_store(store.path, busy_timeout_s=TIMEOUT_S, retry=BusyRetry(pause_s=PAUSE_S))
    yield opened
    opened.close()


@pytest.fixture
def deal(context: ServiceContext, pipeline: Pipeline) -> Deal:
    return DealService(context).create(
        DealDraft("Chairs", Money(1, "RUB")), pipeline_id=pipeline.id
    )


def hold_write_lock(path: Path, seconds: float) -> tuple[threading.Thread, threading.Event]:
    """Another connection takes the write lock and keeps it for `seconds`, then commits."""
    taken = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE deals SET title = title")  # a real write, in the lock
            taken.set()
            threading.Event().wait(seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    return thread, taken


def activities(store: SqlStore, deal: Deal) -> int:
    with store.read() as uow:
        return len(uow.activities.for_deal(deal.id))


def test_a_write_outlasting_the_busy_timeout_is_retried_and_lands_once(
    impatient: SqlStore, deal: Deal, clock: FakeClock
) -> None:
    assert impatient.path is not None
    before = activities(impatient, deal)
    thread, _ = hold_write_lock(impatient.path, 0.4)  # > the 0.1 s busy timeout
    try:
        DealService(ServiceContext(impatient, login="ivan", clock=clock)).log_activity(
            deal.id, ActivityKind.CALL
        )
    finally:
        thread.join()
    assert impatient.retry.retried >= 1
    assert activities(impatient, deal) == before + 1


def test_a_lock_held_past_every_retry_is_one_busy_line_and_writes_nothing(
    impatient: SqlStore, deal: Deal, clock: FakeClock
) -> None:
    assert impatient.path is not None
    before = activities(impatient, deal)
    # 4 tries of 0.1 s, and pauses of at most 0.15 + 0.3 + 0.6 s: under 2.5 s in all.
    thread, _ = hold_write_lock(impatient.path, 2.5)
    try:
        with pytest.raises(StoreError) as caught:
            DealService(ServiceContext(impatient, login="ivan", clock=clock)).log_activity(
                deal.id, ActivityKind.CALL
            )
    finally:
        thread.join()
    message = str(caught.value)
    assert "busy" in message and "\n" not in message
    assert impatient.retry.retried == 3
    assert activities(impatient, deal) == before
