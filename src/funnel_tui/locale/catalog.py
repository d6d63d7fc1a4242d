"""Which messages need translating: what the code marks with `_`, `N_` and `ngettext`, the
commands' help texts, and click's own messages. One list for the update tool and the test
that fails when anything a user can read is missing from a catalog."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from funnel_tui.i18n import DOMAIN, LOCALE_DIR

SOURCE = LOCALE_DIR.parent
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}

MessageId = str | tuple[str, str]
"""A message's id: its English text, or (singular, plural) for one with a count."""


class Key(NamedTuple):
    """A message as the catalog keys it: its context (None for most) and its id."""

    context: str | None
    id: MessageId

    @property
    def text(self) -> str:
        """The English text (the singular of a message with a count)."""
        return self.id if isinstance(self.id, str) else self.id[0]


def key_of(message: str | tuple[str, ...] | list[str], context: str | None = None) -> Key:
    return Key(context, message if isinstance(message, str) else (message[0], message[1]))


def marked() -> dict[Key, list[str]]:
    """Every message to translate, with where it comes from."""
    found: dict[Key, list[str]] = {}
    for filename, line, message, _comments, context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.setdefault(key_of(message, context), []).append(f"{filename}:{line}")
    for key, where in marked_cli().items():
        found.setdefault(key, []).append(where)
    return found


def marked_cli() -> dict[Key, str]:
    """The commands' help texts and click's own messages (not marked in our code)."""
    found: dict[Key, str] = {}
    for where, message in _click_messages():
        found.setdefault(key_of(message), where)
    for text in _help_texts():
        found.setdefault(key_of(text), "command help")
    return found


def _click_messages() -> Iterator[tuple[str, str | tuple[str, ...]]]:
    from funnel_tui.cli.localized import CLICK_MODULES

    for name in CLICK_MODULES:
        path = Path(inspect.getfile(importlib.import_module(f"click.{name}")))
        for line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"_": None, "ngettext": (1, 2)}
        ):
            yield f"click/{path.name}:{line}", message


def _help_texts() -> Iterator[str]:
    import funnel_tui.cli.entry  # noqa: F401  (puts the commands on the group)
    from funnel_tui.cli.base import cli
    from funnel_tui.cli.localized import help_texts

    yield from help_texts(cli)


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def entry_key(message: Message) -> Key:
    """The key of a catalog entry."""
    return key_of(message.id, message.context)


def translated(catalog: Catalog, key: Key) -> bool:
    """Whether `catalog` translates `key` (every plural form, not fuzzy)."""
    message = catalog.get(key.text, context=key.context)
    if message is None or message.fuzzy:
        return False
    forms = texts(message.string)
    return bool(forms) and all(forms)


def texts(value: object) -> tuple[str, ...]:
    """A catalog entry's id or string as a tuple: one text, or the plural forms."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(text) for text in value)  # type: ignore[attr-defined]
