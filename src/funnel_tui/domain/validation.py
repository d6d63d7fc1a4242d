"""Validation of the free-text fields of a deal. One message per field, raised as ValidationError."""

from __future__ import annotations

import re

from funnel_tui.domain.errors import ValidationError

MAX_TITLE = 200
MAX_TEXT = 500
MAX_BODY = 20_000
MAX_TAGS = 20

# Loose but consistent: one @, something before it, a dotted domain after it, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# Digits with the usual decoration: + ( ) - . spaces, and an optional extension.
_PHONE = re.compile(r"^\+?[\d\s().\-]+((ext\.?|доб\.?|x)\s*\d{1,6})?$", re.IGNORECASE)


def clean_text(field: str, value: str | None, *, limit: int = MAX_TEXT) -> str | None:
    """Strip `value`; empty becomes None; refuse over-long text."""
    if value is None:
        return None
    stripped = value.strip()
    if not stripped:
        return None
    if len(stripped) > limit:
        raise ValidationError(field, f"is longer than {limit} characters")
    return stripped


def clean_title(title: str) -> str:
    cleaned = clean_text("title", title, limit=MAX_TITLE)
    if cleaned is None:
        raise ValidationError("title", "is empty")
    return cleaned


def clean_email(email: str | None) -> str | None:
    cleaned = clean_text("email", email, limit=254)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise ValidationError("email", f"{cleaned!r} is not an e-mail address")
    return cleaned


def clean_phone(phone: str | None) -> str | None:
    cleaned = clean_text("phone", phone, limit=40)
    if cleaned is None:
        return None
    digits = sum(ch.isdigit() for ch in cleaned.split("x")[0].split("ext")[0])
    if not _PHONE.match(cleaned) or not 5 <= digits <= 17:
        raise ValidationError("phone", f"{cleaned!r} is not a phone number")
    return cleaned


def clean_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Strip, drop empties and duplicates (keeping the first spelling), keep order."""
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_text("tags", tag, limit=50)
        if cleaned is None:
            continue
        if "," in cleaned:
            raise ValidationError("tags", f"{cleaned!r}: a tag cannot contain a comma")
        seen.setdefault(cleaned.casefold(), cleaned)
    if len(seen) > MAX_TAGS:
        raise ValidationError("tags", f"at most {MAX_TAGS} tags")
    return tuple(seen.values())


def clean_login(login: str) -> str:
    cleaned = login.strip()
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}", cleaned):
        raise ValidationError("login", f"{login!r} is not a valid login name")
    return cleaned


def clean_duration(seconds: int | None) -> int | None:
    if seconds is not None and not 0 <= seconds <= 24 * 3600:
        raise ValidationError("duration", "must be between 0 and 24 hours")
    return seconds


def clean_note(body: str | None, *, required: bool) -> str | None:
    """An activity's note: stripped, at most MAX_BODY characters, present when `required`
    (a note that is only a note must say something)."""
    cleaned = clean_text("note", body, limit=MAX_BODY)
    if required and cleaned is None:
        raise ValidationError("note", "is empty")
    return cleaned
