"""A deal's timeline entry as Rich Text: when, what, who, and the note under it."""

from __future__ import annotations

from datetime import datetime
from decimal import InvalidOperation

from rich.text import Text

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import Activity, ActivityKind, Direction
from funnel_tui.domain.money import Money
from funnel_tui.render.format import format_money, relative_time
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
    elif entry.event is not None:
        line.append_text(event_text(entry.event))
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


FIELD_LABELS = {
    "title": "title",
    "value": "value",
    "owner": "owner",
    "company": "company",
    "contact": "contact",
    "phone": "phone",
    "email": "email",
    "source": "source",
    "tags": "tags",
    "expected_close": "expected close",
    "next_contact": "next contact",
    "next_contact_note": "next contact note",
}


def event_text(event: DealEvent) -> Text:
    """`✎ value 150,000 → 180,000 RUB`, `☑ Who decides? — → CFO`, `✗ Deleted`: the event's
    values always as plain text (a teammate typed them)."""
    if event.kind is EventKind.DELETE:
        return Text("✗ Deleted", style="bold red")
    if event.kind is EventKind.RESTORE:
        return Text("↺ Restored", style="bold green")
    icon = {EventKind.CHECKLIST: "☑ ", EventKind.NEXT_CONTACT: "◷ "}.get(event.kind, "✎ ")
    name = event.field or ""
    line = Text(icon, style="bold")
    line.append_text(safe_text(FIELD_LABELS.get(name, name), "bold"))
    line.append(" ")
    old, new = _shown(name, event.old_value), _shown(name, event.new_value)
    if name == "value" and old[1] and new[1] and old[1] == new[1]:
        old = (old[0], None)  # one currency: "150,000 → 180,000 RUB"
    line.append_text(safe_text(_joined(old)))
    line.append(" → ", style="dim")
    line.append_text(safe_text(_joined(new)))
    return line


def _joined(shown: tuple[str, str | None]) -> str:
    return shown[0] if shown[1] is None else f"{shown[0]} {shown[1]}"


def _shown(field: str, value: str | None) -> tuple[str, str | None]:
    """A stored event value as shown: (text, currency split off a money value or None)."""
    if value is None or value == "":
        return ("—", None)
    if field == "value":
        amount, _, currency = value.partition(" ")
        try:
            money = format_money(Money.from_major(amount, currency), compact=True)
        except (ValidationError, InvalidOperation, ValueError):
            return (value, None)
        number, _, code = money.rpartition(" ")
        return (number, code)
    if field == "next_contact":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return (value, None)
        return (moment.astimezone().strftime("%d.%m.%Y %H:%M"), None)
    return (" ".join(value.split()), None)
