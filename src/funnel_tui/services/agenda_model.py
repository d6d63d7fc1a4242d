"""What the agenda shows, as plain data: no Textual, no SQL.

Built by `AgendaService.agenda` in one read transaction, so its sections never mix two moments.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from funnel_tui.domain.money import Money


class Section(enum.StrEnum):
    """The agenda's sections, in the order they are shown."""

    OVERDUE = "overdue"
    """Next contact before now, oldest first."""
    TODAY = "today"
    """Next contact from now to local midnight, by time."""
    WEEK = "week"
    """Next contact from tomorrow to the start of next Monday (local), by time; not the
    deals set aside in a holding stage, which come back only on their revival date."""
    NO_NEXT_CONTACT = "no_next_contact"
    """No next contact set, longest idle first."""
    ROTTING = "rotting"
    """Idle for longer than the stage's threshold (DESIGN.md), most idle first. A deal here
    may be in one of the other sections too. A holding stage's deals never rot."""


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One open deal as the agenda shows it."""

    deal_id: int
    version: int
    title: str
    company: str | None
    value: Money
    owner_login: str
    owner_name: str
    pipeline_name: str
    stage_name: str
    next_contact_at: datetime | None
    """Aware UTC."""
    next_contact_note: str | None
    """What to do then."""
    idle_since: datetime
    """The later of entering the stage and the last activity, aware UTC."""
    rot_days: int | None
    """The stage's rotting threshold in days, if it has one (a holding stage has none)."""
    on_hold: bool = False
    """The deal waits in a holding stage (a conditional refusal): its next contact is the
    day it is revived."""


@dataclass(frozen=True, slots=True)
class AgendaSection:
    section: Section
    items: tuple[AgendaItem, ...]
    total: int
    """How many deals the section holds: more than `len(items)` when the list was limited."""


@dataclass(frozen=True, slots=True)
class Agenda:
    now: datetime
    """The moment the sections were computed for, aware UTC."""
    sections: tuple[AgendaSection, ...]
    """One per `Section`, in `Section` order, always all five."""

    def section(self, section: Section) -> AgendaSection:
        for candidate in self.sections:
            if candidate.section is section:
                return candidate
        raise KeyError(section)

    @property
    def due_count(self) -> int:
        """Overdue and due today: what the agenda is opened first for."""
        return self.section(Section.OVERDUE).total + self.section(Section.TODAY).total


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """A deal's next contact as a calendar event (`funnel ics`)."""

    item: AgendaItem
    created_at: datetime
    """When the deal was created: with its number, a UID no other database's deal shares."""
