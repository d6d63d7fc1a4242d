"""The `funnel` command. With no subcommand it opens the app; subcommands are scriptable.

Exit codes: 0 ok, 1 a user error (one line on stderr, never a traceback), 2 usage.
"""

from funnel_tui.cli.base import cli
from funnel_tui.cli.entry import main

__all__ = ["cli", "main"]
