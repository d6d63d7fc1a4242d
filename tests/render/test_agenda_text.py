"""An agenda item's "what to do": the note, cleaned; a held deal says it is to be revived."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from funnel_tui.domain.money import Money
from funnel_tui.render.agenda_text import todo
from funnel_tui.services.agenda_model import AgendaItem

AT = datetime(2026, 3, 4, 12, tzinfo=UTC)
ITEM = AgendaItem(
    deal_id=1,
    version=1,
    title="Chairs",
    company=None,
    value=Money(100, "RUB"),
    owner_login="anna",
    owner_name="Anna",
    pipeline_name="Refusals",
    stage_name="Conditional refusal",
    next_contact_at=AT,
    next_contact_note="call about \x1b]52;c;aGk=\x07 the budget",
    idle_since=AT,
    rot_days=None,
)


def test_the_note_is_cleaned() -> None:
    assert todo(ITEM) == "call about ␛]52;c;aGk=␇ the budget"
    assert todo(replace(ITEM, next_contact_note=None)) == ""


def test_a_held_deal_is_to_be_revived() -> None:
    held = replace(ITEM, on_hold=True)
    assert todo(held) == "Revive: call about ␛]52;c;aGk=␇ the budget"
    assert todo(replace(held, next_contact_note=None)) == "Revive (set aside until now)"
