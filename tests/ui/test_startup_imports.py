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


def test_screens_not_on_the_first_frame_load_when_first_opened() -> None:
    """The agenda, funnel, reports, dashboard and import screens (and the call session,
    analytics models and charts they bring, ~80 ms), the deal pane and the board's dialogs
    (~30 ms) are imported when opened, not on the way to the board."""
    later = (
        "funnel_tui.ui.screens.deal",
        "funnel_tui.ui.screens.contact_screen",
        "funnel_tui.ui.modals.log_activity",
        "funnel_tui.ui.modals.lose",
        "funnel_tui.ui.modals.new_deal",
        "funnel_tui.ui.modals.next_contact",
        "funnel_tui.ui.modals.stage_picker",
        "funnel_tui.ui.screens.agenda",
        "funnel_tui.ui.screens.call_session",
        "funnel_tui.ui.screens.funnel",
        "funnel_tui.ui.screens.reports",
        "funnel_tui.ui.screens.dashboard",
        "funnel_tui.ui.screens.import_screen",
        "funnel_tui.analytics.metrics_model",
    )
    code = (
        "import sys, funnel_tui.cli, funnel_tui.ui.app, funnel_tui.bootstrap; "
        f"print(sorted(m for m in {later!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
