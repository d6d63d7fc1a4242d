"""`funnel dashboard`: the app started straight on the wall dashboard (DESIGN.md, Screens 7)."""

from __future__ import annotations

import math

import click

from funnel_tui.cli.base import err_console, has_screen, open_services_for, options, owner_id
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import _
from funnel_tui.render.safe import safe_text

# The UI is imported on use (in the command), as for the plain `funnel`: the other commands
# stay Textual-free.

DEFAULT_INTERVAL = 10.0
MIN_INTERVAL = 0.5
MAX_INTERVAL = 3600.0


class OneLineUsageError(click.UsageError):
    """A usage mistake told in one line (no usage block): exit code 2."""

    def show(self, file: object = None) -> None:
        err_console.print(safe_text(f"funnel dashboard: {self.message}"))


def parse_interval(raw: str) -> float:
    """Seconds between refreshes: a number from 0.5 to 3600 (`10`, `2.5`, `30s`)."""
    text = raw.strip().lower().removesuffix("s").strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise OneLineUsageError(
            _("--interval: {value!r} is not a number of seconds from {low} to {high}").format(
                value=raw, low=f"{MIN_INTERVAL:g}", high=f"{MAX_INTERVAL:g}"
            )
        )
    return seconds


@click.command()
@click.option("--pipeline", help="Pipeline name or number; default: the first.")
@click.option("--owner", metavar="LOGIN", help="Only this person's deals; default: the team's.")
@click.option(
    "--interval",
    metavar="SECONDS",
    default=str(int(DEFAULT_INTERVAL)),
    show_default=True,
    help=f"Seconds between refreshes ({MIN_INTERVAL:g} to {MAX_INTERVAL:g}).",
)
@click.pass_context
def dashboard(ctx: click.Context, pipeline: str | None, owner: str | None, interval: str) -> int:
    """The wall dashboard: this month's funnel, the key figures in large type and the plan,
    refreshed by itself every few seconds. For a big screen that runs all day; q quits."""
    seconds = parse_interval(interval)
    from funnel_tui.bootstrap import build_app, check_database
    from funnel_tui.ui.screens.dashboard import DashboardStart

    opts = options(ctx)
    check_database(opts.target)
    # The pipeline and the owner are checked before the screen is taken over: a typo gets
    # the usual one-line error, not a dashboard of something else.
    with open_services_for(ctx) as services:
        pipeline_id = services.pipelines.find(pipeline).id if pipeline is not None else None
        owner_number = owner_id(services, owner)
    if not has_screen():
        raise FunnelError(_("the dashboard needs a terminal; `funnel report` prints the figures"))
    start = DashboardStart(
        pipeline_id=pipeline_id,
        owner_id=owner_number,
        interval=seconds,
        pipeline_name=opts.settings.default_pipeline,
        standalone=True,
    )
    app = build_app(opts.settings, opts.target)
    app.start_on_dashboard(start)
    app.run()
    return app.return_code or 0
