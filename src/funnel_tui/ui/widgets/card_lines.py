"""Drawing a card's lines as strips, fast: the board repaints whole columns on every filter
keystroke, so a line must cost microseconds, not the ~0.3 ms of building and rendering Rich
`Text` (measured: a repaint of four columns took ~50 ms that way).

Lines are built from plain segments and kept in a small cache keyed by what they show, so
after a move, when the cards below the moved one shift up a slot, their lines are reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from funnel_tui.domain.models import Stage
from funnel_tui.domain.when import Due, due_state
from funnel_tui.i18n import ngettext
from funnel_tui.render.format import format_money, short_when
from funnel_tui.render.safe import clean
from funnel_tui.services.board_model import Card

_BOLD = Style(bold=True)
_PLAIN = Style()


@dataclass(frozen=True, slots=True)
class CardLook:
    """The styles a column draws with, resolved from its CSS once per style change."""

    base: Style
    cursor: Style
    cursor_blurred: Style
    muted: Style
    overdue: Style
    today: Style
    rotting: Style


def clip(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded with spaces."""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


class CardPainter:
    """Turns (card, line of the card) into a strip, remembering recent ones."""

    def __init__(self, stage: Stage) -> None:
        self._stage = stage
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)

    def forget(self) -> None:
        """Drop remembered lines (the styles changed, or the day did)."""
        self._strips.clear()

    def blank(self, width: int, look: CardLook) -> Strip:
        """The empty line between cards, and below the last one."""
        key = ("blank", width, look)
        strip = self._strips.get(key)
        if strip is None:
            strip = Strip.blank(width, look.base)
            self._strips.set(key, strip)
        return strip

    def line(
        self,
        card: Card,
        row: int,
        width: int,
        look: CardLook,
        highlight: Style | None,
        now: datetime,
    ) -> Strip:
        """Line `row` (0: title, 1: company and value, 2: owner and badges) of `card`."""
        key = (card, row, width, look, highlight)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(card, row, width, look, highlight, now)
            self._strips.set(key, strip)
        return strip

    def _draw(
        self,
        card: Card,
        row: int,
        width: int,
        look: CardLook,
        highlight: Style | None,
        now: datetime,
    ) -> Strip:
        base = look.base + highlight if highlight else look.base
        if row == 0:
            left, left_style, right = clean(card.title), _BOLD, []
        elif row == 1:
            value = format_money(card.value, compact=True)
            left, left_style, right = clean(card.company or ""), look.muted, [(value, _PLAIN)]
        else:
            left, left_style, right = (
                clean(card.owner_name),
                look.muted,
                self._badges(card, look, now),
            )
        segments = [Segment(" ", base)]
        segments += _fit(left, left_style, right, width - 2, base)
        segments.append(Segment(" ", base))
        return Strip(segments).crop_extend(0, width, base)

    def _badges(self, card: Card, look: CardLook, now: datetime) -> list[tuple[str, Style]]:
        """Next contact (red when overdue, yellow today), days in the stage, ⚑ when rotting.

        In a holding stage (a conditional refusal) a next contact still to come is the day
        the deal is revived: ⏸ and the date, muted; the deal does not rot there."""
        badges: list[tuple[str, Style]] = []
        on_hold = self._stage.on_hold
        if card.next_contact_at is not None:
            due = due_state(card.next_contact_at, now)
            style = {Due.OVERDUE: look.overdue, Due.TODAY: look.today}.get(due, _PLAIN)
            parked = on_hold and due is Due.LATER
            today = now.astimezone().date()
            mark, style = ("⏸", look.muted) if parked else ("◷", style)
            badges.append((mark + short_when(card.next_contact_at, today), style))
        days = max(0, (now - card.stage_entered_at).days)
        badges.append((" " + ngettext("{n}d", "{n}d", days).format(n=days), look.muted))
        touched = max(card.stage_entered_at, card.last_activity_at or card.stage_entered_at)
        rot_days = None if on_hold else self._stage.rot_days
        if rot_days and now - touched > timedelta(days=rot_days):
            badges.append((" ⚑", look.rotting))
        return badges


def _fit(
    left: str, left_style: Style, right: Sequence[tuple[str, Style]], width: int, base: Style
) -> list[Segment]:
    """`left` cut with an ellipsis so that `right` fits at the end of `width` cells."""
    right_width = sum(cell_len(text) for text, _ in right)
    room = max(0, width - right_width - (1 if right_width else 0))
    segments = [Segment(clip(left, room), base + left_style)]
    if right_width:
        segments.append(Segment(" ", base))
        segments += [Segment(text, base + style) for text, style in right]
    return segments
