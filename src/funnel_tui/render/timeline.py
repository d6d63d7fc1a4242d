"""A deal's timeline entry as Rich Text: when, what, who, and the note under it."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from funnel_tui.domain.models import Activity, ActivityKind, Direction
from funnel_tui.render.format import relative_time
from funnel_tui.render.safe import safe_text
from funnel_tui.services.deal_view import TimelineEntry

MAX_BODY_SHOWN = 600
"""A long note shows its start in the timeline; the whole note is kept."""

ICONS = {
    ActivityKind.CALL: "☎",
    ActivityKind.MEETING: "◎",
    ActivityKind.EMAIL: "✉",
    ActivityKind.MESSAGE: "✎",
    ActivityKind.NOTE: "¶",
}


def format_duration(seconds: int) -> str:
    """`45s`, `3m`, `3m 20s`, `1h 05m`."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m" + (f" {rest:02d}s" if rest else "")
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def timeline_head(entry: TimelineEntry, now: datetime) -> Text:
    """The entry's first line: `2 h ago  ☎ Call out · reached · 3m  — Anna`."""
    line = Text(relative_time(entry.at, now) + "  ", style="dim")
    if entry.activity is not None:
        line.append_text(_activity_head(entry.activity))
    elif entry.from_stage is None:
        line.append("★ Created in ", style="bold")
        line.append_text(safe_text(entry.to_stage, "bold"))
    else:
        line.append("→ ", style="bold cyan")
        line.append_text(safe_text(entry.from_stage))
        line.append(" → ")
        line.append_text(safe_text(entry.to_stage, "bold"))
    line.append("  — ", style="dim")
    line.append_text(safe_text(entry.who, "dim"))
    return line


def timeline_body(entry: TimelineEntry, *, limit: int | None = MAX_BODY_SHOWN) -> Text | None:
    """The entry's note (None without one), its lines kept, cut at `limit` characters."""
    body = entry.activity.body if entry.activity else None
    if not body:
        return None
    shown = body if limit is None or len(body) <= limit else body[:limit] + "…"
    return safe_text(shown, multiline=True)


def timeline_text(
    entry: TimelineEntry, now: datetime, *, limit: int | None = MAX_BODY_SHOWN
) -> Text:
    """The whole entry: its head line, then its note (cut at `limit` characters)."""
    text = timeline_head(entry, now)
    body = timeline_body(entry, limit=limit)
    if body is not None:
        text.append("\n")
        text.append_text(body)
    return text


def _activity_head(activity: Activity) -> Text:
    head = Text(f"{ICONS[activity.kind]} {activity.kind.value.capitalize()}", style="bold")
    details = []
    if activity.direction is not None:
        details.append("out" if activity.direction is Direction.OUT else "in")
    if activity.outcome is not None:
        details.append(activity.outcome.value.replace("_", " "))
    if activity.duration_s:
        details.append(format_duration(activity.duration_s))
    if details:
        head.append(" " + " · ".join(details))
    return head
