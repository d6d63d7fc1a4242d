"""The command line in the interface language: click's own words ("Usage:", "Options:",
its errors) and our commands' help.

Click translates its messages with the stdlib's global `gettext`, which knows nothing of
`--lang`: its modules' `_` and `ngettext` are pointed at ours (their messages are in our
catalog). Our help texts are the commands' docstrings and options' `help=`, fixed at import
in English: `translate_help` swaps in their translations, keeping the English originals so
it can be called again for another language.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from funnel_tui import i18n

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")
"""click's modules whose messages a user can meet (not shell completion or Windows)."""

_english: dict[int, str | None] = {}
"""id(object) → its English help (commands and options live as long as the process)."""


def route_click_messages() -> None:
    """Make click's messages use Funnel's catalog and language (idempotent)."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def walk(command: click.Command) -> Iterator[click.Command]:
    """`command` and every subcommand under it."""
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from walk(sub)


def help_texts(command: click.Command) -> Iterator[str]:
    """Every help text (English, as written) of the command tree: for the catalog."""
    for each in walk(command):
        for text in (_original(each, "help"), _original(each, "short_help")):
            if text:
                yield text
        for param in each.params:
            text = _original(param, "help")
            if text:
                yield text


def translate_help(command: click.Command) -> None:
    """Help of the whole tree in the current language."""
    for each in walk(command):
        for attribute in ("help", "short_help"):
            _translate(each, attribute)
        for param in each.params:
            _translate(param, "help")


def _original(owner: object, attribute: str) -> str | None:
    key = id(owner) * 2 + (attribute == "short_help")
    if key not in _english:
        _english[key] = getattr(owner, attribute, None)
    return _english[key]


def _translate(owner: object, attribute: str) -> None:
    english = _original(owner, attribute)
    if english:
        setattr(owner, attribute, i18n._(english))
