"""What every command shares: the `cli` group, its options, the consoles, the parameter types
and the way to open the services over the chosen database."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Progress

from funnel_tui import __version__
from funnel_tui.config import Settings, database_target, load_settings
from funnel_tui.domain.date_format import set_date_format
from funnel_tui.domain.dates import parse_date, parse_datetime, parse_duration
from funnel_tui.domain.errors import FunnelError, NotFoundError, ValidationError
from funnel_tui.i18n import LANGUAGES, N_, NP_, _, pgettext, set_language
from funnel_tui.render.safe import fill
from funnel_tui.services import Services

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Options:
    db: str | None
    settings: Settings
    allow_symlink: bool = False
    """`--allow-symlink`: open a database through a link in a directory others can write."""
    vetted: set[str] = field(default_factory=set)
    """Databases already checked by `vet_database` (each warns once)."""
    backed_up: bool = False
    """The daily automatic backup has been looked at in this run (`back_up_at_exit`)."""

    @property
    def target(self) -> str:
        return database_target(self.db, self.settings)


def options(ctx: click.Context) -> Options:
    """The group's options (`--db`) and the loaded settings."""
    found: Options = ctx.find_object(Options)  # type: ignore[assignment]
    return found


@contextmanager
def open_services_for(
    ctx: click.Context, *, create: bool = False, as_of: datetime | None = None
) -> Iterator[Services]:
    """The services over the chosen database; `as_of` stops their clock at that moment."""
    from funnel_tui.bootstrap import open_services

    clock = (lambda: as_of) if as_of is not None else None
    vet_database(options(ctx))
    services = open_services(options(ctx).target, create=create, clock=clock)
    try:
        yield services
    finally:
        services.close()
    back_up_at_exit(options(ctx))


def back_up_at_exit(opts: Options) -> None:
    """Once per run, after the command's work: the daily automatic backup if it is due
    (storage/backups.py); a failure is a one-line warning, never an error."""
    from funnel_tui.bootstrap import auto_backup

    if opts.backed_up:
        return
    opts.backed_up = True
    warning = auto_backup(opts.target, opts.settings, today=date.today())
    if warning is not None:
        warn(warning)


def vet_database(opts: Options, target: str | None = None) -> None:
    """Check where the database sits before opening it, once per run: a one-line warning on
    stderr for a file open to everyone, a directory anyone may replace it in, or a network
    filesystem; a StoreError for a symlink in a directory others can write (unless
    `--allow-symlink`). Every command and the app pass through here."""
    from funnel_tui.bootstrap import database_warnings

    target = target or opts.target
    if target in opts.vetted:
        return
    opts.vetted.add(target)
    for warning in database_warnings(target, allow_symlink=opts.allow_symlink):
        warn(warning)


def warn(warning: object) -> None:
    """A one-line warning on stderr: `funnel: warning: …`."""
    err_console.print(fill(_("funnel: warning: {warning}"), warning=warning))


def has_screen() -> bool:
    """Whether the app has somewhere to draw: a terminal on stdout, or a Textual driver named
    in TEXTUAL_DRIVER (`funnel serve` runs the app that way, drawing into a browser)."""
    return sys.stdout.isatty() or bool(os.environ.get("TEXTUAL_DRIVER"))


def progress_bar() -> Progress:
    """A bar on stderr for long work (what, done of total, time so far), gone when done;
    none when stderr is not a terminal (a script's log stays clean)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def say(*parts: str | Text) -> None:
    line = Text()
    for part in parts:
        line.append(part if isinstance(part, Text) else Text(part))
    out_console.print(line)


STAGE_KINDS = {
    "open": NP_("stage kind", "open"),
    "won": NP_("stage kind", "won"),
    "lost": NP_("stage kind", "lost"),
}
"""A stage's kind as a user reads it (the values are `StageKind`'s)."""
ROLES = {"lead": N_("lead"), "rep": N_("rep")}
"""A user's role as a user reads it (the values are `Role`'s)."""


def shown_kind(kind: str) -> str:
    return pgettext("stage kind", STAGE_KINDS[kind]) if kind in STAGE_KINDS else kind


def shown_role(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


# --- parameter types: parsing errors become usage errors at the right option --------------


def value_type(parse: Callable[[str], Any], name: str) -> click.ParamType[Any]:
    """A click type that parses with `parse`; its ValidationError is a usage error there."""

    class _Type(click.ParamType[Any]):
        def convert(
            self, value: Any, param: click.Parameter | None, ctx: click.Context | None
        ) -> Any:
            if not isinstance(value, str):
                return value
            try:
                return parse(value)
            except ValidationError as err:
                self.fail(err.message, param, ctx)

    _Type.name = name
    return _Type()


MOMENT = value_type(parse_datetime, "datetime")
DAY = value_type(parse_date, "date")
DURATION = value_type(parse_duration, "duration")

AT = click.option("--at", type=MOMENT, help="When it happened (back-dating): 2026-10-05 12:00.")
BY = click.option("--by", help="Who did it (a login); default: you.")
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
OWNER = click.option(
    "--owner", metavar="LOGIN", help="Only this person's deals; default: everyone's."
)


def owner_id(services: Services, login: str | None) -> int | None:
    """The id of the user with `login`; None (everyone) when no login is given."""
    if login is None:
        return None
    with services.context.store.read() as uow:
        user = uow.users.by_login(login.strip())
        if user is None:
            known = ", ".join(user.login for user in uow.users.list()) or _("none yet")
            raise NotFoundError(
                _("no user {login!r} (users: {known})").format(login=login, known=known)
            )
    return user.id


# --- the group -----------------------------------------------------------------------------


class _Group(click.Group):
    """Lists commands in the order they are defined, not alphabetically; keeps every
    command's `--help` line in the current language."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        _retranslate_help_options(self)
        return option


def _retranslate_help_options(root: click.Command) -> None:
    """click makes each command's `--help` option once, with its help in the language of
    that moment, and keeps it: the root's is made before `--lang` is read, and one made in
    an earlier run of `main()` may be in the other language. Called whenever the root's
    is asked for (before any `--help` is shown)."""
    from funnel_tui.cli.localized import walk

    for command in walk(root):
        option = getattr(command, "_help_option", None)
        if option is not None:
            option.help = _("Show this message and exit.")


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", metavar="PATH|URL", help="Database file or SQLAlchemy URL (also FUNNEL_DB).")
@click.option(
    "--allow-symlink",
    is_flag=True,
    help="Open a database through a symbolic link even in a directory others can write to.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    is_eager=True,  # before --help, so that `funnel --lang ru --help` is in Russian
    callback=lambda ctx, _param, value: _switch_language(ctx, value),
    help="Interface language (default: `language` in the config, else LC_ALL/LC_MESSAGES/LANG).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx, value),
    help="Show the version and exit.",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, allow_symlink: bool, lang: str | None) -> int | None:
    """Funnel: a terminal CRM for running a sales funnel.

    With no command, opens the app on your database.
    """
    # `funnel_tui.cli.main` passes the settings it read for the language; else read them.
    settings = ctx.obj if isinstance(ctx.obj, Settings) else load_settings()
    if lang is not None:
        settings = replace(settings, language=lang)
    set_date_format(settings.date_format)  # "": the language's usual one, --lang included
    ctx.obj = Options(db=db, settings=settings, allow_symlink=allow_symlink)
    if ctx.invoked_subcommand is None:
        return _run_app(ctx.obj)
    return None


def _switch_language(ctx: click.Context, language: str | None) -> str | None:
    if language is not None:
        from funnel_tui.cli.localized import translate_help

        set_language(language)
        translate_help(ctx.find_root().command)
    return language


def _show_version(ctx: click.Context, wanted: bool) -> None:
    """`--version` (click's own says it in the language of the moment it was imported)."""
    if not wanted or ctx.resilient_parsing:
        return
    click.echo(_("%(prog)s, version %(version)s") % {"prog": "funnel", "version": __version__})
    ctx.exit()


def _run_app(options: Options) -> int:
    """The app on the chosen database; its exit code (not 0 when it failed or crashed)."""
    from funnel_tui.bootstrap import build_app, check_database

    if not has_screen():
        raise FunnelError(
            _("the app needs a terminal; see `funnel --help` for scriptable commands")
        )
    vet_database(options)
    check_database(options.target)
    app = build_app(options.settings, options.target)
    app.run()
    return app.return_code or 0
