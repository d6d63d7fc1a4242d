"""ContactScreen: logging what happened with a deal and setting when to contact it next.

The deal pane and the agenda both offer these keys; a screen gets them by subclassing and
telling which deal is meant (`contact_target`) and what to do after a change (`contact_done`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TypeVar

from textual import work
from textual.screen import Screen

from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import ActivityKind, Deal, Stage
from funnel_tui.domain.when import parse_when, pushed
from funnel_tui.i18n import N_, _
from funnel_tui.render.format import relative_time
from funnel_tui.services import Services
from funnel_tui.ui.modals.log_activity import ActivityInput, LogActivityModal
from funnel_tui.ui.modals.next_contact import QUICK_PICKS, NextContactChoice, NextContactModal
from funnel_tui.ui.notices import Severity, tell
from funnel_tui.ui.threads import call_back

ResultT = TypeVar("ResultT")

_LOGGED = {
    ActivityKind.CALL: N_("Call logged"),
    ActivityKind.MEETING: N_("Meeting logged"),
    ActivityKind.EMAIL: N_("Email logged"),
    ActivityKind.MESSAGE: N_("Message logged"),
    ActivityKind.NOTE: N_("Note logged"),
}
"""What the status says after logging each kind of activity."""


@dataclass(frozen=True, slots=True)
class ContactTarget:
    deal_id: int
    title: str
    next_contact_at: datetime | None
    next_contact_note: str | None


class ContactScreen(Screen[ResultT]):
    """A screen about deals that can log activities and set next contacts by key."""

    def __init__(self, services: Services | None) -> None:
        super().__init__()
        self._services = services
        self._zone: tzinfo = local_zone()

    # --- what the subclass tells -----------------------------------------------------------

    def contact_target(self) -> ContactTarget | None:
        """The deal the keys act on (the open one, the highlighted one), if any."""
        raise NotImplementedError

    def contact_done(self) -> None:
        """After a write: show the change (reload)."""
        raise NotImplementedError

    # --- shared ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        assert self._services is not None
        return self._services.context.clock()

    def _tell(self, message: str, severity: Severity = "information") -> None:
        tell(self, message, severity)

    def action_log_call(self) -> None:
        self._log(ActivityKind.CALL)

    def action_log_other(self) -> None:
        self._log(None)

    @work(group="contact-confirm")
    async def _log(self, kind: ActivityKind | None) -> None:
        target = self.contact_target()
        if target is None or self._services is None:
            return
        entry = await self.app.push_screen_wait(LogActivityModal(target.title, kind))
        if entry is not None:
            self._write_activity(target, entry)

    @work(thread=True, group="contact-write")
    def _write_activity(self, target: ContactTarget, entry: ActivityInput) -> None:
        assert self._services is not None
        try:
            self._services.deals.log_activity(
                target.deal_id,
                entry.kind,
                direction=entry.direction,
                outcome=entry.outcome,
                duration_s=entry.duration_s,
                body=entry.body,
            )
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
            return
        call_back(self, self._logged, target, entry.kind)

    def _logged(self, target: ContactTarget, kind: ActivityKind) -> None:
        self._tell(_(_LOGGED[kind]))
        self.contact_done()
        if kind is ActivityKind.CALL:
            self._ask_next_contact(target)  # after a call, the next step is when to call again

    def action_next_contact(self) -> None:
        target = self.contact_target()
        if target is not None:
            self._ask_next_contact(target)

    def ask_revival(self, deal: Deal, stage: Stage) -> None:
        """After a move: a deal set aside in a holding stage gets its revival date now, or
        it would lie there forgotten (it is listed under "no next contact" until it has one)."""
        if stage.on_hold:
            target = ContactTarget(
                deal.id, deal.title, deal.next_contact_at, deal.next_contact_note
            )
            self._ask_next_contact(target, revival=True)

    @work(group="contact-confirm")
    async def _ask_next_contact(self, target: ContactTarget, revival: bool = False) -> None:
        if self._services is None:
            return
        modal = NextContactModal(
            target.title,
            now=self._now(),
            zone=self._zone,
            current=target.next_contact_at,
            note=target.next_contact_note,
            revival=revival,
        )
        choice = await self.app.push_screen_wait(modal)
        if choice is not None:
            self._set_next_contact(target.deal_id, choice)

    def action_quick_contact(self, index: int) -> None:
        """One of the next-contact modal's quick picks (+1 h, tomorrow 10:00, +1 week)."""
        target = self.contact_target()
        if target is not None and self._services is not None:
            at = parse_when(QUICK_PICKS[index][0], self._now(), self._zone).at
            self._set_next_contact(target.deal_id, NextContactChoice(at, target.next_contact_note))

    def action_push_contact(self, days: int) -> None:
        """Move the next contact on by `days` (an overdue one: from today)."""
        target = self.contact_target()
        if target is not None and self._services is not None:
            at = pushed(target.next_contact_at, days, self._now(), self._zone)
            self._set_next_contact(target.deal_id, NextContactChoice(at, target.next_contact_note))

    @work(thread=True, group="contact-write")
    def _set_next_contact(self, deal_id: int, choice: NextContactChoice) -> None:
        assert self._services is not None
        try:
            deal = self._services.deals.set_next_contact(deal_id, choice.at, choice.note)
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
            return
        if deal.next_contact_at is None:
            message = _("Next contact cleared")
        else:
            when = relative_time(deal.next_contact_at, self._now())
            message = _("Next contact {when}").format(when=when)
        call_back(self, self._tell, message)
        call_back(self, self.contact_done)
