"""How the import screen looks (reached with `I` from the board, as a user does): the preview
of a small amoCRM export with two bad rows, at 80×24 and 120×40, and the question asked
before pipelines and stages are created.

The file is typed as a relative path (the working directory is the test's temporary one), so
no machine-specific path shows. Update only after looking at the report:
`pytest tests/ui/test_import_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .conftest import settle
from .test_board import make_app
from .test_import_screen import amo_rows, write_csv


@pytest.fixture
def export_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`amo.csv` (cp1251, `;`): eight deals, two of them bad, in the working directory."""
    rows = amo_rows(8)
    rows[2][1] = ""  # no title
    rows[5][2] = "много"  # not an amount
    write_csv(tmp_path / "amo.csv", rows)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in ("I", *"amo.csv", "enter", *keys):
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.usefixtures("utc_zone", "export_dir")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_import_preview(snap_compare: Any, board_db: Path, size: tuple[int, int]) -> None:
    """The file line, the preset and pipeline fields, the columns and their fields (ignored
    ones dim), the first rows; below (at 120×40), the counts and what would be created."""
    assert snap_compare(make_app(board_db), terminal_size=size, run_before=_keys())


@pytest.mark.usefixtures("utc_zone", "export_dir")
def test_import_asks_before_creating_stages(snap_compare: Any, board_db: Path) -> None:
    """`i`: the new pipeline with its stages and the new users, named, before anything is
    written."""
    assert snap_compare(make_app(board_db), terminal_size=(120, 40), run_before=_keys("i"))
