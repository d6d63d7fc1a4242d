"""The assembled `funnel` command: the subcommands on the group in help order, and `main()`,
which turns every outcome into an exit code."""

from __future__ import annotations

import logging
import traceback

import click
from rich.text import Text

from funnel_tui import paths
from funnel_tui.cli import (
    agenda,
    dashboard,
    data,
    deals,
    pipelines,
    plans,
    report,
    serve,
    team,
    users,
)
from funnel_tui.cli.base import cli, err_console
from funnel_tui.cli.localized import route_click_messages, translate_help
from funnel_tui.config import Settings, load_settings
from funnel_tui.domain.date_format import set_date_format
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import _, language_from_environment, set_language
from funnel_tui.render.safe import fill, safe_text

# `funnel --help` lists the commands in this order (the group keeps the order they are added in).
for _command in (
    data.demo,
    deals.add,
    deals.move,
    deals.won,
    deals.lost,
    deals.reopen,
    deals.log,
    deals.next_contact,
    deals.delete,
    deals.restore,
    agenda.agenda_,
    report.report,
    dashboard.dashboard,
    serve.serve,
    pipelines.pipeline,
    plans.plan,
    users.users,
    team.init_team,
    data.import_,
    data.export,
    agenda.ics,
    data.copy_to,
    data.backup,
    data.locate,
):
    cli.add_command(_command)


# --- entry point ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    try:
        settings = _speak_the_users_language()
        # The settings read here go to the group as its context object: read once a run.
        result = cli.main(args=argv, prog_name="funnel", standalone_mode=False, obj=settings)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.exceptions.Abort:
        err_console.print(_("Aborted."))
        return 1
    except FunnelError as err:
        err_console.print(Text("funnel: ") + safe_text(err))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
        where = _log_crash()
        err_console.print(
            fill(
                _("funnel: internal error: {error} (details in {where})"),
                error=f"{type(err).__name__}: {err}",
                where=Text(where),
            )
        )
        return 1
    return result if isinstance(result, int) else 0


def _speak_the_users_language() -> Settings | None:
    """The language of the config or the environment from the first word (help included);
    `--lang`, parsed eagerly, may change it before anything else is printed. The settings
    read for it; None when the config is bad (the group reads it again and says why)."""
    route_click_messages()
    try:
        settings: Settings | None = load_settings()
    except FunnelError:
        settings = None
    set_language(settings.effective_language if settings else language_from_environment())
    set_date_format(settings.date_format if settings else "")
    translate_help(cli)
    return settings


def _log_crash() -> str:
    path = paths.log_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        logging.basicConfig(filename=path, level=logging.ERROR)
        logging.getLogger("funnel").error("unexpected error\n%s", traceback.format_exc())
    except OSError:
        return _("the terminal: could not write the log")
    return str(path)
