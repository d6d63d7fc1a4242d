"""Validation of the free-text fields of a deal. One message per field, raised as ValidationError.

The limits, in one place (the services call these; forms, the CLI and the importers reuse them):
title 200 characters; company and contact 200; source 100; a tag 50, at most 20 tags;
pipeline, stage and loss-reason names 100 (pipeline_rules.py); notes, activity bodies, loss
notes and next-contact notes 20,000; other short text 500; e-mail 254; phone 40; an external
id (where an imported deal came from) 120 printable characters without spaces.
"""

from __future__ import annotations

import re

from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import _, ngettext

MAX_TITLE = 200
MAX_TEXT = 500
MAX_BODY = 20_000
MAX_NAME = 200  # company, contact
MAX_SOURCE = 100
MAX_TAG = 50
MAX_TAGS = 20
MAX_EMAIL = 254
MAX_PHONE = 40
MAX_EXTERNAL_ID = 120

# Loose but consistent: one @, something before it, a dotted domain after it, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# ASCII digits with the usual decoration: + ( ) - . spaces, and an optional extension.
_PHONE = re.compile(
    r"^\+?[0-9 \t\u00a0\u202f().\-]+(?P<ext>(ext\.?|доб\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE
)


def shown(value: object, limit: int = 60) -> str:
    """`value` for a one-line message: its repr (control characters escaped), shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_text(field: str, value: str | None, *, limit: int = MAX_TEXT) -> str | None:
    """Strip `value`; empty becomes None; refuse over-long text."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, _("{value} is not text").format(value=shown(value)))
    stripped = value.strip()
    if not stripped:
        return None
    if len(stripped) > limit:
        raise ValidationError(
            field,
            ngettext(
                "is longer than {limit} character", "is longer than {limit} characters", limit
            ).format(limit=limit),
        )
    return stripped


def clean_external_id(value: str | None) -> str | None:
    """`source:record` as kept on an imported deal: printable, no spaces, at most 120."""
    cleaned = clean_text("external_id", value, limit=MAX_EXTERNAL_ID)
    if cleaned is not None and not all(
        char.isprintable() and not char.isspace() for char in cleaned
    ):
        raise ValidationError(
            "external_id",
            _("{value} has spaces or control characters").format(value=shown(cleaned)),
        )
    return cleaned


def clean_title(title: str) -> str:
    cleaned = clean_text("title", title, limit=MAX_TITLE)
    if cleaned is None:
        raise ValidationError("title", _("is empty"))
    return cleaned


def clean_email(email: str | None) -> str | None:
    cleaned = clean_text("email", email, limit=MAX_EMAIL)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise ValidationError(
            "email", _("{value} is not an e-mail address").format(value=repr(cleaned))
        )
    return cleaned


def clean_phone(phone: str | None) -> str | None:
    """Loose: digits, spaces, + ( ) - . and an optional extension (`x12`, `ext. 12`,
    `доб. 12`); at least 5 and at most 17 digits before the extension."""
    cleaned = clean_text("phone", phone, limit=MAX_PHONE)
    if cleaned is None:
        return None
    match = _PHONE.match(cleaned)
    number = cleaned[: match.start("ext")] if match and match["ext"] else cleaned
    digits = sum("0" <= ch <= "9" for ch in number)
    if match is None or not 5 <= digits <= 17:
        raise ValidationError(
            "phone",
            _("{value} is not a phone number (digits, spaces, + ( ) - .)").format(
                value=repr(cleaned)
            ),
        )
    return cleaned


def clean_company(company: str | None) -> str | None:
    return clean_text("company", company, limit=MAX_NAME)


def clean_contact(contact: str | None) -> str | None:
    return clean_text("contact", contact, limit=MAX_NAME)


def clean_source(source: str | None) -> str | None:
    return clean_text("source", source, limit=MAX_SOURCE)


def clean_long_text(field: str, text: str | None) -> str | None:
    """A note-like text (loss note, next-contact note, activity body): at most MAX_BODY."""
    return clean_text(field, text, limit=MAX_BODY)


def clean_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Strip, drop empties and duplicates (keeping the first spelling), keep order."""
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_text("tags", tag, limit=MAX_TAG)
        if cleaned is None:
            continue
        if "," in cleaned:
            raise ValidationError(
                "tags", _("{value}: a tag cannot contain a comma").format(value=repr(cleaned))
            )
        seen.setdefault(cleaned.casefold(), cleaned)
    if len(seen) > MAX_TAGS:
        raise ValidationError(
            "tags", ngettext("at most {n} tag", "at most {n} tags", MAX_TAGS).format(n=MAX_TAGS)
        )
    return tuple(seen.values())


def clean_login(login: str) -> str:
    if not isinstance(login, str):
        raise ValidationError(
            "login", _("{login} is not a valid login name").format(login=shown(login))
        )
    cleaned = login.strip()
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}", cleaned):
        raise ValidationError(
            "login", _("{login} is not a valid login name").format(login=shown(login))
        )
    return cleaned


def clean_duration(seconds: int | None) -> int | None:
    if seconds is not None and (
        isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= 24 * 3600
    ):
        raise ValidationError("duration", _("must be between 0 and 24 hours"))
    return seconds


def clean_note(body: str | None, *, required: bool) -> str | None:
    """An activity's note: stripped, at most MAX_BODY characters, present when `required`
    (a note that is only a note must say something)."""
    cleaned = clean_text("note", body, limit=MAX_BODY)
    if required and cleaned is None:
        raise ValidationError("note", _("is empty"))
    return cleaned


MAX_DISPLAY_NAME = 100


def clean_display_name(name: str) -> str:
    """A person's display name: one line of at most MAX_DISPLAY_NAME characters, no control
    characters (the same rule for `funnel users` and for imported users)."""
    cleaned = clean_text("name", name, limit=MAX_DISPLAY_NAME)
    if cleaned is None:
        raise ValidationError("name", _("is empty"))
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise ValidationError("name", _("contains control characters"))
    return cleaned
