"""What the board shows, as plain data: no Textual, no SQL.

A column is a stage with its totals; its cards are fetched a window at a time, so the board
never holds more than the visible cards plus a margin, whatever the size of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from funnel_tui.domain.models import Pipeline, PlanTarget, Role, Stage, User
from funnel_tui.domain.money import Money


@dataclass(frozen=True, slots=True)
class BoardQuery:
    """Which deals the board shows."""

    pipeline_id: int
    owner_id: int | None = None
    """Only this owner's deals; None for everyone."""
    text: str = ""
    """Substring of title, company, contact, phone or a tag (any case)."""


@dataclass(frozen=True, slots=True)
class Card:
    """One deal as a card shows it."""

    deal_id: int
    version: int
    stage_id: int
    title: str
    company: str | None
    value: Money
    owner_login: str
    owner_name: str
    next_contact_at: datetime | None
    stage_entered_at: datetime
    last_activity_at: datetime | None


@dataclass(frozen=True, slots=True)
class ColumnTotals:
    stage: Stage
    count: int
    amounts: tuple[Money, ...]
    """One sum per currency, largest first: currencies are never added together."""
    plan: PlanTarget | None = None
    """This month's target for the stage (the reference funnel), when one is set."""


@dataclass(frozen=True, slots=True)
class ColumnLoad:
    """What a column shows right after a (re)load: its totals and its first window of cards."""

    totals: ColumnTotals
    first: tuple[Card, ...]

    @property
    def stage(self) -> Stage:
        return self.totals.stage


@dataclass(frozen=True, slots=True)
class BoardContext:
    """What the board needs before its first query: the pipelines, the team, who is looking."""

    pipelines: tuple[Pipeline, ...]
    users: tuple[User, ...]
    me: User | None

    @property
    def default_owner_id(self) -> int | None:
        """Whose deals a view starts with: a rep their own, a lead the team's (None)
        (DESIGN.md, Domain: User)."""
        me = self.me
        return me.id if me is not None and me.role is Role.REP else None
