"""Audit events in the deal timeline: what changed, old → new, who, all as plain text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import Activity, ActivityKind, StageChange
from funnel_tui.render.timeline import timeline_text
from funnel_tui.services.deal_view import TimelineEntry, build_timeline

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
AGO = NOW - timedelta(hours=2)

pytestmark = pytest.mark.usefixtures("moscow_time")


def line(event: DealEvent, who: str = "Anna") -> str:
    return timeline_text(TimelineEntry(event.at, who, event=event), NOW).plain


def test_a_value_edit_reads_old_to_new_with_one_currency() -> None:
    event = DealEvent(1, 7, AGO, 1, EventKind.EDIT, "value", "150000.00 RUB", "180000.00 RUB")
    assert line(event) == "2 h ago  ✎ value ₽150,000 → ₽180,000  — Anna"
    other = DealEvent(2, 7, AGO, 1, EventKind.EDIT, "value", "1500.50 USD", "180000.00 RUB")
    assert line(other) == "2 h ago  ✎ value $1,500.50 → ₽180,000  — Anna"


def test_empty_values_next_contacts_checklists_deletes() -> None:
    added = DealEvent(1, 7, AGO, 1, EventKind.EDIT, "expected_close", None, "2026-12-25")
    assert line(added) == "2 h ago  ✎ expected close — → 12/25/2026  — Anna"
    when = DealEvent(
        2, 7, AGO, 1, EventKind.NEXT_CONTACT, "next_contact", None, "2026-12-01T07:00:00Z"
    )
    assert line(when) == "2 h ago  ◷ next contact — → 12/01/2026 10:00  — Anna"
    answer = DealEvent(3, 7, AGO, 1, EventKind.CHECKLIST, "Who decides?", "CEO", "CFO")
    assert line(answer) == "2 h ago  ☑ Who decides? CEO → CFO  — Anna"
    assert line(DealEvent(4, 7, AGO, 1, EventKind.DELETE), "Ivan") == "2 h ago  ✗ Deleted  — Ivan"
    assert line(DealEvent(5, 7, AGO, 1, EventKind.RESTORE)) == "2 h ago  ↺ Restored  — Anna"


def test_typed_values_are_never_markup_or_escapes() -> None:
    event = DealEvent(
        1, 7, AGO, 1, EventKind.EDIT, "title", "[@click=app.quit]x[/]", "a\x1b[2Jb\nc"
    )
    text = timeline_text(TimelineEntry(event.at, "[b]Anna", event=event), NOW)
    assert text.plain == "2 h ago  ✎ title [@click=app.quit]x[/] → a␛[2Jb c  — [b]Anna"
    assert not text.spans or all("click" not in str(span.style) for span in text.spans)


def test_events_merge_into_the_timeline_in_time_order() -> None:
    created = StageChange(1, 7, None, 1, NOW - timedelta(days=2), 1)
    call = Activity(1, 7, ActivityKind.CALL, NOW - timedelta(days=1), 2)
    edit = DealEvent(1, 7, NOW - timedelta(hours=3), 2, EventKind.EDIT, "title", "A", "B")
    same_moment = DealEvent(2, 7, call.at, 1, EventKind.EDIT, "phone", None, "1")
    timeline = build_timeline(
        [created], [call], {1: "Lead"}, {1: "Anna", 2: "Ivan"}, [edit, same_moment]
    )
    assert [(e.who, e.event or e.activity or e.change) for e in timeline] == [
        ("Ivan", edit),
        ("Ivan", call),
        ("Anna", same_moment),
        ("Anna", created),
    ]
