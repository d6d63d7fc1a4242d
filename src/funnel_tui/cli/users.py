"""`funnel users`: who works in this database, and their roles.

A role chooses what a person sees by default (a rep their own deals, a lead everyone's). On a
shared file it is a view, not access control: anyone who can read the file can read it all.
"""

from __future__ import annotations

import json
import sys

import click
from rich.text import Text

from funnel_tui.cli.base import FORMAT, ROLES, open_services_for, say, shown_role
from funnel_tui.domain.models import User
from funnel_tui.i18n import _
from funnel_tui.render.safe import fill, safe_json, safe_text

ROLE = click.Choice(["lead", "rep"], case_sensitive=False)


@click.group(name="users")
def users() -> None:
    """Users (OS logins) and their roles: a lead sees the whole team, a rep their own deals."""


@users.command(name="list")
@FORMAT
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """Everyone recorded in the database, by login."""
    with open_services_for(ctx) as services:
        everyone = services.users.list()
    if fmt == "json":
        document = [_user_json(user) for user in everyone]
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
        return
    if not everyone:
        say(_("No users yet: `funnel users add LOGIN --role lead` adds one."))
    width = max((len(user.login) for user in everyone), default=0)
    role_width = max(len(shown_role(role)) for role in ROLES)
    for user in everyone:
        say(
            safe_text(user.login.ljust(width), "bold"),
            "  ",
            Text(
                shown_role(user.role.value).ljust(role_width),
                style="cyan" if user.role.value == "lead" else "",
            ),
            "  ",
            safe_text(user.display_name),
        )


@users.command(name="add")
@click.argument("login")
@click.option("--role", type=ROLE, default="rep", show_default=True)
@click.option("--name", help="Display name (default: the login).")
@click.pass_context
def add(ctx: click.Context, login: str, role: str, name: str | None) -> None:
    """Record LOGIN (an OS login on this server) with a role. Once there is a lead, only a
    lead may add users."""
    with open_services_for(ctx) as services:
        added = services.users.add(login, role=role, name=name)
    say(fill(_("Added {user}."), user=_describe(added)))


@users.command(name="set")
@click.argument("login")
@click.option("--role", type=ROLE, help="New role (a lead's change).")
@click.option("--name", help="New display name (a lead's change, or your own).")
@click.pass_context
def set_(ctx: click.Context, login: str, role: str | None, name: str | None) -> None:
    """Change LOGIN's role or display name."""
    if role is None and name is None:
        raise click.UsageError(_("give --role, --name or both"))
    with open_services_for(ctx) as services:
        changed = services.users.change(login, role=role, name=name)
    say(fill(_("Now {user}."), user=_describe(changed)))


def _describe(user: User) -> Text:
    return fill(
        _("{login} ({role}, {name})"),
        login=safe_text(user.login, "bold"),
        role=shown_role(user.role.value),
        name=user.display_name,
    )


def _user_json(user: User) -> dict[str, object]:
    return {
        "login": user.login,
        "name": user.display_name,
        "role": user.role.value,
        "created_at": user.created_at.isoformat(),
    }
