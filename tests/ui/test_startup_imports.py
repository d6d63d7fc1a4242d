"""The app paints before it loads the ORM: nothing heavy on the path to the first frame."""

from __future__ import annotations

import subprocess
import sys


def test_app_and_cli_import_without_orm_or_pydantic() -> None:
    code = (
        "import sys, funnel_tui.cli, funnel_tui.ui.app, funnel_tui.bootstrap; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
