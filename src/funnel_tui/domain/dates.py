"""Dates and times: stored in UTC, typed and shown in the user's local time zone.

The parsers here take exact forms (ISO 8601, `dd.mm.yyyy`, `a/b/yyyy`, optional `HH:MM`); the
deal pane's natural-language forms ("tomorrow 10:00", "fri", "+3d") build on them. Dotted
dates are always day first; slashed ones are read the way the user's date format writes
them (`date_format.day_month_order`: `12/25/2026` under `mm/dd/yyyy`, else `25/12/2026`), so
whatever the app shows can be typed back.

Rules, in one place (expected close, next contact, `--at`, `--from`/`--to`, months, imports):
- a year is between MIN_YEAR (1900) and MAX_YEAR (2200); anything else, and a day that does
  not exist (31.04, 29.02.2027), is a ValidationError naming the field;
- a local time without an offset is read in the user's zone with fold=0: a time inside a
  spring-forward gap (02:30 on a night the clocks jump from 02:00 to 03:00) moves forward
  by the gap (03:30); a time that happens twice (fall back) is its first occurrence.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from funnel_tui.domain.date_format import day_month_order, example
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.validation import shown
from funnel_tui.i18n import _

MIN_YEAR = 1900
MAX_YEAR = 2200

_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def check_year(moment: date, field: str = "date") -> None:
    """Refuse a date (or datetime) outside the years MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError(
            field,
            _("year {year} is not between {first} and {last}").format(
                year=moment.year, first=MIN_YEAR, last=MAX_YEAR
            ),
        )


def check_moment(moment: datetime, field: str = "time") -> datetime:
    """An aware instant within the allowed years (in its own zone), as UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field, _("needs a time zone"))
    check_year(moment, field)
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_zone() -> tzinfo:
    """The user's time zone with its daylight-saving rules (not just today's offset), so
    that "+1 week" across a clock change still lands at the same wall time.

    From `TZ` when set, else the system's /etc/localtime, else today's fixed offset.
    """
    name = os.environ.get("TZ", "").lstrip(":")
    try:
        if name:
            return ZoneInfo(name)
        with Path("/etc/localtime").open("rb") as zone_file:
            return ZoneInfo.from_file(zone_file, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        offset = datetime.now().astimezone().tzinfo
        return offset if offset is not None else UTC


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of `day` in `zone`, as aware UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def to_utc(moment: datetime, local: tzinfo | None = None) -> datetime:
    """Aware UTC from `moment`; a naive moment is read in `local` (default: `local_zone()`)
    with its fold: fold=0 moves a time in a gap forward and picks a repeated time's first
    occurrence."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local if local is not None else local_zone())
    return moment.astimezone(UTC)


def parse_date(text: str, field: str = "date", *, check_years: bool = True) -> date:
    """`2026-12-25`, `25.12.2026`, or `12/25/2026` / `25/12/2026` as the date format reads
    slashes, in the allowed years unless `check_years` is False (a caller with its own,
    narrower range and message: the next contact)."""
    raw = text.strip()
    try:
        dotted, slashed = _DMY.match(raw), _SLASHED.match(raw)
        if dotted:
            day, month, year = (int(group) for group in dotted.groups())
            parsed = date(year, month, day)
        elif slashed:
            day, month = day_month_order(int(slashed[1]), int(slashed[2]))
            parsed = date(int(slashed[3]), month, day)
        else:
            parsed = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            field,
            _("{text} is not a date (use {example})").format(text=shown(text), example=example()),
        ) from None
    if check_years:
        check_year(parsed, field)
    return parsed


def parse_datetime(text: str, field: str = "time", local: tzinfo | None = None) -> datetime:
    """An instant in UTC from ISO 8601 (with or without offset/`Z`), or `dd.mm.yyyy [HH:MM]`
    (`a/b/yyyy [HH:MM]` as `parse_date` reads it).

    A form without an offset is local time; a date alone means midnight local time.
    """
    raw = text.strip()
    date_part, _sep, time_part = raw.replace("T", " ", 1).partition(" ")
    if _DMY.match(date_part) or _SLASHED.match(date_part):
        day = parse_date(date_part, field)
        clock = _parse_time(time_part.strip(), field) if time_part.strip() else time()
        return to_utc(datetime.combine(day, clock), local)
    try:
        moment = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise ValidationError(
            field,
            _("{text} is not a date and time (use {example} 15:30)").format(
                text=shown(text), example=example()
            ),
        ) from None
    check_year(moment, field)
    return to_utc(moment, local)


def _parse_time(text: str, field: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ValidationError(field, _("{text} is not a time (use 15:30)").format(text=shown(text)))
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValidationError(
            field, _("{text} is not a time (use 15:30)").format(text=shown(text))
        ) from None


def format_utc(moment: datetime) -> str:
    """`2026-11-25T07:00:00Z`, with microseconds only when there are some (interchange format)."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def format_utc_or_none(moment: datetime | None) -> str | None:
    """`format_utc` of `moment`, None for None (optional times in the interchange format)."""
    return format_utc(moment) if moment is not None else None


def parse_utc(text: str, field: str = "time") -> datetime:
    """Strict reader of `format_utc` output (and any ISO 8601 with an explicit offset)."""
    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        raise ValidationError(
            field, _("{text} is not an ISO 8601 timestamp").format(text=shown(text))
        ) from None
    if moment.tzinfo is None:
        raise ValidationError(
            field, _("{text} has no time zone (add Z for UTC)").format(text=shown(text))
        )
    return check_moment(moment, field)


def parse_duration(text: str, field: str = "duration") -> int:
    """Seconds from `90`, `90s`, `3m`, `1h30m`, `2:30` (minutes:seconds)."""
    raw = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+", raw):
        return int(raw)
    clock = re.fullmatch(r"(\d+):([0-5]\d)", raw)
    if clock:
        return int(clock[1]) * 60 + int(clock[2])
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?", raw)
    if raw and parts and any(parts.groups()):
        hours, minutes, seconds = (int(group or 0) for group in parts.groups())
        return hours * 3600 + minutes * 60 + seconds
    raise ValidationError(
        field, _("{text} is not a duration (use 90s, 3m, 1h30m or 2:30)").format(text=shown(text))
    )
