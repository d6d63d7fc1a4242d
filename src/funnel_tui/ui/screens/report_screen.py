"""What the funnel and the reports screen share (DESIGN.md, Screens 4 and 5): a choice of
period, pipeline and owner, read again in a thread at every change.

The pipelines and the team are read first (`read_context`), then the figures for the choice.
Reads are numbered and only the latest one asked for is shown, so a quick run of keys ends on
the last choice; a read quicker than `LOADING_DELAY_S` swaps the figures without the loading
indicator flashing up. The subclass says how to read and draw its figures (`_fetch`,
`_draw`), which widgets hold the status line and the loading indicator, and its bindings.
"""

from __future__ import annotations

from dataclasses import Field, replace
from datetime import date
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from funnel_tui.analytics.periods import Period, PeriodName, named_period
from funnel_tui.domain.dates import local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.services import Services
from funnel_tui.services.board import StoreBoardSource
from funnel_tui.services.board_model import BoardContext, BoardQuery
from funnel_tui.ui.modals.owner_picker import OwnerPickerModal
from funnel_tui.ui.modals.period_range import PeriodRangeModal
from funnel_tui.ui.notices import tell
from funnel_tui.ui.threads import call_back

NAMED_PERIODS = tuple(PeriodName)
"""What `[` and `]` cycle through: this month, last month, this quarter, the last 12 months."""

LOADING_DELAY_S = 0.15
"""A read quicker than this swaps the figures without the loading indicator flashing up."""

SEPARATOR = " · "
ALL_PIPELINES = N_("All pipelines")

PERIOD_NAMES = {
    PeriodName.THIS_MONTH: N_("This month"),
    PeriodName.LAST_MONTH: N_("Last month"),
    PeriodName.THIS_QUARTER: N_("This quarter"),
    PeriodName.LAST_12_MONTHS: N_("Last 12 months"),
}
"""The named periods as the status line says them (analytics' PERIOD_LABELS, marked for
translation)."""


def read_context(services: Services) -> BoardContext:
    """Pipelines, the team and who is looking, as the board reads them (blocking)."""
    source = StoreBoardSource(services.context.store)
    users = tuple(source.users())
    me = next((user for user in users if user.login == services.context.login), None)
    return BoardContext(tuple(source.pipelines()), users, me)


class ReportChoice(Protocol):
    """What a report screen shows: a frozen dataclass with these fields (and its own)."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def pipeline_id(self) -> int | None:
        """One pipeline; None: all of them."""

    @property
    def owner_id(self) -> int | None:
        """One owner's deals; None: everyone's."""

    @property
    def period(self) -> PeriodName | Period:
        """A named period (counted from today when read) or a custom range of days."""

    def days(self, today: date) -> Period: ...

    def stepped(self, step: int) -> Self: ...


class PeriodSteps:
    """`days` and `stepped` for a frozen dataclass with a `period` field (`ReportChoice`)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    period: PeriodName | Period

    def days(self, today: date) -> Period:
        if isinstance(self.period, Period):
            return self.period
        return named_period(self.period, today)

    def stepped(self, step: int) -> Self:
        """The next (`step` 1) or previous (-1) named period; from a custom range, the
        first or the last of them."""
        if isinstance(self.period, Period):
            return replace(self, period=NAMED_PERIODS[0 if step > 0 else -1])
        index = NAMED_PERIODS.index(self.period) + step
        return replace(self, period=NAMED_PERIODS[index % len(NAMED_PERIODS)])


def pipeline_name(known: BoardContext, pipeline_id: int | None) -> str:
    if pipeline_id is None:
        return _(ALL_PIPELINES)
    return next((p.name for p in known.pipelines if p.id == pipeline_id), "?")


def owner_label(known: BoardContext, owner_id: int | None) -> Text:
    if owner_id is None:
        return Text(_("all owners"))
    user = next((u for u in known.users if u.id == owner_id), None)
    return safe_text(user.display_name if user else _("user #{number}").format(number=owner_id))


def choice_header(
    known: BoardContext, choice: ReportChoice, period: Period, view: str | None = None
) -> Text:
    """The pipeline · the view (if any) · the period · whose deals."""
    line = safe_text(pipeline_name(known, choice.pipeline_id), "bold")
    line.append(SEPARATOR)
    if view is not None:
        line.append(f"{view}{SEPARATOR}")
    if isinstance(choice.period, PeriodName):
        named = _(PERIOD_NAMES[choice.period])
        line.append(_("{name}, {dates}").format(name=named, dates=period.label()))
    else:
        line.append(period.label())
    line.append(SEPARATOR)
    line.append_text(owner_label(known, choice.owner_id))
    return line


def one_line(text: Text) -> Text:
    """`text` kept to one line, cut with "…"."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


ChoiceT = TypeVar("ChoiceT", bound=ReportChoice)
FiguresT = TypeVar("FiguresT")


class ReportScreen(Screen[None], Generic[ChoiceT, FiguresT]):
    """A screen of figures for a choice of period, pipeline and owner (see the module)."""

    STATUS: ClassVar[str]
    """The selector of the status line (a `Static`)."""
    BODY: ClassVar[str]
    """The selector of what shows the loading indicator."""
    ANY_PIPELINE: ClassVar[bool] = False
    """`p` cycles through "all pipelines" (pipeline_id None) after the last one too."""

    def __init__(self, services: Services, currency: str, start: BoardQuery | None = None) -> None:
        """`start`: the board's pipeline and owner to begin with; None: the first pipeline
        and the owner a board would start with (a rep: their own deals)."""
        super().__init__()
        self._services = services
        self._currency = currency
        self._start = start
        self._zone = local_zone()
        self._known: BoardContext | None = None
        self.choice: ChoiceT | None = None
        self.figures: FiguresT | None = None
        """The figures shown (None until the first read)."""
        self._asked = 0
        """The number of the latest read asked for: any other read's result is stale."""
        self._loading_timer: Timer | None = None
        self.loads = 0
        """How many reads have been shown: tests wait on it."""

    # --- what a subclass says --------------------------------------------------------------

    def _first_choice(self, pipeline_id: int, owner_id: int | None) -> ChoiceT:
        """The choice to start with, for this pipeline and owner."""
        raise NotImplementedError

    def _fetch(self, choice: ChoiceT, period: Period) -> FiguresT:
        """Read the figures of `choice` (blocking: in a thread)."""
        raise NotImplementedError

    def _draw(self, figures: FiguresT) -> None:
        raise NotImplementedError

    def _header(self, known: BoardContext, choice: ChoiceT, period: Period) -> Text:
        return choice_header(known, choice, period)

    # --- reading ---------------------------------------------------------------------------

    def _start_reading(self) -> None:
        """The first read (on mount): the pipelines and the team, then the figures. The
        loading indicator only if that is late: mounting it and taking it away again cost
        two layout passes of the screen (~100 ms at 120x40) when the read takes 30 ms."""
        self._loading_timer = self.set_timer(LOADING_DELAY_S, self._loading_late)
        self._load_context()

    @work(thread=True, exclusive=True, group="report-context")
    def _load_context(self) -> None:
        try:
            known = read_context(self._services)
        except FunnelError as err:
            call_back(self, self._failed, self._asked, err)
            return
        if not get_current_worker().is_cancelled:
            self._context_read(known)

    def _context_read(self, known: BoardContext) -> None:
        """In the context worker, once the pipelines and the team are read: hand them to
        the UI thread (a subclass may read on in this worker: FunnelScreen)."""
        call_back(self, self._context_loaded, known)

    def _context_loaded(self, known: BoardContext) -> None:
        self._known = known
        ids = [pipeline.id for pipeline in known.pipelines]
        if not ids:
            self._set_loading(False)
            self._status(Text(_("No pipelines yet: `funnel demo` creates sample ones")))
            return
        choice = self.choice
        if choice is None:  # the first time: the board's pipeline and owner
            start = self._start
            owner = start.owner_id if start is not None else known.default_owner_id
            wanted = start.pipeline_id if start is not None else ids[0]
            choice = self._first_choice(wanted, owner)
        if choice.pipeline_id is not None and choice.pipeline_id not in ids:
            choice = replace(choice, pipeline_id=ids[0])  # archived meanwhile
        self._choose(choice)

    def _today(self) -> date:
        return self._services.context.clock().astimezone(self._zone).date()

    def _choose(self, choice: ChoiceT) -> None:
        """Show `choice`: its header at once, its figures once read."""
        if self._known is None:
            return
        self.choice = choice
        self._asked += 1
        period = choice.days(self._today())
        self.sub_title = clean(pipeline_name(self._known, choice.pipeline_id))
        self._status(self._header(self._known, choice, period))
        if self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY_S, self._loading_late)
        self._read(self._asked, choice, period)

    @work(thread=True, exclusive=True, group="report-load")
    def _read(self, number: int, choice: ChoiceT, period: Period) -> None:
        try:
            figures = self._fetch(choice, period)
        except FunnelError as err:
            call_back(self, self._failed, number, err)
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            call_back(self, self._show, number, figures)

    def _show(self, number: int, figures: FiguresT) -> None:
        if number != self._asked:
            return  # stale: the user has chosen something else since
        self.figures = figures
        self._set_loading(False)
        self._draw(figures)
        self.loads += 1

    def _failed(self, number: int, error: FunnelError) -> None:
        if number == self._asked:
            self._set_loading(False)
            tell(self, str(error), "warning")

    # --- the status line and the loading indicator -----------------------------------------

    def _status(self, text: Text) -> None:
        self.query_one(self.STATUS, Static).update(one_line(text))

    def _set_loading(self, loading: bool) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one(self.BODY).loading = loading

    def _loading_late(self) -> None:
        if self._loading_timer is None:
            # Stopped by `_set_loading`, but its event was already queued: the read it
            # waited for has been shown, and "loading" would stay on for good.
            return
        self._loading_timer = None
        self.query_one(self.BODY).loading = True

    # --- the keys --------------------------------------------------------------------------

    def action_period(self, step: int) -> None:
        if self.choice is not None:
            self._choose(self.choice.stepped(step))

    def action_next_pipeline(self) -> None:
        """The next pipeline (after the last: all of them, where `ANY_PIPELINE`; then the
        first again)."""
        if self.choice is None or self._known is None:
            return
        ids: list[int | None] = [pipeline.id for pipeline in self._known.pipelines]
        if self.ANY_PIPELINE:
            ids.append(None)
        index = ids.index(self.choice.pipeline_id) if self.choice.pipeline_id in ids else -1
        self._choose(replace(self.choice, pipeline_id=ids[(index + 1) % len(ids)]))

    def action_pick_dates(self) -> None:
        if self.choice is not None:
            self._pick_dates(self.choice)

    @work(group="report-confirm")
    async def _pick_dates(self, choice: ChoiceT) -> None:
        period = await self.app.push_screen_wait(PeriodRangeModal(choice.days(self._today())))
        if period is not None and self.choice is not None:
            self._choose(replace(self.choice, period=period))

    def action_pick_owner(self) -> None:
        if self.choice is not None and self._known is not None:
            self._pick_owner(self._known, self.choice.owner_id)

    @work(group="report-confirm")
    async def _pick_owner(self, known: BoardContext, owner_id: int | None) -> None:
        choice = await self.app.push_screen_wait(OwnerPickerModal(known.users, known.me, owner_id))
        if choice is not None and self.choice is not None and choice.owner_id != owner_id:
            self._choose(replace(self.choice, owner_id=choice.owner_id))

    def action_reload(self) -> None:
        """Read the pipelines and the team again (renamed, added), then the figures."""
        self._load_context()

    def action_back(self) -> None:
        self.dismiss(None)
