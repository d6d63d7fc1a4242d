"""`python -m funnel_tui` runs the `funnel` command."""

import sys

from funnel_tui.cli import main

sys.exit(main())
