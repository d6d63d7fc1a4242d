"""How an agenda item's "what to do" reads, the same in the app, the CLI and the calendar."""

from __future__ import annotations

from funnel_tui.i18n import _
from funnel_tui.render.safe import clean
from funnel_tui.services.agenda_model import AgendaItem


def todo(item: AgendaItem) -> str:
    """The note of the next contact, cleaned for display; for a deal set aside in a holding
    stage (a conditional refusal) it is the day to revive it, and says so."""
    note = clean(item.next_contact_note or "")
    if not item.on_hold:
        return note
    if note:
        return _("Revive: {note}").format(note=note)
    return _("Revive (set aside until now)")
