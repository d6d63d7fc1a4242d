"""Russian for the render and analytics tests: the catalog, with this area's fragment
(`i18n-parts/render.po`) laid over it while the fragment is not merged into the catalog yet."""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

import pytest

from funnel_tui import i18n

FRAGMENT = Path(__file__).resolve().parents[2] / "i18n-parts" / "render.po"


def speak_russian(monkeypatch: pytest.MonkeyPatch) -> None:
    """Translate into Russian for the rest of the test (the autouse fixture of
    tests/conftest.py goes back to English afterwards; `monkeypatch` restores the catalog)."""
    i18n.set_language("ru")
    if not FRAGMENT.exists():
        return  # merged: the catalog alone says it all
    catalog = i18n._catalog("ru")
    fragment = gettext.GNUTranslations(BytesIO(i18n._compile(FRAGMENT.read_bytes())))
    fragment.add_fallback(catalog)
    monkeypatch.setitem(i18n._catalogs, "ru", fragment)
