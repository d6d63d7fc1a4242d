"""Where Funnel keeps its files. Functions, not constants: nothing happens at import time.

Overrides for tests and unusual set-ups: FUNNEL_TUI_CONFIG (the config file),
FUNNEL_TUI_DATA_DIR (the data directory); FUNNEL_DB chooses the database (see config.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "funnel-tui"


def config_file() -> Path:
    override = os.environ.get("FUNNEL_TUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def data_dir() -> Path:
    override = os.environ.get("FUNNEL_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_database() -> Path:
    return data_dir() / "funnel.db"


def log_file() -> Path:
    """Where unexpected errors are written in full (the user sees one line)."""
    return data_dir() / "funnel.log"


def cache_dir() -> Path:
    """Files Funnel can make again (compiled message catalogs)."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)
