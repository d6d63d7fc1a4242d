"""A deal's timeline entry as Rich Text: when, what, who, and the note under it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import InvalidOperation

from rich.text import Text

from funnel_tui.domain.date_format import format_day, format_day_time
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import Activity, ActivityKind, Direction, Outcome
from funnel_tui.domain.money import Money
from funnel_tui.i18n import N_, NP_, _, ngettext, pgettext
from funnel_tui.render.format import format_money, relative_time
from funnel_tui.render.safe import fill, safe_text
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
KIND_LABELS = {
    ActivityKind.CALL: N_("Call"),
    ActivityKind.MEETING: N_("Meeting"),
    ActivityKind.EMAIL: N_("Email"),
    ActivityKind.MESSAGE: N_("Message"),
    ActivityKind.NOTE: N_("Note"),
}
OUTCOME_LABELS = {
    Outcome.REACHED: NP_("call outcome", "reached"),
    Outcome.NO_ANSWER: NP_("call outcome", "no answer"),
    Outcome.BUSY: NP_("call outcome", "busy"),
    Outcome.VOICEMAIL: NP_("call outcome", "voicemail"),
    Outcome.WRONG_NUMBER: NP_("call outcome", "wrong number"),
    Outcome.HELD: NP_("call outcome", "held"),
    Outcome.NO_SHOW: NP_("call outcome", "no show"),
}
"""How kinds and outcomes read in the timeline and the log-activity picker (translated where
shown: `kind_label`, `outcome_label`). Outcomes have a context: "reached" is also the funnel's
"how many deals got this far"."""


def kind_label(kind: ActivityKind) -> str:
    return _(KIND_LABELS[kind])


def outcome_label(outcome: Outcome) -> str:
    return pgettext("call outcome", OUTCOME_LABELS[outcome])


def format_duration(seconds: int) -> str:
    """`45s`, `3m`, `3m 20s`, `1h 05m`."""
    if seconds < 60:
        return ngettext("{n}s", "{n}s", seconds).format(n=seconds)
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        if not rest:
            return ngettext("{n}m", "{n}m", minutes).format(n=minutes)
        return _("{minutes}m {seconds}s").format(minutes=minutes, seconds=f"{rest:02d}")
    hours, minutes = divmod(minutes, 60)
    return _("{hours}h {minutes}m").format(hours=hours, minutes=f"{minutes:02d}")


def timeline_head(entry: TimelineEntry, now: datetime) -> Text:
    """The entry's first line: `2 h ago  ☎ Call out · reached · 3m  — Anna`."""
    line = Text(relative_time(entry.at, now) + "  ", style="dim")
    if entry.activity is not None:
        line.append_text(_activity_head(entry.activity))
    elif entry.event is not None:
        line.append_text(event_text(entry.event))
    elif entry.from_stage is None:
        line.append_text(
            fill(_("★ Created in {stage}"), "bold", stage=safe_text(entry.to_stage, "bold"))
        )
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
    head = Text(f"{ICONS[activity.kind]} {kind_label(activity.kind)}", style="bold")
    details = []
    if activity.direction is not None:
        details.append(_("out") if activity.direction is Direction.OUT else _("in"))
    if activity.outcome is not None:
        details.append(outcome_label(activity.outcome))
    if activity.duration_s:
        details.append(format_duration(activity.duration_s))
    if details:
        head.append(" " + " · ".join(details))
    return head


FIELD_LABELS = {
    "title": N_("title"),
    "value": N_("value"),
    "owner": N_("owner"),
    "company": N_("company"),
    "contact": N_("contact"),
    "phone": N_("phone"),
    "email": N_("email"),
    "source": N_("source"),
    "tags": N_("tags"),
    "expected_close": N_("expected close"),
    "next_contact": N_("next contact"),
    "next_contact_note": N_("next contact note"),
}
"""How a changed field is named (translated where shown); any other name (a checklist
question) is data, shown as it is."""


def event_text(event: DealEvent) -> Text:
    """`✎ value ₽150,000 → ₽180,000`, `☑ Who decides? — → CFO`, `✗ Deleted`: the event's
    values always as plain text (a teammate typed them)."""
    if event.kind is EventKind.DELETE:
        return Text(_("✗ Deleted"), style="bold red")
    if event.kind is EventKind.RESTORE:
        return Text(_("↺ Restored"), style="bold green")
    icon = {EventKind.CHECKLIST: "☑ ", EventKind.NEXT_CONTACT: "◷ "}.get(event.kind, "✎ ")
    name = event.field or ""
    line = Text(icon, style="bold")
    label = FIELD_LABELS.get(name)
    line.append_text(safe_text(name if label is None else _(label), "bold"))
    line.append(" ")
    line.append_text(safe_text(_shown(name, event.old_value)))
    line.append(" → ", style="dim")
    line.append_text(safe_text(_shown(name, event.new_value)))
    return line


def _shown(field: str, value: str | None) -> str:
    """A stored event value as shown (money and moments as the language writes them)."""
    if value is None or value == "":
        return "—"
    if field == "value":
        amount, _, currency = value.partition(" ")
        try:
            return format_money(Money.from_major(amount, currency), compact=True)
        except (ValidationError, InvalidOperation, ValueError):
            return value
    if field == "next_contact":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_day_time(moment.astimezone())
    if field == "expected_close":
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return " ".join(value.split())
