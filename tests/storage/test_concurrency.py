"""Several processes on one database (an SQLite file, a PostgreSQL server): no lost update, no "database is locked", no silent
overwrite of a teammate's edit (DESIGN.md, "What must always hold")."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from funnel_tui.domain.errors import ConflictError
from funnel_tui.domain.models import DealDraft, Pipeline
from funnel_tui.domain.money import Money
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.storage.database import SqlStore, open_store
from tests.conftest import ENGINES, target_of

WORKERS = 4
INCREMENTS = 100

WORKER = """
import sys, time
from dataclasses import replace
from pathlib import Path
from funnel_tui.storage.database import open_store

target, deal_id, count, ready, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
store = open_store(target, create=False)
ready.touch()
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.005)
for _ in range(count):
    with store.write() as uow:
        deal = uow.deals.get(deal_id)
        uow.deals.update(replace(deal, title=str(int(deal.title) + 1)), deal.version)
        uow.commit()
store.close()
print("done")
"""


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_concurrent_read_modify_write_loses_nothing(
    tmp_path: Path, store: SqlStore, context: ServiceContext, pipeline: Pipeline
) -> None:
    deal = DealService(context).create(DealDraft("0", Money(0, "RUB")), pipeline_id=pipeline.id)
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{index}" for index in range(WORKERS)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                target_of(store),
                str(deal.id),
                str(INCREMENTS),
                str(ready),
                str(go),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for ready in readies
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(ready.exists() for ready in readies):
            assert all(p.poll() is None for p in processes), "a worker died before starting"
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.01)
        go.touch()  # all start together, so their transactions really contend
        results = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.strip() == "done"
        assert "locked" not in err and "Traceback" not in err, err

    final = DealService(context).get(deal.id)
    assert final.title == str(WORKERS * INCREMENTS)
    assert final.version == 1 + WORKERS * INCREMENTS
    with store.read() as uow:
        assert len(uow.deals.history(deal.id)) == 1


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_two_edits_from_one_version_do_not_overwrite_each_other(
    context: ServiceContext, pipeline: Pipeline
) -> None:
    deals = DealService(context)
    deal = deals.create(DealDraft("Chairs", Money(100_00, "RUB")), pipeline_id=pipeline.id)
    # Anna and Ivan both opened version 1.
    anna = deals.edit(
        deal.id, DealDraft("Chairs", Money(150_00, "RUB")), expected_version=deal.version
    )
    assert anna.version == deal.version + 1
    with pytest.raises(ConflictError) as caught:
        deals.edit(
            deal.id,
            DealDraft("Chairs and tables", Money(90_00, "RUB")),
            expected_version=deal.version,
            by="ivan",
        )
    assert "\n" not in str(caught.value)
    stored = deals.get(deal.id)
    assert stored.value == Money(150_00, "RUB")
    assert stored.title == "Chairs"
    assert stored.version == anna.version


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_stale_repository_update_is_a_conflict_and_writes_nothing(
    store: SqlStore, context: ServiceContext, pipeline: Pipeline
) -> None:
    deal = DealService(context).create(DealDraft("A", Money(1, "RUB")), pipeline_id=pipeline.id)
    with store.write() as uow:
        fresh = uow.deals.get(deal.id)
        assert fresh is not None
        uow.deals.update(replace(fresh, title="B"), fresh.version)
        uow.commit()
    with store.write() as uow, pytest.raises(ConflictError):
        uow.deals.update(replace(deal, title="C"), deal.version)
    assert DealService(context).get(deal.id).title == "B"


@pytest.mark.parametrize("store", ENGINES, indirect=True)
def test_a_second_store_sees_a_commit_at_once(
    store: SqlStore, context: ServiceContext, pipeline: Pipeline
) -> None:
    other = open_store(target_of(store), create=False)
    try:
        deal = DealService(context).create(DealDraft("A", Money(1, "RUB")), pipeline_id=pipeline.id)
        with other.read() as uow:
            seen = uow.deals.get(deal.id)
            assert seen is not None and seen.title == "A"
    finally:
        other.close()
