"""CallSessionScreen: work through the contacts due today, one deal at a time.

For a caller with a list (cold calls): the deal, its phone and its last notes fill the screen;
one key records how the call went and does what follows from it, then the next deal comes up.

  1 qualified → a call logged as reached, the deal one stage on, and when to call next
  2 no answer, 3 busy → logged, and tried again later today (or the next morning)
  4 call back at… → logged as reached, and the time they asked for
  5 refused → logged as reached, and the deal lost with a reason
  s skips the deal; esc ends the session with its count of calls per hour.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import ActivityKind, Direction, Outcome
from funnel_tui.domain.when import retry_later
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.format import format_money
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import safe_text
from funnel_tui.render.timeline import timeline_text
from funnel_tui.services import Services
from funnel_tui.services.agenda_model import AgendaItem
from funnel_tui.services.deal_view import DealView
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.next_contact import NextContactModal
from funnel_tui.ui.move_question import move_question
from funnel_tui.ui.screens.contact_screen import ContactScreen, ContactTarget
from funnel_tui.ui.widgets.key_footer import KeyFooter

CallOutcome = Literal["qualified", "no_answer", "busy", "call_back", "refused"]
_NOTES_SHOWN = 4


class CallSessionScreen(Localized, ContactScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "outcome('qualified')", N_("Qualified ▶"), id="call.qualified"),
        Binding("2", "outcome('no_answer')", N_("No answer"), id="call.no-answer"),
        Binding("3", "outcome('busy')", N_("Busy"), id="call.busy"),
        Binding("4", "outcome('call_back')", N_("Call back at…"), id="call.call-back"),
        Binding("5", "outcome('refused')", N_("Refused"), id="call.refused"),
        Binding("s", "skip", N_("Skip"), id="call.skip"),
        Binding("escape", "end", N_("End session"), id="call.end"),
    ]
    DEFAULT_CSS = """
    CallSessionScreen #call-progress { height: 1; padding: 0 1; background: $boost; }
    CallSessionScreen #call-card { height: auto; padding: 1 2; }
    CallSessionScreen #call-notes { height: 1fr; padding: 0 2; border-top: hkey $foreground 20%; }
    """

    def __init__(self, services: Services, queue: Sequence[AgendaItem]) -> None:
        super().__init__(services)
        self._session_services = services
        self._queue = list(queue)
        self._index = 0
        self.calls = 0
        self.view: DealView | None = None
        self._started = services.context.clock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="call-progress")
        yield Static(_("Loading…"), id="call-card")
        with VerticalScroll(id="call-notes"):
            yield Static("", id="call-notes-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Call session")
        self.sub_title = ""  # not the app's (the database's path); the status line says where
        self._show_current()

    @property
    def current(self) -> AgendaItem | None:
        return self._queue[self._index] if self._index < len(self._queue) else None

    # --- showing ---------------------------------------------------------------------------

    @work(exclusive=True, group="call-load")
    async def _show_current(self) -> None:
        self._update_progress()
        item = self.current
        if item is None:
            self._end(_("Everyone on the list has been called"))
            return
        try:
            view = await asyncio.to_thread(self._session_services.deals.view, item.deal_id)
        except FunnelError as err:  # deleted or moved away meanwhile: on to the next
            self._tell(str(err), "warning")
            self._advance()
            return
        self.view = view
        self.query_one("#call-card", Static).update(self._card(view))
        notes = Text()
        for entry in view.timeline[:_NOTES_SHOWN]:
            notes.append_text(timeline_text(entry, self._now()))
            notes.append("\n")
        self.query_one("#call-notes-text", Static).update(notes)

    def _card(self, view: DealView) -> Text:
        deal = view.deal
        card = safe_text(deal.title, "bold")
        if deal.company:
            card.append("  ·  ")
            card.append_text(safe_text(deal.company))
        card.append("\n\n")
        card.append_text(safe_text(deal.phone or _("no phone"), "bold reverse"))
        if deal.contact:
            card.append("  ")
            card.append_text(safe_text(deal.contact))
        if deal.email:
            card.append("  ")
            card.append_text(safe_text(deal.email, "dim"))
        card.append("\n\n")
        card.append_text(safe_text(view.stage.name))
        card.append(f" · {format_money(deal.value, compact=True)} · ")
        card.append_text(safe_text(view.pipeline.name, "dim"))
        if deal.next_contact_note:
            card.append("\n" + _("To do: "), style="bold")
            card.append_text(safe_text(deal.next_contact_note))
        return card

    def _update_progress(self) -> None:
        minutes = max(1.0, (self._now() - self._started).total_seconds() / 60)
        per_hour = self.calls * 60 / minutes
        shown = min(self._index + 1, len(self._queue))
        place = _("Deal {number} of {total}").format(
            number=format_number(shown), total=format_number(len(self._queue))
        )
        progress = Text(place, style="bold")
        pace = ngettext(
            "  ·  {n} call in {minutes} min, {rate} an hour",
            "  ·  {n} calls in {minutes} min, {rate} an hour",
            self.calls,
        )
        progress.append(
            pace.format(
                n=format_number(self.calls),
                minutes=format_number(int(minutes)),
                rate=format_number(round(per_hour)),
            ),
            style="dim",
        )
        progress.append(
            _("  ·  1 qualified · 2 no answer · 3 busy · 4 call back · 5 refused"), style="dim"
        )
        self.query_one("#call-progress", Static).update(progress)

    def _advance(self) -> None:
        self._index += 1
        self.view = None
        self._show_current()

    # --- outcomes --------------------------------------------------------------------------

    def contact_target(self) -> ContactTarget | None:
        if self.view is None:
            return None
        deal = self.view.deal
        return ContactTarget(deal.id, deal.title, deal.next_contact_at, deal.next_contact_note)

    def contact_done(self) -> None:
        """Nothing to reload: the session moves on by itself."""

    def action_skip(self) -> None:
        if self.view is not None:
            self._advance()

    def action_outcome(self, outcome: CallOutcome) -> None:
        if self.view is not None:
            self._record(self.view, outcome)

    @work(exclusive=True, group="call-confirm")
    async def _record(self, view: DealView, outcome: CallOutcome) -> None:
        deals = self._session_services.deals
        deal = view.deal
        try:
            if outcome in ("no_answer", "busy"):
                await self._log_call(deal.id, Outcome(outcome))
                again = retry_later(self._now(), self._zone)
                await asyncio.to_thread(
                    deals.set_next_contact, deal.id, again, deal.next_contact_note
                )
            elif outcome == "refused":
                choice = await self.app.push_screen_wait(
                    LoseModal(deal.title, view.pipeline.active_loss_reasons)
                )
                if choice is None:
                    return  # stays on this deal
                await self._log_call(deal.id, Outcome.REACHED)
                await asyncio.to_thread(deals.lose, deal.id, choice.reason, choice.note)
            else:  # qualified, or call back: they answered
                if outcome == "qualified" and not await self._move_on(view):
                    return
                await self._log_call(deal.id, Outcome.REACHED)
                await self._ask_when(view)
        except FunnelError as err:
            self._tell(str(err), "warning")
            return
        self._advance()

    async def _log_call(self, deal_id: int, outcome: Outcome) -> None:
        await asyncio.to_thread(
            self._session_services.deals.log_activity,
            deal_id,
            ActivityKind.CALL,
            direction=Direction.OUT,
            outcome=outcome,
        )
        self.calls += 1

    async def _move_on(self, view: DealView) -> bool:
        """One stage forward (asking first when that skips or leaves questions open)."""
        stages = view.pipeline.open_stages
        stage = view.stage
        if not stage.is_open or stages.index(stage) + 1 >= len(stages):
            return True  # already at the last open stage: the call still counts
        target = stages[stages.index(stage) + 1]
        question = move_question(view.deal.title, view.pipeline, stage, target, view.unanswered)
        if question is not None and not await self.app.push_screen_wait(ConfirmModal(question)):
            return False
        await asyncio.to_thread(self._session_services.deals.step, view.deal.id, 1)
        return True

    async def _ask_when(self, view: DealView) -> None:
        deal = view.deal
        modal = NextContactModal(
            deal.title,
            now=self._now(),
            zone=self._zone,
            current=deal.next_contact_at,
            note=deal.next_contact_note,
        )
        choice = await self.app.push_screen_wait(modal)
        if choice is not None:
            await asyncio.to_thread(
                self._session_services.deals.set_next_contact, deal.id, choice.at, choice.note
            )

    # --- ending ----------------------------------------------------------------------------

    def action_end(self) -> None:
        self._end(_("Session ended"))

    def _end(self, why: str) -> None:
        minutes = max(1.0, (self._now() - self._started).total_seconds() / 60)
        per_hour = self.calls * 60 / minutes
        ended = ngettext(
            "{why}: {n} call in {minutes} min ({rate} an hour)",
            "{why}: {n} calls in {minutes} min ({rate} an hour)",
            self.calls,
        )
        self._tell(
            ended.format(
                why=why,
                n=format_number(self.calls),
                minutes=format_number(int(minutes)),
                rate=format_number(round(per_hour)),
            )
        )
        self.dismiss(None)
