"""The config file: known keys only, each value checked, one clear message per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui.config import Settings, load_settings
from funnel_tui.domain.errors import FunnelError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()
    assert Settings().start_screen == "auto"


def test_every_key_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'currency = "eur"\nlanguage = "ru"\ndefault_pipeline = "Sales"\n'
        'database = "/tmp/x.db"\nstart_screen = "agenda"\n',
    )
    settings = load_settings(path)
    assert (settings.language, settings.start_screen, settings.default_pipeline) == (
        "ru",
        "agenda",
        "Sales",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('start_screen = "funnel"\n', "start_screen must be one of auto, agenda, board"),
        ('language = "de"\n', "language must be one of"),
        ('colour = "red"\n', "unknown setting 'colour'"),
        ("currency = 5\n", "currency must be a string"),
        ('currency = "XXY"\n', "unknown currency"),
        ("start_screen = \n", "config.toml"),
    ],
)
def test_bad_settings_get_one_clear_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FunnelError, match=message):
        load_settings(write(tmp_path, text))
