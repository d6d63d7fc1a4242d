"""Next contacts as an iCalendar file (RFC 5545), for `funnel ics`.

One VEVENT per deal, with a UID that stays the same for the deal (its number and creation
time), so importing the file again, or subscribing to it, updates events instead of adding
copies; SEQUENCE is the deal's version, so a calendar knows the newer one. The `icalendar`
package does the escaping and line folding; data is only stripped of control characters
(`render.safe.clean`), which no calendar should be handed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from funnel_tui.i18n import _
from funnel_tui.render.safe import clean
from funnel_tui.services.agenda_model import AgendaItem, CalendarEntry

PRODID = "-//funnel-tui//Funnel CRM//EN"
DURATION = timedelta(minutes=15)
"""How long a contact is blocked in the calendar."""


def event_uid(deal_id: int, created_at: datetime) -> str:
    """`funnel-deal-42-1790000000@funnel-tui`: stable for the deal, unique across databases
    in practice (two databases rarely create a deal of the same number in the same second)."""
    return f"funnel-deal-{deal_id}-{int(created_at.timestamp())}@funnel-tui"


def summary(item: AgendaItem) -> str:
    title = clean(item.title)
    if item.on_hold:
        if item.company:
            return _("Revive: {title} ({company})").format(title=title, company=clean(item.company))
        return _("Revive: {title}").format(title=title)
    if item.company:
        return _("Call: {title} ({company})").format(title=title, company=clean(item.company))
    return _("Call: {title}").format(title=title)


def description(item: AgendaItem) -> str:
    lines = []
    if item.next_contact_note:
        lines.append(clean(item.next_contact_note, multiline=True))
    lines.extend(
        [
            _("Deal #{number}, {amount} {currency}").format(
                number=item.deal_id,
                amount=item.value.to_decimal_string(),
                currency=item.value.currency,
            ),
            _("Stage: {pipeline} / {stage}").format(
                pipeline=clean(item.pipeline_name), stage=clean(item.stage_name)
            ),
            _("Owner: {name} ({login})").format(
                name=clean(item.owner_name), login=clean(item.owner_login)
            ),
        ]
    )
    return "\n".join(lines)


def calendar_bytes(entries: Iterable[CalendarEntry], *, stamp: datetime) -> bytes:
    """The calendar of `entries` (those without a next contact are left out); `stamp` is
    the DTSTAMP of every event: when the file was made."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Funnel: next contacts"))
    for entry in entries:
        item = entry.item
        if item.next_contact_at is None:
            continue
        event = Event()
        event.add("uid", event_uid(item.deal_id, entry.created_at))
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", item.next_contact_at.astimezone(UTC))
        event.add("duration", DURATION)
        event.add("summary", summary(item))
        event.add("description", description(item))
        event.add("sequence", item.version)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
