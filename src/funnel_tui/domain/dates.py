"""Dates and times: stored in UTC, typed and shown in the user's local time zone.

The parsers here take exact forms (ISO 8601, `dd.mm.yyyy`, optional `HH:MM`); the deal pane's
natural-language forms ("tomorrow 10:00", "fri", "+3d") build on them.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from funnel_tui.domain.errors import ValidationError

_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


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
    """Aware UTC from `moment`; a naive moment is read in `local` (default: the system zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local) if local is not None else moment.astimezone()
    return moment.astimezone(UTC)


def parse_date(text: str, field: str = "date") -> date:
    """`2026-12-25` or `25.12.2026`."""
    raw = text.strip()
    try:
        match = _DMY.match(raw)
        if match:
            day, month, year = (int(group) for group in match.groups())
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            field, f"{text!r} is not a date (use 2026-12-25 or 25.12.2026)"
        ) from None


def parse_datetime(text: str, field: str = "time", local: tzinfo | None = None) -> datetime:
    """An instant in UTC from ISO 8601 (with or without offset/`Z`), or `dd.mm.yyyy [HH:MM]`.

    A form without an offset is local time; a date alone means midnight local time.
    """
    raw = text.strip()
    date_part, _, time_part = raw.replace("T", " ", 1).partition(" ")
    if _DMY.match(date_part):
        day = parse_date(date_part, field)
        clock = _parse_time(time_part.strip(), field) if time_part.strip() else time()
        return to_utc(datetime.combine(day, clock), local)
    try:
        moment = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise ValidationError(
            field, f"{text!r} is not a date and time (use 2026-12-25 15:30 or 25.12.2026 15:30)"
        ) from None
    return to_utc(moment, local)


def _parse_time(text: str, field: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ValidationError(field, f"{text!r} is not a time (use 15:30)")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a time (use 15:30)") from None


def format_utc(moment: datetime) -> str:
    """`2026-11-25T07:00:00Z`, with microseconds only when there are some (interchange format)."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def parse_utc(text: str, field: str = "time") -> datetime:
    """Strict reader of `format_utc` output (and any ISO 8601 with an explicit offset)."""
    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        raise ValidationError(field, f"{text!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValidationError(field, f"{text!r} has no time zone (add Z for UTC)")
    return moment.astimezone(UTC)


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
    raise ValidationError(field, f"{text!r} is not a duration (use 90s, 3m, 1h30m or 2:30)")
