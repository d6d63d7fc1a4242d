"""Merge fragment catalogs into the Russian one: `python -m funnel_tui.locale.merge FILE.po...`

Each fragment's translated messages are added (or replace the catalog's); then the catalog
is brought in step with the code (`update`), which drops what the code no longer says.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from funnel_tui.locale.catalog import catalog_path, entry_key, read_catalog, texts
from funnel_tui.locale.update import update


def merge(fragments: list[Path], language: str = "ru") -> int:
    catalog = read_catalog(language)
    merged = 0
    for fragment in fragments:
        with fragment.open("rb") as handle:
            part = read_po(handle, locale=language)
        for message in part:
            if not message.id or not all(texts(message.string)):
                continue
            key = entry_key(message)
            catalog.delete(key.text, context=key.context)
            flags = [flag for flag in message.flags if flag != "fuzzy"]
            catalog.add(message.id, message.string, flags=flags, context=key.context)
            merged += 1
    with catalog_path(language).open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True)
    update(language)
    return merged


if __name__ == "__main__":
    print(f"merged {merge([Path(name) for name in sys.argv[1:]])} messages")
