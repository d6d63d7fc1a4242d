"""The agenda: who to contact, and which deals are slipping (DESIGN.md, Screens: Agenda).

Sections, for live deals in open stages (`agenda_model.Section`), with "day" and "week" in
the user's time zone:
- overdue: next contact before now, oldest first;
- today: from now (included) to local midnight, by time;
- this week: from tomorrow to the start of next Monday (ISO week), by time; so on a Sunday
  it is empty; deals set aside in a holding stage (a conditional refusal, `Stage.on_hold`)
  are left out: they come back in overdue or today on their next contact, the revival date;
- no next contact: longest idle first;
- rotting (DESIGN.md, "Definitions of the figures"): idle since before now minus the stage's
  threshold in days, most idle first; such a deal may be in another section too. A holding
  stage's deals never rot; one with no revival date is listed under no next contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from funnel_tui.domain.dates import local_midnight
from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import _
from funnel_tui.services.agenda_model import (
    Agenda,
    AgendaItem,
    AgendaSection,
    CalendarEntry,
    Section,
)
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.ports import AgendaPage, AgendaReader


def day_bounds(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The start of tomorrow and the start of next Monday in `zone`, as aware UTC.

    On a Sunday the two are the same instant: the rest of the week is empty.
    """
    today = now.astimezone(zone).date()
    tomorrow = today + timedelta(days=1)
    next_monday = today + timedelta(days=7 - today.weekday())
    return local_midnight(tomorrow, zone), local_midnight(next_monday, zone)


def rot_cutoffs(rot_days: dict[int, int], now: datetime) -> dict[int, datetime]:
    """For each stage with a threshold: a deal idle since before this moment is rotting."""
    return {stage_id: now - timedelta(days=days) for stage_id, days in rot_days.items() if days > 0}


class AgendaService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def agenda(self, *, owner_id: int | None, zone: tzinfo, limit: int = 200) -> Agenda:
        """Every section at the clock's now, read in one transaction; each section lists at
        most `limit` deals and counts them all. `owner_id` None: everyone's deals."""
        if limit < 0:
            raise ValueError("limit must not be negative")
        now = self._context.clock()
        tomorrow, next_monday = day_bounds(now, zone)
        with self._context.store.read() as uow:
            reader = uow.agenda
            pages = {
                Section.OVERDUE: reader.contacts(owner_id=owner_id, before=now, limit=limit),
                Section.TODAY: reader.contacts(
                    owner_id=owner_id, since=now, before=tomorrow, limit=limit
                ),
                Section.WEEK: _week(reader, owner_id, tomorrow, next_monday, limit),
                Section.NO_NEXT_CONTACT: reader.unscheduled(owner_id=owner_id, limit=limit),
                Section.ROTTING: reader.idle(
                    rot_cutoffs(reader.rot_days(), now), owner_id=owner_id, limit=limit
                ),
            }
        return Agenda(
            now=now,
            sections=tuple(
                AgendaSection(section, pages[section].items, pages[section].total)
                for section in Section
            ),
        )

    def due_between(
        self, start: datetime, end: datetime, *, owner_id: int | None
    ) -> list[AgendaItem]:
        """Open live deals whose next contact is in (start, end], by time.

        For the app's "a contact falls due" notification, asked every 30 s with the previous
        call's `end` as `start`: each contact comes up exactly once. One index range read.
        """
        for name, moment in (("start", start), ("end", end)):
            if moment.tzinfo is None:
                raise ValidationError(name, _("needs a time zone"))
        if end <= start:
            return []
        with self._context.store.read() as uow:
            page = uow.agenda.contacts(owner_id=owner_id, after=start, until=end)
        return list(page.items)

    def calendar(self, *, owner_id: int | None) -> list[CalendarEntry]:
        """Every open live deal with a next contact, by time: `funnel ics` renders them
        (render/ics.py) as an RFC 5545 calendar."""
        with self._context.store.read() as uow:
            return list(uow.agenda.calendar(owner_id=owner_id))


def _week(
    reader: AgendaReader, owner_id: int | None, start: datetime, end: datetime, limit: int
) -> AgendaPage:
    if end <= start:  # Sunday: tomorrow is next Monday
        return AgendaPage((), 0)
    # A deal set aside in a holding stage stays out of sight until its revival day.
    return reader.contacts(owner_id=owner_id, since=start, before=end, limit=limit, held=False)
