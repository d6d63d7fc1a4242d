"""The search key kept on every deal: its searchable text, case-folded.

SQLite's LIKE and lower() fold ASCII only, so "РОМАШКА" would not match "ромашка"; keeping a
case-folded copy written by Python makes the filter correct in every language and cheap (one
LIKE over one column) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable


def fold(text: str) -> str:
    """Case-folded, ё→е, with runs of whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def search_text(
    title: str,
    company: str | None,
    contact: str | None,
    phone: str | None,
    tags: Iterable[str],
) -> str:
    """The text a board filter matches against, one line separated by a unit separator."""
    parts = [title, company or "", contact or "", phone or "", *tags]
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return "\x1f".join(fold(part) for part in [*parts, digits] if part)


def contains_pattern(text: str) -> str | None:
    """A LIKE pattern (escape character: backslash) for search texts containing `text` as a
    user typed it; None when there is nothing to look for."""
    needle = fold(text)
    if not needle:
        return None
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
