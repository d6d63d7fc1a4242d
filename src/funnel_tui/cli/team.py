"""`funnel init-team PATH --group GROUP`: a database that a team on one server shares, which
members of the group and nobody else can open."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from funnel_tui.cli.base import options, say, shown_role, vet_database, warn
from funnel_tui.i18n import _
from funnel_tui.render.safe import fill, safe_text


@click.command(name="init-team")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--group",
    required=True,
    metavar="GROUP",
    help="The Unix group of the team: its members, and nobody else, can open the database.",
)
@click.pass_context
def init_team(ctx: click.Context, path: Path, group: str) -> None:
    """Create a team database at PATH (and its directory: group GROUP, setgid, mode 2770;
    the file 0660). You become its lead. An existing Funnel database there is kept and
    given to the group."""
    from funnel_tui.bootstrap import database_warnings, open_services
    from funnel_tui.storage.team_files import fix_team_modes, group_id, prepare_team_file

    path = path.expanduser().absolute()
    gid = group_id(group)
    # A symlink in a shared directory is refused before anything changes; the warnings wait
    # until the modes are set, so that they name only what is still wrong.
    database_warnings(str(path), allow_symlink=options(ctx).allow_symlink)
    prepared = prepare_team_file(path, gid)
    services = open_services(path, create=True)
    try:
        lead = services.users.found_team()
        # Still open, so the WAL and SHM files exist: give them to the group as well.
        fix_team_modes(path, gid)
    finally:
        services.close()
    fix_team_modes(path, gid)
    vet_database(options(ctx), str(path))
    for warning in prepared.warnings:
        warn(warning)
    if prepared.existing_funnel:
        done = _("Kept the Funnel database at {path} for group {group} (file mode 0660).")
    else:
        done = _("Created {path} for group {group} (file mode 0660).")
    say(fill(done, path=safe_text(path, "bold"), group=Text(group)))
    if prepared.created_directory:
        say(
            _("Created {directory} (group {group}, setgid, mode 2770).").format(
                directory=path.parent, group=group
            )
        )
    say(
        fill(
            _(
                "You ({login}) are a {role}. Add teammates: funnel --db {path} users add LOGIN "
                '--role rep --name "Full Name"'
            ),
            login=lead.login,
            role=Text(shown_role(lead.role.value)),
            path=Text(str(path)),
        )
    )
    say(_("Everyone opens it with `funnel --db {path}` or FUNNEL_DB={path}.").format(path=path))
