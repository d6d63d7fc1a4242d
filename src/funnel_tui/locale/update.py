"""Bring a catalog in step with the code: `python -m funnel_tui.locale.update [ru]`.

Adds every message the code now has (untranslated: fill in the msgstr), drops the ones it
no longer has, keeps every translation, sorts by message. Then translate, and run
`pytest tests/i18n`.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from funnel_tui import __version__
from funnel_tui.locale.catalog import catalog_path, entry_key, marked, read_catalog


def update(language: str) -> tuple[int, int]:
    """Rewrite the catalog of `language`; (messages added, messages dropped)."""
    old = read_catalog(language)
    wanted = marked()
    new = Catalog(
        locale=language,
        domain="funnel",
        header_comment=old.header_comment,
        project="funnel-tui",
        version=__version__,
        msgid_bugs_address="the project's issue tracker",
        last_translator="Funnel developers",
        language_team="Funnel developers",
        creation_date=old.creation_date,  # fixed dates: an update changes only messages
        revision_date=old.creation_date,
        fuzzy=False,  # a fuzzy header is left out of the compiled catalog, plural rule and all
    )
    added = 0
    for key in sorted(wanted, key=lambda k: (k.text, k.context or "")):
        existing = old.get(key.text, context=key.context)
        if existing is None:
            added += 1
            string: object = "" if isinstance(key.id, str) else ("",) * new.num_plurals
        else:
            string = existing.string
        new.add(key.id, string, context=key.context)  # type: ignore[arg-type]
    dropped = sum(1 for message in old if message.id and entry_key(message) not in wanted)
    with catalog_path(language).open("wb") as handle:
        write_po(handle, new, width=100, omit_header=False, no_location=True)
    return added, dropped


if __name__ == "__main__":
    for language in sys.argv[1:] or ["ru"]:
        added, dropped = update(language)
        print(f"{language}: {added} new messages to translate, {dropped} dropped")
