"""How the Pipelines tab of the settings screen and its modals look, on `demo --seed 1` data
with a frozen clock, at 80×24 and 160×45.

Update only after looking at the report:
`pytest tests/ui/test_settings_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import open_services

from .conftest import frozen_clock, pressing
from .test_board import make_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


@pytest.fixture
def planned_db(demo_db: Path) -> Path:
    """The demo data with this month's targets on two stages of the first pipeline."""
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    pipeline = services.pipelines.list()[0]
    first, second = pipeline.open_stages[:2]
    month = date(2026, 11, 1)
    services.stages.set_target(
        pipeline.id, first.id, month, count=80, amount="4000000", currency="RUB"
    )
    services.stages.set_target(pipeline.id, second.id, month, count=40, amount=None, currency="RUB")
    services.close()
    return demo_db


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_pipelines_tab(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """The pipelines on the left, the first one's stages on the right (kind, probability,
    key stage, rotting, checklist questions, this month's targets); pipeline keys below."""
    assert snap_compare(make_app(planned_db), terminal_size=size, run_before=pressing("S"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_pipelines_tab_stages(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """Tab to the stages, the second one highlighted: its checklist under the table, the
    stage keys below."""
    assert snap_compare(
        make_app(planned_db), terminal_size=size, run_before=pressing("S", "tab", "down")
    )


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_new_pipeline_modal(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """`n`: a name and the templates (and "Empty") to start from."""
    assert snap_compare(make_app(planned_db), terminal_size=size, run_before=pressing("S", "n"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_rename_modal(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """`r` on a stage: its name to change."""
    assert snap_compare(
        make_app(planned_db), terminal_size=size, run_before=pressing("S", "tab", "r")
    )


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_stage_edit_modal(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """`e` on the second stage: name, probability, rotting, key and holding stage, the
    exit checklist one question a line."""
    run = pressing("S", "tab", "down", "e")
    assert snap_compare(make_app(planned_db), terminal_size=size, run_before=run)


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_stage_delete_modal(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """`x` on the first stage, which has deals: how many, and the stages to move them to."""
    assert snap_compare(
        make_app(planned_db), terminal_size=size, run_before=pressing("S", "tab", "x")
    )


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_stage_targets_modal(snap_compare: Any, planned_db: Path, size: tuple[int, int]) -> None:
    """`t` on the first stage: this month, the count and amount planned (empty: none)."""
    assert snap_compare(
        make_app(planned_db), terminal_size=size, run_before=pressing("S", "tab", "t")
    )
