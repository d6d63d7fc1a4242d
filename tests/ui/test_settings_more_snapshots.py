"""The settings screen's Loss reasons, Team and Preferences tabs, and the name dialog, at
80×24 and 160×45, on `demo --seed 1` data with a frozen clock.

Update only after looking at the report:
`pytest tests/ui/test_settings_more_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import open_services

from .conftest import frozen_clock, pressing
from .test_board import make_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


@pytest.fixture
def settings_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo data with a retired loss reason, one written as markup, and a default owner;
    the config file at a path that is the same on every machine (the Preferences tab shows
    it; nothing is written there)."""
    monkeypatch.setenv("FUNNEL_TUI_CONFIG", "/home/you/.config/funnel-tui/config.toml")
    services = open_services(demo_db, login="anna", clock=frozen_clock)
    first = services.pipelines.list()[0]
    services.loss_reasons.retire(first.id, first.loss_reasons[1].id)
    services.loss_reasons.add(first.id, "[red]Markup[/] stays literal")
    services.users.set_default_owner("maria")
    services.close()
    return demo_db


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_reasons_tab(snap_compare: Any, settings_db: Path, size: tuple[int, int]) -> None:
    """`S`, `2`: the pipelines on the left, the first one's reasons on the right; the second
    reason dimmed, "(retired)"; the last written as markup, shown literally."""
    assert snap_compare(make_app(settings_db), terminal_size=size, run_before=pressing("S", "2"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_team_tab(snap_compare: Any, settings_db: Path, size: tuple[int, int]) -> None:
    """`S`, `3`: the five users, anna a lead, the others reps; maria marked as the default
    owner, and the line under the table saying so."""
    assert snap_compare(make_app(settings_db), terminal_size=size, run_before=pressing("S", "3"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_preferences_tab(snap_compare: Any, settings_db: Path, size: tuple[int, int]) -> None:
    """`S`, `4`: language, start screen, theme, date format and currency (RUB), the language
    choice focused; the Save button and where the preferences are kept."""
    assert snap_compare(make_app(settings_db), terminal_size=size, run_before=pressing("S", "4"))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize("size", SIZES)
def test_name_modal(snap_compare: Any, settings_db: Path, size: tuple[int, int]) -> None:
    """`S`, `2`, `a`, "price", enter: the name dialog says under the field that the pipeline
    has that reason, and stays open."""
    keys = pressing("S", "2", "a", *"price", "enter")
    assert snap_compare(make_app(settings_db), terminal_size=size, run_before=keys)
