"""DealScreen: every field of one deal, editable in place, its timeline and its next contact.

The screen is a controller over `DealService`: it reads a `DealView` (one transaction) in a
worker, shows it, and sends each change as one use case. Edits in the form are saved
together (ctrl+s) with the version the user saw; when the deal changed underneath, the
teammate's values are loaded into the fields the user did not touch, the user's edits stay,
and nothing is overwritten until they save again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Label, Select, Static

from funnel_tui.domain.date_format import format_day_time
from funnel_tui.domain.drafts import draft_of, draft_to_text
from funnel_tui.domain.errors import ConflictError, FunnelError, ValidationError
from funnel_tui.domain.models import Deal, Stage, StageKind
from funnel_tui.domain.when import Due, due_state
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.format import format_money, relative_time
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import clean, fill, safe_text
from funnel_tui.render.timeline import timeline_text
from funnel_tui.services import Services
from funnel_tui.services.deal_view import DealView, TimelineEntry
from funnel_tui.ui.localized import Localized
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.modals.lose import LoseModal
from funnel_tui.ui.modals.new_deal import deal_form_fields, parsed_draft
from funnel_tui.ui.move_question import move_question
from funnel_tui.ui.screens.contact_screen import ContactScreen, ContactTarget
from funnel_tui.ui.threads import call_back
from funnel_tui.ui.widgets.form_field import FormField
from funnel_tui.ui.widgets.key_footer import KeyFooter
from funnel_tui.ui.widgets.timeline import TimelineView

_DUE_STYLES = {Due.OVERDUE: "bold red", Due.TODAY: "bold yellow", Due.LATER: "bold green"}
"""As on the board's badges: overdue in red, due today in yellow."""


@dataclass(frozen=True, slots=True)
class DealClosed:
    """What the pane tells the screen it returns to."""

    deal_id: int
    title: str = ""
    deleted_version: int | None = None
    """Set when the deal was deleted (so the board can offer to undo it)."""


def deal_screen(app: App[Any], services: Services, deal_id: int, currency: str) -> DealScreen:
    """The app's one DealScreen, showing `deal_id`. Composing it costs ~300 ms (forty-odd
    widgets, their styles, the footer), so it is composed once, installed, and reused."""
    if app.is_screen_installed(_INSTALLED_AS):
        screen = app.get_screen(_INSTALLED_AS)
        assert isinstance(screen, DealScreen)
        screen.show_deal(deal_id)
        return screen
    screen = DealScreen(services, deal_id, currency)
    app.install_screen(screen, _INSTALLED_AS)
    return screen


async def deal_screen_with(
    app: App[Any], services: Services, view: DealView, currency: str
) -> DealScreen:
    """As `deal_screen`, for a deal read already (BoardScreen.open_deal): the pane has it
    filled in before it is shown, so its first frame is the deal, not "Loading…" and then a
    second layout of the whole pane."""
    if app.is_screen_installed(_INSTALLED_AS):
        screen = app.get_screen(_INSTALLED_AS)
        assert isinstance(screen, DealScreen)
        await screen.present(view)
        return screen
    screen = DealScreen(services, view.deal.id, currency, view)
    app.install_screen(screen, _INSTALLED_AS)
    return screen


def _timeline_title(entries: int) -> str:
    return ngettext(
        "Timeline · {n} entry, newest first", "Timeline · {n} entries, newest first", entries
    ).format(n=format_number(entries))


_INSTALLED_AS = "deal"
_NO_NOTE = object()  # no note shown yet (None is "no entry")


class DealScreen(Localized, ContactScreen[DealClosed]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="deal.close"),
        Binding("ctrl+s", "save", N_("Save"), id="deal.save"),
        Binding("c", "log_call", N_("Call"), id="deal.log-call"),
        Binding("a", "log_other", N_("Log…"), id="deal.log-activity"),
        Binding("n", "next_contact", N_("Next contact"), id="deal.next-contact"),
        Binding("1", "quick_contact(0)", N_("+1 h"), id="deal.next-in-an-hour"),
        Binding("2", "quick_contact(1)", N_("Tomorrow"), id="deal.next-tomorrow"),
        Binding("3", "quick_contact(2)", N_("+1 week"), id="deal.next-in-a-week"),
        Binding("shift+right,greater_than_sign", "step(1)", N_("Move ▶"), id="deal.advance"),
        Binding("shift+left,less_than_sign", "step(-1)", N_("◀ Move"), id="deal.retreat"),
        Binding("w", "win", N_("Won"), id="deal.win"),
        Binding("x", "lose", N_("Lost"), id="deal.lose"),
        Binding("e", "edit", N_("Edit"), id="deal.edit"),
        Binding("d", "delete", N_("Delete"), id="deal.delete"),
        Binding("r", "reload", N_("Reload"), show=False, id="deal.reload"),
    ]
    DEFAULT_CSS = """
    DealScreen #deal-summary { height: auto; padding: 0 1; background: $boost; }
    DealScreen #deal-body { height: 1fr; }
    DealScreen #deal-form { width: 1fr; min-width: 36; padding: 0 1; }
    DealScreen #deal-side { width: 1fr; border-left: vkey $foreground 20%; }
    DealScreen .section { text-style: bold; color: $accent; margin: 1 0; }
    DealScreen .select-row { height: 1; }
    DealScreen .select-row > Label { width: 16; color: $text-muted; }
    DealScreen .select-row > Select { width: 1fr; }
    DealScreen .select-row.-dirty > Label { text-style: bold; color: $warning; }
    DealScreen #timeline-title { padding: 0 1; text-style: bold; color: $accent; }
    DealScreen #timeline-detail {
        height: auto; max-height: 8; border-top: hkey $foreground 20%; padding: 0 1;
    }
    """

    def __init__(
        self, services: Services, deal_id: int, currency: str, view: DealView | None = None
    ) -> None:
        super().__init__(services)
        self._deal_services = services
        self._deal_id = deal_id
        self._currency = currency
        self.view: DealView | None = None
        self._read: DealView | None = view
        """The deal as read before the screen was shown: shown without a read of its own."""
        self._selects_saved: dict[str, object] = {}
        """What each select showed when loaded, to tell the user's choices from ours."""
        self._checklist_shown: tuple[int, tuple[str, ...]] | None = None
        """The stage and questions the checklist's fields are for (kept from deal to deal:
        re-mounting them costs a layout pass)."""
        self._select_options: dict[str | None, list[tuple[str, int]]] = {}
        self._styled_for = -1
        self._note_shown: object = _NO_NOTE
        self._showing = asyncio.Lock()
        """The timeline entry the note under the timeline shows."""
        self._told_version: int | None = None
        """The teammate's version the user was last told about while editing."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="deal-summary")
        with Horizontal(id="deal-body"):
            with VerticalScroll(id="deal-form"):
                yield Static(_("Details"), classes="section")
                yield from deal_form_fields(self._currency)
                for name, label in (
                    ("owner", _("Owner")),
                    ("pipeline", _("Pipeline")),
                    ("stage", _("Stage")),
                ):
                    with Horizontal(classes="select-row", id=f"row-{name}"):
                        yield Label(label)
                        yield Select[int]([], allow_blank=True, compact=True, id=f"select-{name}")
                yield Static("", classes="section", id="checklist-title")
                yield Vertical(id="checklist")
            with Vertical(id="deal-side"):
                yield Static(_("Timeline"), id="timeline-title")
                yield TimelineView(id="timeline")
                with VerticalScroll(id="timeline-detail"):
                    yield Static("", id="timeline-note")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.query_one(TimelineView).focus()
        read, self._read = self._read, None
        if read is not None and read.deal.id == self._deal_id:
            await self._show(read, False)
        else:
            self._load(keep_edits=False)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Reused (see `deal_screen`), the pane's styles are still right unless the app's CSS
        changed since it last showed (a theme switch): skip restyling its forty-odd widgets
        (~30 ms of each opening). Textual runs Screen's own handler after this one."""
        styled_for = self.app._css_update_count  # Textual 8.2.8 internals: the version is pinned
        if self._styled_for == styled_for:
            event.refresh_styles = False
        self._styled_for = styled_for

    def show_deal(self, deal_id: int) -> None:
        """Show another deal: the screen is composed once and reused (see `deal_screen`)."""
        self._deal_id = deal_id
        if not self.is_mounted:
            return  # on_mount loads it
        self.view = None
        self.query_one("#deal-summary", Static).update(_("Loading…"))
        timeline = self._reset_timeline()
        timeline.show((), self._now())
        self._load(keep_edits=False)

    async def present(self, view: DealView) -> None:
        """Show a deal read already (see `deal_screen_with`)."""
        self._deal_id = view.deal.id
        if not self.is_mounted:
            self._read = view  # on_mount shows it
            return
        self._reset_timeline()
        await self._show(view, False)

    def _reset_timeline(self) -> TimelineView:
        timeline = self.query_one(TimelineView)
        timeline.cursor = 0
        timeline.focus()
        return timeline

    @property
    def _text_fields(self) -> list[FormField]:
        return [f for f in self.query(FormField) if not f.field.startswith("q")]

    @property
    def _answer_fields(self) -> list[FormField]:
        return list(self.query_one("#checklist").query(FormField))

    # --- loading and showing ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="deal-load")
    def _load(self, keep_edits: bool) -> None:
        try:
            view = self._deal_services.deals.view(self._deal_id)
        except FunnelError as err:
            call_back(self, self._gone, err)
            return
        # Textual's stub cannot type an async callback returning None.
        call_back(self, self._show, view, keep_edits)

    def _gone(self, error: FunnelError) -> None:
        self._tell(str(error), "warning")
        self.dismiss(DealClosed(self._deal_id))

    async def _show(self, view: DealView, keep_edits: bool) -> None:
        """Show `view`; with `keep_edits`, the fields the user changed keep their text."""
        # One frame for all of it: each field, select and text below asks for its own
        # layout pass otherwise (~55 ms each on this screen, three or four per deal).
        # One at a time: a live refresh or a reload after a save may ask while the checklist's
        # fields of the last one are still being replaced (awaited below).
        async with self._showing:
            with self.app.batch_update():
                await self._fill_in(view, keep_edits)

    async def _fill_in(self, view: DealView, keep_edits: bool) -> None:
        self.view = view
        deal = view.deal
        self.title = clean(deal.title)
        self.sub_title = clean(
            _("{pipeline} · deal {number}").format(pipeline=view.pipeline.name, number=deal.id)
        )
        self.query_one("#deal-summary", Static).update(self._summary(view))
        texts = draft_to_text(draft_of(deal))
        for field in self._text_fields:
            (field.rebase if keep_edits else field.reset)(texts[field.field])
        self._show_selects(view, keep_edits)
        await self._show_checklist(view, keep_edits)
        timeline = self.query_one(TimelineView)
        timeline.show(view.timeline, self._now())
        self.query_one("#timeline-title", Static).update(
            Text(_timeline_title(len(view.timeline)), style="bold")
        )
        self._show_note(timeline.current)  # now, in this batch: not in a layout pass of its own

    def _summary(self, view: DealView) -> Text:
        deal, stage, now = view.deal, view.stage, self._now()
        summary = safe_text(deal.title, "bold")
        if deal.company:
            summary.append(" · ")
            summary.append_text(safe_text(deal.company))
        summary.append("\n")
        summary.append_text(safe_text(stage.name, "bold reverse" if stage.is_key else "bold"))
        summary.append(f" · {format_money(deal.value)} · ")
        summary.append_text(safe_text(view.owner.display_name))
        days = (now - deal.stage_entered_at).days
        in_stage = ngettext(" · {n} d in stage", " · {n} d in stage", days)
        summary.append(in_stage.format(n=format_number(days)), style="dim")
        summary.append("\n")
        if stage.kind is StageKind.WON:
            summary.append(_("Won"), style="bold green")
        elif stage.kind is StageKind.LOST:
            summary.append(_("Lost"), style="bold red")
            if view.loss_reason:
                summary.append(": ")
                summary.append_text(safe_text(view.loss_reason))
            if deal.loss_note:
                summary.append(" — ")
                summary.append_text(safe_text(deal.loss_note))
        elif deal.next_contact_at is None:
            summary.append(_("No next contact · n sets one"), style="yellow")
        else:
            style = _DUE_STYLES[due_state(deal.next_contact_at, now)]
            when = relative_time(deal.next_contact_at, now)
            summary.append(_("Next contact {when}").format(when=when), style)
            local = deal.next_contact_at.astimezone(self._zone)
            summary.append(f" ({format_day_time(local)})", style="dim")
            if deal.next_contact_note:
                summary.append(" — ")
                summary.append_text(safe_text(deal.next_contact_note))
        return summary

    def _show_selects(self, view: DealView, keep_edits: bool) -> None:
        deal = view.deal
        owners = [(safe_text(f"{u.display_name} ({u.login})"), u.id) for u in view.users]
        pipelines = [(safe_text(p.name), p.id) for p in view.pipelines]
        saved = {"owner": deal.owner_id, "pipeline": deal.pipeline_id, "stage": deal.stage_id}
        chosen = {
            name: (self._select(name).value if keep_edits and self._select_dirty(name) else value)
            for name, value in saved.items()
        }
        self._selects_saved = dict(saved)
        self._fill(self._select("owner"), owners, chosen["owner"])
        self._fill(self._select("pipeline"), pipelines, chosen["pipeline"])
        pipeline_id = chosen["pipeline"]
        self._fill_stages(pipeline_id if isinstance(pipeline_id, int) else deal.pipeline_id)
        self._select("stage").value = chosen["stage"]
        self._mark_selects()

    def _fill(self, select: Select[int], options: list[tuple[Any, int]], value: object) -> None:
        with self.prevent(Select.Changed):
            # Rebuilding a select's list costs a layout pass; most reloads change nothing.
            shown = [(str(prompt), key) for prompt, key in options]
            if self._select_options.get(select.id) != shown:
                self._select_options[select.id] = shown
                select.set_options(options)
            if isinstance(value, int) and select.value != value:
                select.value = value

    def _fill_stages(self, pipeline_id: int) -> None:
        """The stages a deal can be put in from the form: open ones and won (a loss needs a
        reason, so it has its own key), plus the deal's own stage if it is closed."""
        assert self.view is not None
        pipeline = next(p for p in self.view.pipelines if p.id == pipeline_id)
        current = self.view.deal.stage_id
        stages = [s for s in pipeline.stages if s.kind is not StageKind.LOST or s.id == current]
        self._fill(self._select("stage"), [(safe_text(s.name), s.id) for s in stages], None)

    async def _show_checklist(self, view: DealView, keep_edits: bool) -> None:
        stage = view.stage
        title = self.query_one("#checklist-title", Static)
        heading = _("Exit checklist · {stage}").format(stage=stage.name)
        title.update(safe_text(heading) if stage.checklist else "")
        title.display = bool(stage.checklist)
        box = self.query_one("#checklist", Vertical)
        shown = (stage.id, tuple(stage.checklist))
        if self._checklist_shown == shown:
            for field, question in zip(self._answer_fields, stage.checklist, strict=True):
                answer = view.answers.get(question, "")
                (field.rebase if keep_edits else field.reset)(answer)
            return
        self._checklist_shown = None  # until the new fields are all there
        await box.remove_children()
        await box.mount_all(
            FormField(f"q{index}", question, value=view.answers.get(question, ""))
            for index, question in enumerate(stage.checklist)
        )
        self._checklist_shown = shown

    def _select(self, name: str) -> Select[int]:
        return self.query_one(f"#select-{name}", Select)

    def _select_dirty(self, name: str) -> bool:
        return self._select(name).value != self._selects_saved.get(name)

    def _mark_selects(self) -> None:
        for name in ("owner", "pipeline", "stage"):
            self.query_one(f"#row-{name}").set_class(self._select_dirty(name), "-dirty")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "select-pipeline" and isinstance(event.value, int):
            self._fill_stages(event.value)
            assert self.view is not None
            same = event.value == self.view.deal.pipeline_id
            stage = self.view.deal.stage_id if same else self._first_open_stage(event.value)
            self._select("stage").value = stage
        self._mark_selects()

    def _first_open_stage(self, pipeline_id: int) -> int:
        assert self.view is not None
        pipeline = next(p for p in self.view.pipelines if p.id == pipeline_id)
        return pipeline.open_stages[0].id

    @property
    def dirty(self) -> bool:
        fields = [*self._text_fields, *self._answer_fields]
        return any(f.dirty for f in fields) or any(
            self._select_dirty(name) for name in ("owner", "pipeline", "stage")
        )

    # --- saving the form -------------------------------------------------------------------

    def action_edit(self) -> None:
        self.query_one("#field-title", FormField).input.focus()

    def action_save(self) -> None:
        if self.view is None:
            return
        draft = parsed_draft(self._text_fields)
        if draft is None:
            return
        stage = self.view.stage
        answers = {
            question: field.text
            for field, question in zip(self._answer_fields, stage.checklist, strict=True)
            if field.dirty
        }
        owner = self._select("owner").value
        login = next((u.login for u in self.view.users if u.id == owner), None)
        stage_choice = self._select("stage").value
        move_to = stage_choice if self._select_dirty("stage") else None
        self._save(draft, login, move_to if isinstance(move_to, int) else None, answers)

    @work(thread=True, exclusive=True, group="deal-write")
    def _save(
        self, draft: Any, owner: str | None, stage_id: int | None, answers: dict[str, str]
    ) -> None:
        assert self.view is not None
        saved = self._write(
            partial(
                self._deal_services.deals.edit,
                self._deal_id,
                draft,
                expected_version=self.view.deal.version,
                owner=owner,
                stage_id=stage_id,
                answers=answers,
            )
        )
        if saved is None:
            return
        call_back(self, self._tell, _("Saved"))
        call_back(self, self._load, False)
        if stage_id is not None:
            stage = next(s for p in self.view.pipelines for s in p.stages if s.id == saved.stage_id)
            call_back(self, self.ask_revival, saved, stage)

    @on(TimelineView.Highlighted)
    def _show_entry(self, event: TimelineView.Highlighted) -> None:
        # What is highlighted now: the event may be older than a deal shown since.
        self._show_note(self.query_one(TimelineView).current)

    def _show_note(self, entry: TimelineEntry | None) -> None:
        """The highlighted entry in full under the list: its whole note, wrapped. Not again
        when it is shown already (each update costs a layout pass of the pane)."""
        if entry == self._note_shown:
            return
        self._note_shown = entry
        note = self.query_one("#timeline-note", Static)
        note.update("" if entry is None else timeline_text(entry, self._now(), limit=None))

    def _write(self, write: Callable[[], Deal]) -> Deal | None:
        """Run one write of this deal (from a worker thread). A teammate's change first
        reloads the pane around the user's edits; a bad value is shown at its field; any
        other refusal is told. None when nothing was written."""
        try:
            return write()
        except ConflictError:
            call_back(self, self._conflicted)
        except ValidationError as err:
            call_back(self, self._invalid, err)
        except FunnelError as err:
            call_back(self, self._tell, str(err), "warning")
        return None

    def _conflicted(self) -> None:
        self._tell(
            _(
                "Someone changed this deal since you opened it. Their changes are now shown; "
                "your edits are kept (in bold). Check them and save again with ctrl+s."
            ),
            "warning",
        )
        self._load(keep_edits=True)

    def _invalid(self, error: ValidationError) -> None:
        fields = {field.field: field for field in self._text_fields}
        if error.field in fields:
            fields[error.field].show_error(error.message)
            fields[error.field].input.focus()
        else:
            self._tell(str(error), "warning")

    # --- closing ---------------------------------------------------------------------------

    def action_close(self) -> None:
        in_form = self.focused is not None and self.query_one("#deal-form") in (
            self.focused.ancestors
        )
        if in_form and self.dirty:
            self.query_one(TimelineView).focus()
            self._tell(_("Edits kept: ctrl+s saves them, esc again discards them"))
            return
        if self.dirty:
            self._discard_and_close()
        else:
            self.dismiss(DealClosed(self._deal_id))

    @work(group="deal-confirm")
    async def _discard_and_close(self) -> None:
        question = Text(_("Discard your unsaved edits to this deal?"))
        if await self.app.push_screen_wait(ConfirmModal(question)):
            self.dismiss(DealClosed(self._deal_id))

    def action_reload(self) -> None:
        self._load(keep_edits=True)

    # --- live refresh (the app polls the database for changes) -----------------------------

    def live_refresh(self) -> None:
        """Someone changed the database: show this deal as it is now, if it changed."""
        if self.view is not None:
            self._load_live(self.view)

    @work(thread=True, exclusive=True, group="deal-live")
    def _load_live(self, shown: DealView) -> None:
        try:
            view = self._deal_services.deals.view(shown.deal.id)
        except FunnelError:
            return  # deleted, or busy: the user finds out when they act on it
        if view != shown:
            call_back(self, self._changed_underneath, view)

    async def _changed_underneath(self, view: DealView) -> None:
        shown = self.view
        if shown is None or view.deal.id != shown.deal.id:
            return  # another deal is shown by now
        if view.deal.version < shown.deal.version:
            return  # read before a newer version was shown
        if not self.dirty:
            await self._show(view, keep_edits=True)
            return
        # The user is typing: their text stays, and so does the version they started from,
        # so that saving is refused rather than overwriting the teammate's change unseen.
        if view.deal.version != shown.deal.version and self._told_version != view.deal.version:
            self._told_version = view.deal.version
            self._tell(
                _(
                    "Someone else just changed this deal. Your edits are kept; r shows their "
                    "changes around them (or save, and you will be asked to check them)."
                ),
                "warning",
            )

    # --- activities and the next contact (ContactScreen's keys) ---------------------------

    def contact_target(self) -> ContactTarget | None:
        if self.view is None:
            return None
        deal = self.view.deal
        return ContactTarget(deal.id, deal.title, deal.next_contact_at, deal.next_contact_note)

    def contact_done(self) -> None:
        self._load(keep_edits=True)

    # --- moving and deleting ---------------------------------------------------------------

    def _ready_to_move(self) -> DealView | None:
        """The view, if the deal can be moved now: not with unsaved edits in the form (the
        move would leave checklist answers typed for the old stage behind)."""
        if self.view is None:
            return None
        if self.dirty:
            self._tell(_("Save your edits first (ctrl+s), or discard them (esc, esc)"), "warning")
            return None
        return self.view

    def action_step(self, direction: int) -> None:
        view = self._ready_to_move()
        if view is None:
            return
        stage = view.stage
        if not stage.is_open:
            self._tell(_("The deal is closed: choose an open stage in the form to reopen it"))
            return
        stages = view.pipeline.open_stages
        index = stages.index(stage) + direction
        if not 0 <= index < len(stages):
            if direction > 0:
                self._tell(_("Already at the last stage"))
            else:
                self._tell(_("Already at the first stage"))
            return
        self._confirm_and_move(view, stages[index])

    def action_win(self) -> None:
        view = self._ready_to_move()
        if view is not None:
            self._confirm_and_move(view, view.pipeline.won_stage)

    def action_lose(self) -> None:
        view = self._ready_to_move()
        if view is not None:
            self._ask_loss(view)

    @work(group="deal-confirm")
    async def _confirm_and_move(self, view: DealView, target: Stage) -> None:
        question = move_question(
            view.deal.title, view.pipeline, view.stage, target, view.unanswered
        )
        if question is not None and not await self.app.push_screen_wait(ConfirmModal(question)):
            return
        self._move(view.deal, target, None)

    @work(group="deal-confirm")
    async def _ask_loss(self, view: DealView) -> None:
        reasons = view.pipeline.active_loss_reasons
        choice = await self.app.push_screen_wait(LoseModal(view.deal.title, reasons))
        if choice is not None:
            self._move(view.deal, view.pipeline.lost_stage, (choice.reason, choice.note))

    @work(thread=True, group="deal-write")
    def _move(self, deal: Deal, target: Stage, loss: tuple[str | None, str | None] | None) -> None:
        reason, note = loss or (None, None)
        moved = self._write(
            partial(
                self._deal_services.deals.move,
                deal.id,
                target.id,
                expected_version=deal.version,
                loss_reason=reason,
                loss_note=note,
            )
        )
        if moved is None:
            return
        call_back(self, self._tell, _("Moved to {stage}").format(stage=target.name))
        call_back(self, self._load, False)
        call_back(self, self.ask_revival, moved, target)

    def action_delete(self) -> None:
        if self.view is not None:
            self._confirm_delete(self.view)

    @work(group="deal-confirm")
    async def _confirm_delete(self, view: DealView) -> None:
        question = fill(
            _("Delete {title}? It can be restored: u on the board, or `funnel restore`."),
            title=safe_text(view.deal.title, "bold"),
        )
        if await self.app.push_screen_wait(ConfirmModal(question)):
            self._delete(view.deal)

    @work(thread=True, group="deal-write")
    def _delete(self, deal: Deal) -> None:
        deleted = self._write(
            partial(self._deal_services.deals.delete, deal.id, expected_version=deal.version)
        )
        if deleted is None:
            return
        call_back(self, partial(self.dismiss, DealClosed(deal.id, deal.title, deleted.version)))
