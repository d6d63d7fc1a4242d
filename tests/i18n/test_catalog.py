"""The Russian catalog and the code agree: every message a user can read (marked in the
code, a command's help, click's own words) is translated, with all three plural forms;
nothing stale is kept; placeholders survive translation."""

from __future__ import annotations

import re

from funnel_tui.locale.catalog import entry_key, marked, read_catalog, texts, translated


def test_every_marked_string_is_translated() -> None:
    russian = read_catalog("ru")
    missing = []
    for key, where in marked().items():
        if not translated(russian, key):
            missing.append(f"{where[0]}: {key.id!r}")
            continue
        forms = texts(russian.get(key.text, context=key.context).string)  # type: ignore[union-attr]
        if not isinstance(key.id, str) and len(forms) != 3:
            missing.append(f"{where[0]}: {key.id!r} needs three Russian forms")
    assert missing == [], "untranslated (see docs/i18n.md):\n" + "\n".join(missing)


def test_the_catalog_keeps_nothing_the_code_no_longer_says() -> None:
    in_code = marked()
    stale = [
        entry_key(message).text
        for message in read_catalog("ru")
        if message.id and entry_key(message) not in in_code
    ]
    assert stale == []


def placeholders(text: str) -> set[str]:
    """`{name}` fields and printf-style `%(name)s` / `%s` ones (click's messages)."""
    return set(re.findall(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]", text))


def test_placeholders_survive_translation() -> None:
    """A translation has the fields of its message; each plural form those of the singular or
    of the plural (the code fills both, and a form that is not "one" uses the plural's)."""
    wrong: list[str] = []
    for message in read_catalog("ru"):
        if not message.id:
            continue
        allowed = [placeholders(text) for text in texts(message.id)]
        wrong.extend(
            f"{texts(message.id)[0]!r} → {text!r}"
            for text in texts(message.string)
            if text and placeholders(text) not in allowed
        )
    assert wrong == []
